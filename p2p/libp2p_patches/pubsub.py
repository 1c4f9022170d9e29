"""``Eth2Pubsub``: StrictNoSign, admission and off-loop message-ids, three-outcome validation."""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Final, Protocol, cast

import trio
from libp2p.abc import IHost, INetStream
from libp2p.custom_types import ValidatorFn
from libp2p.network.stream.exceptions import StreamClosed, StreamReset
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2

from eip8025_p2p.libp2p_patches.defences import DefendedPubsub, PubsubCounters
from eip8025_p2p.libp2p_patches.fanout import write_slices
from eip8025_p2p.libp2p_patches.params import GossipParams
from eip8025_p2p.libp2p_patches.queues import BoundedRpcBuffer, PeerQueues
from eip8025_p2p.libp2p_patches.router import Eth2GossipSub, Eth2MessageId
from eip8025_p2p.libp2p_patches.scoring import Clock

__all__ = [
    "Eth2Pubsub",
    "Eth2TopicValidator",
    "Prepared",
    "PreparedId",
    "PubsubCounters",
    "ValidationResult",
]

logger = logging.getLogger(__name__)


class ValidationResult(enum.Enum):
    """gossipsub v1.1 validation outcomes."""

    ACCEPT = "accept"
    IGNORE = "ignore"
    REJECT = "reject"


class Prepared(Protocol):
    """What a topic validator's ``prepare`` returns: at least the message-id."""

    @property
    def msg_id(self) -> bytes:
        """The eth2 message-id."""
        ...


@dataclasses.dataclass(frozen=True)
class PreparedId:
    """A :class:`Prepared` that is only the message-id."""

    msg_id: bytes


class Eth2TopicValidator(Protocol):
    """A topic validator with admission, off-loop preparation and three outcomes.

    ``validation_outcomes`` and ``message_id`` patches: :class:`Eth2Pubsub` calls ``prepare``
    (admission and the message-id, off the event loop), then checks the seen cache, then
    ``validate``, then always ``release``.
    """

    async def prepare(self, forwarder: ID, msg: rpc_pb2.Message) -> Prepared | None:
        """Admit and prepare ``msg``; None: not admitted (dropped, not marked seen)."""
        ...

    async def validate(
        self, forwarder: ID, msg: rpc_pb2.Message, prepared: Prepared
    ) -> ValidationResult:
        """Decide; must not raise (:class:`Eth2Pubsub` treats an exception as IGNORE)."""
        ...

    def release(self, prepared: Prepared) -> None:
        """The message is done (admitted by ``prepare``, validated or found a duplicate)."""
        ...


class _IgnoreAll:
    """The validator of a topic whose real validator was removed (admits nothing)."""

    async def prepare(self, forwarder: ID, msg: rpc_pb2.Message) -> Prepared | None:
        return None

    async def validate(
        self, forwarder: ID, msg: rpc_pb2.Message, prepared: Prepared
    ) -> ValidationResult:
        return ValidationResult.IGNORE

    def release(self, prepared: Prepared) -> None:
        return None


_IGNORE_ALL: Final = _IgnoreAll()


def _has_signing_fields(msg: rpc_pb2.Message) -> bool:
    return bool(msg.from_id or msg.seqno or msg.signature or msg.key)


def _never_raising(validator: ValidatorFn, is_async: bool, topic: str) -> ValidatorFn:
    async def safe_validator(forwarder: ID, msg: rpc_pb2.Message) -> bool:
        try:
            if is_async:
                result = await cast(Callable[[ID, rpc_pb2.Message], Awaitable[bool]], validator)(
                    forwarder, msg
                )
            else:
                result = cast(Callable[[ID, rpc_pb2.Message], bool], validator)(forwarder, msg)
            return bool(result)
        except Exception:
            logger.exception("topic validator for %s raised; message dropped", topic)
            return False

    return safe_validator


