"""The router-side patches: ``Eth2GossipSub``, its message-id and message cache."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterable

import trio
from libp2p.custom_types import TProtocol
from libp2p.peer.id import ID
from libp2p.peer.peerstore import env_to_send_in_RPC
from libp2p.pubsub.gossipsub import GossipSub
from libp2p.pubsub.mcache import CacheEntry, MessageCache
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.rpc_queue import RpcQueue

from eip8025_p2p.encoding import compute_message_id
from eip8025_p2p.libp2p_patches.fanout import StaggeredSender
from eip8025_p2p.libp2p_patches.params import (
    GOSSIP_PROTOCOLS,
    IDONTWANT_HEARTBEATS,
    IDONTWANT_MIN_SIZE,
    IDONTWANT_PROTOCOLS,
    RECENT_DELIVERY_WINDOW,
    GossipParams,
)
from eip8025_p2p.libp2p_patches.scoring import Clock, RetainingScorer

__all__ = ["Eth2GossipSub", "Eth2MessageCache", "Eth2MessageId"]

MiB = 1024 * 1024


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
        self._memo: collections.OrderedDict[int, tuple[rpc_pb2.Message, bytes, int]] = (
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
        data = msg.data
        msg_id = compute_message_id(topic, data)
        self.computed += 1
        self.remember(msg, msg_id, len(data))
        return msg_id

    def remember(self, msg: rpc_pb2.Message, msg_id: bytes, size: int | None = None) -> None:
        """Memoise ``msg_id`` for this message object (``size``: its data length, if known).

        Each read of ``msg.data`` copies the payload (upb), so sizes are remembered.
        """
        key = id(msg)
        old = self._memo.pop(key, None)
        if old is not None:
            self._bytes -= old[2]
        if size is None:
            size = len(msg.data)
        self._memo[key] = (msg, msg_id, size)
        self._bytes += size
        while self._memo and (len(self._memo) > self._size or self._bytes > self._max_bytes):
            _, (_, _, evicted) = self._memo.popitem(last=False)
            self._bytes -= evicted

    def data_size(self, msg: rpc_pb2.Message) -> int:
        """``len(msg.data)``, from the memo when ``msg`` is remembered (no 4 MiB copy)."""
        hit = self._memo.get(id(msg))
        if hit is not None and hit[0] is msg:
            return hit[2]
        return len(msg.data)

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

    def __init__(
        self,
        params: GossipParams,
        msg_id: Callable[[rpc_pb2.Message], bytes],
        clock: Clock = trio.current_time,
    ) -> None:
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
        self.scorer: RetainingScorer = RetainingScorer(
            params.score_params, params.retain_score, clock
        )
        self._heartbeats = 0
        self._idontwant_at: dict[ID, collections.OrderedDict[bytes, int]] = {}
        self.large_message_size = params.large_message_size
        self.flood_publish = params.flood_publish
        self.max_forward_hold = params.max_forward_hold
        self._hold_until: collections.OrderedDict[bytes, float] = collections.OrderedDict()
        self.sender = StaggeredSender(
            self._queue_of,
            self._wants,
            parallel=params.large_send_parallel,
            timeout=params.large_send_timeout,
        )

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

    def data_size(self, msg: rpc_pb2.Message) -> int:
        """The size of ``msg.data``, without copying it when our Pubsub remembers the message."""
        ids = getattr(self.pubsub, "message_ids", None)
        return ids.data_size(msg) if isinstance(ids, Eth2MessageId) else len(msg.data)

    async def announce_idontwant(self, msg_id: bytes, msg: rpc_pb2.Message, sender: ID) -> None:
        """On receipt, before validation: ask mesh peers not to send us this large message."""
        if self.data_size(msg) < IDONTWANT_MIN_SIZE:
            return
        peers: set[ID] = set()
        for topic in msg.topicIDs:
            peers.update(self.mesh.get(topic, ()))
        peers.discard(sender)
        for peer_id in peers:
            if self.peer_protocol.get(peer_id) in IDONTWANT_PROTOCOLS:
                await self.emit_idontwant([msg_id], peer_id)

    async def _emit_idontwant_for_message(self, msg_id: bytes, topic_ids: Iterable[str]) -> None:
        """Not when forwarding: :meth:`announce_idontwant` did it on receipt."""

    async def handle_idontwant(
        self, idontwant_msg: rpc_pb2.ControlIDontWant, sender_peer_id: ID
    ) -> None:
        """Remember the ids for ``IDONTWANT_HEARTBEATS`` heartbeats, at most 1000 per peer."""
        self._dont_send(sender_peer_id, idontwant_msg.messageIDs)

    def note_delivered(self, peer_id: ID, msg_id: bytes) -> None:
        """``peer_id`` sent us a copy of ``msg_id``: it has it, as if it sent IDONTWANT."""
        self._dont_send(peer_id, [msg_id])

    def _dont_send(self, sender_peer_id: ID, msg_ids: Iterable[bytes]) -> None:
        ages = self._idontwant_at.setdefault(sender_peer_id, collections.OrderedDict())
        dont_send = self.dont_send_message_ids.setdefault(sender_peer_id, set())
        for msg_id in msg_ids:
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

    def add_peer(self, peer_id: ID, protocol_id: TProtocol | None) -> None:
        """A (re)connected peer's retained score applies again (``score_retention`` patch)."""
        super().add_peer(peer_id, protocol_id)
        self.scorer.on_connected(peer_id)

    def remove_peer(self, peer_id: ID) -> None:
        """Also forget the peer's IDONTWANT ages (its score is retained, see ``scorer``)."""
        super().remove_peer(peer_id)
        self._idontwant_at.pop(peer_id, None)
        self.sender.peer_gone(peer_id)

    # -- large messages (``large_sends`` patch) ----------------------------------------------

    def hold_forward(self, msg_id: bytes, until: float) -> None:
        """Forward large message ``msg_id`` not before ``until`` (trio time; at most 1000 kept)."""
        self._hold_until[msg_id] = until
        while len(self._hold_until) > 1000:
            self._hold_until.popitem(last=False)

    async def publish(self, msg_forwarder: ID, pubsub_msg: rpc_pb2.Message) -> None:
        """Forward or publish; large messages through :class:`StaggeredSender` (``large_sends``).

        The peers are those py-libp2p would choose (mesh, fanout, direct; not the forwarder; not
        peers that sent IDONTWANT; the publish score gate); the sends run in the background.
        """
        pubsub = self.pubsub
        manager = getattr(self, "_manager", None)
        running = manager is not None and bool(manager.is_running)
        if self.data_size(pubsub_msg) < self.large_message_size or pubsub is None or not running:
            await super().publish(msg_forwarder, pubsub_msg)
            return
        self.mcache.put(pubsub_msg)
        msg_id = pubsub.get_message_id(pubsub_msg)
        topics = list(pubsub_msg.topicIDs)
        origin = ID(pubsub_msg.from_id)
        candidates = self._get_peers_to_send(topics, msg_forwarder, origin, msg_id)
        scorer = self.scorer
        peers = [
            p
            for p in candidates
            if p in pubsub.peers and (scorer is None or scorer.allow_publish(p, topics))
        ]
        await self._notify_observers(topics, msg_id)
        rpc = rpc_pb2.RPC()
        # upb: RPC(publish=[msg]) of a received message takes ~5 ms per 4 MiB, CopyFrom ~0.2 ms
        rpc.publish.add().CopyFrom(pubsub_msg)
        rpc.senderRecord = env_to_send_in_RPC(pubsub.host)[0]
        now = time.time()
        for topic in topics:
            self.time_since_last_publish[topic] = int(now)
            self.recent_message_deliveries[topic].append(now)
        hold = self._hold_until.pop(msg_id, 0.0)
        not_before = min(hold, trio.current_time() + self.max_forward_hold)
        self.manager.run_task(self.sender.send, msg_id, rpc, peers, not_before)

    def _get_peers_to_send(
        self,
        topic_ids: Iterable[str],
        msg_forwarder: ID,
        origin: ID,
        msg_id: bytes | None = None,
    ) -> Iterable[ID]:
        """Our own messages go to every topic peer above the publish threshold (``flood_publish``).

        Messages we forward go to the peers py-libp2p chooses (mesh, fanout, direct).
        """
        topics = list(topic_ids)
        peers = set(super()._get_peers_to_send(topics, msg_forwarder, origin, msg_id))
        pubsub = self.pubsub
        if not self.flood_publish or pubsub is None or msg_forwarder != pubsub.my_id:
            return peers
        scorer = self.scorer
        for topic in topics:
            for peer_id in pubsub.peer_topics.get(topic, ()):
                if peer_id in (msg_forwarder, origin) or peer_id in peers:
                    continue
                if msg_id is not None and msg_id in self.dont_send_message_ids.get(peer_id, ()):
                    continue
                if scorer is None or scorer.allow_publish(peer_id, [topic]):
                    peers.add(peer_id)
        return peers

    def _queue_of(self, peer_id: ID) -> RpcQueue | None:
        return None if self.pubsub is None else self.pubsub.peer_queues.get(peer_id)

    def _wants(self, peer_id: ID, msg_id: bytes) -> bool:
        if self.pubsub is None or peer_id not in self.pubsub.peers:
            return False
        return msg_id not in self.dont_send_message_ids.get(peer_id, ())
