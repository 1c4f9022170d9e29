"""Inbound connection slots that come back when the connection closes (``inbound_slots`` patch).

py-libp2p 0.8.1's ``Swarm._handle_inbound_connection`` takes one of ``max_connections -
min_connections`` (250) inbound slots and gives it back when ``_do_handle_inbound_connection``
returns; after a successful upgrade that coroutine waits for the *swarm* to finish. A slot is
therefore held for the node's lifetime by every inbound connection it ever accepted, closed or
not, together with the handler task and the connection objects it references: after 250 inbound
connections every newcomer is refused.

:class:`InboundSlotTCP` is py-libp2p's TCP transport whose listener runs each inbound handler
inside a cancel scope of its own. Its notifee (:meth:`InboundSlotTCP.attach`) finds the swarm
connection the handler produced (by the remote TCP endpoint) and cancels that scope once the
connection has closed: the parked handler ends, its ``finally`` returns the slot, and the task and
its objects are freed. The handler is cancelled only after the swarm has announced the
connection, so the upgrade and its clean-up paths are never interrupted. No py-libp2p code is
changed or copied: the transport is handed to ``libp2p.new_host(transports=[...])``
(:func:`new_eth2_host`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
from typing import Any

import multiaddr.exceptions
import trio
from libp2p import new_host
from libp2p.abc import IHost, INetConn, INetStream, INetwork, INotifee
from libp2p.custom_types import THandler
from libp2p.io.abc import ReadWriteCloser
from libp2p.network.connection.swarm_connection import SwarmConn
from libp2p.rcmgr import Direction
from libp2p.transport.tcp.tcp import TCP, TCPListener
from multiaddr import Multiaddr

from eip8025_p2p.libp2p_patches.yamux_credit import batch_yamux_credit

__all__ = ["InboundSlotTCP", "SlotCounters", "new_eth2_host"]

logger = logging.getLogger(__name__)

Endpoint = tuple[str, int]


def _endpoint(host: str, port: int) -> Endpoint:
    try:
        return ipaddress.ip_address(host).compressed, int(port)
    except ValueError:
        return host, int(port)


def _remote_endpoint(conn: INetConn) -> Endpoint | None:
    for address in conn.get_transport_addresses():
        tcp = _value(address, "tcp")
        host = _value(address, "ip4") or _value(address, "ip6")
        if tcp is not None and host is not None:
            return _endpoint(host, int(tcp))
    return None


def _value(address: Multiaddr, protocol: str) -> str | None:
    try:
        value = address.value_for_protocol(protocol)
    except multiaddr.exceptions.Error:  # not in this address (ProtocolLookupError)
        return None
    return None if value is None else str(value)


@dataclasses.dataclass
class _Inbound:
    """One inbound handler waiting for its connection to be announced, then to close."""

    scope: trio.CancelScope
    announced: trio.Event = dataclasses.field(default_factory=trio.Event)
    conn: SwarmConn | None = None


@dataclasses.dataclass
class SlotCounters:
    """What :class:`InboundSlotTCP` did."""

    handlers: int = 0
    """Inbound handlers started (TCP connections accepted)."""
    ended_on_close: int = 0
    """Handlers ended because their connection closed (each gave its slot back)."""


class InboundSlotTCP(TCP):
    """py-libp2p's TCP transport; each inbound handler ends when its connection closes.

    Call :meth:`attach` with the swarm that uses this transport (:func:`new_eth2_host` does).
    """

    def __init__(self) -> None:
        super().__init__()
        self.counters = SlotCounters()
        self._waiting: dict[Endpoint, _Inbound] = {}
        self._notifee = _SlotNotifee(self)

    def attach(self, network: INetwork) -> None:
        """Watch ``network``'s connections (the swarm this transport was given to)."""
        network.register_notifee(self._notifee)

    def create_listener(self, handler_function: THandler) -> TCPListener:
        """py-libp2p's TCP listener, with every inbound handler ending on connection close."""
        return TCPListener(self._ending_on_close(handler_function))

    def _ending_on_close(self, handler: THandler) -> THandler:
        async def handle(stream: ReadWriteCloser) -> None:
            remote = stream.get_remote_address()
            endpoint = None if remote is None else _endpoint(remote[0], remote[1])
            self.counters.handlers += 1
            async with trio.open_nursery() as nursery:
                inbound = _Inbound(nursery.cancel_scope)
                if endpoint is not None:
                    self._waiting[endpoint] = inbound
                    nursery.start_soon(self._end_when_closed, inbound)
                try:
                    await handler(stream)  # returns early only if the upgrade failed
                finally:
                    if endpoint is not None and self._waiting.get(endpoint) is inbound:
                        del self._waiting[endpoint]
                    nursery.cancel_scope.cancel()

        return handle

    async def _end_when_closed(self, inbound: _Inbound) -> None:
        await inbound.announced.wait()
        assert inbound.conn is not None
        await inbound.conn.event_closed.wait()
        self.counters.ended_on_close += 1
        inbound.scope.cancel()

    def _announced(self, conn: INetConn) -> None:
        if not isinstance(conn, SwarmConn) or conn.direction is not Direction.INBOUND:
            return
        endpoint = _remote_endpoint(conn)
        inbound = None if endpoint is None else self._waiting.pop(endpoint, None)
        if inbound is not None:
            inbound.conn = conn
            inbound.announced.set()


class _SlotNotifee(INotifee):
    """Tells :class:`InboundSlotTCP` which swarm connection each inbound handler produced."""

    def __init__(self, transport: InboundSlotTCP) -> None:
        self.transport = transport

    async def connected(self, network: INetwork, conn: INetConn) -> None:
        """Match the connection to its waiting handler."""
        self.transport._announced(conn)

    async def disconnected(self, network: INetwork, conn: INetConn) -> None:
        """Nothing to do (the handler watches the connection itself)."""

    async def opened_stream(self, network: INetwork, stream: INetStream) -> None:
        """Nothing to do."""

    async def closed_stream(self, network: INetwork, stream: INetStream) -> None:
        """Nothing to do."""

    async def listen(self, network: INetwork, multiaddr: Multiaddr) -> None:
        """Nothing to do."""

    async def listen_close(self, network: INetwork, multiaddr: Multiaddr) -> None:
        """Nothing to do."""


def new_eth2_host(**new_host_kwargs: Any) -> IHost:
    """``libp2p.new_host(**new_host_kwargs)`` over :class:`InboundSlotTCP` (``inbound_slots``).

    The host listens and dials over TCP only (``transports`` must not be given). Its yamux
    connections return window credit in batches (``yamux_credit``, process-wide).
    """
    if "transports" in new_host_kwargs:
        raise TypeError("new_eth2_host chooses the transport itself")
    batch_yamux_credit()
    transport = InboundSlotTCP()
    host = new_host(transports=[transport], **new_host_kwargs)
    transport.attach(host.get_network())
    return host
