"""Interop-safe sizes: no gossip RPC over what js-libp2p peers (Lodestar) accept."""

from __future__ import annotations

import math
import time

import trio
from libp2p.peer.peerstore import env_to_send_in_RPC
from libp2p.pubsub.pb import rpc_pb2
from trio.testing import MockClock

from eip8025 import MAX_PROOF_SIZE
from eip8025.prover import ProverIdentity
from eip8025_p2p.devchain import interop_privkey
from eip8025_p2p.encoding import encode_execution_proof
from eip8025_p2p.gossip_topic import JS_LIBP2P_MAX_RPC_SIZE
from tests.gossip_support import MAKER, network
from tests.test_node import make_node, node_config


async def test_rpc_size_is_the_protobuf_size_on_the_wire() -> None:
    async with network(1) as (peer,):
        topic = peer.topic
        record, _ = env_to_send_in_RPC(peer.node.host)
        for size in (0, 1, 127, 128, 300 * 1024, 4 * 1024 * 1024 + 700):
            rpc = rpc_pb2.RPC(
                publish=[rpc_pb2.Message(data=bytes(size), topicIDs=[topic.topic])],
                senderRecord=record,
            )
            assert topic.rpc_size(size) == rpc.ByteSize(), size


async def test_a_max_size_proof_does_not_fit_a_js_libp2p_rpc() -> None:
    async with network(1) as (peer,):
        biggest = MAKER.signed(1, 1, 0, size=MAX_PROOF_SIZE)  # incompressible padding
        data = encode_execution_proof(biggest, peer.pipeline.profile)
        assert peer.topic.rpc_size(len(data)) > JS_LIBP2P_MAX_RPC_SIZE
        assert not peer.topic.fits(len(data))
        smaller = MAKER.signed(1, 1, 0, size=MAX_PROOF_SIZE - 1024)
        assert peer.topic.fits(len(encode_execution_proof(smaller, peer.pipeline.profile)))


async def test_an_oversize_proof_is_stored_but_not_gossiped() -> None:
    async with network(2) as (sender, receiver):
        sender.topic.max_rpc_size = 2000
        proof = MAKER.signed(1, 1, 0, size=4000)
        verdict = await sender.pipeline.publish(proof)
        assert verdict.stored  # valid: kept locally ...
        assert sender.topic.oversize_not_sent == 1  # ... but never sent
        assert sender.topic.alerts.counts == {"gossip_rpc_too_large": 1}
        small = MAKER.signed(1, 2, 1)
        await sender.pipeline.publish(small)
        with trio.fail_after(10):
            await receiver.pipeline.wait_until(
                lambda: receiver.store.has_proof(small.message.beacon_block_root, 2)
            )
        assert not receiver.store.has_proof(proof.message.beacon_block_root, 1)


async def test_the_prover_does_not_publish_a_proof_whose_rpc_is_too_large(
    mock_clock: MockClock,
) -> None:
    config = node_config(
        0,
        proof_generation=True,
        validator_keys=(ProverIdentity(0, interop_privkey(0)),),
        slots=1,
        max_gossip_rpc_size=100,  # smaller than any proof
    )
    node, events, control = make_node(config)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(node.run)
        await events.wait(lambda: bool(events.of("ready")))
        control.set_genesis(math.floor(time.time()))
        await events.wait(lambda: bool(events.of("genesis")))
        mock_clock.jump(1.0)
        await events.wait(lambda: len(events.of("published")) == 5)
        node.stop.set()
    published = events.of("published")
    assert {e["result"] for e in published} == {"too_large"}
    assert "exceeds the 100-byte bound" in published[0]["error"]
    assert not node.store.execution_proofs  # nothing validated, stored or sent
