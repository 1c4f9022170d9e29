"""Loader of the shared Groth16 test fixtures (``shared/fixtures/groth16``): test tooling.

An SP1 v4 or RISC Zero v3 fixture file holds a verifying key, a valid proof and negative cases,
each with the failure reason the native verifier must report. :func:`load_groth16_fixture` turns
one into :class:`Groth16Case` values ready for the built-in verifier kinds, building every program
vk and proof with :mod:`eip8025.groth16`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eip8025.groth16 import (
    G16_PAIRING_FAILS,
    KIND_GROTH16_RISC0_V3,
    KIND_GROTH16_SP1_V4,
    PROOF_LEN,
    SELECTOR_LEN,
    Groth16VerifyingKey,
    groth16_proof_bytes,
    risc0_v3_program_vk,
    sp1_v4_program_vk,
)
from eip8025.hexbytes import parse_hex, parse_hex_int

__all__ = ["Groth16Case", "Groth16Fixture", "load_groth16_fixture"]


@dataclasses.dataclass(frozen=True)
class Groth16Case:
    """One fixture case, ready for the native verifier of ``kind``.

    Attributes:
        name: ``"valid"`` for the positive case, else the fixture's negative-case name.
        kind: :data:`KIND_GROTH16_SP1_V4` or :data:`KIND_GROTH16_RISC0_V3`.
        program_vk: The native program vk, built from this case's own vkey / image id.
        proof: 260-byte selector || proof, then the public values (SP1) / journal (RISC Zero).
        expected: True iff the verifier must accept.
        failure_reason: The reason a rejection must carry (None for the positive case).
        public_values: What the verifier returns on acceptance (public values / journal).
        program_id: The SP1 program vkey or the RISC Zero image id of this case.
        public_inputs: The fixture's stored public inputs (None where it stores none).
        claim_digest: RISC Zero: the fixture's stored claim digest (None for SP1).
        description: The fixture's description of the case.
    """

    name: str
    kind: int
    program_vk: bytes
    proof: bytes
    expected: bool
    failure_reason: str | None
    public_values: bytes
    program_id: bytes
    public_inputs: tuple[int, ...] | None = None
    claim_digest: bytes | None = None
    description: str = ""

    @property
    def selector(self) -> bytes:
        """The proof's 4-byte selector."""
        return self.proof[:SELECTOR_LEN]

    @property
    def groth16_proof(self) -> bytes:
        """The 256 proof bytes after the selector (what the bare verifier takes)."""
        return self.proof[SELECTOR_LEN : SELECTOR_LEN + PROOF_LEN]

    @property
    def expected_status(self) -> str | None:
        """The native status a rejection must have (None for a case that must verify).

        ``VERIFY`` for a failed pairing check, ``DECODE_PROOF`` for every other reason.
        """
        if self.expected:
            return None
        return "VERIFY" if self.failure_reason == G16_PAIRING_FAILS else "DECODE_PROOF"


@dataclasses.dataclass(frozen=True)
class Groth16Fixture:
    """A loaded Groth16 fixture file (SP1 v4 or RISC Zero v3)."""

    name: str
    kind: int
    vk: Groth16VerifyingKey
    selector: bytes
    cases: tuple[Groth16Case, ...]
    control_root: bytes | None = None
    bn254_control_id: bytes | None = None

    @property
    def valid_case(self) -> Groth16Case:
        """The positive case."""
        return next(case for case in self.cases if case.expected)


def _hex_field(obj: Mapping[str, Any], key: str, where: str, length: int | None = None) -> bytes:
    if key not in obj:
        raise ValueError(f"{where}: missing key {key!r}")
    return parse_hex(obj[key], length=length, what=f"{where}.{key}")


def _object(obj: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = obj.get(key)
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: missing object {key!r}")
    return value


def _stored_inputs(obj: Mapping[str, Any], where: str) -> tuple[int, ...] | None:
    raw = obj.get("public_inputs")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ValueError(f"{where}.public_inputs: expected a list")
    inputs = []
    for i, value in enumerate(raw):
        inputs.append(parse_hex_int(value, what=f"{where}.public_inputs[{i}]"))
    return tuple(inputs)


def _negative_fields(raw: Any, where: str) -> tuple[str, str, str]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected an object")
    name, reason = raw.get("name"), raw.get("failure_reason")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}.name: expected a string")
    if raw.get("expected") is not False:
        raise ValueError(f"{where} ({name}): a negative case must have expected: false")
    if not isinstance(reason, str):
        raise ValueError(f"{where} ({name}): failure_reason must be a string")
    return name, reason, str(raw.get("description", ""))


