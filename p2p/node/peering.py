"""Peers we know of: static ones are kept connected, bootstrap ones dialled once.

Static peers (``--peers``, and our beacon node itself) are dialled, kept connected and redialled
when they go away; bootstrap peers (our beacon node's own peers) get one dial each.
:func:`wait_for_topic_peer` waits for a peer in our mesh of a topic (the prover's hold).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Final

import multiaddr
import trio
from libp2p.network.swarm import Swarm
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr

from eip8025_p2p.alerts import Alerts
from eip8025_p2p.host import GossipNode

__all__ = ["StaticPeers", "wait_for_topic_peer"]

logger = logging.getLogger(__name__)

REDIAL_MIN_BACKOFF: Final = 0.25
REDIAL_MAX_BACKOFF: Final = 5.0
DIAL_TIMEOUT: Final = 5.0
UNREACHABLE_AFTER: Final = 10.0
"""Seconds a static peer may stay unreachable before it is reported."""
LIVENESS_INTERVAL: Final = 0.5
"""Seconds between checks that a static peer is still connected."""
MESH_RECHECK: Final = 1.0
"""Seconds between re-checks of a static peer that is not yet in our mesh."""
TOPIC_PEER_POLL: Final = 0.1
"""Seconds between checks for a peer in our mesh of a topic (:func:`wait_for_topic_peer`)."""


async def wait_for_topic_peer(node: GossipNode, topic: str, deadline: float) -> bool:
    """Wait until a peer is in our mesh of ``topic``, at most until ``deadline`` (trio time).

    The mesh, not mere subscription, because our own message goes to mesh peers (py-libp2p
    0.8.1 grafts a peer when it subscribes while our mesh is short of peers, else at a
    heartbeat); a subscribed peer outside the mesh would hear of it only by IHAVE, if at all.

    Returns:
        Whether a peer is in the mesh.
    """
    router = node.router
    with trio.move_on_at(deadline):
        # py-libp2p has an event per (peer, topic) joining the mesh, none for "any peer": poll.
        while not router.mesh.get(topic):  # noqa: ASYNC110 - no event exists for any peer
            await trio.sleep(TOPIC_PEER_POLL)
    return bool(router.mesh.get(topic))


class StaticPeers:
    """The ``--peers`` of a node (``/ip4/../tcp/../p2p/..`` addresses)."""

    def __init__(
        self,
        node: GossipNode,
        addresses: Sequence[str],
        *,
        alerts: Alerts | None = None,
        bootstrap: Sequence[str] = (),
        outside_topic: Sequence[str] = (),
    ) -> None:
        """Peers of ``node``.

        Args:
            node: Our host.
            addresses: Static peers (kept connected, redialled).
            alerts: Where a lost or unreachable static peer is reported.
            bootstrap: Peers dialled once.
            outside_topic: Static peers that do not gossip our topic (e.g. our beacon node):
                kept connected, but never waited for in the topic's mesh.
        """
        self.node = node
        self.bootstrap = list(bootstrap)
        self.outside_topic = set(outside_topic)
        self.alerts = alerts or Alerts(logger)
        self.peers: list[tuple[str, ID]] = [
            (address, info_from_p2p_addr(multiaddr.Multiaddr(address)).peer_id)
            for address in addresses
        ]

    def start(self, nursery: trio.Nursery) -> None:
        """Keep every static peer connected; dial each bootstrap peer once (``nursery``)."""
        for address, peer_id in self.peers:
            nursery.start_soon(self._keep_connected, address, peer_id)
        for address in self.bootstrap:
            nursery.start_soon(self._dial_once, address)

    async def _dial_once(self, address: str) -> None:
        """A bootstrap peer (e.g. one of our beacon node's peers): one attempt, not kept."""
        try:
            info = info_from_p2p_addr(multiaddr.Multiaddr(address))
            with trio.fail_after(DIAL_TIMEOUT):
                await self.node.host.connect(info)
            logger.info("connected to bootstrap peer %s", address)
        except Exception as exc:  # noqa: BLE001 - a failed dial raises many types
            logger.debug("bootstrap peer %s: %r", address, exc)

    async def _keep_connected(self, address: str, peer_id: ID) -> None:
        """Dial a static peer and redial it whenever the connection is gone (with backoff).

        Only the connection is awaited (at most ``DIAL_TIMEOUT``); gossip then sets itself up,
        and :meth:`wait_for_mesh` waits for the mesh. A peer that goes away during the dial is
        noticed by the next liveness check, not by a wait that can no longer succeed.
        """
        info = info_from_p2p_addr(multiaddr.Multiaddr(address))
        backoff = REDIAL_MIN_BACKOFF
        network = self.node.host.get_network()
        assert isinstance(network, Swarm)  # the only INetworkService py-libp2p ships
        connected_once = False
        lost_at: float | None = None
        while True:
            if peer_id not in self.node.host.get_connected_peers():
                if lost_at is None:
                    lost_at = trio.current_time()
                    if connected_once:
                        self.alerts.warn(
                            "static_peer_lost", "static peer %s disconnected; redialling", address
                        )
                logger.debug("dialing %s", address)
                # py-libp2p refuses to dial a peer whose last dial failed for 60 s (its negative
                # peer cache); a static peer that restarts must be redialled at our own pace.
                network.unblock_peer(peer_id)
                try:
                    with trio.fail_after(DIAL_TIMEOUT):
                        await self.node.host.connect(info)
                except Exception as exc:  # noqa: BLE001 - a failed dial raises many types
                    logger.debug("dialing %s failed: %r", address, exc)
                    if trio.current_time() - lost_at > UNREACHABLE_AFTER:
                        self.alerts.warn(
                            "static_peer_unreachable",
                            "static peer %s unreachable for %.0f s: %r",
                            address,
                            trio.current_time() - lost_at,
                            exc,
                        )
                    await trio.sleep(backoff)
                    backoff = min(backoff * 2, REDIAL_MAX_BACKOFF)
                    continue
                if connected_once:
                    logger.info(
                        "static peer %s reconnected after %.1f s",
                        address,
                        trio.current_time() - lost_at,
                    )
                connected_once, lost_at = True, None
                backoff = REDIAL_MIN_BACKOFF
            await trio.sleep(LIVENESS_INTERVAL)

    def _waited(self) -> list[tuple[str, ID]]:
        return [(a, p) for a, p in self.peers if a not in self.outside_topic]

    async def wait_for_mesh(self, topic: str) -> None:
        """Wait until every static peer is in our mesh of ``topic`` (bound it with a scope).

        The beacon node's own addresses (``outside_topic``) are not waited for.
        """
        router = self.node.router
        for _, peer_id in self._waited():
            while peer_id not in router.mesh.get(topic, set()):
                with contextlib.suppress(trio.TooSlowError):
                    await router.wait_for_mesh(peer_id, topic, timeout=MESH_RECHECK)

    def missing_from_mesh(self, topic: str) -> list[str]:
        """The waited-for static peers (their addresses) not in our mesh of ``topic``."""
        mesh = self.node.router.mesh.get(topic, set())
        return [address for address, peer_id in self._waited() if peer_id not in mesh]
