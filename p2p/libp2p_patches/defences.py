"""Pubsub defences for a hostile, long-running network.

Patches ``graylist_ban``, ``graylist_gate``, ``oversize_penalty`` and ``dead_streams``.
:class:`DefendedPubsub` is the part of :class:`~.pubsub.Eth2Pubsub` that deals with peers rather
than messages:

- **Bans.** A peer whose score falls below the graylist threshold is disconnected and banned for
  ``ban_duration`` seconds (one WARNING per ban): :class:`~.scoring.BanNotifee` closes its new
  connections, and :meth:`is_peer_blacklisted` (which py-libp2p consults before opening a pubsub
  stream) refuses it. A peer that comes back after its ban still below the threshold (its score
  is retained and decays slowly) is banned again as soon as pubsub sees it.
- **Graylist gate.** The peer's inbound pubsub stream is a :class:`~.streams.GatedStream`: RPC
  frames of a graylisted (or banned) peer are skipped before py-libp2p parses them, verifies
  their signed peer record or spawns tasks for them.
- **Oversize penalty.** An RPC whose length prefix exceeds ``max_inbound_rpc_size`` counts as one
  invalid message on every eth2 topic; py-libp2p then resets the stream as before.
- **Dead streams.** py-libp2p ends the read loop of a peer's inbound stream quietly on EOF or
  reset, never reads our outbound stream (so a reset of it is noticed only by a later write,
  whose message is lost) and, when a write fails, forgets the peer's subscriptions without ever
  getting them back (they came over the *other* stream). A js-libp2p peer that fails to read an
  RPC drops its gossip session with us but keeps the connection: we kept it in the mesh and
  published into the void. Here both streams are watched (the outbound one by a reader that
  expects nothing, as go-libp2p's ``handlePeerEOF``); when either ends while the connection
  stays up, the whole session is torn down: both streams reset (so the peer notices too), the
  peer removed from the mesh, ``peers`` and ``peer_topics``, and our stream re-opened with a
  fresh hello, at most ``stream_reopens`` times per ``stream_reopen_window``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from libp2p.abc import INetStream
from libp2p.peer.id import ID
from libp2p.pubsub.pubsub import Pubsub

from eip8025_p2p.libp2p_patches.params import GossipParams
from eip8025_p2p.libp2p_patches.router import Eth2GossipSub
from eip8025_p2p.libp2p_patches.scoring import BanNotifee, Clock, PeerBans
from eip8025_p2p.libp2p_patches.streams import GatedStream

__all__ = ["DefendedPubsub", "PubsubCounters", "SessionCounters"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class PubsubCounters:
    """What :class:`~.pubsub.Eth2Pubsub` drops before or around a topic validator."""

    not_admitted: int = 0
    duplicates: int = 0
    graylisted: int = 0
    not_strict_no_sign: int = 0
    validator_errors: int = 0
    backpressure_waits: int = 0
    backpressure_timeouts: int = 0
    graylisted_rpcs: int = 0
    """Whole RPCs of graylisted or banned peers skipped unparsed (``graylist_gate``)."""
    oversize_rpcs: int = 0
    """RPCs over ``max_inbound_rpc_size`` (penalised; py-libp2p resets the stream)."""


@dataclasses.dataclass
class SessionCounters:
    """Gossip sessions torn down and re-opened (``dead_streams`` patch)."""

    dead_streams: int = 0
    """Streams found dead (EOF, reset, a write on our outbound stream) while connected."""
    reopens_refused: int = 0
    """Re-opens not attempted because the peer's sessions died too often."""


async def _reset_quietly(stream: INetStream) -> None:
    try:
        await stream.reset()
    except Exception:
        logger.debug("resetting a gossip stream failed", exc_info=True)


