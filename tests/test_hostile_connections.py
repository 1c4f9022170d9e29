"""Issue 14, defect 1: inbound connection slots must come back when connections close.

py-libp2p 0.8.1 keeps an inbound slot for every connection a node ever accepted
(``inbound_slots`` in ``eip8025_p2p.libp2p_patches``). The test hangs up on one node many times
over, then checks that an honest peer still gets in and its gossip proof is stored. The node's
host is ``eip8025_p2p.host.create_host``'s (TCP, Noise, yamux then mplex, through
``new_eth2_host``); the unpatched run builds the same host with py-libp2p's ``new_host``
(:data:`STOCK_HOST`, installed with ``monkeypatch`` as the ``create_host`` ``GossipNode`` calls).

To keep the test short the node's inbound capacity is lowered from py-libp2p's 250
(``max_connections - min_connections``) to :data:`CAPACITY`, and the node is connected to and
hung up on :data:`CYCLES` = 1,000 times (50 x that capacity; full upgrades, ~15 s here).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

import multiaddr
import pytest
import trio
from libp2p import new_host
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr

import eip8025_p2p.host as host_module
from eip8025_p2p.host import create_host
from eip8025_p2p.libp2p_patches import InboundSlotTCP
from eip8025_p2p.pipeline import Outcome
from tests.gossip_support import CHAIN, MAKER, Peer, make_peer, patched_and_stock

CAPACITY = 20
CYCLES = 1_000
CLIENTS = 10
DEADLINE = 30.0
HANG_UP_DEADLINE = 240.0  # a bound for the 1,000 cycles (~15 s on an idle 2-core machine)
LOOPBACK = multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")



STOCK_HOST = functools.partial(create_host, build=new_host)
"""``create_host`` over py-libp2p's own ``new_host`` (no ``inbound_slots`` patch)."""


async def poll(predicate: Callable[[], bool], timeout: float = DEADLINE) -> None:
    """Wait for ``predicate()`` (checked every 10 ms, bounded by ``timeout``)."""
    with trio.fail_after(timeout):
        while not predicate():  # noqa: ASYNC110 - no event exists for this state
            await trio.sleep(0.01)


async def hang_up_cycles(target: multiaddr.Multiaddr, cycles: int) -> int:
    """Connect to ``target`` and hang up ``cycles`` times (full Noise + muxer upgrades each).

    Returns the number of refused connections; stops at the first.
    """
    info = info_from_p2p_addr(target)
    refused = 0
    done = 0

    async def client(index: int, stop: trio.CancelScope) -> None:
        nonlocal refused, done
        host = create_host(hashlib.sha256(b"hang-up-%d" % index).digest(), LOOPBACK)
        async with host.run([LOOPBACK]):
            while done < cycles:
                done += 1
                try:
                    conn = await host.get_network().dial_addr(info.addrs[0], info.peer_id)
                except Exception:  # noqa: BLE001 - any failed dial counts as refused
                    refused += 1
                    stop.cancel()
                    return
                await conn.close()

    with trio.fail_after(HANG_UP_DEADLINE):
        async with trio.open_nursery() as nursery:
            for index in range(CLIENTS):
                nursery.start_soon(client, index, nursery.cancel_scope)
    return refused


@pytest.mark.parametrize("patched", patched_and_stock("py-libp2p 0.8.1 leaks inbound slots"))
def test_inbound_slots_survive_many_hang_ups(
    patched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # run by hand: pytest-trio would hand xfail an exception group, never an AssertionError
    if not patched:  # host.create_host builds with new_eth2_host; the stock object is new_host
        monkeypatch.setattr(host_module, "create_host", STOCK_HOST)
    trio.run(hang_ups_then_an_honest_peer)


async def hang_ups_then_an_honest_peer() -> None:
    target = make_peer(0)
    CHAIN.import_block(target.view, 1)
    swarm = target.node.host.get_network()
    swarm._inbound_limiter = trio.CapacityLimiter(CAPACITY)  # type: ignore[attr-defined]
    heard = False
    # (assertions come after the nurseries, which would wrap them in exception groups)
    async with target.node.running(), target.pipeline.running(), target.topic.running():
        refused = await hang_up_cycles(target.node.addrs[0], CYCLES)
        if not refused:
            await poll(lambda: not swarm.get_connections())
            await poll(lambda: swarm._inbound_limiter.borrowed_tokens == 0)  # type: ignore[attr-defined]
            heard = await honest_peer_is_heard(target)
    assert refused == 0, f"inbound connections refused after {CAPACITY} hang-ups"
    assert heard
    (transport,) = swarm.transport_manager.get_transports()
    assert isinstance(transport, InboundSlotTCP)
    assert transport.counters.ended_on_close >= CYCLES  # each hang-up freed its handler task


async def honest_peer_is_heard(target: Peer) -> bool:
    """A new peer connects to ``target``; True once its gossip proof is stored there."""
    honest = make_peer(1)
    CHAIN.import_block(honest.view, 1)
    async with honest.node.running(), honest.pipeline.running(), honest.topic.running():
        with trio.fail_after(DEADLINE):
            await honest.node.connect(target.node.addrs[0])
            await target.node.pubsub.wait_for_mesh(honest.node.peer_id, target.topic.topic)
        verdict = await honest.pipeline.publish(MAKER.signed(1, 1))
        with trio.fail_after(DEADLINE):
            await target.pipeline.wait_until(lambda: target.pipeline.counters.stored == 1)
        connected: list[ID] = target.node.host.get_connected_peers()
    return verdict.outcome is Outcome.ACCEPT and honest.node.peer_id in connected
