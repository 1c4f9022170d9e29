"""What the req/resp service knows about each connected peer.

:class:`PeerState` is the per-peer record (what the Beacon API's ``/eth/v1/node/peers`` needs:
direction, address, connected since, the peer's last Status and MetaData, ping RTT, Goodbye
codes). :class:`PeerTable` holds the connected peers and a bounded history of disconnected ones,
and lets tasks wait for a change without polling.
"""

from __future__ import annotations

import collections
import dataclasses
import time
from collections.abc import Callable

import trio
from libp2p.peer.id import ID

from eip8025_p2p.reqresp.messages import MetaDataV2, MetaDataV3, StatusV1, StatusV2

__all__ = ["PeerState", "PeerTable", "short_id"]


def short_id(peer_id: ID) -> str:
    """The last 8 characters of a peer id, for logs."""
    return "…" + peer_id.to_base58()[-8:]


@dataclasses.dataclass
class PeerState:
    """One peer as seen by req/resp (mutable; read it, do not change it).

    Times named ``*_at`` are ``trio.current_time()`` values; ``connected_since`` and
    ``disconnected_since`` are Unix times.
    """

    peer_id: ID
    direction: str
    """``"inbound"`` or ``"outbound"``."""
    address: str
    connected_since: float = dataclasses.field(default_factory=time.time)
    connected_at: float = dataclasses.field(default_factory=trio.current_time)
    status: StatusV1 | StatusV2 | None = None
    status_version: int | None = None
    status_at: float | None = None
    metadata: MetaDataV2 | MetaDataV3 | None = None
    metadata_version: int | None = None
    seq_number: int | None = None
    """The peer's latest MetaData sequence number (from a Ping or a MetaData response)."""
    last_ping_rtt: float | None = None
    last_ping_at: float | None = None
    pings_sent: int = 0
    pings_received: int = 0
    ping_failures: int = 0
    """Consecutive failed pings."""
    handshake_done: bool = False
    goodbye_sent: int | None = None
    goodbye_received: int | None = None
    disconnected_since: float | None = None
    leaving: bool = dataclasses.field(default=False, repr=False)
    """A Goodbye and disconnection are under way."""
    metadata_refreshing: bool = dataclasses.field(default=False, repr=False)
    status_received: trio.Event = dataclasses.field(default_factory=trio.Event, repr=False)
    cancel_scope: trio.CancelScope = dataclasses.field(default_factory=trio.CancelScope, repr=False)

    @property
    def connected(self) -> bool:
        """Whether the peer is still connected."""
        return self.disconnected_since is None

    def lifetime(self) -> float:
        """Seconds connected so far (or in total, once disconnected)."""
        end = self.disconnected_since if self.disconnected_since is not None else time.time()
        return end - self.connected_since

    def summary(self) -> dict[str, object]:
        """A JSON-friendly view (hex roots, plain ints) for APIs and logs."""
        status = self.status
        metadata = self.metadata
        return {
            "peer_id": self.peer_id.to_base58(),
            "direction": self.direction,
            "address": self.address,
            "state": "connected" if self.connected else "disconnected",
            "connected_since": self.connected_since,
            "status_version": self.status_version,
            "fork_digest": None if status is None else "0x" + status.fork_digest.hex(),
            "head_slot": None if status is None else status.head_slot,
            "finalized_epoch": None if status is None else status.finalized_epoch,
            "metadata_version": self.metadata_version,
            "seq_number": self.seq_number,
            "custody_group_count": (
                metadata.custody_group_count if isinstance(metadata, MetaDataV3) else None
            ),
            "last_ping_rtt": self.last_ping_rtt,
            "goodbye_sent": self.goodbye_sent,
            "goodbye_received": self.goodbye_received,
        }


class PeerTable:
    """Connected peers plus the last ``history`` disconnected ones; waitable."""

    def __init__(self, history: int = 64) -> None:
        self._peers: dict[ID, PeerState] = {}
        self.history: collections.deque[PeerState] = collections.deque(maxlen=history)
        self._changed = trio.Event()

    def get(self, peer_id: ID) -> PeerState | None:
        """The connected peer's state."""
        return self._peers.get(peer_id)

    def connected(self) -> list[PeerState]:
        """Every connected peer's state."""
        return list(self._peers.values())

    def last_seen(self, peer_id: ID) -> PeerState | None:
        """The connected state, else the most recent disconnected one, of a peer."""
        state = self._peers.get(peer_id)
        if state is not None:
            return state
        return next((s for s in reversed(self.history) if s.peer_id == peer_id), None)

    def add(self, state: PeerState) -> None:
        """Record a newly connected peer."""
        self._peers[state.peer_id] = state
        self.notify()

    def remove(self, peer_id: ID) -> PeerState | None:
        """Move a peer to the history; return its state."""
        state = self._peers.pop(peer_id, None)
        if state is not None:
            state.disconnected_since = time.time()
            self.history.append(state)
            self.notify()
        return state

    def notify(self) -> None:
        """Wake every task waiting in :meth:`wait_until`."""
        self._changed.set()
        self._changed = trio.Event()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once ``predicate()`` holds (re-checked after every change)."""
        while not predicate():
            await self._changed.wait()