def _load_sp1(data: Mapping[str, Any]) -> Groth16Fixture:
    vk = Groth16VerifyingKey.from_json(data["verifying_key"])
    selector = _hex_field(data["verifying_key"], "selector", "verifying_key", SELECTOR_LEN)
    fixture = _object(data, "fixture", "sp1 fixture")

    def case(
        raw: Mapping[str, Any], where: str, name: str, reason: str | None, text: str
    ) -> Groth16Case:
        vkey = _hex_field(raw, "vkey", where, 32)
        public_values = _hex_field(raw, "publicValues", where)
        proof = _hex_field(raw, "proof", where, SELECTOR_LEN + PROOF_LEN)
        return Groth16Case(
            name=name,
            kind=KIND_GROTH16_SP1_V4,
            program_vk=sp1_v4_program_vk(vk, vkey, selector),
            proof=groth16_proof_bytes(proof, public_values),
            expected=reason is None,
            failure_reason=reason,
            public_values=public_values,
            program_id=vkey,
            public_inputs=_stored_inputs(raw, where),
            description=text,
        )

    cases = [
        case(
            {**fixture, "public_inputs": data.get("public_inputs")},
            "fixture",
            "valid",
            None,
            str(data.get("description", "")),
        )
    ]
    for i, raw in enumerate(data.get("negative_cases", [])):
        where = f"negative_cases[{i}]"
        name, reason, text = _negative_fields(raw, where)
        cases.append(case(raw, where, name, reason, text))
    return Groth16Fixture(
        name=str(data.get("name", "sp1_v4_groth16")),
        kind=KIND_GROTH16_SP1_V4,
        vk=vk,
        selector=selector,
        cases=tuple(cases),
    )


def _load_risc0(data: Mapping[str, Any]) -> Groth16Fixture:
    vk = Groth16VerifyingKey.from_json(data["verifying_key"])
    params = _object(data, "parameters", "risc0 fixture")
    selector = _hex_field(params, "selector", "parameters", SELECTOR_LEN)
    control_root = _hex_field(params, "control_root", "parameters", 32)
    control_id = _hex_field(params, "bn254_control_id", "parameters", 32)
    receipt = _object(data, "receipt", "risc0 fixture")

    def case(
        raw: Mapping[str, Any], where: str, name: str, reason: str | None, text: str
    ) -> Groth16Case:
        image_id = _hex_field(raw, "image_id", where, 32)
        journal = _hex_field(raw, "journal_hex", where)
        seal = _hex_field(raw, "seal", where, SELECTOR_LEN + PROOF_LEN)
        claim = raw.get("claim_digest")
        return Groth16Case(
            name=name,
            kind=KIND_GROTH16_RISC0_V3,
            program_vk=risc0_v3_program_vk(vk, selector, image_id, control_root, control_id),
            proof=groth16_proof_bytes(seal, journal),
            expected=reason is None,
            failure_reason=reason,
            public_values=journal,
            program_id=image_id,
            public_inputs=_stored_inputs(raw, where),
            claim_digest=None if claim is None else _hex_field(raw, "claim_digest", where, 32),
            description=text,
        )

    digests = data.get("intermediate_digests", {})
    positive = {
        **receipt,
        "public_inputs": data.get("public_inputs"),
        "claim_digest": digests.get("claim_digest") if isinstance(digests, Mapping) else None,
    }
    cases = [case(positive, "receipt", "valid", None, str(data.get("description", "")))]
    for i, raw in enumerate(data.get("negative_cases", [])):
        where = f"negative_cases[{i}]"
        name, reason, text = _negative_fields(raw, where)
        cases.append(case(raw, where, name, reason, text))
    return Groth16Fixture(
        name=str(data.get("name", "risc0_v3_groth16")),
        kind=KIND_GROTH16_RISC0_V3,
        vk=vk,
        selector=selector,
        cases=tuple(cases),
        control_root=control_root,
        bn254_control_id=control_id,
    )


def load_groth16_fixture(path: str | Path) -> Groth16Fixture:
    """Load an SP1 v4 or RISC Zero v3 Groth16 fixture file (``shared/fixtures/groth16``).

    The kind is recognised from the file's structure (SP1: ``fixture`` + ``verifying_key``;
    RISC Zero: ``receipt`` + ``parameters`` + ``verifying_key``). The VK comes from the JSON; each
    case's program vk is built from its own vkey / image id, and its proof is the 260-byte
    selector || proof followed by its public values / journal. Case ``"valid"`` comes first.

    Raises:
        OSError: The file cannot be read.
        ValueError: Not JSON, not a recognised fixture, or a malformed field (message names it).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    try:
        if isinstance(data, Mapping) and "verifying_key" in data:
            if "fixture" in data:
                return _load_sp1(data)
            if "receipt" in data and "parameters" in data:
                return _load_risc0(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    raise ValueError(
        f"{path}: not a Groth16 fixture (expected SP1 'fixture' or RISC Zero 'receipt' + "
        "'parameters', and 'verifying_key')"
    )
