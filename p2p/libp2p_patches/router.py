"""The router-side patches: ``Eth2GossipSub``, its message-id and message cache."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterable

import trio
from libp2p.custom_types import TProtocol
from libp2p.peer.id import ID
from libp2p.pubsub.gossipsub import GossipSub
from libp2p.pubsub.mcache import CacheEntry, MessageCache
from libp2p.pubsub.pb import rpc_pb2

from ..encoding import compute_message_id
from .params import (
    GOSSIP_PROTOCOLS,
    IDONTWANT_HEARTBEATS,
    IDONTWANT_MIN_SIZE,
    IDONTWANT_PROTOCOLS,
    RECENT_DELIVERY_WINDOW,
    GossipParams,
)
from .scoring import Clock, RetainingScorer

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
            if self.peer_protocol.get(peer_id) in IDONTWANT_PROTOCOLS:
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

    def add_peer(self, peer_id: ID, protocol_id: TProtocol | None) -> None:
        """A (re)connected peer's retained score applies again (``score_retention`` patch)."""
        super().add_peer(peer_id, protocol_id)
        self.scorer.on_connected(peer_id)

    def remove_peer(self, peer_id: ID) -> None:
        """Also forget the peer's IDONTWANT ages (its score is retained, see ``scorer``)."""
        super().remove_peer(peer_id)
        self._idontwant_at.pop(peer_id, None)
