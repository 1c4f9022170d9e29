"""Every py-libp2p 0.8.1 behaviour change eth2 gossip needs, in one module.

Nothing here monkeypatches py-libp2p: each change is a constructor argument, a subclass
(:class:`Eth2GossipSub`, :class:`Eth2Pubsub`, :class:`Eth2MessageCache`) or an object we hand to
py-libp2p (:class:`PeerQueues`, :class:`Eth2MessageId`). :func:`create_gossip` builds the patched
pair; nothing else in the project constructs ``Pubsub`` or ``GossipSub``. Each patch has a test in
``tests/test_libp2p_patches.py`` that also runs against the unpatched py-libp2p object and is
expected to fail there (``xfail(strict=True)``), so a py-libp2p upgrade that fixes or changes a
default shows up as an unexpected pass.

Patch table: default -> effect -> what we changed.

``mesh_params``
    default: heartbeat 120 s, and adaptive gossip (on) rewrites it to 30-60 s when its "health"
    is low; seen TTL 120 s; eclipse protection on.
    effect: mesh repair and IHAVE gossip every 30-120 s; duplicates remembered for 120 s only.
    change: ``heartbeat_interval=0.7``, ``adaptive_gossip_enabled=False``, D = 8 / 6 / 12, mcache
    6 / 3 heartbeats, seen TTL 385 s (550 heartbeats), eclipse protection off (note 1).
``spam_limit``
    default: 10 messages/s per peer and topic, our own publishes included; excess dropped silently.
    effect: a burst of 30 proofs arrives as 10.
    change: ``spam_protection_enabled=False``; floods are bounded by the validation queue of the
    topic adapter (:mod:`eip8025_p2p.gossip_topic`) instead.
``subscription_limit``
    default: at most 100 topics per remote peer.
    effect: an eth2 peer (attnets, syncnets, data columns, globals: > 200 topics) has its later
    subscriptions ignored, possibly ours.
    change: ``max_subscriptions_per_peer=1024``.
``rpc_size``
    default: inbound RPC limit 1 MiB; the outbound per-peer ``RpcQueue`` drops RPCs above its
    ``max_message_size`` of 1 MiB, and that queue is built inside ``Pubsub._handle_new_peer``.
    effect: a proof above ~1 MiB compressed is lost: the receiver resets the stream, the sender
    drops the RPC as "oversized" (either limit alone loses it).
    change: both limits = compressed bound of ``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE`` + 64 KiB
    framing slack (:data:`MAX_GOSSIP_RPC_SIZE`): ``max_inbound_rpc_size`` and :class:`PeerQueues`.
``outbound_queue``
    default: 32 RPCs per peer (data and control together); a full queue drops silently while
    ``publish()`` reports success.
    effect: a burst (30 proofs plus one IDONTWANT each) is cut short.
    change: we chose a larger bound *and* back-pressure: 1024 RPCs and 64 MiB of data RPCs per peer
    (:class:`BoundedRpcBuffer`); local publishes wait for room (at most 10 s, counted); forwarding
    cannot wait (py-libp2p's ``send_rpc`` is synchronous), so beyond the bound it still drops.
``anonymous_publish``
    default: ``publish()`` sets ``from`` (39 B) and ``seqno`` (8 B) even without signing.
    effect: not StrictNoSign on the wire; eth2 peers reject such messages.
    change: :meth:`Eth2Pubsub.publish` / :meth:`Eth2Pubsub.publish_validated` send ``data`` and
    ``topicIDs`` only; received messages with from / seqno / signature / key are REJECTed.
``message_id``
    default: seen cache, mcache and IHAVE / IWANT keyed by ``from + seqno``, computed on the event
    loop for every received message.
    effect: 5 distinct anonymous proofs arrive as 1; IHAVE advertises empty ids; a 4 MiB message
    is decompressed and hashed on the loop (~5 ms) before any throttling.
    change: ``msg_id_constructor`` = eth2 message-id (:class:`Eth2MessageId`, memoised per message
    object, the memo bounded by count and bytes); the mcache is keyed by it
    (:class:`Eth2MessageCache`). For eth2 topics the topic validator computes the id itself, off
    the loop and after admission (``prepare``, which decodes the message in the same pass), and
    :meth:`Eth2Pubsub.push_msg` hands it to the memo.
``equivocation``
    default: the first *whole* message per ``from + seqno`` is kept, pruned only above 1000
    entries.
    effect: every anonymous message after the first is an "equivocation" (same empty key): not
    forwarded, and up to ~4 GiB of 4 MiB proofs retained.
    change: :meth:`Eth2GossipSub._check_equivocation` accepts and stores nothing
    (content-addressed ids cannot equivocate).
``recent_deliveries``
    default: ``recent_message_deliveries`` gets a timestamp per forwarded message and is pruned
    only by adaptive gossip.
    effect: with adaptive gossip off, a slow unbounded leak.
    change: :meth:`Eth2GossipSub._periodic_security_cleanup` drops entries older than 60 s.
``pending_replay``
    default: messages for peers whose subscription is not known yet are queued 30 s (100 per
    peer) and replayed.
    effect: stale replays, and up to 100 x 4 MiB held per connecting peer.
    change: ``pending_messages_ttl=0``, ``max_pending_messages_per_peer=1`` (go-libp2p has no such
    queue).
``idontwant``
    default: 10 IDONTWANT ids remembered per peer, all forgotten at every heartbeat; IDONTWANT is
    sent only after validation, when forwarding (to every mesh peer, also for our own messages).
    effect: useless for large messages: every mesh peer that validated a proof sends it to us in
    full (measured: ~7.5 copies of each 4 MiB proof per node on a 10-node full mesh), and in a
    burst the 11th id evicts earlier ones.
    change: ``max_idontwant_messages=1000`` (go-libp2p's default); IDONTWANT is sent on receipt,
    before validation, for messages of at least 1 KiB (gossipsub v1.2; not again when forwarding,
    never for our own messages); received ids are kept for 3 heartbeats
    (:meth:`Eth2GossipSub.announce_idontwant`, ``handle_idontwant``,
    ``_prune_idontwant_entries``).
``validator_safety``
    default: a *sync* topic validator that raises propagates out of ``push_msg``, which runs as a
    Pubsub service task.
    effect: one bad message tears down the Pubsub service (gossip on that host stops).
    change: :meth:`Eth2Pubsub.set_topic_validator` wraps every validator in an async function that
    never raises; :meth:`Eth2Pubsub.push_msg` catches everything (dropped, logged, counted).
``validation_outcomes``
    default: validators return bool; every failure scores ``on_invalid_message`` against the
    forwarder and is cached as failed for 300 s; accepted messages go to a 32-slot subscription
    channel.
    effect: an IGNORE (e.g. block not seen yet) penalises an honest peer; no IGNORE / REJECT
    distinction; the channel overflows silently if not drained.
    change: eth2 topics use an :class:`Eth2TopicValidator` (prepare, then ACCEPT / IGNORE /
    REJECT): only REJECT is scored; a message the validator cannot admit (full queue) is dropped
    before any decoding and not marked seen; the message-id is marked seen on receipt (no
    duplicate validation); no result cache; no subscription channel (the validator consumes the
    message).
``scoring``
    default: every score weight 0, every threshold ``-inf``.
    effect: penalties change nothing; a peer sending invalid proofs is never cut off.
    change: :func:`eth2_score_params`.

Note 1: eclipse protection only grafts peers from *other* IPs, and in 0.8.1 peer IPs are never
recorded (``GossipSub.add_peer`` looks the stream up before ``Pubsub`` registers it), so it is inert
today; we switch it off so an upstream fix cannot start grafting past ``D_high`` on a devnet.

Known limits we leave alone: ``PeerScorer`` has one parameter set for all topics and no
mesh-delivery (P3) terms; opportunistic grafting runs every heartbeat; every RPC carries and
verifies a signed peer record (~14 % of receive + send CPU in the shared measurements).
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Final, Protocol, cast

import trio
from libp2p.abc import IHost
from libp2p.custom_types import TProtocol, ValidatorFn
from libp2p.peer.id import ID
from libp2p.pubsub.gossipsub import PROTOCOL_ID_V11, PROTOCOL_ID_V12, GossipSub
from libp2p.pubsub.mcache import CacheEntry, MessageCache
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.pubsub import Pubsub
from libp2p.pubsub.rpc_queue import PriorityQueue, RpcQueue
from libp2p.pubsub.score import ScoreParams, TopicScoreParams

from .encoding import MAX_COMPRESSED_EXECUTION_PROOF_SIZE, compute_message_id

__all__ = [
    "GOSSIP_PROTOCOLS",
    "MAX_GOSSIP_RPC_SIZE",
    "PATCHES",
    "RPC_FRAMING_SLACK",
    "BoundedRpcBuffer",
    "Eth2GossipSub",
    "Eth2MessageCache",
    "Eth2MessageId",
    "Eth2Pubsub",
    "Eth2TopicValidator",
    "GossipParams",
    "PeerQueues",
    "Prepared",
    "PreparedId",
    "PubsubCounters",
    "ValidationResult",
    "create_gossip",
    "eth2_score_params",
]

logger = logging.getLogger(__name__)

MiB: Final = 1024 * 1024

PATCHES: Final = (
    "mesh_params",
    "spam_limit",
    "subscription_limit",
    "rpc_size",
    "outbound_queue",
    "anonymous_publish",
    "message_id",
    "equivocation",
    "recent_deliveries",
    "pending_replay",
    "idontwant",
    "validator_safety",
    "validation_outcomes",
    "scoring",
)
"""The patch names of the module docstring's table (one test each)."""

