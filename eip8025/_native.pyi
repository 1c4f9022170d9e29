"""Type stub of the C extension ``eip8025._native`` (sources in ``csrc/``).

The built-in ``KIND_MOCK`` / ``KIND_ZKBOOST_MOCK`` backends are NOT zero-knowledge proofs. The
built-in ``KIND_GROTH16_SP1_V4`` / ``KIND_GROTH16_RISC0_V3`` backends verify real Groth16 proofs
over BN254 (layouts in ``csrc/include/eip8025_groth16.h``).
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
KIND_GROTH16_SP1_V4: Final[int]
KIND_GROTH16_RISC0_V3: Final[int]
GROTH16_PROOF_SIZE: Final[int]
GROTH16_SELECTOR_SIZE: Final[int]

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
    reason: str | None
    def __init__(
        self,
        message: str = "",
        code: int = 6,
        status: str | None = None,
        library: str | None = None,
        reason: str | None = None,
    ) -> None: ...

def hash_layer(data: _Buffer, /) -> bytes:
    """SHA-256 of each 64-byte message of ``data``, concatenated."""

def _hash_layer_portable(data: _Buffer, /) -> bytes:
    """``hash_layer`` forced onto the portable C SHA-256."""

def _hash_layer_impl(data: _Buffer, *, portable: bool = False, threads: int = 1) -> bytes:
    """``hash_layer`` with an explicit implementation and thread count."""

def bn254_add(data: _Buffer, /) -> bytes:
    """EIP-196 ECADD: two G1 points, input zero-padded to 128 bytes; 64-byte result."""

def bn254_mul(data: _Buffer, /) -> bytes:
    """EIP-196 ECMUL: G1 point || 32-byte scalar, zero-padded to 96 bytes; 64-byte result."""

def bn254_pairing_check(data: _Buffer, /) -> bool:
    """EIP-197: True iff the product of the pairings of k (G1, G2) pairs is 1."""

def groth16_verify(vk: _Buffer, proof: _Buffer, public_inputs: _Buffer, /) -> None:
    """Bare Groth16 check over BN254; NativeError with ``.reason`` if not accepted."""

def _bn254_pairing(data: _Buffer, /) -> bytes:
    """Test hook: the 384-byte Fp12 product of the reduced pairings of an EIP-197 input."""

def _bn254_field_op(degree: int, op: str, a: _Buffer, b: _Buffer = ..., /) -> bytes:
    """Test hook: one Fp / Fp2 / Fp6 / Fp12 operation."""

def _bn254_g2_add(a: _Buffer, b: _Buffer, /) -> bytes:
    """Test hook: G2 addition (128-byte EIP-197 encoding)."""

def _bn254_g2_mul(a: _Buffer, k: _Buffer, /) -> bytes:
    """Test hook: G2 scalar multiplication by a 32-byte big-endian scalar."""

def bn254_g2_in_subgroup(point: _Buffer, /) -> bool:
    """True iff the 128-byte EIP-197 G2 point is in the order-r subgroup."""

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
        """The backend name: mock, zkboost-mock, groth16-sp1-v4, groth16-risc0-v3 or library."""

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
