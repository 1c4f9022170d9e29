"""Proof-engine configuration and the public-values binding rule.

Configuration file: a superset of Lighthouse PR #10080's ``--proof-engine`` JSON file::

    {"execution_proofs": [
        {"proof_type": 1, "program_vk": "0x..."},                       # Lighthouse's keys
        {"proof_type": 2, "program_vk": "0x...", "backend": "mock",      # our extensions
         "public_values": "ssz", "proof_size": 131072},
        {"proof_type": 5, "program_vk": "0x...", "backend": "library",
         "verifier_library": "/opt/ere/libere_verifier_c.so", "zkvm_kind": 3}
    ]}

A Lighthouse file (only ``proof_type`` and ``program_vk``) loads unchanged; the extension keys
choose how each type is verified (``backend``) and how its public values are bound to the proof's
``PublicInput`` (``public_values``).

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

from eip8025.profile import STATELESS_INPUT_SCHEMA_ID, PublicInput

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


class ProofEngineConfigError(ValueError):
    """The proof-engine configuration is malformed (message names the entry and key)."""


class Backend(enum.Enum):
    """How a proof type is verified / proven in-process."""

    MOCK = "mock"
    """Built-in mock: NOT a zero-knowledge proof (devnets and tests)."""
    ZKBOOST_MOCK = "zkboost-mock"
    """Built-in mock producing / accepting zkboost v0.7 mock proofs (NOT a proof either)."""
    LIBRARY = "library"
    """An external library loaded by path (ere-verifier-c ABI / our prover ABI)."""


class PublicValuesForm(enum.Enum):
    """How the public values returned by a verifier bind the proof to its ``PublicInput``."""

    SSZ = "ssz"
    ZKBOOST_V07 = "zkboost-v0.7"


@dataclasses.dataclass(frozen=True)
class ProofTypeConfig:
    """Configuration of one proof type."""

    proof_type: int
    program_vk: bytes
    backend: Backend = Backend.LIBRARY
    public_values: PublicValuesForm = PublicValuesForm.SSZ
    verifier_library: str | None = None
    prover_library: str | None = None
    zkvm_kind: int | None = None
    proof_size: int = DEFAULT_MOCK_PROOF_SIZE


@dataclasses.dataclass(frozen=True)
class ProofEngineConfig:
    """Per-proof-type configuration, keyed by proof type id."""

    proof_types: Mapping[int, ProofTypeConfig]

    def get(self, proof_type: int) -> ProofTypeConfig | None:
        """The configuration of a proof type, or None if it is not configured."""
        return self.proof_types.get(proof_type)


_KNOWN_KEYS = {
    "proof_type",
    "program_vk",
    "backend",
    "public_values",
    "verifier_library",
    "prover_library",
    "zkvm_kind",
    "proof_size",
}


def _hex(value: Any, where: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise ProofEngineConfigError(f"{where}: expected a 0x-prefixed hex string")
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise ProofEngineConfigError(f"{where}: invalid hex") from None


def _entry(raw: Any, index: int, default_backend: Backend) -> ProofTypeConfig:
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
    source: Mapping[str, Any] | str | Path, *, default_backend: Backend = Backend.LIBRARY
) -> ProofEngineConfig:
    """Load a proof-engine file (Lighthouse PR #10080 format plus our extension keys).

    Args:
        source: A path to the JSON file, or its parsed content.
        default_backend: Backend of entries that do not name one (a Lighthouse file names none).

    Raises:
        ProofEngineConfigError: On any malformed entry, duplicate type, or unreadable file.
    """
    if isinstance(source, (str, Path)):
        try:
            with open(source, encoding="utf-8") as handle:
                data: Any = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise ProofEngineConfigError(f"{source}: {exc}") from None
    else:
        data = source
    if not isinstance(data, Mapping) or not isinstance(data.get("execution_proofs"), list):
        raise ProofEngineConfigError('expected {"execution_proofs": [...]}')
    entries: dict[int, ProofTypeConfig] = {}
    for index, raw in enumerate(data["execution_proofs"]):
        entry = _entry(raw, index, default_backend)
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