RPC_FRAMING_SLACK: Final = 64 * 1024
"""Room for protobuf framing, the topic string and the signed peer record py-libp2p attaches."""
MAX_GOSSIP_RPC_SIZE: Final = MAX_COMPRESSED_EXECUTION_PROOF_SIZE + RPC_FRAMING_SLACK
"""Inbound RPC limit and outbound RPC size limit (one max-size proof fits in one RPC)."""

GOSSIP_PROTOCOLS: Final = (TProtocol(PROTOCOL_ID_V12), TProtocol(PROTOCOL_ID_V11))
_IDONTWANT_PROTOCOLS: Final = frozenset({TProtocol(PROTOCOL_ID_V12)})
"""meshsub 1.2 (IDONTWANT) preferred, 1.1 accepted; 1.0 (no scoring / PX) is not offered."""

IDONTWANT_MIN_SIZE: Final = 1024
"""Messages at least this large are announced with IDONTWANT on receipt (go-libp2p: 1 KiB)."""
IDONTWANT_HEARTBEATS: Final = 3
"""Heartbeats a received IDONTWANT id is honoured (go-libp2p keeps them 3 heartbeats)."""

RECENT_DELIVERY_WINDOW: Final = 60.0
"""Seconds of ``recent_message_deliveries`` history kept (all adaptive gossip ever reads)."""


