"""Proof-engine configuration and the public-values binding rule.

Configuration file: a superset of Lighthouse PR #10080's ``--proof-engine`` JSON file::

    {"execution_proofs": [
        {"proof_type": 1, "program_vk": "0x..."},                       # Lighthouse's keys
        {"proof_type": 2, "program_vk": "0x...", "backend": "mock",      # our extensions
         "public_values": "ssz", "proof_size": 131072},
        {"proof_type": 5, "program_vk": "0x...", "backend": "library",
         "verifier_library": "/opt/ere/libere_verifier_c.so", "zkvm_kind": 3},
        {"proof_type": 6, "backend": "groth16-sp1-v4", "program_vk": "0x<32-byte vkey hash>",
         "groth16_vk": "sp1_v4_groth16_vk.bin"},                         # selector derived
        {"proof_type": 7, "backend": "groth16-risc0-v3", "program_vk": "0x<32-byte image id>",
         "groth16_vk": {"alpha_g1": ..., "ic": [...]}, "selector": "0x73c457ba",
         "control_root": "0x...", "bn254_control_id": "0x..."}
    ]}

A Lighthouse file (only ``proof_type`` and ``program_vk``) loads unchanged; the extension keys
choose how each type is verified (``backend``) and how its public values are bound to the proof's
``PublicInput`` (``public_values``).

Groth16 backends (``groth16-sp1-v4``, ``groth16-risc0-v3``): the built-in BN254 Groth16 verifiers
of :mod:`eip8025.groth16` (real proofs; verify only, there is no prover). ``program_vk`` keeps
naming the program: SP1's 32-byte program vkey hash, or RISC Zero's 32-byte image id. Their other
keys:

* ``groth16_vk`` (required): a path to a gnark-crypto compressed VK file (``groth16_vk.bin``;
  relative paths are resolved against the configuration file's directory, or ``base_dir``), or an
  inline object in the fixtures' ``verifying_key`` form (``alpha_g1``, ``beta_g2``, ``gamma_g2``,
  ``delta_g2``, ``ic``). SP1 needs 3 ``ic`` points, RISC Zero 6;
* ``selector``: the 4-byte proof selector, ``0x`` + 8 hex digits. Optional for SP1 with a gnark
  file (then ``sha256(file)[:4]``, and a given selector must equal it); required otherwise;
* ``control_root`` and ``bn254_control_id`` (RISC Zero only, required): 32 bytes each, as written
  in risc0-ethereum's ``ControlID.sol``.

:attr:`ProofTypeConfig.verifier_program_vk` is what a verifier is created with for every backend:
for the Groth16 backends the native program vk of ``csrc/include/eip8025_groth16.h``, built from
the parsed keys (the loader builds it once to validate the entry).

Binding rule (what a verifier's returned public values must be for the proof to count):

* ``ssz`` (default): exactly the 43-byte SSZ serialization of the proof's ``PublicInput``
  (``new_payload_request_root``, ``successful_validation = True``, ``chain_id``, ``schema_id``), or
  those 43 bytes zero-padded to 256 bytes (OpenVM and ZisK pad public values to 256 bytes);
* ``zkboost-v0.7``: the form zkboost v0.7's mock prover commits to (see
  :func:`zkboost_v07_public_values`).

Anything else - a different root, ``successful_validation = False``, another chain id or schema,
trailing non-zero bytes, a different length - is INVALID.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ssz.exceptions import DeserializationError

from eip8025 import groth16
from eip8025.containers import STATELESS_INPUT_SCHEMA_ID, PublicInput
from eip8025.errors import Eip8025Error
from eip8025.hexbytes import HexError, parse_hex

__all__ = [
    "PADDED_PUBLIC_VALUES_SIZE",
    "Backend",
    "ProofEngineConfig",
    "ProofEngineConfigError",
    "ProofTypeConfig",
    "PublicValuesForm",
    "devnet_mock_config",
    "load_proof_engine_config",
    "public_values_match",
    "zkboost_v07_public_values",
]

PADDED_PUBLIC_VALUES_SIZE = 256
DEFAULT_MOCK_PROOF_SIZE = 128 * 1024


class ProofEngineConfigError(Eip8025Error, ValueError):
    """The proof-engine configuration is malformed (message names the entry and key)."""


class Backend(enum.Enum):
    """How a proof type is verified / proven in-process."""

    MOCK = "mock"
    """Built-in mock: NOT a zero-knowledge proof (devnets and tests)."""
    ZKBOOST_MOCK = "zkboost-mock"
    """Built-in mock producing / accepting zkboost v0.7 mock proofs (NOT a proof either)."""
    LIBRARY = "library"
    """An external library loaded by path (ere-verifier-c ABI / our prover ABI)."""
    GROTH16_SP1_V4 = "groth16-sp1-v4"
    """Built-in BN254 Groth16 verifier of SP1 v4 proofs (real proofs; verify only)."""
    GROTH16_RISC0_V3 = "groth16-risc0-v3"
    """Built-in BN254 Groth16 verifier of RISC Zero v3 receipts (real proofs; verify only)."""

    @property
    def is_groth16(self) -> bool:
        """True for the built-in Groth16 backends (which cannot prove)."""
        return self in (Backend.GROTH16_SP1_V4, Backend.GROTH16_RISC0_V3)


class PublicValuesForm(enum.Enum):
    """How the public values returned by a verifier bind the proof to its ``PublicInput``."""

    SSZ = "ssz"
    ZKBOOST_V07 = "zkboost-v0.7"


@dataclasses.dataclass(frozen=True)
class ProofTypeConfig:
    """Configuration of one proof type.

    ``program_vk`` is the configured program identity (for the Groth16 backends: SP1's program
    vkey hash or RISC Zero's image id). ``groth16_vk``, ``selector``, ``control_root`` and
    ``bn254_control_id`` are the parsed Groth16 keys (None for other backends);
    :attr:`verifier_program_vk` assembles what a native verifier is created with.
    """

    proof_type: int
    program_vk: bytes
    backend: Backend = Backend.LIBRARY
    public_values: PublicValuesForm = PublicValuesForm.SSZ
    verifier_library: str | None = None
    prover_library: str | None = None
    zkvm_kind: int | None = None
    proof_size: int = DEFAULT_MOCK_PROOF_SIZE
    groth16_vk: groth16.Groth16VerifyingKey | None = None
    selector: bytes | None = None
    control_root: bytes | None = None
    bn254_control_id: bytes | None = None

    @property
    def verifier_program_vk(self) -> bytes:
        """The program vk a native verifier of this type is created with.

        ``program_vk`` itself, except for the Groth16 backends: their native program vk
        (selector, program identity, control ids and VK, ``eip8025_groth16.h``).

        Raises:
            ValueError: If the Groth16 keys do not form a valid program vk (the loader refuses
                such an entry, so a loaded configuration never raises).
        """
        if not self.backend.is_groth16:
            return self.program_vk
        if self.groth16_vk is None or self.selector is None:
            raise ValueError(f"proof type {self.proof_type}: groth16_vk and selector are required")
        if self.backend is Backend.GROTH16_SP1_V4:
            return groth16.sp1_v4_program_vk(self.groth16_vk, self.program_vk, self.selector)
        if self.control_root is None or self.bn254_control_id is None:
            raise ValueError(
                f"proof type {self.proof_type}: control_root and bn254_control_id are required"
            )
        return groth16.risc0_v3_program_vk(
            self.groth16_vk,
            self.selector,
            self.program_vk,
            self.control_root,
            self.bn254_control_id,
        )


@dataclasses.dataclass(frozen=True)
class ProofEngineConfig:
    """Per-proof-type configuration, keyed by proof type id."""

    proof_types: Mapping[int, ProofTypeConfig]

    def get(self, proof_type: int) -> ProofTypeConfig | None:
        """The configuration of a proof type, or None if it is not configured."""
        return self.proof_types.get(proof_type)


_GROTH16_KEYS = ("groth16_vk", "selector", "control_root", "bn254_control_id")
_NOT_FOR_GROTH16 = ("verifier_library", "prover_library", "zkvm_kind", "proof_size")

_KNOWN_KEYS = {
    "proof_type",
    "program_vk",
    "backend",
    "public_values",
    "verifier_library",
    "prover_library",
    "zkvm_kind",
    "proof_size",
    *_GROTH16_KEYS,
}


def _hex(value: Any, where: str) -> bytes:
    try:
        return parse_hex(value, what=where)
    except HexError as exc:
        raise ProofEngineConfigError(str(exc)) from None


def _sized_hex(raw: Mapping[str, Any], key: str, where: str, length: int) -> bytes | None:
    if key not in raw:
        return None
    value = _hex(raw[key], f"{where}.{key}")
    if len(value) != length:
        raise ProofEngineConfigError(f"{where}.{key}: expected {length} bytes, got {len(value)}")
    return value


def _groth16_vk(
    value: Any, where: str, base_dir: Path | None
) -> tuple[groth16.Groth16VerifyingKey, bytes | None]:
    """The VK of ``groth16_vk`` and, for a gnark file, the file's bytes."""
    if isinstance(value, Mapping):
        try:
            return groth16.Groth16VerifyingKey.from_json(value), None
        except ValueError as exc:
            raise ProofEngineConfigError(f"{where}.groth16_vk: {exc}") from None
    if not isinstance(value, str) or not value:
        raise ProofEngineConfigError(
            f"{where}.groth16_vk: expected the path of a gnark-compressed VK file (.bin) or an "
            "inline verifying_key object"
        )
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProofEngineConfigError(f"{where}.groth16_vk: cannot read {path}: {exc}") from None
    try:
        return groth16.Groth16VerifyingKey.from_gnark(data), data
    except ValueError as exc:
        raise ProofEngineConfigError(f"{where}.groth16_vk: {path}: {exc}") from None


def _groth16_entry(
    raw: Mapping[str, Any], where: str, config: ProofTypeConfig, base_dir: Path | None
) -> ProofTypeConfig:
    """Check the Groth16 keys of an entry and build its native program vk."""
    backend = config.backend
    stray = [key for key in _NOT_FOR_GROTH16 if key in raw]
    if stray:
        raise ProofEngineConfigError(
            f"{where}: backend {backend.value!r} is built in and verify-only; {stray} do not apply"
        )
    sp1 = backend is Backend.GROTH16_SP1_V4
    identity = "SP1 program vkey hash" if sp1 else "RISC Zero image id"
    if "program_vk" not in raw or len(config.program_vk) != 32:
        raise ProofEngineConfigError(
            f"{where}.program_vk: backend {backend.value!r} needs the 32-byte {identity}"
        )
    if "groth16_vk" not in raw:
        raise ProofEngineConfigError(
            f"{where}: backend {backend.value!r} needs groth16_vk (a gnark .bin file path or an "
            "inline verifying_key object)"
        )
    vk, gnark_bytes = _groth16_vk(raw["groth16_vk"], where, base_dir)
    selector = _sized_hex(raw, "selector", where, groth16.SELECTOR_LEN)
    if sp1:
        stray = [key for key in ("control_root", "bn254_control_id") if key in raw]
        if stray:
            raise ProofEngineConfigError(f"{where}: {stray} only apply to 'groth16-risc0-v3'")
        if gnark_bytes is not None:
            derived = groth16.sp1_v4_selector(gnark_bytes)
            if selector is not None and selector != derived:
                raise ProofEngineConfigError(
                    f"{where}.selector: 0x{selector.hex()} does not match the groth16_vk file, "
                    f"whose selector is sha256(file)[:4] = 0x{derived.hex()}"
                )
            selector = derived
    if selector is None:
        raise ProofEngineConfigError(
            f"{where}.selector: required (0x + 8 hex digits)"
            + (" with an inline groth16_vk" if sp1 else "")
        )
    control_root = _sized_hex(raw, "control_root", where, 32)
    bn254_control_id = _sized_hex(raw, "bn254_control_id", where, 32)
    if not sp1 and (control_root is None or bn254_control_id is None):
        raise ProofEngineConfigError(
            f"{where}: backend 'groth16-risc0-v3' needs control_root and bn254_control_id "
            "(32 bytes each, as written in risc0-ethereum's ControlID.sol)"
        )
    entry = dataclasses.replace(
        config,
        groth16_vk=vk,
        selector=selector,
        control_root=control_root,
        bn254_control_id=bn254_control_id,
    )
    try:
        _ = entry.verifier_program_vk  # built once here, so a bad entry fails at load
    except ValueError as exc:
        raise ProofEngineConfigError(f"{where}: {exc}") from None
    return entry


def _entry(
    raw: Any, index: int, default_backend: Backend, base_dir: Path | None = None
) -> ProofTypeConfig:
    where = f"execution_proofs[{index}]"
    if not isinstance(raw, dict):
        raise ProofEngineConfigError(f"{where}: expected an object")
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise ProofEngineConfigError(f"{where}: unknown keys {sorted(unknown)}")
    if "proof_type" not in raw or not isinstance(raw["proof_type"], int):
        raise ProofEngineConfigError(f"{where}.proof_type: an integer is required")
    proof_type = raw["proof_type"]
    if not 0 <= proof_type <= 255:
        raise ProofEngineConfigError(f"{where}.proof_type: {proof_type} is not a Uint8")
    try:
        backend = Backend(raw.get("backend", default_backend.value))
        default_form = (
            PublicValuesForm.ZKBOOST_V07
            if backend is Backend.ZKBOOST_MOCK
            else PublicValuesForm.SSZ
        )
        form = PublicValuesForm(raw.get("public_values", default_form.value))
    except ValueError as exc:
        raise ProofEngineConfigError(f"{where}: {exc}") from None
    config = ProofTypeConfig(
        proof_type=proof_type,
        program_vk=_hex(raw.get("program_vk", "0x"), f"{where}.program_vk"),
        backend=backend,
        public_values=form,
        verifier_library=raw.get("verifier_library"),
        prover_library=raw.get("prover_library"),
        zkvm_kind=raw.get("zkvm_kind"),
        proof_size=int(raw.get("proof_size", DEFAULT_MOCK_PROOF_SIZE)),
    )
    if backend.is_groth16:
        return _groth16_entry(raw, where, config, base_dir)
    groth16_keys = [key for key in _GROTH16_KEYS if key in raw]
    if groth16_keys:
        raise ProofEngineConfigError(
            f"{where}: {groth16_keys} only apply to the groth16-sp1-v4 / groth16-risc0-v3 backends"
        )
    if backend is Backend.LIBRARY and not (config.verifier_library or config.prover_library):
        raise ProofEngineConfigError(
            f"{where}: backend 'library' needs verifier_library and/or prover_library"
        )
    if backend is Backend.LIBRARY and config.zkvm_kind is None:
        raise ProofEngineConfigError(f"{where}: backend 'library' needs zkvm_kind")
    if config.proof_size < 64:
        raise ProofEngineConfigError(f"{where}.proof_size: at least 64 bytes")
    return config


def load_proof_engine_config(
    source: Mapping[str, Any] | str | Path,
    *,
    default_backend: Backend = Backend.LIBRARY,
    base_dir: str | Path | None = None,
) -> ProofEngineConfig:
    """Load a proof-engine file (Lighthouse PR #10080 format plus our extension keys).

    Args:
        source: A path to the JSON file, or its parsed content.
        default_backend: Backend of entries that do not name one (a Lighthouse file names none).
        base_dir: Directory relative ``groth16_vk`` paths are resolved against. Default: the
            file's directory when ``source`` is a path, else the current directory.

    Raises:
        ProofEngineConfigError: On any malformed entry, duplicate type, or unreadable file.
    """
    if base_dir is None and isinstance(source, (str, Path)):
        base_dir = Path(source).resolve().parent
    if isinstance(source, (str, Path)):
        try:
            with open(source, encoding="utf-8") as handle:
                data: Any = json.load(handle)
        except (OSError, ValueError) as exc:  # ValueError: JSON or UTF-8 decoding
            raise ProofEngineConfigError(f"{source}: not a readable JSON file ({exc})") from None
    else:
        data = source
    if not isinstance(data, Mapping) or not isinstance(data.get("execution_proofs"), list):
        raise ProofEngineConfigError('expected {"execution_proofs": [...]}')
    entries: dict[int, ProofTypeConfig] = {}
    for index, raw in enumerate(data["execution_proofs"]):
        entry = _entry(raw, index, default_backend, None if base_dir is None else Path(base_dir))
        if entry.proof_type in entries:
            raise ProofEngineConfigError(f"proof type {entry.proof_type} is configured twice")
        entries[entry.proof_type] = entry
    return ProofEngineConfig(entries)


def devnet_mock_config(
    proof_types: Iterable[int], proof_size: int = DEFAULT_MOCK_PROOF_SIZE
) -> ProofEngineConfig:
    """The built-in devnet configuration: the ``mock`` backend for every given type.

    The mock is NOT a zero-knowledge proof. Each type gets its own program vk
    (``sha256("eip8025-devnet-mock-vk" || type)``) so a proof of one type never verifies as
    another.
    """
    return ProofEngineConfig(
        {
            t: ProofTypeConfig(
                proof_type=t,
                program_vk=hashlib.sha256(b"eip8025-devnet-mock-vk" + bytes([t])).digest(),
                backend=Backend.MOCK,
                proof_size=proof_size,
            )
            for t in proof_types
        }
    )


def zkboost_v07_public_values(public_input: PublicInput) -> bytes:
    """Zkboost v0.7 mock commitment: ``sha256(new_payload_request_root || 0x01)`` (32 bytes)."""
    return hashlib.sha256(public_input.new_payload_request_root + b"\x01").digest()


def public_values_match(
    form: PublicValuesForm, public_values: bytes, public_input: PublicInput
) -> bool:
    """True iff a verifier's public values bind the proof to ``public_input`` (module docs)."""
    if not public_input.successful_validation:
        return False
    if public_input.schema_id != STATELESS_INPUT_SCHEMA_ID:
        return False
    if form is PublicValuesForm.ZKBOOST_V07:
        return public_values == zkboost_v07_public_values(public_input)
    expected = public_input.encode_bytes()
    if public_values == expected:
        return True
    return len(public_values) == PADDED_PUBLIC_VALUES_SIZE and public_values == expected.ljust(
        PADDED_PUBLIC_VALUES_SIZE, b"\x00"
    )


def committed_chain_id(
    form: PublicValuesForm, public_values: bytes, public_input: PublicInput
) -> int | None:
    """The ``chain_id`` the public values commit to, when they are ``public_input`` but for it.

    Only the ``ssz`` form commits to a chain id (zkboost's hash does not); returns None when the
    values differ in anything else, or commit to the same chain id.
    """
    if form is not PublicValuesForm.SSZ:
        return None
    size = len(public_input.encode_bytes())
    body = public_values[:size]
    if len(public_values) not in (size, PADDED_PUBLIC_VALUES_SIZE) or public_values[size:].strip(
        b"\x00"
    ):
        return None
    try:
        committed = PublicInput.decode_bytes(body)
    except DeserializationError:
        return None
    if committed.chain_id == public_input.chain_id:
        return None
    if committed != public_input.copy_with(chain_id=committed.chain_id):
        return None
    return committed.chain_id
