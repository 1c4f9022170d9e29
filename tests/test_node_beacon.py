"""``eip8025 node --beacon-node``: a node following a (test double of a) beacon node.

The beacon node is :class:`BeaconNodeDouble` (a labelled test double serving spec-shaped Beacon
API JSON and events for devnet Gloas blocks); the node, its follower, pipeline, prover, req/resp
and API are the real ones. Virtual time (MockClock, autojump): waits are on conditions.
"""

from __future__ import annotations

import httpx
import pytest
import trio
from trio.testing import MockClock

from eip8025.prover import ProverIdentity
from eip8025_p2p.devchain import interop_privkey
from eip8025_p2p.node import BeaconSource, ProofNode, build_proof_engine
from tests.beacon_double import BeaconNodeDouble
from tests.gossip_support import CHAIN
from tests.test_node import Recorder, node_config, poll


@pytest.fixture
def clock() -> MockClock:
    return MockClock(autojump_threshold=0.05)


async def test_a_node_follows_a_beacon_node_proves_and_survives_its_outage() -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(2)
    spec = CHAIN.spec

    def wall_clock() -> float:  # "now" is in the double's head slot
        return spec.genesis_time + double.head.slot * spec.seconds_per_slot + 0.5

    events = Recorder()
    async with trio.open_nursery() as nursery:
        url = await double.start(nursery)
        source = BeaconSource(url, wall_clock=wall_clock)
        await source.start(nursery)
        config = node_config(
            0,
            beacon_node=url,
            proof_generation=True,
            validator_keys=(ProverIdentity(0, interop_privkey(0)),),
            http_port=0,
        )
        node = ProofNode(
            config, build_proof_engine(None, config.proof_types), events, source=source
        )
        nursery.start_soon(node.run)
        await events.wait(lambda: bool(events.of("ready")))
        ready = events.of("ready")[0]
        assert ready["beacon_node"] == url
        assert ready["fork_digest"] == "0x" + source.fork_digest.hex()
        assert [e["slot"] for e in events.of("block")] == [0, 1, 2]  # caught up to the head

        double.advance(1)  # a new Gloas block and its payload: proven, judged, accepted
        await events.wait(lambda: any(e["slot"] == 3 for e in events.of("accepted")))
        await events.wait(lambda: len([e for e in events.of("published") if e["slot"] == 3]) == 5)
        assert {e["proof_type"] for e in events.of("published") if e["slot"] == 3} == {
            1,
            2,
            3,
            5,
            6,
        }
        status = node.local_status()  # req/resp Status is the beacon node's chain
        assert (status.head_slot, status.head_root) == (3, double.head.root)
        assert status.fork_digest == source.fork_digest
        async with httpx.AsyncClient(base_url=ready["api"]) as client:
            head = (await client.get("/eth/v1/beacon/execution_proofs/head")).json()
            assert [d["proof_type"] for d in head["data"]] == ["1", "2", "3", "5", "6"]
            syncing = (await client.get("/eth/v1/node/syncing")).json()["data"]
            assert syncing["head_slot"] == "3"
            assert syncing["is_syncing"] is False
            assert (await client.get("/eth/v1/node/health")).status_code == 200

            await double.go_away()  # our problem, not a sender's: health says so
            await poll(lambda: not source.follower.status.connected)
            assert (await client.get("/eth/v1/node/health")).status_code == 503
            node.metrics.refresh()
            assert "eip8025_beacon_node_connected 0.0" in node.metrics.exposition().decode()
            await double.come_back()
            double.advance(1)
            await events.wait(lambda: any(e["slot"] == 4 for e in events.of("accepted")))
            assert (await client.get("/eth/v1/node/health")).status_code == 200
        node.metrics.refresh()
        exposition = node.metrics.exposition().decode()
        assert "eip8025_beacon_node_connected 1.0" in exposition
        assert "eip8025_beacon_node_outages_total 1.0" in exposition
        node.stop.set()
        await events.wait(lambda: bool(events.of("done")))
        nursery.cancel_scope.cancel()
    accepted = [e["slot"] for e in events.of("accepted")]
    # each once; blocks within PROVE_WINDOW slots of the wall clock are proven, genesis is not
    assert sorted(accepted) == [1, 2, 3, 4]


async def test_prover_keys_are_checked_against_the_beacon_nodes_registry() -> None:
    from eip8025_p2p.node import NodeConfigError

    double = BeaconNodeDouble(CHAIN)
    double.advance(1)
    async with trio.open_nursery() as nursery:
        url = await double.start(nursery)
        source = BeaconSource(url)
        await source.start(nursery)
        config = node_config(
            0,
            beacon_node=url,
            proof_generation=True,
            validator_keys=(ProverIdentity(1, interop_privkey(0)),),  # validator 0's key as 1
        )
        with pytest.raises(NodeConfigError, match="not that validator's key in the beacon"):
            ProofNode(
                config, build_proof_engine(None, config.proof_types), Recorder(), source=source
            )
        nursery.cancel_scope.cancel()