def eth2_score_params() -> ScoreParams:
    """Score parameters that make REJECTs count (``scoring`` patch).

    py-libp2p's score is ``sum(weight * min(counter, cap))`` per topic with the invalid-message
    term (P4) subtracted; there are no mesh-delivery terms and one parameter set for all topics. We
    use only P4: honest peers stay at 0, each REJECT costs 10 and decays by 0.3 % per heartbeat
    (half-life ~230 heartbeats, ~160 s at 0.7 s). py-libp2p applies ``publish_threshold`` to
    messages it *sends* (and to what its stock ``push_msg`` receives), ``gossip_threshold`` to
    gossip, and ``graylist_threshold`` to GRAFTs; :class:`Eth2Pubsub` additionally drops messages
    from graylisted peers before validating them.
    """
    return ScoreParams(
        p4_invalid_messages=TopicScoreParams(weight=10.0, cap=1000.0, decay=0.997),
        gossip_threshold=-40.0,
        publish_threshold=-80.0,
        graylist_threshold=-160.0,
        accept_px_threshold=0.0,
    )


@dataclasses.dataclass(frozen=True)
class GossipParams:
    """eth2 gossipsub parameters (phase0 p2p-interface.md) plus our py-libp2p bounds."""

    d: int = 8
    d_low: int = 6
    d_high: int = 12
    heartbeat_interval: float = 0.7
    fanout_ttl: int = 60
    mcache_len: int = 6
    mcache_gossip: int = 3
    seen_ttl: int = 385
    """550 heartbeats of 0.7 s (eth2 ``seen_ttl``)."""
    prune_backoff: int = 60
    unsubscribe_backoff: int = 10
    max_rpc_size: int = MAX_GOSSIP_RPC_SIZE
    max_subscriptions_per_peer: int = 1024
    outbound_queue_rpcs: int = 1024
    outbound_queue_bytes: int = 64 * MiB
    publish_backpressure_timeout: float = 10.0
    max_idontwant_messages: int = 1000
    score_params: ScoreParams = dataclasses.field(default_factory=eth2_score_params)

    def __post_init__(self) -> None:
        if not self.d_low <= self.d <= self.d_high:
            raise ValueError("gossip degrees must satisfy d_low <= d <= d_high")
        if self.max_rpc_size < MAX_GOSSIP_RPC_SIZE:
            raise ValueError(f"max_rpc_size must allow a max-size proof ({MAX_GOSSIP_RPC_SIZE})")
        if self.outbound_queue_bytes < self.max_rpc_size:
            raise ValueError("outbound_queue_bytes must hold at least one max-size RPC")


