"""Scores that outlive a disconnect, and bans (``score_retention``, ``graylist_ban``).

:class:`RetainingScorer` is py-libp2p's ``PeerScorer`` that keeps a departed peer's counters (and
keeps decaying them) for ``retain_score`` seconds, like gossipsub v1.1's ``RetainScore``: a peer
that reconnects under the same identity comes back with the score it left with.

:class:`PeerBans` holds the peers we disconnected for falling below the graylist threshold, each
for ``ban_duration`` seconds; :class:`BanNotifee` closes any connection to a banned peer as soon
as the swarm reports it, in either direction.

Both take a ``clock`` (default: trio's clock, so trio's ``MockClock`` drives them in tests).
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from collections.abc import Callable
from typing import Final

import trio
from libp2p.abc import INetConn, INetStream, INetwork, INotifee
from libp2p.peer.id import ID
from libp2p.pubsub.score import PeerScorer, ScoreParams
from multiaddr import Multiaddr

__all__ = ["BanNotifee", "Clock", "PeerBans", "RetainingScorer"]

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
"""Seconds on a monotonic clock (default :func:`trio.current_time`)."""

MAX_RETAINED_SCORES: Final = 16_384
"""Departed peers whose scores are kept at most (the oldest departures are forgotten first)."""
MAX_BANS: Final = 65_536
"""Peers banned at once at most (beyond it the ban ending soonest is dropped)."""
CLOSE_TIMEOUT: Final = 10.0
"""Seconds a banned peer's connection may take to close."""


class RetainingScorer(PeerScorer):
    """``PeerScorer`` that keeps a departed peer's score for ``retain_score`` seconds.

    py-libp2p's ``GossipSub.remove_peer`` calls ``PeerScorer.remove_peer``, which deletes every
    counter of the peer: a peer that was penalised reconnects at 0. Here ``remove_peer`` only
    notes the departure (and drops the peer's IP, which counts connected peers); the counters
    keep decaying in ``on_heartbeat`` and are deleted once the peer has been away for
    ``retain_score`` seconds. :meth:`on_connected` ends the departure.
    """

    def __init__(
        self,
        params: ScoreParams,
        retain_score: float,
        clock: Clock = trio.current_time,
        max_retained: int = MAX_RETAINED_SCORES,
    ) -> None:
        super().__init__(params)
        self.retain_score = retain_score
        self.max_retained = max_retained
        self._clock = clock
        self._departed: collections.OrderedDict[ID, float] = collections.OrderedDict()

    def remove_peer(self, peer: ID) -> None:
        """The peer left: keep its counters, forget its IP (``score_retention`` patch)."""
        self.remove_peer_ip(peer)
        self._departed.pop(peer, None)
        self._departed[peer] = self._clock()
        while len(self._departed) > self.max_retained:
            oldest, _ = self._departed.popitem(last=False)
            super().remove_peer(oldest)

    def on_connected(self, peer: ID) -> None:
        """The peer is back: its retained score applies again and is no longer expiring."""
        self._departed.pop(peer, None)

    def is_retained(self, peer: ID) -> bool:
        """True while a departed peer's score is kept."""
        return peer in self._departed

    def on_heartbeat(self, dt_seconds: float = 1.0) -> None:
        """Decay every counter (departed peers' too), then forget expired departures."""
        super().on_heartbeat(dt_seconds)
        self.forget_expired()

    def forget_expired(self) -> int:
        """Delete the scores of peers away for longer than ``retain_score``; return how many."""
        cutoff = self._clock() - self.retain_score
        forgotten = 0
        while self._departed:
            peer, left = next(iter(self._departed.items()))
            if left > cutoff:
                break
            del self._departed[peer]
            super().remove_peer(peer)
            forgotten += 1
        return forgotten


@dataclasses.dataclass
class BanCounters:
    """What :class:`PeerBans` did."""

    bans: int = 0
    refused_connections: int = 0


class PeerBans:
    """Peers banned until a deadline (``graylist_ban`` patch)."""

    def __init__(self, duration: float, clock: Clock = trio.current_time) -> None:
        self.duration = duration
        self.counters = BanCounters()
        self._clock = clock
        self._until: dict[ID, float] = {}

    def ban(self, peer: ID) -> bool:
        """Ban ``peer`` for ``duration`` seconds; False if banned already (or bans are off)."""
        if self.duration <= 0 or self.is_banned(peer):
            return False
        if len(self._until) >= MAX_BANS:
            self._drop_expired()
            if len(self._until) >= MAX_BANS:
                del self._until[min(self._until, key=self._until.__getitem__)]
        self._until[peer] = self._clock() + self.duration
        self.counters.bans += 1
        return True

    def is_banned(self, peer: ID) -> bool:
        """True while ``peer``'s ban lasts."""
        until = self._until.get(peer)
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._until[peer]
        return False

    def remaining(self, peer: ID) -> float:
        """Seconds left of ``peer``'s ban (0.0 if it is not banned)."""
        return max(0.0, self._until.get(peer, 0.0) - self._clock()) if self.is_banned(peer) else 0.0

    def __len__(self) -> int:
        self._drop_expired()
        return len(self._until)

    def _drop_expired(self) -> None:
        now = self._clock()
        for peer in [p for p, until in self._until.items() if until <= now]:
            del self._until[peer]


class BanNotifee(INotifee):
    """Closes every new connection of a banned peer (registered on the host's swarm)."""

    def __init__(self, bans: PeerBans) -> None:
        self.bans = bans

    async def connected(self, network: INetwork, conn: INetConn) -> None:
        """Refuse a banned peer: close its connection right after the handshake."""
        peer = conn.muxed_conn.peer_id
        if not self.bans.is_banned(peer):
            return
        self.bans.counters.refused_connections += 1
        logger.debug("closing a connection of banned peer %s", peer)
        # Shielded: this runs inside the swarm's add_conn, in the task that accepted the
        # connection, which ``inbound_slots`` cancels as soon as the close has begun; an
        # interrupted close would leave the connection registered.
        with trio.move_on_after(CLOSE_TIMEOUT) as scope:
            scope.shield = True
            try:
                await conn.close()
            except Exception:
                logger.debug("closing banned peer %s's connection failed", peer, exc_info=True)

    async def disconnected(self, network: INetwork, conn: INetConn) -> None:
        """Nothing to do."""

    async def opened_stream(self, network: INetwork, stream: INetStream) -> None:
        """Nothing to do."""

    async def closed_stream(self, network: INetwork, stream: INetStream) -> None:
        """Nothing to do."""

    async def listen(self, network: INetwork, multiaddr: Multiaddr) -> None:
        """Nothing to do."""

    async def listen_close(self, network: INetwork, multiaddr: Multiaddr) -> None:
        """Nothing to do."""
