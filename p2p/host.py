"""py-libp2p hosts for eth2 gossip: TCP + Noise + yamux with secp256k1 identities.

A node's identity is a 32-byte secp256k1 secret. The same secret signs the node's ENR
(:mod:`eip8025_p2p.enr`) and is its libp2p key, so ``ENR.peer_id`` equals the host's peer id and a
record is all a peer needs to dial it. Only Noise (``/noise``) is offered for security and yamux
(``/yamux/1.0.0``, preferred) then mplex (``/mplex/6.7.0``) as muxers: what eth2 clients speak
(py-libp2p's default list adds TLS, SECIO and plaintext). mplex is required by older clients:
Lodestar 1.5.1 offers *only* mplex, so a yamux-only host fails the muxer negotiation with it and
never connects.

:class:`GossipNode` owns the host and the patched Pubsub / GossipSub pair of
:func:`~eip8025_p2p.libp2p_patches.create_gossip`; topics (e.g.
:class:`~eip8025_p2p.gossip_topic.ExecutionProofTopic`) attach to ``node.pubsub``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Final

import multiaddr
import trio
from libp2p.abc import IHost
from libp2p.crypto.keys import KeyPair
from libp2p.crypto.secp256k1 import create_new_key_pair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.mplex.mplex import MPLEX_PROTOCOL_ID, Mplex
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_PROTOCOL_ID
from libp2p.stream_muxer.yamux.yamux import Yamux
from libp2p.tools.anyio_service import background_trio_service

from eip8025.containers import ENRForkID
from eip8025_p2p.enr import ENR
from eip8025_p2p.libp2p_patches import (
    Eth2GossipSub,
    Eth2Pubsub,
    GossipParams,
    create_gossip,
    new_eth2_host,
)

__all__ = [
    "CONNECT_TIMEOUT",
    "GossipNode",
    "create_host",
    "peer_id_from_secret",
    "secp256k1_key_pair",
]

CONNECT_TIMEOUT: Final = 10.0
"""Seconds :meth:`GossipNode.connect` waits for a connection and the peer's pubsub stream."""


def secp256k1_key_pair(secret: bytes) -> KeyPair:
    """The libp2p key pair of a 32-byte secp256k1 secret (the ENR key)."""
    if len(secret) != 32:
        raise ValueError("a secp256k1 secret is 32 bytes")
    return create_new_key_pair(secret)


def peer_id_from_secret(secret: bytes) -> ID:
    """The libp2p peer id of a secret (equals ``ENR.create(secret).peer_id``)."""
    return ID.from_pubkey(secp256k1_key_pair(secret).public_key)


def create_host(
    secret: bytes,
    listen: multiaddr.Multiaddr,
    *,
    build: Callable[..., IHost] = new_eth2_host,
) -> IHost:
    """A TCP + Noise + yamux/mplex host with the secp256k1 identity of ``secret`` (not running).

    The muxers are offered in order: yamux first, mplex as the fallback. ``build`` makes the host
    from py-libp2p's ``new_host`` arguments: :func:`new_eth2_host` (our TCP transport, the
    ``inbound_slots`` patch); tests pass the stock ``libp2p.new_host``.
    """
    key_pair = secp256k1_key_pair(secret)
    noise = NoiseTransport(key_pair, noise_privkey=create_x25519_key_pair().private_key)
    return build(
        key_pair=key_pair,
        sec_opt={NOISE_PROTOCOL_ID: noise},
        muxer_opt={TProtocol(YAMUX_PROTOCOL_ID): Yamux, MPLEX_PROTOCOL_ID: Mplex},
        listen_addrs=[listen],
    )


class GossipNode:
    """A host plus the patched gossipsub stack; run it with ``async with node.running()``."""

    def __init__(
        self,
        secret: bytes,
        *,
        ip: str = "127.0.0.1",
        port: int = 0,
        params: GossipParams | None = None,
    ) -> None:
        self.secret = secret
        self.ip = ip
        self._listen = multiaddr.Multiaddr(f"/ip4/{ip}/tcp/{port}")
        self.host = create_host(secret, self._listen)
        self.pubsub: Eth2Pubsub
        self.router: Eth2GossipSub
        self.pubsub, self.router = create_gossip(self.host, params)

    @property
    def peer_id(self) -> ID:
        """This node's libp2p peer id."""
        return self.host.get_id()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[GossipNode]:
        """Listen, run Pubsub and GossipSub; stop everything on exit."""
        try:
            async with (
                self.host.run([self._listen]),
                background_trio_service(self.pubsub),
                background_trio_service(self.router),
            ):
                await self.pubsub.wait_until_ready()
                yield self
        finally:
            self.pubsub.seen_messages.stop()  # py-libp2p's sweeper thread

    @property
    def addrs(self) -> list[multiaddr.Multiaddr]:
        """Listen addresses including ``/p2p/<peer id>`` (valid while running)."""
        return list(self.host.get_addrs())

    @property
    def tcp_port(self) -> int:
        """The TCP port actually bound (valid while running)."""
        for addr in self.addrs:
            port = addr.value_for_protocol("tcp")
            if port is not None:
                return int(port)
        raise RuntimeError("the node is not listening on TCP")

    def enr(self, *, fork_id: ENRForkID | None = None, seq: int = 1) -> ENR:
        """This node's ENR (``eproof`` set) with its IP and bound TCP port."""
        return ENR.create(self.secret, seq=seq, ip=self.ip, tcp=self.tcp_port, fork_id=fork_id)

    def connected_peers(self) -> list[tuple[ID, str, str]]:
        """``(peer id, remote multiaddr, "inbound" | "outbound")`` of every connected peer."""
        swarm = self.host.get_network()
        peers = []
        for peer_id in self.host.get_connected_peers():
            connections = swarm.get_connections(peer_id)
            if not connections:
                continue
            connection = connections[0]
            addresses = connection.get_transport_addresses()
            address = f"{addresses[0]}/p2p/{peer_id.to_base58()}" if addresses else ""
            direction = getattr(connection, "direction", None)
            outbound = direction is not None and int(direction) == 1  # rcmgr Direction.OUTBOUND
            peers.append((peer_id, address, "outbound" if outbound else "inbound"))
        return peers

    async def connect(self, target: ENR | multiaddr.Multiaddr | str) -> ID:
        """Dial a peer by ENR or ``/ip4/../tcp/../p2p/..`` address; wait for its pubsub stream.

        Gives up after :data:`CONNECT_TIMEOUT` (``trio.TooSlowError``); a caller wanting less
        wraps the call in its own cancel scope.
        """
        if isinstance(target, ENR):
            address = target.multiaddr
            if address is None:
                raise ValueError("the ENR has no IP / TCP address")
            target = address
        info = info_from_p2p_addr(multiaddr.Multiaddr(str(target)))
        with trio.fail_after(CONNECT_TIMEOUT):
            await self.host.connect(info)
            await self.pubsub.wait_for_peer(info.peer_id, timeout=CONNECT_TIMEOUT)
        return info.peer_id
