"""A seeded fuzz of the gossip decode + validate path: only documented outcomes, never a crash.

Mutations of a valid ``execution_proof`` message, at both layers: on the snappy-compressed wire
bytes (bit flips, truncation, extension, the uncompressed-length prefix, the first literal tag)
and on the SSZ bytes before compression (bit flips, truncation, extension, rewritten offsets).
Every message goes through :func:`prepare_message` (decompress once, message-id, decode) and, if
it decodes, the profile's ``validate_execution_proof_gossip``. The outcome must be a REJECT
``decode_error``, a documented ``GossipIgnore`` / ``GossipReject`` reason, or an ACCEPT.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import cramjam
import pytest

from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.gossip import GossipIgnore, GossipReason, GossipReject, Seen
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine
from eip8025.verification import SpecContext
from eip8025_p2p.encoding import execution_proof_topic, prepare_message
from tests.gossip_support import CHAIN, MAKER

SEED = 8025
COUNT = 20_000

Mutation = Callable[[random.Random, bytes], bytes]


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(out))
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def extend(rng: random.Random, data: bytes) -> bytes:
    return data + rng.randbytes(rng.randint(1, 64))


def rewrite_offset(rng: random.Random, data: bytes) -> bytes:
    """Overwrite one of the SSZ offsets (envelope's message, message's proof data)."""
    position = rng.choice((0, 108))  # Signed...: message offset; Envelope: proof_data offset
    value = rng.choice((0, 1, 4, 107, 108, 109, 141, len(data), len(data) + 1, 2**32 - 1))
    return data[:position] + value.to_bytes(4, "little") + data[position + 4 :]


def length_prefix(rng: random.Random, data: bytes) -> bytes:
    """Replace the snappy block's uncompressed-length varint."""
    prefix_end = next(i for i, byte in enumerate(data) if byte < 0x80) + 1
    value = rng.choice((0, 1, 2**20, 10 * 2**20, 2**32 - 1, rng.randrange(2**24)))
    varint = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        varint.append(byte | (0x80 if value else 0))
        if not value:
            break
    return bytes(varint) + data[prefix_end:]


def first_tag(rng: random.Random, data: bytes) -> bytes:
    """Corrupt the first element tag after the length prefix (literal / copy kinds)."""
    prefix_end = next(i for i, byte in enumerate(data) if byte < 0x80) + 1
    return data[:prefix_end] + bytes([rng.randrange(256)]) + data[prefix_end + 1 :]


WIRE: tuple[Mutation, ...] = (flip_bits, truncate, extend, length_prefix, first_tag)
SSZ: tuple[Mutation, ...] = (flip_bits, truncate, extend, rewrite_offset)

REJECT_REASONS = {
    GossipReason.PROOF_DATA_EMPTY,
    GossipReason.UNSUPPORTED_PROOF_TYPE,
    GossipReason.BLOCK_INVALID,
    GossipReason.ENVELOPE_INVALID,
    GossipReason.PROOF_INVALID,
}
IGNORE_REASONS = {
    GossipReason.ALREADY_PROCESSED,
    GossipReason.PROVER_ALREADY_SEEN,
    GossipReason.BLOCK_NOT_SEEN,
    GossipReason.PAYLOAD_UNAVAILABLE,
    GossipReason.PROOF_TYPE_ALREADY_VERIFIED,
    GossipReason.STATE_UNAVAILABLE,
}


def judge(
    profile: Any, seen: Seen, store: ExecutionProofStore, envelope: Any
) -> GossipReject | GossipIgnore | None:
    """The spec's gossip validation of ``envelope``: None (accept) or the error it raised."""
    try:
        profile.validate_execution_proof_gossip(
            seen, store, envelope, FakeProofEngine(any_padding=True)
        )
    except (GossipReject, GossipIgnore) as exc:
        return exc
    return None


@pytest.mark.parametrize("seed", [SEED])
def test_mutated_messages_give_only_documented_outcomes(seed: int) -> None:
    rng = random.Random(seed)
    view = InMemoryChainView()
    for slot in (1, 2):
        CHAIN.import_block(view, slot)
    ctx = SpecContext(config=CHAIN.spec.config, bls=default_backend())
    profile = ctx.profile
    topic = execution_proof_topic(CHAIN.fork_digest)
    originals = [MAKER.signed(slot, t, t, size=96) for slot in (1, 2) for t in (1, 2, 3)]
    raw = [p.encode_bytes() for p in originals]
    outcomes: dict[str, int] = {}
    for _ in range(COUNT):
        store = ExecutionProofStore(view, ctx)  # fresh state: mutations are judged, not deduped
        seen = Seen()
        original = rng.choice(raw)
        draw = rng.random()
        if draw < 0.01:  # a control: the unmutated message is accepted
            data = bytes(cramjam.snappy.compress_raw(original))
        elif draw < 0.5:
            data = rng.choice(WIRE)(rng, bytes(cramjam.snappy.compress_raw(original)))
        else:
            data = bytes(cramjam.snappy.compress_raw(rng.choice(SSZ)(rng, original)))
        message = prepare_message(topic, data, profile)  # never raises
        assert len(message.msg_id) == 20
        if message.envelope is None:
            assert message.error
            key = "decode_error"
        else:
            verdict = judge(profile, seen, store, message.envelope)
            if isinstance(verdict, GossipReject):
                assert verdict.reason in REJECT_REASONS, verdict.label
            if isinstance(verdict, GossipIgnore):
                assert verdict.reason in IGNORE_REASONS, verdict.label
            if verdict is None:
                key = "accept"
            else:
                kind = "reject" if isinstance(verdict, GossipReject) else "ignore"
                key = f"{kind}:{verdict.reason.value}"
        outcomes[key] = outcomes.get(key, 0) + 1
    assert sum(outcomes.values()) == COUNT
    # the mutations reach past the decoder: every layer was exercised
    assert outcomes["decode_error"] > COUNT // 4
    assert outcomes.get("accept", 0) > 0  # the controls
    assert any(k.startswith("reject:envelope_invalid") for k in outcomes), outcomes
    assert any(k.startswith("ignore:") for k in outcomes), outcomes
