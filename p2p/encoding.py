"""eth2 gossip encoding of the ``execution_proof`` topic: ssz_snappy, size limits, message-id.

Everything here is a pure function so the network layer and the tests share one implementation.
Size limits are enforced *before* decompressing: the compressed length against
``max_compressed_len(bound)``, then the uncompressed length that the snappy block header announces
against ``bound``. For decoding, ``bound`` is the spec profile's
``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE``; for the transport (message-ids, RPC sizes), which
does not depend on the profile a node runs, it is the largest bound of any profile
(:data:`MAX_GOSSIP_UNCOMPRESSED_SIZE`).
"""

from __future__ import annotations

import dataclasses
import hashlib

import cramjam
from ssz.exceptions import DeserializationError

from eip8025.containers import (
    EXECUTION_PROOF_TOPIC_NAME,
    MESSAGE_DOMAIN_INVALID_SNAPPY,
    MESSAGE_DOMAIN_VALID_SNAPPY,
    SignedExecutionProofEnvelopeBase,
    max_compressed_len,
)
from eip8025.errors import Eip8025Error
from eip8025.profiles import PROFILES, SpecProfile

__all__ = [
    "MAX_COMPRESSED_EXECUTION_PROOF_SIZE",
    "MAX_GOSSIP_UNCOMPRESSED_SIZE",
    "GossipDecodeError",
    "PreparedMessage",
    "compute_message_id",
    "decode_execution_proof",
    "encode_execution_proof",
    "execution_proof_topic",
    "prepare_envelope",
    "prepare_message",
    "snappy_uncompressed_length",
]

MAX_GOSSIP_UNCOMPRESSED_SIZE = max(
    p.max_signed_execution_proof_envelope_size for p in PROFILES.values()
)
"""The transport's bound on a decompressed ``execution_proof`` message (largest of any profile)."""
MAX_COMPRESSED_EXECUTION_PROOF_SIZE = max_compressed_len(MAX_GOSSIP_UNCOMPRESSED_SIZE)
"""Largest acceptable gossip payload for the topic (compressed bytes)."""


class GossipDecodeError(Eip8025Error, ValueError):
    """The payload is not a valid ssz_snappy ``SignedExecutionProofEnvelope`` (a REJECT)."""


def execution_proof_topic(fork_digest: bytes) -> str:
    """``/eth2/{fork_digest}/execution_proof/ssz_snappy``."""
    if len(fork_digest) != 4:
        raise ValueError("a fork digest is 4 bytes")
    return f"/eth2/{fork_digest.hex()}/{EXECUTION_PROOF_TOPIC_NAME}/ssz_snappy"


def snappy_uncompressed_length(data: bytes) -> int:
    """Read the varint length preamble of a snappy block (raises GossipDecodeError if bad)."""
    value = 0
    for index in range(min(len(data), 5)):
        byte = data[index]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value
    raise GossipDecodeError("snappy length preamble is truncated or longer than 32 bits")


def _decompress(data: bytes, bound: int) -> bytes:
    max_compressed = max_compressed_len(bound)
    if len(data) > max_compressed:
        raise GossipDecodeError(f"{len(data)} compressed bytes exceed {max_compressed}")
    announced = snappy_uncompressed_length(data)
    if announced > bound:
        raise GossipDecodeError(f"announced {announced} bytes exceed {bound}")
    try:
        raw = bytes(cramjam.snappy.decompress_raw(data))
    except cramjam.DecompressionError as exc:
        raise GossipDecodeError(f"snappy decompression failed: {exc}") from None
    if len(raw) != announced:
        raise GossipDecodeError("snappy output length differs from its preamble")
    return raw


def decode_execution_proof(data: bytes, profile: SpecProfile) -> SignedExecutionProofEnvelopeBase:
    """Decode a gossip payload as ``profile``'s message, with the size checks described above."""
    raw = _decompress(data, profile.max_signed_execution_proof_envelope_size)
    try:
        return profile.SignedExecutionProofEnvelope.decode_bytes(raw)
    except (DeserializationError, ValueError, TypeError) as exc:
        raise GossipDecodeError(f"invalid SSZ: {exc}") from None