class Eth2MessageId:
    """The eth2 message-id as ``msg_id_constructor`` (``message_id`` patch).

    py-libp2p asks for the id of the same message object several times (seen check, mcache,
    IDONTWANT); for a 4 MiB proof each computation decompresses and hashes it (~5 ms). Message
    objects are remembered by identity (protobuf messages cannot be weakly referenced), at most
    ``memo`` of them and ``memo_bytes`` of their data; the objects are also in the mcache, so the
    memo holds nothing the mcache does not. :meth:`remember` stores an id computed elsewhere
    (off the loop, by a topic validator).
    """

    def __init__(self, memo: int = 64, memo_bytes: int = 64 * MiB) -> None:
        self._memo: collections.OrderedDict[int, tuple[rpc_pb2.Message, bytes]] = (
            collections.OrderedDict()
        )
        self._size = memo
        self._max_bytes = memo_bytes
        self._bytes = 0
        self.computed = 0

    def __call__(self, msg: rpc_pb2.Message) -> bytes:
        """The 20-byte eth2 message-id of ``msg`` (topic + decompressed data)."""
        key = id(msg)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is msg:
            self._memo.move_to_end(key)
            return hit[1]
        topic = msg.topicIDs[0] if len(msg.topicIDs) == 1 else ""
        msg_id = compute_message_id(topic, msg.data)
        self.computed += 1
        self.remember(msg, msg_id)
        return msg_id

    def remember(self, msg: rpc_pb2.Message, msg_id: bytes) -> None:
        """Memoise ``msg_id`` for this message object."""
        key = id(msg)
        old = self._memo.pop(key, None)
        if old is not None:
            self._bytes -= len(old[0].data)
        self._memo[key] = (msg, msg_id)
        self._bytes += len(msg.data)
        while self._memo and (len(self._memo) > self._size or self._bytes > self._max_bytes):
            _, (evicted, _) = self._memo.popitem(last=False)
            self._bytes -= len(evicted.data)

    @property
    def memo_bytes(self) -> int:
        """Data bytes of the remembered messages."""
        return self._bytes


