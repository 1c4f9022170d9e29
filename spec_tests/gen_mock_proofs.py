"""Generate the ``proof_engine/mock`` vectors.

Each case is one ``ExecutionProof`` and the proof-engine entry of its type (program vk, built-in
backend, public-values binding form). The expectations are the verdict of
``verify_execution_proof``, what the native verifier answers before the binding check, and, when
it accepts, the public values it returns. Verdicts and verifier answers are written by hand per
scenario from the documented formats (``csrc/include/eip8025_mock.h`` and the binding rule of
``eip8025/proof_engine_config.py``); nothing here runs a verifier or the binding code.

Proof bytes come from a transcription of the header's formats below, not from the native prover:

* ``mock``: magic, version, kind, lengths, the 43-byte SSZ ``PublicInput``, the binding tag and
  zero padding. The native mock prover is deterministic, so a test checks this transcription
  against it byte for byte.
* ``zkboost-mock`` (zkboost v0.7): ``SHA-256(root || successful_validation)`` followed by padding.
  zkboost's prover pads with *random* bytes and its verifier accepts any tail, so the proofs here
  pad with zeros (or a fixed pattern) to stay reproducible.

THESE MOCK PROOFS ARE NOT ZERO-KNOWLEDGE PROOFS AND NOT PROOFS OF ANYTHING: anyone who knows the
program vk can make a ``mock`` proof, and anyone at all a ``zkboost-mock`` one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from collections.abc import Callable
from typing import Final

from eip8025_spec_tests.formats import MOCK_HANDLER, MOCK_PROOF_FILE, PROOF_ENGINE_RUNNER, hex_bytes
from eip8025_spec_tests.vector_case import VectorCase

__all__ = [
    "KIND_MOCK",
    "KIND_ZKBOOST_MOCK",
    "MockInput",
    "devnet_vk",
    "mock_cases",
    "mock_proof",
    "zkboost_proof",
]

# ---- eip8025_mock.h, transcribed ------------------------------------------------------------
MAGIC: Final = b"EIP8025MOCK!NOZK"
FORMAT_VERSION: Final = 1
KIND_MOCK: Final = 0x100
KIND_ZKBOOST_MOCK: Final = 0x101
DOMAIN_TAG: Final = b"eip8025/mock-proof/v1/NOT-ZERO-KNOWLEDGE"
HEADER_LEN: Final = 32
PUBLIC_VALUES_LEN: Final = 43
TAG_LEN: Final = 32
MIN_LEN: Final = HEADER_LEN + PUBLIC_VALUES_LEN + TAG_LEN  # 107
DEFAULT_LEN: Final = 128 * 1024
ZKBOOST_PUBLIC_VALUES_LEN: Final = 32

# ---- the pinned spec / configuration ----------------------------------------------------------
STATELESS_SCHEMA_ID: Final = 0x1501
"""``STATELESS_INPUT_SCHEMA_ID``: the only schema a proof may be bound to."""
OTHER_SCHEMA_ID: Final = 0x1502
CHAIN_ID: Final = 5
"""``DEPOSIT_CHAIN_ID`` of the minimal config."""

OK: Final = "OK"
DECODE_PROOF: Final = "DECODE_PROOF"
VERIFY: Final = "VERIFY"

MOCK: Final = "mock"
ZKBOOST: Final = "zkboost-mock"
SSZ: Final = "ssz"
ZKBOOST_V07: Final = "zkboost-v0.7"


def _label(text: str) -> bytes:
    return hashlib.sha256(b"eip8025 vectors: mock proofs: " + text.encode()).digest()


def _stream(text: str, length: int) -> bytes:
    """``length`` deterministic bytes: SHA-256 of the label and a counter, concatenated."""
    out = b"".join(_label(f"{text} {i}") for i in range(length // 32 + 1))
    return out[:length]


def devnet_vk(proof_type: int) -> bytes:
    """The program vk of the built-in devnet configuration for a proof type."""
    return hashlib.sha256(b"eip8025-devnet-mock-vk" + bytes([proof_type])).digest()


ROOT_A: Final = _label("new_payload_request_root A")
ROOT_B: Final = _label("new_payload_request_root B")
VK: Final = {t: _label(f"program vk of proof type {t}") for t in (1, 2, 3, 5, 6)}


@dataclasses.dataclass(frozen=True)
class MockInput:
    """A ``PublicInput``: what a proof commits to and what ``ExecutionProof`` carries."""

    root: bytes = ROOT_A
    successful_validation: bool = True
    chain_id: int = CHAIN_ID
    schema_id: int = STATELESS_SCHEMA_ID

    def ssz(self) -> bytes:
        """The 43-byte SSZ: root || boolean || chain_id u64 LE || schema_id u16 LE."""
        return (
            self.root
            + bytes([self.successful_validation])
            + struct.pack("<QH", self.chain_id, self.schema_id)
        )

    def but(self, **changes: object) -> MockInput:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


PI: Final = MockInput()


def _tag(header: bytes, vk: bytes, public_values: bytes) -> bytes:
    """SHA-256(domain || header[16..32] || SHA-256(vk) || public values)."""
    return hashlib.sha256(
        DOMAIN_TAG + header[16:HEADER_LEN] + hashlib.sha256(vk).digest() + public_values
    ).digest()


def mock_proof(
    vk: bytes,
    public_values: bytes,
    size: int = MIN_LEN,
    *,
    magic: bytes = MAGIC,
    version: int = FORMAT_VERSION,
    reserved: int = 0,
    kind: int = KIND_MOCK,
    public_values_len: int | None = None,
    total_len: int | None = None,
    tag: Callable[[bytes, bytes, bytes], bytes] = _tag,
) -> bytes:
    """A ``mock`` proof (eip8025_mock.h); keyword arguments change one field, tag kept consistent.

    Args:
        vk: The program vk the proof is bound to.
        public_values: The committed public values (43 bytes in a well-formed proof).
        size: Total length; the bytes after the tag are zero padding.
        magic: The 16-byte magic.
        version: The format version field.
        reserved: The reserved field.
        kind: The kind field.
        public_values_len: The public-values length field (default: the real length).
        total_len: The total-length field (default: ``size``).
        tag: How the binding tag is computed from (header, vk, public values).
    """
    header = magic + struct.pack(
        "<HHIII",
        version,
        reserved,
        kind,
        len(public_values) if public_values_len is None else public_values_len,
        size if total_len is None else total_len,
    )
    body = header + public_values + tag(header, vk, public_values)
    if size < len(body):
        raise ValueError(f"a mock proof of {len(body)} bytes does not fit in {size}")
    return body + bytes(size - len(body))


def zkboost_proof(
    public_input: MockInput, size: int = ZKBOOST_PUBLIC_VALUES_LEN, padding: bytes | None = None
) -> bytes:
    """A zkboost v0.7 mock proof: SHA-256(root || successful_validation), then the padding.

    Args:
        public_input: Its root and ``successful_validation`` are committed (nothing else).
        size: Total length, when ``padding`` is None (zero padding).
        padding: The bytes after the public values (zkboost's prover: random bytes).
    """
    committed = hashlib.sha256(
        public_input.root + bytes([public_input.successful_validation])
    ).digest()
    if padding is None:
        padding = bytes(size - ZKBOOST_PUBLIC_VALUES_LEN)
    return committed + padding


def execution_proof_ssz(proof_data: bytes, proof_type: int, public_input: MockInput) -> bytes:
    """SSZ of an ``ExecutionProof`` (the same bytes under every profile), transcribed.

    Fixed part: the offset of ``proof_data`` (48 = 4 + 1 + 43), ``proof_type``, the 43-byte
    ``public_input`` (a progressive container of fixed-size fields is fixed-size); then the data.
    """
    return (48).to_bytes(4, "little") + bytes([proof_type]) + public_input.ssz() + proof_data


def _flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)


def _put(data: bytes, index: int, value: bytes) -> bytes:
    return data[:index] + value + data[index + len(value) :]


# ---- cases ------------------------------------------------------------------------------------


def _case(
    suite: str,
    name: str,
    description: str,
    *,
    proof_data: bytes,
    public_input: MockInput = PI,
    proof_type: int = 1,
    vk: bytes | None = None,
    backend: str = MOCK,
    form: str = SSZ,
    valid: bool,
    status: str,
    public_values: bytes | None = None,
) -> VectorCase:
    """One case; ``public_values`` is what the verifier returns, given iff ``status`` is OK."""
    if (status == OK) != (public_values is not None):
        raise ValueError(f"{suite}/{name}: public values go with status OK, and only with it")
    if valid and status != OK:
        raise ValueError(f"{suite}/{name}: a proof the verifier refuses cannot be valid")
    case = VectorCase(PROOF_ENGINE_RUNNER, MOCK_HANDLER, suite, name)
    case.add_yaml("meta", {"description": description})
    case.add_yaml(
        "proof_engine",
        {
            "proof_type": proof_type,
            "program_vk": hex_bytes(VK[proof_type] if vk is None else vk),
            "backend": backend,
            "public_values": form,
        },
    )
    case.add_ssz(MOCK_PROOF_FILE, execution_proof_ssz(proof_data, proof_type, public_input))
    expected: dict[str, object] = {"valid": valid, "verifier_status": status}
    if public_values is not None:
        expected["public_values"] = hex_bytes(public_values)
    case.add_yaml("expected", expected)
    return case


_SCENARIOS: list[Callable[[], list[VectorCase]]] = []


def _scenarios(function: Callable[[], list[VectorCase]]) -> Callable[[], list[VectorCase]]:
    _SCENARIOS.append(function)
    return function


def mock_cases() -> list[VectorCase]:
    """Every ``proof_engine/mock`` case, in a fixed order."""
    return [case for scenarios in _SCENARIOS for case in scenarios()]


@_scenarios
def _valid() -> list[VectorCase]:
    def valid(
        name: str,
        description: str,
        proof_type: int,
        size: int,
        *,
        vk: bytes | None = None,
        public_input: MockInput = PI,
    ) -> VectorCase:
        key = VK[proof_type] if vk is None else vk
        return _case(
            "valid",
            name,
            description,
            proof_data=mock_proof(key, public_input.ssz(), size),
            public_input=public_input,
            proof_type=proof_type,
            vk=key,
            valid=True,
            status=OK,
            public_values=public_input.ssz(),
        )

    max_chain = PI.but(root=bytes(32), chain_id=2**64 - 1)
    return [
        valid("type_1_minimum_size", "107 bytes: header, public values, tag, no padding", 1, 107),
        valid("type_2_1_kib", "1 KiB: 917 bytes of zero padding", 2, 1024),
        valid(
            "type_3_default_size_128_kib",
            "131072 bytes, the default size of the mock prover (zkboost's mock_proof_size)",
            3,
            DEFAULT_LEN,
        ),
        valid("type_5_one_byte_vk", "a 1-byte program vk", 5, 256, vk=b"\x05"),
        valid("type_6_long_vk", "a 160-byte program vk", 6, 512, vk=_stream("long vk", 160)),
        valid(
            "devnet_vk_type_2",
            "the built-in devnet vk of type 2: SHA-256('eip8025-devnet-mock-vk' || 0x02)",
            2,
            256,
            vk=devnet_vk(2),
        ),
        valid("chain_id_mainnet", "chain_id 1", 1, 256, public_input=PI.but(chain_id=1)),
        valid(
            "zero_root_max_chain_id",
            "zero root, chain_id 2**64 - 1",
            1,
            256,
            public_input=max_chain,
        ),
    ]


@_scenarios
def _tampered() -> list[VectorCase]:
    vk, pv, size = VK[1], PI.ssz(), 256
    good = mock_proof(vk, pv, size)
    minimum = mock_proof(vk, pv)

    def refused(name: str, description: str, proof_data: bytes, status: str) -> VectorCase:
        return _case(
            "tampered", name, description, proof_data=proof_data, valid=False, status=status
        )

    def bad_tag(label: str) -> Callable[[bytes, bytes, bytes], bytes]:
        variants: dict[str, Callable[[bytes, bytes, bytes], bytes]] = {
            "full_header": lambda h, k, p: hashlib.sha256(
                DOMAIN_TAG + h + hashlib.sha256(k).digest() + p
            ).digest(),
            "raw_vk": lambda h, k, p: hashlib.sha256(DOMAIN_TAG + h[16:] + k + p).digest(),
            "no_domain": lambda h, k, p: hashlib.sha256(
                h[16:] + hashlib.sha256(k).digest() + p
            ).digest(),
        }
        return variants[label]

    padded = pv.ljust(256, b"\x00")
    rewritten = _put(good[:128], 28, struct.pack("<I", 128))
    return [
        refused(
            "magic_changed",
            "last magic byte 'K' -> '?' (the tag does not cover the magic)",
            mock_proof(vk, pv, size, magic=MAGIC[:-1] + b"?"),
            DECODE_PROOF,
        ),
        refused("version_0", "format version 0", mock_proof(vk, pv, size, version=0), DECODE_PROOF),
        refused("version_2", "format version 2", mock_proof(vk, pv, size, version=2), DECODE_PROOF),
        refused(
            "reserved_nonzero",
            "reserved field 1",
            mock_proof(vk, pv, size, reserved=1),
            DECODE_PROOF,
        ),
        refused(
            "kind_zkboost_mock",
            "kind 0x101 (zkboost-mock) under a mock verifier, tag consistent",
            mock_proof(vk, pv, size, kind=KIND_ZKBOOST_MOCK),
            VERIFY,
        ),
        refused(
            "kind_0",
            "kind 0 instead of the mock kind 0x100, tag consistent",
            mock_proof(vk, pv, size, kind=0),
            VERIFY,
        ),
        refused(
            "public_values_length_42",
            "public values length field 42 (43 bytes follow), tag consistent",
            mock_proof(vk, pv, size, public_values_len=42),
            DECODE_PROOF,
        ),
        refused(
            "public_values_length_256_padded",
            "the 43 bytes zero-padded to 256 with length field 256: the mock format fixes 43 "
            "(the 256-byte form is what OpenVM / ZisK verifiers return, not a mock proof)",
            mock_proof(vk, padded, 320),
            DECODE_PROOF,
        ),
        refused(
            "total_length_plus_one",
            "total length field 257 for 256 bytes, tag consistent",
            mock_proof(vk, pv, size, total_len=size + 1),
            DECODE_PROOF,
        ),
        refused(
            "total_length_minus_one",
            "total length field 255 for 256 bytes, tag consistent",
            mock_proof(vk, pv, size, total_len=size - 1),
            DECODE_PROOF,
        ),
        refused(
            "public_values_byte_flipped",
            "a bit of the committed root flipped; public_input unchanged",
            _flip(good, HEADER_LEN),
            VERIFY,
        ),
        _case(
            "tampered",
            "public_values_and_input_changed",
            "root B written over root A in the public values and in public_input, tag not redone",
            proof_data=_put(good, HEADER_LEN, ROOT_B),
            public_input=PI.but(root=ROOT_B),
            valid=False,
            status=VERIFY,
        ),
        refused("tag_bit_flipped", "a bit of the tag flipped", _flip(good, 75), VERIFY),
        refused("tag_zeroed", "an all-zero tag", _put(good, 75, bytes(TAG_LEN)), VERIFY),
        refused(
            "tag_over_full_header",
            "tag hashing header[0..32] instead of header[16..32]",
            mock_proof(vk, pv, size, tag=bad_tag("full_header")),
            VERIFY,
        ),
        refused(
            "tag_with_unhashed_vk",
            "tag hashing the vk itself instead of SHA-256(vk)",
            mock_proof(vk, pv, size, tag=bad_tag("raw_vk")),
            VERIFY,
        ),
        refused(
            "tag_without_domain",
            "tag without the domain string",
            mock_proof(vk, pv, size, tag=bad_tag("no_domain")),
            VERIFY,
        ),
        refused(
            "padding_first_byte_nonzero",
            "byte 107 (first padding byte) 0x01",
            _flip(good, MIN_LEN),
            VERIFY,
        ),
        refused("padding_last_byte_nonzero", "last byte 0x80", _flip(good, size - 1, 0x80), VERIFY),
        refused(
            "truncated_one_byte",
            "last byte cut (total length field says 256)",
            good[:-1],
            DECODE_PROOF,
        ),
        refused(
            "truncated_below_minimum",
            "106 bytes of a minimum-size proof: the tag's last byte cut",
            minimum[:-1],
            DECODE_PROOF,
        ),
        refused("truncated_to_header", "the 32-byte header only", good[:HEADER_LEN], DECODE_PROOF),
        refused(
            "truncated_length_field_rewritten",
            "cut to 128 bytes with the total length field set to 128: the tag covers it",
            rewritten,
            VERIFY,
        ),
        refused("extended_one_byte", "a zero byte appended", good + b"\x00", DECODE_PROOF),
        refused("empty", "empty proof_data", b"", DECODE_PROOF),
    ]


@_scenarios
def _wrong_vk() -> list[VectorCase]:
    pv = PI.ssz()
    return [
        _case(
            "wrong_vk",
            "vk_last_byte_changed",
            "proof for vk X, verified under X with its last byte flipped",
            proof_data=mock_proof(VK[1], pv, 256),
            vk=_flip(VK[1], 31),
            valid=False,
            status=VERIFY,
        ),
        _case(
            "wrong_vk",
            "vk_truncated",
            "proof for vk X, verified under X without its last byte",
            proof_data=mock_proof(VK[1], pv, 256),
            vk=VK[1][:-1],
            valid=False,
            status=VERIFY,
        ),
        _case(
            "wrong_vk",
            "type_1_proof_as_type_2",
            "a devnet proof of type 1 sent as type 2 (devnet vk of type 2)",
            proof_data=mock_proof(devnet_vk(1), pv, 256),
            proof_type=2,
            vk=devnet_vk(2),
            valid=False,
            status=VERIFY,
        ),
    ]


@_scenarios
def _public_input() -> list[VectorCase]:
    def mismatch(
        name: str, description: str, committed: MockInput, carried: MockInput
    ) -> VectorCase:
        return _case(
            "public_input",
            name,
            description,
            proof_data=mock_proof(VK[1], committed.ssz(), 256),
            public_input=carried,
            valid=False,
            status=OK,
            public_values=committed.ssz(),
        )

    failed = PI.but(successful_validation=False)
    other_schema = PI.but(schema_id=OTHER_SCHEMA_ID)
    return [
        mismatch("root_mismatch", "proof for root A, public_input root B", PI, PI.but(root=ROOT_B)),
        mismatch(
            "chain_id_mismatch", "proof for chain 5, public_input chain 1", PI, PI.but(chain_id=1)
        ),
        mismatch(
            "schema_id_mismatch",
            "proof for schema 0x1501, public_input schema 0x1502",
            PI,
            other_schema,
        ),
        mismatch(
            "schema_id_not_stateless",
            "proof and public_input agree on schema 0x1502, which is not STATELESS_INPUT_SCHEMA_ID",
            other_schema,
            other_schema,
        ),
        mismatch(
            "successful_validation_false",
            "proof and public_input agree: the payload failed validation",
            failed,
            failed,
        ),
        mismatch(
            "successful_validation_false_in_input_only",
            "proof commits to success, public_input says failure",
            PI,
            failed,
        ),
        mismatch(
            "successful_validation_false_in_proof_only",
            "proof commits to failure, public_input says success",
            failed,
            PI,
        ),
    ]


@_scenarios
def _zkboost() -> list[VectorCase]:
    def zk(
        name: str,
        description: str,
        proof_data: bytes,
        *,
        valid: bool,
        status: str,
        public_input: MockInput = PI,
        vk: bytes = b"",
    ) -> VectorCase:
        return _case(
            "zkboost",
            name,
            description,
            proof_data=proof_data,
            public_input=public_input,
            vk=vk,
            backend=ZKBOOST,
            form=ZKBOOST_V07,
            valid=valid,
            status=status,
            public_values=proof_data[:ZKBOOST_PUBLIC_VALUES_LEN] if status == OK else None,
        )

    failed = PI.but(successful_validation=False)
    return [
        zk(
            "valid_1_kib",
            "SHA-256(root || 0x01) and 992 zero bytes",
            zkboost_proof(PI, 1024),
            valid=True,
            status=OK,
        ),
        zk(
            "valid_minimum_32_bytes",
            "the 32 committed bytes only",
            zkboost_proof(PI),
            valid=True,
            status=OK,
        ),
        zk(
            "valid_nonzero_padding",
            "a fixed non-zero tail stands in for the random bytes of zkboost's prover",
            zkboost_proof(PI, padding=_stream("zkboost padding", 224)),
            valid=True,
            status=OK,
        ),
        zk(
            "vk_ignored",
            "any program vk: zkboost's mock ignores it",
            zkboost_proof(PI, 64),
            valid=True,
            status=OK,
            vk=VK[2],
        ),
        zk(
            "chain_id_not_bound",
            "chain_id 1: zkboost v0.7 commits to the root only",
            zkboost_proof(PI, 64),
            valid=True,
            status=OK,
            public_input=PI.but(chain_id=1),
        ),
        zk(
            "wrong_root",
            "proof for root A, public_input root B",
            zkboost_proof(PI, 64),
            valid=False,
            status=OK,
            public_input=PI.but(root=ROOT_B),
        ),
        zk(
            "committed_failed_validation",
            "SHA-256(root || 0x00), public_input says success",
            zkboost_proof(failed, 64),
            valid=False,
            status=OK,
        ),
        zk(
            "successful_validation_false",
            "SHA-256(root || 0x00) and public_input says failure",
            zkboost_proof(failed, 64),
            valid=False,
            status=OK,
            public_input=failed,
        ),
        zk(
            "schema_id_not_stateless",
            "public_input schema 0x1502 (not committed, but required to be the stateless schema)",
            zkboost_proof(PI, 64),
            valid=False,
            status=OK,
            public_input=PI.but(schema_id=OTHER_SCHEMA_ID),
        ),
        zk(
            "truncated_31_bytes",
            "31 bytes: below zkboost's 32",
            zkboost_proof(PI)[:31],
            valid=False,
            status=DECODE_PROOF,
        ),
        zk("empty", "empty proof_data", b"", valid=False, status=DECODE_PROOF),
        zk(
            "mock_format_proof",
            "an eip8025 mock proof: accepted, but its first 32 bytes are its header",
            mock_proof(VK[1], PI.ssz(), 256),
            valid=False,
            status=OK,
        ),
    ]


@_scenarios
def _config_mismatch() -> list[VectorCase]:
    mock = mock_proof(VK[1], PI.ssz(), 256)
    zkboost = zkboost_proof(PI, 256)
    return [
        _case(
            "config_mismatch",
            "mock_backend_zkboost_form",
            "a valid mock proof under the zkboost-v0.7 binding: 43 public values, not 32",
            proof_data=mock,
            form=ZKBOOST_V07,
            valid=False,
            status=OK,
            public_values=PI.ssz(),
        ),
        _case(
            "config_mismatch",
            "zkboost_backend_ssz_form",
            "a valid zkboost proof under the ssz binding: 32 public values, not 43",
            proof_data=zkboost,
            vk=b"",
            backend=ZKBOOST,
            valid=False,
            status=OK,
            public_values=zkboost[:ZKBOOST_PUBLIC_VALUES_LEN],
        ),
        _case(
            "config_mismatch",
            "zkboost_proof_under_mock_backend",
            "a valid zkboost proof under the mock backend: no mock header",
            proof_data=zkboost,
            valid=False,
            status=DECODE_PROOF,
        ),
    ]