class DefendedPubsub(Pubsub):
    """``Pubsub`` with bans, the graylist gate, the oversize penalty and dead-stream recovery.

    Subclasses call :meth:`_init_defences` from ``__init__`` and implement
    :meth:`defended_topics`; :meth:`after_penalty` must follow every score penalty.
    """

    params: GossipParams
    gossipsub: Eth2GossipSub
    counters: PubsubCounters

    def _init_defences(self, clock: Clock) -> None:
        self._clock = clock
        self.bans = PeerBans(self.params.ban_duration, clock)
        self.sessions = SessionCounters()
        self._inbound: dict[ID, INetStream] = {}
        self._gated: dict[ID, GatedStream] = {}
        self._watched: dict[ID, INetStream] = {}
        self._reopened: dict[ID, list[float]] = {}
        self.host.get_network().register_notifee(BanNotifee(self.bans))

    def defended_topics(self) -> Iterable[str]:
        """The topics whose score decides graylisting and absorbs oversize penalties."""
        raise NotImplementedError

    # -- bans (``graylist_ban``) -------------------------------------------------------------

    def is_peer_blacklisted(self, peer_id: ID) -> bool:
        """Blacklisted (py-libp2p's list) or banned (ours)."""
        return super().is_peer_blacklisted(peer_id) or self.bans.is_banned(peer_id)

    def is_graylisted(self, peer_id: ID) -> bool:
        """True if ``peer_id``'s score on any defended topic is below the graylist threshold."""
        scorer = self.gossipsub.scorer
        return any(scorer.is_graylisted(peer_id, [topic]) for topic in self.defended_topics())

    def after_penalty(self, peer_id: ID, topic: str) -> None:
        """Ban and disconnect ``peer_id`` if the penalty took it below the graylist threshold."""
        self._ban_if_graylisted(peer_id, [topic])

    def _ban_if_graylisted(self, peer_id: ID, topics: Iterable[str]) -> bool:
        """Ban and disconnect ``peer_id`` if it is below the graylist threshold on a topic.

        True if it is banned (now or already).
        """
        scorer = self.gossipsub.scorer
        below = [t for t in topics if scorer.is_graylisted(peer_id, [t])]
        if not below:
            return self.bans.is_banned(peer_id)
        if not self.bans.ban(peer_id):
            return self.bans.is_banned(peer_id)
        logger.warning(
            "banning peer %s for %.0f s: gossip score %.1f is below the graylist threshold %.1f "
            "(disconnected; reconnects refused until the ban ends)",
            peer_id,
            self.bans.duration,
            scorer.score(peer_id, below[:1]),
            scorer.params.graylist_threshold,
        )
        if self._running():
            self.manager.run_task(self._disconnect, peer_id)
        return True

    def _running(self) -> bool:
        manager = getattr(self, "_manager", None)
        return manager is not None and bool(manager.is_running)

    async def _disconnect(self, peer_id: ID) -> None:
        try:
            await self.host.disconnect(peer_id)
        except Exception:
            logger.debug("disconnecting banned peer %s failed", peer_id, exc_info=True)

    # -- the inbound stream (``graylist_gate``, ``oversize_penalty``, ``dead_streams``) -------

    async def stream_handler(self, stream: INetStream) -> None:
        """Read the peer's RPCs through the graylist gate; a stream that ends kills the session."""
        peer_id = stream.muxed_conn.peer_id
        if self.is_peer_blacklisted(peer_id) or self._ban_if_graylisted(
            peer_id, self.defended_topics()
        ):
            await _reset_quietly(stream)  # banned, or back with a retained graylisted score
            return
        gated = GatedStream(
            stream,
            self.max_inbound_rpc_size,
            lambda _size: self._admit_frame(peer_id),
            lambda size: self._penalize_oversize(peer_id, size),
            self.params.large_message_size,
        )
        self._inbound[peer_id] = stream
        self._gated[peer_id] = gated
        try:
            await super().stream_handler(gated)
        finally:
            if self._gated.get(peer_id) is gated:
                del self._gated[peer_id]
            self._stream_ended(peer_id, stream)

    def transfer_seconds(self, peer_id: ID) -> float:
        """How long the last RPC read from ``peer_id`` took to arrive (0 if unknown)."""
        gated = self._gated.get(peer_id)
        return 0.0 if gated is None else gated.last_frame_seconds

    def _admit_frame(self, peer_id: ID) -> bool:
        if self.is_graylisted(peer_id) or self.bans.is_banned(peer_id):
            self.counters.graylisted_rpcs += 1
            return False
        return True

    def _penalize_oversize(self, peer_id: ID, size: int) -> None:
        self.counters.oversize_rpcs += 1
        logger.debug("peer %s sent an RPC of %d bytes; penalised", peer_id, size)
        scorer = self.gossipsub.scorer
        for topic in self.defended_topics():
            scorer.on_invalid_message(peer_id, topic)
            self.after_penalty(peer_id, topic)

    # -- the outbound stream (``dead_streams``) ----------------------------------------------

    async def _handle_new_peer(self, peer_id: ID) -> None:
        """Open our stream as py-libp2p does, then watch it for EOF or reset.

        A peer that comes back still graylisted (its score is retained) is banned again.
        """
        if self._ban_if_graylisted(peer_id, self.defended_topics()):
            return
        await super()._handle_new_peer(peer_id)
        stream = self.peers.get(peer_id)
        if stream is None or self._watched.get(peer_id) is stream:
            return
        self._watched[peer_id] = stream
        self.manager.run_task(self._watch_outbound, peer_id, stream)

    async def _watch_outbound(self, peer_id: ID, stream: INetStream) -> None:
        """Wait for our outbound stream to end; the peer never writes on it."""
        try:
            if await stream.read(1):
                logger.debug("peer %s wrote on our outbound gossip stream", peer_id)
        except Exception:  # noqa: BLE001 - reset, EOF or the connection closing: all end it
            pass
        finally:
            if self._watched.get(peer_id) is stream:
                del self._watched[peer_id]
        self._stream_ended(peer_id, stream)

    # -- tearing a dead session down (``dead_streams``) --------------------------------------

    def _stream_ended(self, peer_id: ID, stream: INetStream) -> None:
        """One of the peer's current gossip streams ended: tear the session down."""
        if self._inbound.get(peer_id) is not stream and self.peers.get(peer_id) is not stream:
            return  # an old stream of a session already torn down
        closing = stream.muxed_conn.is_closed or not self._peer_is_connected(peer_id)
        if closing or not self._running():
            self._inbound.pop(peer_id, None)
            return  # the connection is gone: py-libp2p's disconnect handling removes the peer
        self.sessions.dead_streams += 1
        logger.info("gossip stream of connected peer %s ended; restarting the session", peer_id)
        self._handle_dead_peer(peer_id)

    def _handle_dead_peer(self, peer_id: ID) -> None:
        """py-libp2p's removal, plus resetting both of the peer's streams."""
        streams = [s for s in (self._inbound.pop(peer_id, None), self.peers.get(peer_id)) if s]
        super()._handle_dead_peer(peer_id)
        if not self._peer_is_connected(peer_id):
            self._reopened.pop(peer_id, None)
        if self._running():
            for stream in streams:
                self.manager.run_task(_reset_quietly, stream)

    def _schedule_peer_stream_retry(self, peer_id: ID) -> None:
        """Re-open, unless this peer's sessions died ``stream_reopens`` times in the window."""
        since = self._clock() - self.params.stream_reopen_window
        recent = [t for t in self._reopened.get(peer_id, ()) if t > since]
        if len(recent) >= self.params.stream_reopens:
            self.sessions.reopens_refused += 1
            logger.info("not re-opening gossip with %s: its sessions keep dying", peer_id)
            self._reopened[peer_id] = recent
            return
        self._reopened[peer_id] = [*recent, self._clock()]
        super()._schedule_peer_stream_retry(peer_id)