class Eth2MessageCache(MessageCache):
    """``MessageCache`` keyed by the pubsub message-id instead of ``from + seqno``."""

    def __init__(
        self, window_size: int, history_size: int, msg_id: Callable[[rpc_pb2.Message], bytes]
    ) -> None:
        super().__init__(window_size, history_size)
        self._msg_id = msg_id

    def put(self, msg: rpc_pb2.Message) -> None:
        """Cache ``msg`` under its eth2 message-id (first copy wins)."""
        mid = self._msg_id(msg)
        if mid in self.msgs:
            return
        self.msgs[mid] = msg
        self.history[0].append(CacheEntry(mid, msg.topicIDs))


class Eth2GossipSub(GossipSub):
    """``GossipSub`` with eth2 parameters and the router-side patches."""

    def __init__(self, params: GossipParams, msg_id: Callable[[rpc_pb2.Message], bytes]) -> None:
        super().__init__(
            protocols=list(GOSSIP_PROTOCOLS),
            degree=params.d,
            degree_low=params.d_low,
            degree_high=params.d_high,
            time_to_live=params.fanout_ttl,
            gossip_window=params.mcache_gossip,
            gossip_history=params.mcache_len,
            # py-libp2p annotates it ``int`` but only ever passes it to ``trio.sleep``.
            heartbeat_interval=params.heartbeat_interval,  # type: ignore[arg-type]
            prune_back_off=params.prune_backoff,
            unsubscribe_back_off=params.unsubscribe_backoff,
            score_params=params.score_params,
            max_idontwant_messages=params.max_idontwant_messages,
            adaptive_gossip_enabled=False,
            spam_protection_enabled=False,
            eclipse_protection_enabled=False,
            max_pending_messages_per_peer=1,
            pending_messages_ttl=0.0,
        )
        self.mcache = Eth2MessageCache(params.mcache_gossip, params.mcache_len, msg_id)
        self._heartbeats = 0
        self._idontwant_at: dict[ID, collections.OrderedDict[bytes, int]] = {}

    def _check_equivocation(self, msg: rpc_pb2.Message) -> bool:
        """Accept: content-addressed message-ids cannot equivocate (``equivocation`` patch)."""
        return True

    def _periodic_security_cleanup(self) -> None:
        """Also prune ``recent_message_deliveries`` (``recent_deliveries`` patch)."""
        super()._periodic_security_cleanup()
        cutoff = time.time() - RECENT_DELIVERY_WINDOW
        for topic in list(self.recent_message_deliveries):
            kept = [t for t in self.recent_message_deliveries[topic] if t > cutoff]
            if kept:
                self.recent_message_deliveries[topic] = kept
            else:
                del self.recent_message_deliveries[topic]

    # -- IDONTWANT (``idontwant`` patch) -----------------------------------------------------

    async def announce_idontwant(self, msg_id: bytes, msg: rpc_pb2.Message, sender: ID) -> None:
        """On receipt, before validation: ask mesh peers not to send us this large message."""
        if len(msg.data) < IDONTWANT_MIN_SIZE:
            return
        peers: set[ID] = set()
        for topic in msg.topicIDs:
            peers.update(self.mesh.get(topic, ()))
        peers.discard(sender)
        for peer_id in peers:
            if self.peer_protocol.get(peer_id) in _IDONTWANT_PROTOCOLS:
                await self.emit_idontwant([msg_id], peer_id)

    async def _emit_idontwant_for_message(self, msg_id: bytes, topic_ids: Iterable[str]) -> None:
        """Not when forwarding: :meth:`announce_idontwant` did it on receipt."""

    async def handle_idontwant(
        self, idontwant_msg: rpc_pb2.ControlIDontWant, sender_peer_id: ID
    ) -> None:
        """Remember the ids for ``IDONTWANT_HEARTBEATS`` heartbeats, at most 1000 per peer."""
        ages = self._idontwant_at.setdefault(sender_peer_id, collections.OrderedDict())
        dont_send = self.dont_send_message_ids.setdefault(sender_peer_id, set())
        for msg_id in idontwant_msg.messageIDs:
            ages[msg_id] = self._heartbeats
            ages.move_to_end(msg_id)
            dont_send.add(msg_id)
            while len(ages) > self.max_idontwant_messages:
                oldest, _ = ages.popitem(last=False)
                dont_send.discard(oldest)

    def _prune_idontwant_entries(self) -> None:
        """Each heartbeat: forget ids older than ``IDONTWANT_HEARTBEATS`` heartbeats."""
        self._heartbeats += 1
        cutoff = self._heartbeats - IDONTWANT_HEARTBEATS
        for peer_id, ages in list(self._idontwant_at.items()):
            dont_send = self.dont_send_message_ids.get(peer_id, set())
            while ages and next(iter(ages.values())) <= cutoff:
                oldest, _ = ages.popitem(last=False)
                dont_send.discard(oldest)
            if not ages:
                del self._idontwant_at[peer_id]

    def remove_peer(self, peer_id: ID) -> None:
        """Also forget the peer's IDONTWANT ages."""
        super().remove_peer(peer_id)
        self._idontwant_at.pop(peer_id, None)


