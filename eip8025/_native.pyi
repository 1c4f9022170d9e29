"""Type stub of the C extension ``eip8025._native`` (sources in ``csrc/``).

The built-in ``KIND_MOCK`` / ``KIND_ZKBOOST_MOCK`` backends are NOT zero-knowledge proofs.
"""

import os
from typing import Final, TypeAlias, final

_Buffer: TypeAlias = bytes | bytearray | memoryview
_Path: TypeAlias = str | bytes | os.PathLike[str] | os.PathLike[bytes]

ABI_VERSION: Final[int]
SHA256_IMPL: Final[str]
CPU_COUNT: Final[int]
MOCK_DOMAIN_TAG: Final[str]
STATUS_NAMES: Final[dict[int, str]]
ERE_VERIFIER_SYMBOLS: Final[tuple[str, ...]]
PROVER_SYMBOLS: Final[tuple[str, ...]]

OK: Final[int]
ERR_NULL_PTR: Final[int]
ERR_BAD_KIND: Final[int]
ERR_DECODE_PROGRAM_VK: Final[int]
ERR_DECODE_PROOF: Final[int]
ERR_VERIFY: Final[int]
ERR_INTERNAL: Final[int]
ERR_DECODE_INPUT: Final[int]
ERR_LIBRARY_LOAD: Final[int]
ERR_MISSING_SYMBOL: Final[int]
ERR_ABI_MISMATCH: Final[int]

KIND_OPENVM: Final[int]
KIND_SP1: Final[int]
KIND_ZISK: Final[int]
KIND_MOCK: Final[int]
KIND_ZKBOOST_MOCK: Final[int]

MOCK_DEFAULT_PROOF_SIZE: Final[int]
MOCK_MIN_PROOF_SIZE: Final[int]
MOCK_MAX_PROOF_SIZE: Final[int]
MOCK_PUBLIC_VALUES_SIZE: Final[int]
ZKBOOST_MOCK_MIN_PROOF_SIZE: Final[int]
ZKBOOST_MOCK_PUBLIC_VALUES_SIZE: Final[int]

class NativeError(Exception):
    """A native status other than OK (ABI status or loader failure)."""

    code: int
    status: str
    library: str | None
    def __init__(
        self,
        message: str = "",
        code: int = 6,
        status: str | None = None,
        library: str | None = None,
    ) -> None: ...

def hash_layer(data: _Buffer, /) -> bytes:
    """SHA-256 of each 64-byte message of ``data``, concatenated."""

def _hash_layer_portable(data: _Buffer, /) -> bytes:
    """``hash_layer`` forced onto the portable C SHA-256."""

def _hash_layer_impl(data: _Buffer, *, portable: bool = False, threads: int = 1) -> bytes:
    """``hash_layer`` with an explicit implementation and thread count."""

def get_hash_threads() -> int:
    """Threads ``hash_layer`` may use on a large layer."""

def set_hash_threads(threads: int, /) -> None:
    """Set the threads ``hash_layer`` may use (1..16)."""

@final
class Verifier:
    """A verifier speaking the ere-verifier-c C ABI (built-in mock kinds or a library)."""

    @property
    def kind(self) -> int:
        """The zkVM kind asked for."""

    @property
    def backend(self) -> str:
        """``'mock'``, ``'zkboost-mock'`` or ``'library'``."""

    @property
    def library(self) -> str | None:
        """Path of the loaded library, or None for built-ins."""

    def __new__(cls, kind: int, program_vk: _Buffer, library: _Path | None = None) -> Verifier: ...
    def verify(self, proof: _Buffer, /) -> bytes:
        """Verify ``proof`` and return the public values; NativeError if not accepted."""

    def zkvm_kind(self) -> int:
        """The kind reported by ``ere_verifier_zkvm_kind``."""

@final
class Prover:
    """A prover speaking the eip8025 prover C ABI (built-in mock kinds or a library)."""

    @property
    def kind(self) -> int:
        """The zkVM kind."""

    @property
    def backend(self) -> str:
        """``'mock'``, ``'zkboost-mock'`` or ``'library'``."""

    @property
    def library(self) -> str | None:
        """Path of the loaded library, or None for built-ins."""

    @property
    def proof_size(self) -> int | None:
        """Total proof size of a built-in mock prover; None for libraries."""

    def __new__(
        cls,
        kind: int,
        program: _Buffer,
        library: _Path | None = None,
        *,
        proof_size: int | None = None,
    ) -> Prover: ...
    def prove(self, input: _Buffer, /) -> tuple[bytes, bytes]:
        """Prove ``input`` and return ``(proof, public_values)``."""
