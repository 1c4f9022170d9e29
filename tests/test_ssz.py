"""SSZ layer: merkleization against naive spec definitions, strict decoding, type definitions."""

from __future__ import annotations

import hashlib
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ssz.exceptions import DeserializationError

from eip8025 import containers
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.ssz import merkle
from eip8025.ssz.container import Container, ProgressiveContainer
from eip8025.ssz.sedes import ProgressiveBitList, ProgressiveByteList, ProgressiveList
from eip8025.ssz.types import Byte, uint8, uint16


def _h(a: bytes, b: bytes) -> bytes:
    return hashlib.sha256(a + b).digest()


def _naive_merkleize(chunks: list[bytes], limit: int) -> bytes:
    """Spec text: pad to next_pow_of_two(limit) with zero chunks and hash pairwise."""
    width = 1
    while width < limit:
        width *= 2
    nodes = chunks + [bytes(32)] * (width - len(chunks))
    while len(nodes) > 1:
        nodes = [_h(nodes[i], nodes[i + 1]) for i in range(0, len(nodes), 2)]
    return nodes[0]


def _naive_progressive(chunks: list[bytes], num_leaves: int = 1) -> bytes:
    if not chunks:
        return bytes(32)
    return _h(
        _naive_merkleize(chunks[:num_leaves], num_leaves),
        _naive_progressive(chunks[num_leaves:], num_leaves * 4),
    )


@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 90), extra=st.integers(0, 40), seed=st.binary(min_size=1, max_size=4))
def test_merkleize_matches_naive_definition(count: int, extra: int, seed: bytes) -> None:
    chunks = [hashlib.sha256(seed + i.to_bytes(4, "little")).digest() for i in range(count)]
    limit = count + extra
    assert merkle.merkleize(b"".join(chunks), limit) == _naive_merkleize(chunks, max(limit, 1))


@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 400), seed=st.binary(min_size=1, max_size=4))
def test_merkleize_progressive_matches_naive_definition(count: int, seed: bytes) -> None:
    chunks = [hashlib.sha256(seed + i.to_bytes(4, "little")).digest() for i in range(count)]
    assert merkle.merkleize_progressive(b"".join(chunks)) == _naive_progressive(chunks)


def test_merkleize_rejects_more_chunks_than_limit() -> None:
    with pytest.raises(ValueError, match="exceed"):
        merkle.merkleize(bytes(96), 2)


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 160, 161, 672, 673, 10_000])
def test_progressive_byte_list_equals_progressive_list_of_bytes(size: int) -> None:
    data = bytes((i * 7) & 0xFF for i in range(size))
    as_bytes = ProgressiveByteList().get_hash_tree_root(data)
    as_list = ProgressiveList(uint8).get_hash_tree_root(tuple(data))
    assert as_bytes == as_list
    assert ProgressiveList(uint8).serialize(tuple(data)) == data