def encode_execution_proof(signed: SignedExecutionProofEnvelopeBase, profile: SpecProfile) -> bytes:
    """ssz_snappy-encode an envelope for publishing (raises ValueError if it is oversized)."""
    raw = signed.encode_bytes()
    bound = profile.max_signed_execution_proof_envelope_size
    if len(raw) > bound:
        raise ValueError(f"{len(raw)} bytes exceed {bound}")
    return bytes(cramjam.snappy.compress_raw(raw))


def _message_id(topic: str, data: bytes, raw: bytes | None) -> bytes:
    topic_bytes = topic.encode()
    prefix = len(topic_bytes).to_bytes(8, "little") + topic_bytes
    domain = MESSAGE_DOMAIN_INVALID_SNAPPY if raw is None else MESSAGE_DOMAIN_VALID_SNAPPY
    digest = hashlib.sha256(domain + prefix)
    digest.update(data if raw is None else raw)  # not concatenated: no 4 MiB copy
    return digest.digest()[:20]


def compute_message_id(topic: str, data: bytes) -> bytes:
    """Altair+ gossip message-id (20 bytes) of a raw payload on ``topic``."""
    try:
        raw: bytes | None = _decompress(data, MAX_GOSSIP_UNCOMPRESSED_SIZE)
    except GossipDecodeError:
        raw = None
    return _message_id(topic, data, raw)


@dataclasses.dataclass(frozen=True, eq=False)
class PreparedMessage:
    """One received payload, decompressed once: its message-id and its decoded envelope.

    ``envelope`` is None when the payload does not decode as the profile's message; ``error``
    then says why (a REJECT ``decode_error``), and ``too_large`` whether it announced more SSZ
    bytes than the profile's bound.
    """

    data: bytes
    msg_id: bytes
    envelope: SignedExecutionProofEnvelopeBase | None
    error: str | None = None
    too_large: bool = False

    @property
    def size(self) -> int:
        """The compressed payload size (what queues are charged)."""
        return len(self.data)


def prepare_message(topic: str, data: bytes, profile: SpecProfile) -> PreparedMessage:
    """Decompress ``data`` once for its message-id and its envelope (run it off the event loop).

    Never raises for bad input: a payload that does not decode comes back with ``error`` set.
    """
    try:
        raw: bytes | None = _decompress(data, MAX_GOSSIP_UNCOMPRESSED_SIZE)
    except GossipDecodeError as exc:
        raw, error = None, str(exc)
    msg_id = _message_id(topic, data, raw)
    if raw is None:
        try:
            too_large = snappy_uncompressed_length(data) > MAX_GOSSIP_UNCOMPRESSED_SIZE
        except GossipDecodeError:
            too_large = False
        return PreparedMessage(data, msg_id, None, error, too_large)
    bound = profile.max_signed_execution_proof_envelope_size
    if len(raw) > bound:
        return PreparedMessage(data, msg_id, None, f"{len(raw)} bytes exceed {bound}", True)
    try:
        envelope = profile.SignedExecutionProofEnvelope.decode_bytes(raw)
    except (DeserializationError, ValueError, TypeError) as exc:
        return PreparedMessage(data, msg_id, None, f"invalid SSZ: {exc}")
    return PreparedMessage(data, msg_id, envelope)


def prepare_envelope(
    topic: str, signed: SignedExecutionProofEnvelopeBase, profile: SpecProfile
) -> PreparedMessage:
    """A decoded envelope (our own, or one from an API) as the message we would publish.

    Serializes and compresses once; the message-id comes from the serialization, so nothing is
    decompressed again (run it off the event loop). Raises ValueError if it is oversized.
    """
    raw = signed.encode_bytes()
    bound = profile.max_signed_execution_proof_envelope_size
    if len(raw) > bound:
        raise ValueError(f"{len(raw)} bytes exceed {bound}")
    data = bytes(cramjam.snappy.compress_raw(raw))
    return PreparedMessage(data, _message_id(topic, data, raw), signed)
