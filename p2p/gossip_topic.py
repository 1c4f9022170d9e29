"""The ``execution_proof`` gossip topic on py-libp2p: a thin adapter over the proof pipeline.

:class:`ExecutionProofTopic` is the :class:`~eip8025_p2p.libp2p_patches.Eth2TopicValidator` of
``/eth2/{fork_digest}/execution_proof/ssz_snappy`` and the pipeline's
:class:`~eip8025_p2p.pipeline.Transport`. For every message that reaches it (graylisted peers and
signed messages are dropped earlier by :class:`~eip8025_p2p.libp2p_patches.Eth2Pubsub`):

1. ``prepare``: the pipeline admits it (bounded queue, a quarter of it reserved for forwarders
   with a record of valid deliveries; beyond it the message is dropped before any decoding and a
   later copy can come) and decompresses it once, off the event loop, for the message-id and the
   envelope; Pubsub then drops duplicates and sends IDONTWANT;
2. ``validate``: the pipeline's verdict, mapped to ACCEPT / IGNORE / REJECT; an ACCEPTed proof is
   already stored when Pubsub forwards it, and only a REJECT scores the forwarder;
3. ``release``: the queue place is given back.

Sizes: a js-libp2p peer (Lodestar's stack) cannot carry an RPC over 4,194,304 bytes and drops
the gossip session of a peer that sends one. :meth:`rpc_size` is the exact size of the RPC that
carries a message (protobuf framing, topic, py-libp2p's signed peer record); a message over
``max_rpc_size`` (default that js-libp2p bound) is never sent, with a WARNING.

As the pipeline's transport it re-publishes proofs released from the pending queue (past the peer
that sent them), penalises that peer if such a proof turns out invalid, and edits Pubsub's seen
cache (our own messages are seen; a message the pipeline could not judge is forgotten, so a later
copy is validated again).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Hashable
from typing import Final

from libp2p.peer.id import ID
from libp2p.peer.peerstore import env_to_send_in_RPC
from libp2p.pubsub.pb import rpc_pb2

from eip8025_p2p.alerts import Alerts
from eip8025_p2p.encoding import PreparedMessage, execution_proof_topic
from eip8025_p2p.libp2p_patches import Eth2Pubsub, Prepared, ValidationResult
from eip8025_p2p.pipeline import ProofPipeline

__all__ = ["JS_LIBP2P_MAX_RPC_SIZE", "ExecutionProofTopic", "protobuf_field_size"]

logger = logging.getLogger(__name__)

JS_LIBP2P_MAX_RPC_SIZE: Final = 4 * 1024 * 1024
"""The largest gossipsub RPC js-libp2p (Lodestar) reads: 4,194,304 bytes."""
SENDER_RECORD_ALLOWANCE: Final = 512
"""Room for the signed peer record py-libp2p attaches to each RPC (222 bytes measured with one
IPv4 address) when the host cannot make one yet."""


def protobuf_field_size(payload: int) -> int:
    """Bytes of a length-delimited protobuf field (tag < 16) with a ``payload``-byte value."""
    varint = 1
    while payload >= 1 << (7 * varint):
        varint += 1
    return 1 + varint + payload


class ExecutionProofTopic:
    """The ``execution_proof`` topic of one node (see the module docstring)."""

    def __init__(
        self,
        pubsub: Eth2Pubsub,
        fork_digest: bytes,
        pipeline: ProofPipeline,
        *,
        max_rpc_size: int = JS_LIBP2P_MAX_RPC_SIZE,
        alerts: Alerts | None = None,
    ) -> None:
        self.pubsub = pubsub
        self.max_rpc_size = max_rpc_size
        self.alerts = alerts or Alerts(logger)
        self.oversize_not_sent = 0
        self.topic = execution_proof_topic(fork_digest)
        if pipeline.topic != self.topic:
            raise ValueError(f"the pipeline computes message-ids for {pipeline.topic}")
        self.pipeline = pipeline
        pipeline.transport = self

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ExecutionProofTopic]:
        """Register as the topic's validator and subscribe; unregister on exit."""
        self.pubsub.set_eth2_validator(self.topic, self)
        await self.pubsub.subscribe(self.topic)
        try:
            yield self
        finally:
            self.pubsub.remove_eth2_validator(self.topic)

    # -- Eth2TopicValidator ------------------------------------------------------------------

    async def prepare(self, forwarder: ID, msg: rpc_pb2.Message) -> PreparedMessage | None:
        """Admission, then one decompression for the message-id and the envelope.

        A forwarder with a record of valid deliveries may use the queue's reserved share.
        """
        data = bytes(msg.data)
        trusted = self.pubsub.has_good_record(forwarder, self.topic)
        if not self.pipeline.admit(len(data), trusted=trusted):
            return None
        try:
            return await self.pipeline.prepare(data)
        except BaseException:
            self.pipeline.release(len(data))
            raise

    async def validate(
        self, forwarder: ID, msg: rpc_pb2.Message, prepared: Prepared
    ) -> ValidationResult:
        """The pipeline's verdict on a prepared message."""
        assert isinstance(prepared, PreparedMessage)
        verdict = await self.pipeline.validate(prepared, forwarder)
        return ValidationResult(verdict.outcome.value)

    def release(self, prepared: Prepared) -> None:
        """Give the queue place back."""
        assert isinstance(prepared, PreparedMessage)
        self.pipeline.release(prepared.size)

    # -- Transport ---------------------------------------------------------------------------

    def rpc_size(self, data_size: int) -> int:
        """The size of the RPC that carries a ``data_size``-byte message on this topic."""
        message = protobuf_field_size(data_size) + protobuf_field_size(len(self.topic.encode()))
        try:
            record = len(env_to_send_in_RPC(self.pubsub.host)[0])
        except Exception:  # noqa: BLE001 - no record yet (not listening): assume the allowance
            record = SENDER_RECORD_ALLOWANCE
        return protobuf_field_size(message) + protobuf_field_size(record)

    def fits(self, data_size: int) -> bool:
        """Whether a ``data_size``-byte message stays within ``max_rpc_size`` on the wire."""
        return self.rpc_size(data_size) <= self.max_rpc_size

    async def broadcast(self, message: PreparedMessage, exclude: Hashable | None) -> None:
        """Publish an accepted message (not back to the peer it came from), if it fits.

        ``exclude`` is the peer that delivered a parked proof accepted later: that counts as a
        valid delivery of that peer (its record for the queue's reserved share).
        """
        if isinstance(exclude, ID):
            self.pubsub.credit_delivery(exclude, self.topic)
        if not self.fits(message.size):
            self.oversize_not_sent += 1
            self.alerts.warn(
                "gossip_rpc_too_large",
                "not gossiping a proof: its RPC of %d bytes exceeds the %d-byte bound "
                "(js-libp2p peers such as Lodestar drop larger RPCs)",
                self.rpc_size(message.size),
                self.max_rpc_size,
            )
            return
        if not self.pubsub.peer_topics.get(self.topic):
            self.alerts.warn(
                "no_gossip_peers",
                "publishing a proof while no peer is subscribed to %s: nobody receives it",
                self.topic,
            )
        await self.pubsub.publish_validated(
            self.topic,
            message.data,
            exclude=exclude if isinstance(exclude, ID) else None,
            msg_id=message.msg_id,
        )

    def penalize(self, source: Hashable) -> None:
        """Score a REJECT against the peer that sent a parked proof."""
        if isinstance(source, ID):
            self.pubsub.penalize(source, self.topic)

    def mark_seen(self, msg_id: bytes) -> None:
        """Later copies of ``msg_id`` are duplicates."""
        self.pubsub.mark_seen(msg_id)

    def forget(self, msg_id: bytes) -> None:
        """A later copy of ``msg_id`` is validated again."""
        self.pubsub.forget_seen(msg_id)

    # -- tooling -----------------------------------------------------------------------------

    async def publish_raw(self, data: bytes) -> bytes:
        """Publish a payload as it is, without validating it (tests, benchmarks, fault injection).

        Returns its message-id.
        """
        self.pipeline.counters.published += 1
        return await self.pubsub.publish_validated(self.topic, data)