class Eth2Pubsub(DefendedPubsub):
    """``Pubsub`` for eth2: StrictNoSign, eth2 message-ids, three-outcome validation, bounds.

    The peer-facing defences (bans, graylist gate, oversize penalty, dead streams) are in
    :class:`~.defences.DefendedPubsub`.
    """

    def __init__(
        self,
        host: IHost,
        router: Eth2GossipSub,
        params: GossipParams,
        msg_id: Eth2MessageId,
        clock: Clock = trio.current_time,
    ) -> None:
        super().__init__(
            host,
            router,
            seen_ttl=params.seen_ttl,
            strict_signing=False,
            msg_id_constructor=msg_id,
            max_inbound_rpc_size=params.max_rpc_size,
            max_subscriptions_per_peer=params.max_subscriptions_per_peer,
        )
        self.params = params
        self.gossipsub = router
        self.peer_queues = PeerQueues(
            params.max_rpc_size,
            params.outbound_queue_rpcs,
            params.outbound_queue_bytes,
            size_of=router.sender.size_of,  # ``large_sends``: sizes of frames serialized once
        )
        self.counters = PubsubCounters()
        self.message_ids = msg_id
        self._eth2_validators: dict[str, Eth2TopicValidator] = {}
        self._init_defences(clock)

    # -- validators ------------------------------------------------------------------------

    def set_topic_validator(
        self, topic: str, validator: ValidatorFn, is_async_validator: bool
    ) -> None:
        """Register a bool validator, wrapped so that it can never raise (``validator_safety``)."""
        super().set_topic_validator(
            topic, _never_raising(validator, is_async_validator, topic), True
        )

    def set_eth2_validator(self, topic: str, validator: Eth2TopicValidator) -> None:
        """Register the three-outcome validator of an eth2 topic."""
        self._eth2_validators[topic] = validator

    def remove_eth2_validator(self, topic: str) -> None:
        """Stop validating ``topic``: its messages are IGNOREd from now on.

        The topic never falls back to py-libp2p's path, which would forward them unvalidated.
        """
        self._eth2_validators[topic] = _IGNORE_ALL

    # -- seen cache --------------------------------------------------------------------------

    def mark_seen(self, msg_id: bytes) -> None:
        """Record ``msg_id`` as seen (duplicates are then dropped without validation)."""
        self.seen_messages.add(msg_id)

    def forget_seen(self, msg_id: bytes) -> None:
        """Let a later copy of ``msg_id`` be validated again (e.g. after an engine outage)."""
        with self.seen_messages.lock:
            self.seen_messages.cache.pop(msg_id, None)

    def is_seen(self, msg_id: bytes) -> bool:
        """True if ``msg_id`` is in the seen cache."""
        with self.seen_messages.lock:
            return msg_id in self.seen_messages.cache

    # -- scoring -----------------------------------------------------------------------------

    def penalize(self, peer_id: ID, topic: str) -> None:
        """Count an invalid message against ``peer_id`` (a REJECT), unless it is us.

        A peer this takes below the graylist threshold is banned (``graylist_ban``).
        """
        if peer_id != self.my_id:
            self.gossipsub.scorer.on_invalid_message(peer_id, topic)
            self.after_penalty(peer_id, topic)

    def defended_topics(self) -> list[str]:
        """The eth2 topics (a peer's score on them decides its graylisting)."""
        return [t for t, v in self._eth2_validators.items() if v is not _IGNORE_ALL]

    def score(self, peer_id: ID, topic: str) -> float:
        """The router's current score of ``peer_id`` on ``topic``."""
        return float(self.gossipsub.scorer.score(peer_id, [topic]))

    def credit_delivery(self, peer_id: ID, topic: str) -> None:
        """``peer_id`` was first to deliver a message ACCEPTed later (e.g. a parked proof)."""
        if peer_id != self.my_id:
            self.gossipsub.scorer.on_first_delivery(peer_id, topic)

    def has_good_record(self, peer_id: ID, topic: str) -> bool:
        """Whether ``peer_id`` has a record of valid deliveries on ``topic``.

        It was first to deliver a message we ACCEPTed and its score is not below the gossip
        threshold; the record outlives reconnects for ``retain_score`` seconds.
        """
        scorer = self.gossipsub.scorer
        deliveries = scorer.first_message_deliveries.get(peer_id)
        if not deliveries or deliveries.get(topic, 0.0) < 1.0:
            return False
        return bool(scorer.score(peer_id, [topic]) >= scorer.params.gossip_threshold)

    # -- receiving ---------------------------------------------------------------------------

    async def push_msg(self, msg_forwarder: ID, msg: rpc_pb2.Message) -> None:
        """Validate and forward one message; never raises (``validator_safety``)."""
        try:
            topic = next((t for t in msg.topicIDs if t in self._eth2_validators), None)
            if topic is None:
                await super().push_msg(msg_forwarder, msg)
            else:
                await self._push_eth2(msg_forwarder, msg, topic, self._eth2_validators[topic])
        except Exception:
            self.counters.validator_errors += 1
            logger.exception("dropping a message from %s after an unexpected error", msg_forwarder)

    async def _push_eth2(
        self, forwarder: ID, msg: rpc_pb2.Message, topic: str, validator: Eth2TopicValidator
    ) -> None:
        if self.is_peer_blacklisted(forwarder):
            return
        local = forwarder == self.my_id
        scorer = self.gossipsub.scorer
        # Checks that depend on more than (topic, data) come before the seen cache: the
        # message-id covers only those, so marking such a message seen would let a peer
        # pre-empt the valid copy of the same data.
        if not local and scorer.is_graylisted(forwarder, [topic]):
            self.counters.graylisted += 1
            return
        if len(msg.topicIDs) != 1 or _has_signing_fields(msg):
            self.counters.not_strict_no_sign += 1
            self.penalize(forwarder, topic)
            return
        # Peers receiving this message from the same source finish about one transfer later.
        hold = max(self.transfer_seconds(forwarder), self.params.min_forward_hold)
        hold_until = trio.current_time() + (0.0 if local else hold)
        prepared = await validator.prepare(forwarder, msg)
        if prepared is None:
            self.counters.not_admitted += 1
            return
        try:
            await self._judge_eth2(forwarder, msg, topic, validator, prepared, hold_until)
        finally:
            validator.release(prepared)

    async def _judge_eth2(
        self,
        forwarder: ID,
        msg: rpc_pb2.Message,
        topic: str,
        validator: Eth2TopicValidator,
        prepared: Prepared,
        hold_until: float,
    ) -> None:
        msg_id = prepared.msg_id
        size = getattr(prepared, "size", None)
        self.message_ids.remember(msg, msg_id, size if isinstance(size, int) else None)
        if self.seen_messages.has(msg_id):
            self.counters.duplicates += 1
            if forwarder != self.my_id:
                self.gossipsub.note_delivered(forwarder, msg_id)  # ``large_sends``
            return
        # Seen on receipt: copies arriving while this one validates are duplicates.
        self.seen_messages.add(msg_id)
        local = forwarder == self.my_id
        if not local:
            await self.gossipsub.announce_idontwant(msg_id, msg, forwarder)
        try:
            result = await validator.validate(forwarder, msg, prepared)
        except Exception:
            self.counters.validator_errors += 1
            logger.exception("eth2 validator for %s raised; IGNORE", topic)
            result = ValidationResult.IGNORE
        scorer = self.gossipsub.scorer
        if result is ValidationResult.ACCEPT:
            if not local:
                scorer.on_first_delivery(forwarder, topic)
                if isinstance(size, int) and size >= self.gossipsub.large_message_size:
                    self.gossipsub.hold_forward(msg_id, hold_until)  # ``large_sends``
            await self.router.publish(forwarder, msg)
        elif result is ValidationResult.REJECT:
            self.penalize(forwarder, topic)

    # -- sending -----------------------------------------------------------------------------

    async def write_msg(self, stream: INetStream, rpc_msg: rpc_pb2.RPC) -> bool:
        """Write an RPC; a large message's RPC as the frame serialized once (``large_sends``)."""
        sender = self.gossipsub.sender
        peer_id = stream.muxed_conn.peer_id
        frame = sender.frame_for(peer_id, rpc_msg)
        if frame is None:
            return await super().write_msg(stream, rpc_msg)
        try:
            for piece in write_slices(frame):
                await stream.write(piece)  # type: ignore[arg-type]  # bytes-like suffices
            return True
        except (StreamClosed, StreamReset):
            logger.debug("failed to write a large message to %s: stream closed or reset", peer_id)
            self._handle_dead_peer(peer_id)
            return False
        finally:
            sender.written(peer_id, rpc_msg)

    # -- publishing --------------------------------------------------------------------------

    async def publish(self, topic_id: str | list[str], data: bytes) -> None:
        """Publish anonymously (StrictNoSign); the topic's validators run on it, as upstream."""
        topics = [topic_id] if isinstance(topic_id, str) else list(topic_id)
        msg = rpc_pb2.Message(data=data, topicIDs=topics)
        await self.wait_for_send_room(topics, len(data))
        await self.push_msg(self.my_id, msg)

    async def publish_validated(
        self,
        topic: str,
        data: bytes,
        *,
        exclude: ID | None = None,
        msg_id: bytes | None = None,
    ) -> bytes:
        """Publish a message the caller has validated: mark it seen and hand it to the router.

        ``exclude`` is a peer not to send it to (the one it came from); ``msg_id`` its id if the
        caller computed it already (off the loop). Returns its message-id.
        """
        msg = rpc_pb2.Message(data=data, topicIDs=[topic])
        if msg_id is not None:
            self.message_ids.remember(msg, msg_id, len(data))
        msg_id = self._msg_id_constructor(msg)
        self.seen_messages.add(msg_id)
        await self.wait_for_send_room([topic], len(data))
        await self.router.publish(exclude if exclude is not None else self.my_id, msg)
        return msg_id

    async def wait_for_send_room(self, topics: Iterable[str], size: int) -> None:
        """Back-pressure: wait (at most ``publish_backpressure_timeout``) for queue room."""
        needed = size + 512  # topic, framing, signed peer record
        buffers: list[BoundedRpcBuffer] = []
        for topic in topics:
            for peer_id in self.peer_topics.get(topic, ()):
                queue = self.peer_queues.get(peer_id)
                buffer = None if queue is None else PeerQueues.buffer(queue)
                if buffer is not None and not buffer.has_room(needed):
                    buffers.append(buffer)
        if not buffers:
            return
        self.counters.backpressure_waits += 1
        with trio.move_on_after(self.params.publish_backpressure_timeout) as scope:
            for buffer in buffers:
                await buffer.wait_room(needed)
        if scope.cancelled_caught:
            self.counters.backpressure_timeouts += 1
            logger.warning(
                "publishing although a peer queue is full after %.1f s",
                self.params.publish_backpressure_timeout,
            )
