"""The req/resp service: serves Status, MetaData, Ping and Goodbye and makes those requests.

Attach it to a running host and run it beside the node::

    reqresp = ReqResp(node.host, source)          # source: a StatusSource
    async with node.running(), reqresp.running():
        status = await reqresp.status(peer_id)

While it runs, every new connection (inbound or outbound) gets the handshake of
:mod:`.handshake` (Status, MetaData, periodic Ping); :attr:`ReqResp.peers` holds what is known
of each peer. No exception of a stream handler reaches py-libp2p (one would tear down the
peer's connection): a failed request is answered ``ServerError`` or its stream reset.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import trio
from libp2p.abc import IHost, INetConn, INetStream, INetwork, INotifee
from libp2p.peer.id import ID
from multiaddr import Multiaddr

from eip8025_p2p.reqresp.config import ReqRespConfig
from eip8025_p2p.reqresp.handshake import Handshake
from eip8025_p2p.reqresp.peers import PeerState, PeerTable, short_id
from eip8025_p2p.reqresp.protocol import (
    GOODBYE_V1,
    METADATA_V2,
    METADATA_V3,
    PING_V1,
    STATUS_V1,
    STATUS_V2,
    Method,
)
from eip8025_p2p.reqresp.ratelimit import RateLimiter
from eip8025_p2p.reqresp.requester import Requester
from eip8025_p2p.reqresp.responder import Responder
from eip8025_p2p.reqresp.source import StatusSource

__all__ = ["ReqResp"]

logger = logging.getLogger(__name__)


class _Notifee(INotifee):
    """Forwards py-libp2p connection events to the service without blocking the swarm."""

    def __init__(self, service: ReqResp) -> None:
        self._service = service

    async def connected(self, network: INetwork, conn: INetConn) -> None:
        self._service.on_connected(conn.muxed_conn.peer_id)

    async def disconnected(self, network: INetwork, conn: INetConn) -> None:
        self._service.on_disconnected(conn.muxed_conn.peer_id)

    async def opened_stream(self, network: INetwork, stream: INetStream) -> None:
        return None

    async def closed_stream(self, network: INetwork, stream: INetStream) -> None:
        return None

    async def listen(self, network: INetwork, multiaddr: Multiaddr) -> None:
        return None

    async def listen_close(self, network: INetwork, multiaddr: Multiaddr) -> None:
        return None


class ReqResp(Requester):
    """eth2 req/resp for Status, MetaData, Ping and Goodbye on a py-libp2p host.

    Args:
        host: The host (``GossipNode.host``); handlers are registered while :meth:`running`.
        source: Our Status and MetaData.
        config: Settings (defaults: fulu methods, spec timeouts, Lighthouse-like quotas).
    """

    def __init__(
        self, host: IHost, source: StatusSource, config: ReqRespConfig | None = None
    ) -> None:
        self.config = config if config is not None else ReqRespConfig()
        self.peers = PeerTable(self.config.history)
        super().__init__(host, source, self.peers, self.config.timeouts, self.config.fulu)
        self.limiter = RateLimiter(self.config.rate_limits, max_wait=self.config.max_withhold)
        self.handshake = Handshake(self, self.config)
        self.responder = Responder(self)
        self._notifee = _Notifee(self)
        self._nursery: trio.Nursery | None = None

    @property
    def served_methods(self) -> tuple[Method, ...]:
        """The methods whose protocol ids this service registers."""
        base = (STATUS_V1, GOODBYE_V1, PING_V1, METADATA_V2)
        return (*base, STATUS_V2, METADATA_V3) if self.config.fulu else base

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ReqResp]:
        """Register the handlers and the connection hooks; undo both on exit."""
        network = self.host.get_network()
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            for method in self.served_methods:
                self.host.set_stream_handler(
                    method.protocol_id, functools.partial(self.responder.serve, method)
                )
            network.register_notifee(self._notifee)
            for peer_id in self.host.get_connected_peers():
                self.on_connected(peer_id)
            try:
                yield self
            finally:
                remove = getattr(network, "remove_notifee", None)
                if callable(remove):
                    remove(self._notifee)
                for method in self.served_methods:
                    self.host.remove_stream_handler(method.protocol_id)
                self._nursery = None
                nursery.cancel_scope.cancel()

    # -- connection events ------------------------------------------------------------------

    def on_connected(self, peer_id: ID) -> None:
        """A connection to ``peer_id`` opened: track the peer and start its handshake."""
        self.ensure_peer(peer_id)

    def on_disconnected(self, peer_id: ID) -> None:
        """A connection closed: forget the peer once no connection to it is left."""
        if self.host.get_network().get_connections(peer_id):
            return
        state = self.peers.remove(peer_id)
        self.forget_requests(peer_id)
        self.limiter.prune()
        if state is None:
            return
        state.cancel_scope.cancel()
        logger.info(
            "disconnected from %s (%s) after %.1f s; goodbye sent=%s received=%s",
            short_id(peer_id),
            state.direction,
            state.lifetime(),
            state.goodbye_sent,
            state.goodbye_received,
        )

    def ensure_peer(self, peer_id: ID) -> PeerState | None:
        """The connected peer's state, created (and its handshake started) on first sight."""
        state = self.peers.get(peer_id)
        if state is not None or self._nursery is None:
            return state
        connections = self.host.get_network().get_connections(peer_id)
        if not connections:
            return None
        direction, address = _describe(connections[0], peer_id)
        state = PeerState(peer_id, direction, address)
        self.peers.add(state)
        logger.info("connected to %s (%s) %s", short_id(peer_id), direction, address)
        if self.config.handshake:
            self._nursery.start_soon(self.handshake.run, state)
        return state

    def spawn(self, fn: Callable[[], Awaitable[object]]) -> None:
        """Run ``fn()`` in the service's nursery (follow-ups that outlive a stream)."""
        if self._nursery is not None:
            self._nursery.start_soon(_run_logged, fn)

    async def disconnect(self, peer_id: ID, reason: int) -> None:
        """Send Goodbye(``reason``), wait at most ``goodbye_timeout`` for it, and hang up."""
        with trio.move_on_after(self.config.goodbye_timeout):
            await self.goodbye(peer_id, reason)
        try:
            await self.host.disconnect(peer_id)
        except Exception as exc:  # noqa: BLE001 - hanging up is best effort
            logger.warning("disconnecting %s failed: %r", short_id(peer_id), exc)

    async def hang_up_later(self, peer_id: ID) -> None:
        """After a Goodbye: the sender hangs up; do it ourselves if it has not soon."""
        await trio.sleep(self.config.goodbye_timeout)
        if self.host.get_network().get_connections(peer_id):
            await self.host.disconnect(peer_id)


def _describe(connection: INetConn, peer_id: ID) -> tuple[str, str]:
    direction = getattr(connection, "direction", None)
    outbound = direction is not None and int(direction) == 1  # rcmgr Direction.OUTBOUND
    address = ""
    get_addresses = getattr(connection, "get_transport_addresses", None)
    if callable(get_addresses):
        addresses = get_addresses()
        if addresses:
            address = f"{addresses[0]}/p2p/{peer_id.to_base58()}"
    return ("outbound" if outbound else "inbound"), address


async def _run_logged(fn: Callable[[], Awaitable[object]]) -> None:
    try:
        await fn()
    except Exception as exc:  # noqa: BLE001 - a background task must not end the node
        logger.warning("background req/resp task failed: %r", exc)