def test_proof_data_round_trip_keeps_4_mib() -> None:
    data = bytes(range(256)) * (containers.MAX_PROOF_SIZE // 256)
    envelope = PROFILE.ExecutionProofEnvelope(
        proof_data=data, proof_type=1, beacon_block_root=b"\x11" * 32
    )
    encoded = envelope.encode_bytes()
    assert len(encoded) == 4 + 1 + 32 + len(data)
    assert PROFILE.ExecutionProofEnvelope.decode_bytes(encoded) == envelope


def _signed(
    proof: bytes = b"\xaa\xbb", index: int = 7
) -> containers.SignedExecutionProofEnvelopeBase:
    return PROFILE.SignedExecutionProofEnvelope(
        message=PROFILE.ExecutionProofEnvelope(
            proof_data=proof, proof_type=2, beacon_block_root=b"\x22" * 32
        ),
        validator_index=index,
        signature=b"\x33" * 96,
    )


def test_signed_envelope_layout_is_spec_layout() -> None:
    encoded = _signed().encode_bytes()
    # fixed part: offset(4) + validator_index(8) + signature(96); message at offset 108
    assert int.from_bytes(encoded[:4], "little") == 108
    assert encoded[4:12] == (7).to_bytes(8, "little")
    message = encoded[108:]
    assert int.from_bytes(message[:4], "little") == 37
    assert message[4] == 2
    assert message[37:] == b"\xaa\xbb"


@pytest.mark.parametrize(
    ("name", "mutate"),
    [
        ("empty", lambda b: b""),
        ("truncated fixed part", lambda b: b[:50]),
        ("first offset too small", lambda b: (107).to_bytes(4, "little") + b[4:]),
        ("first offset too large", lambda b: (109).to_bytes(4, "little") + b[4:]),
        ("offset past end", lambda b: (len(b) + 1).to_bytes(4, "little") + b[4:]),
        ("inner offset wrong", lambda b: b[:108] + (36).to_bytes(4, "little") + b[112:]),
        ("message shorter than its fixed part", lambda b: b[:120]),
    ],
)
def test_strict_decoding_rejects_malformed_envelopes(name: str, mutate: object) -> None:
    encoded = _signed().encode_bytes()
    bad = mutate(encoded)  # type: ignore[operator]
    with pytest.raises(DeserializationError):
        PROFILE.SignedExecutionProofEnvelope.decode_bytes(bad)


def test_fixed_container_rejects_trailing_bytes() -> None:
    fork = containers.Fork(previous_version=b"\x00" * 4, current_version=b"\x01" * 4, epoch=3)
    with pytest.raises(DeserializationError):
        containers.Fork.decode_bytes(fork.encode_bytes() + b"\x00")


def test_boolean_must_be_zero_or_one() -> None:
    public_input = containers.PublicInput(
        new_payload_request_root=b"\x01" * 32,
        successful_validation=True,
        chain_id=1,
        schema_id=containers.STATELESS_INPUT_SCHEMA_ID,
    )
    encoded = bytearray(public_input.encode_bytes())
    assert len(encoded) == 43
    encoded[32] = 2
    with pytest.raises(DeserializationError):
        containers.PublicInput.decode_bytes(bytes(encoded))


def test_bitlist_requires_delimiter() -> None:
    with pytest.raises(DeserializationError):
        ProgressiveBitList().deserialize(b"\x01\x00")
    assert ProgressiveBitList().deserialize(b"\x05") == (True, False)


@settings(max_examples=40, deadline=None)
@given(
    proof=st.binary(max_size=3000),
    proof_type=st.integers(0, 255),
    index=st.integers(0, 2**64 - 1),
)
def test_signed_envelope_round_trip(proof: bytes, proof_type: int, index: int) -> None:
    value = PROFILE.SignedExecutionProofEnvelope(
        message=PROFILE.ExecutionProofEnvelope(
            proof_data=proof, proof_type=proof_type, beacon_block_root=b"\x01" * 32
        ),
        validator_index=index,
        signature=b"\x02" * 96,
    )
    decoded = PROFILE.SignedExecutionProofEnvelope.decode_bytes(value.encode_bytes())
    assert decoded == value
    assert decoded.hash_tree_root() == value.hash_tree_root()


def test_progressive_container_definition_rules() -> None:
    with pytest.raises(ValueError, match="end in 1"):

        class EndsInZero(ProgressiveContainer, active_fields=(1, 0)):
            A: Byte

    with pytest.raises(ValueError, match="set bits"):

        class Mismatch(ProgressiveContainer, active_fields=(1, 1)):
            A: Byte

    with pytest.raises(TypeError, match="needs active_fields"):

        class Missing(ProgressiveContainer):
            A: Byte


def test_active_field_gaps_change_the_root_not_the_encoding() -> None:
    class Dense(ProgressiveContainer, active_fields=(1, 1)):
        A: Byte
        B: Annotated[int, uint16]

    class Sparse(ProgressiveContainer, active_fields=(1, 0, 1)):
        A: Byte
        B: Annotated[int, uint16]

    class Plain(Container):
        A: Byte
        B: Annotated[int, uint16]

    dense, sparse, plain = Dense(A=1, B=2), Sparse(A=1, B=2), Plain(A=1, B=2)
    assert dense.encode_bytes() == sparse.encode_bytes() == plain.encode_bytes()
    assert len({dense.hash_tree_root(), sparse.hash_tree_root(), plain.hash_tree_root()}) == 3