class BoundedRpcBuffer(PriorityQueue):
    """The buffer inside each per-peer ``RpcQueue``: bounded by RPC count and data bytes.

    Control RPCs (priority) count only against ``max_rpcs``; data RPCs also against ``max_bytes``
    (a single RPC is always accepted into an empty data queue). ``wait_room`` lets a local publisher
    wait until the sending task has drained enough (``outbound_queue`` patch).
    """

    def __init__(self, max_rpcs: int, max_bytes: int) -> None:
        super().__init__(max_rpcs)
        self.max_bytes = max_bytes
        self.data_bytes = 0
        self.dropped = 0
        self._sizes: collections.deque[int] = collections.deque()
        self._room = trio.Event()

    def has_room(self, size: int) -> bool:
        """True if a data RPC of ``size`` bytes would be accepted now."""
        if len(self) >= self.max_size:
            return False
        return not self._non_priority or self.data_bytes + size <= self.max_bytes

    def push(self, rpc: rpc_pb2.RPC, priority: bool = False) -> bool:
        """Enqueue, or return False (py-libp2p then logs and drops the RPC)."""
        if priority:
            if len(self) >= self.max_size:
                self.dropped += 1
                return False
            self._priority.append(rpc)
            return True
        size = rpc.ByteSize()
        if not self.has_room(size):
            self.dropped += 1
            return False
        self._non_priority.append(rpc)
        self._sizes.append(size)
        self.data_bytes += size
        return True

    def pop(self) -> rpc_pb2.RPC | None:
        """Dequeue (control first) and wake publishers waiting for room."""
        if self._priority:
            rpc = self._priority.popleft()
        elif self._non_priority:
            rpc = self._non_priority.popleft()
            self.data_bytes -= self._sizes.popleft()
        else:
            return None
        self._room.set()
        self._room = trio.Event()
        return rpc

    async def wait_room(self, size: int) -> None:
        """Wait until a data RPC of ``size`` bytes fits (callers bound the wait)."""
        while not self.has_room(size):
            await self._room.wait()


class PeerQueues(dict[ID, RpcQueue]):
    """``Pubsub.peer_queues`` that re-bounds each queue as ``_handle_new_peer`` inserts it.

    py-libp2p builds ``RpcQueue()`` with its 1 MiB / 32-RPC defaults inside
    ``Pubsub._handle_new_peer`` and starts the sending task with it right after storing it here, so
    adjusting the object on insertion is the one place that catches every queue before its first
    use (``rpc_size`` and ``outbound_queue`` patches).
    """

    def __init__(self, max_message_size: int, max_rpcs: int, max_bytes: int) -> None:
        super().__init__()
        self.max_message_size = max_message_size
        self.max_rpcs = max_rpcs
        self.max_bytes = max_bytes

    def __setitem__(self, peer_id: ID, queue: RpcQueue) -> None:
        queue.max_message_size = self.max_message_size
        if len(queue) == 0 and not isinstance(queue._queue, BoundedRpcBuffer):
            queue._queue = BoundedRpcBuffer(self.max_rpcs, self.max_bytes)
        super().__setitem__(peer_id, queue)

    @staticmethod
    def buffer(queue: RpcQueue) -> BoundedRpcBuffer | None:
        """The bounded buffer of ``queue`` (None for a queue we did not re-bound)."""
        inner = queue._queue
        return inner if isinstance(inner, BoundedRpcBuffer) else None


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


@dataclasses.dataclass
class PubsubCounters:
    """What :class:`Eth2Pubsub` drops before or around a topic validator."""

    not_admitted: int = 0
    duplicates: int = 0
    graylisted: int = 0
    not_strict_no_sign: int = 0
    validator_errors: int = 0
    backpressure_waits: int = 0
    backpressure_timeouts: int = 0


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


class Eth2Pubsub(Pubsub):
    """``Pubsub`` for eth2: StrictNoSign, eth2 message-ids, three-outcome validation, bounds."""

    def __init__(
        self,
        host: IHost,
        router: Eth2GossipSub,
        params: GossipParams,
        msg_id: Eth2MessageId,
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
            params.max_rpc_size, params.outbound_queue_rpcs, params.outbound_queue_bytes
        )
        self.counters = PubsubCounters()
        self.message_ids = msg_id
        self._eth2_validators: dict[str, Eth2TopicValidator] = {}

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
        """Count an invalid message against ``peer_id`` (a REJECT), unless it is us."""
        scorer = self.gossipsub.scorer
        if scorer is not None and peer_id != self.my_id:
            scorer.on_invalid_message(peer_id, topic)

    def score(self, peer_id: ID, topic: str) -> float:
        """The router's current score of ``peer_id`` on ``topic`` (0.0 without a scorer)."""
        scorer = self.gossipsub.scorer
        return 0.0 if scorer is None else float(scorer.score(peer_id, [topic]))

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
        if not local and scorer is not None and scorer.is_graylisted(forwarder, [topic]):
            self.counters.graylisted += 1
            return
        if len(msg.topicIDs) != 1 or _has_signing_fields(msg):
            self.counters.not_strict_no_sign += 1
            self.penalize(forwarder, topic)
            return
        prepared = await validator.prepare(forwarder, msg)
        if prepared is None:
            self.counters.not_admitted += 1
            return
        try:
            await self._judge_eth2(forwarder, msg, topic, validator, prepared)
        finally:
            validator.release(prepared)

    async def _judge_eth2(
        self,
        forwarder: ID,
        msg: rpc_pb2.Message,
        topic: str,
        validator: Eth2TopicValidator,
        prepared: Prepared,
    ) -> None:
        msg_id = prepared.msg_id
        self.message_ids.remember(msg, msg_id)
        if self.seen_messages.has(msg_id):
            self.counters.duplicates += 1
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
            if scorer is not None and not local:
                scorer.on_first_delivery(forwarder, topic)
            await self.router.publish(forwarder, msg)
        elif result is ValidationResult.REJECT:
            self.penalize(forwarder, topic)

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
            self.message_ids.remember(msg, msg_id)
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


def create_gossip(
    host: IHost, params: GossipParams | None = None
) -> tuple[Eth2Pubsub, Eth2GossipSub]:
    """Build the patched ``Pubsub`` and ``GossipSub`` for ``host`` (run both as services)."""
    params = params or GossipParams()
    msg_id = Eth2MessageId()
    router = Eth2GossipSub(params, msg_id)
    pubsub = Eth2Pubsub(host, router, params, msg_id)
    return pubsub, router
