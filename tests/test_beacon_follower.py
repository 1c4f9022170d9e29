"""The beacon-node follower against a **test double** of a beacon node (``beacon_double.py``).

The double serves spec-shaped Beacon API JSON and events for devnet Gloas blocks on 127.0.0.1;
the follower is the real one, over real HTTP. Time-dependent behaviour (backoff, the silence
watchdog) runs on trio's ``MockClock`` with autojump: waiting never depends on a wall-clock
margin, only on explicit conditions (:meth:`Recorder.until`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
from trio.testing import MockClock

from eip8025.api_json import ApiJsonError, from_api_json, to_api_json
from eip8025.bls import default_backend
from eip8025.config import MINIMAL_CONFIG
from eip8025.containers import (
    BeaconBlockHeader,
    BuilderDepositRequest,
    BuilderExitRequest,
    Checkpoint,
    ConsolidationRequest,
    DepositRequest,
    ExecutionPayloadBid,
    ExecutionPayloadEnvelope,
    ExecutionRequests,
    Fork,
    SignedExecutionPayloadEnvelope,
    SignedExecutionProofEnvelopeBase,
    Withdrawal,
    WithdrawalRequest,
)
from eip8025.gossip import GossipReject, Seen, validate_execution_proof_gossip
from eip8025.signing import (
    compute_fork_data_root,
    compute_fork_digest,
    get_execution_proof_envelope_signature,
)
from eip8025.ssz import Container
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine, fake_proof_data
from eip8025.verification import SpecContext, get_execution_proof
from eip8025_p2p.beacon import (
    BeaconApiClient,
    BeaconDataError,
    BeaconFollower,
    BeaconNodeTimeout,
    BlockEvent,
    ChainInfo,
    ChainMismatch,
    FollowedBlock,
    FollowerCallbacks,
    FollowerConfig,
    FollowerStatus,
    Genesis,
    HeadEvent,
    Reorg,
    SseMessage,
    parse_event,
    sse_messages,
)
from eip8025_p2p.devchain import DevBlock, DevnetChain, DevnetSpec, interop_privkey
from eip8025_p2p.enr import ENR
from tests.beacon_double import BeaconNodeDouble
from tests.gossip_support import CHAIN

AUTOJUMP = 0.05
"""MockClock autojump threshold: virtual time jumps once every task waits (real I/O on loopback
is never pending that long)."""
LOGGER = "eip8025_p2p.beacon"
PROFILE = CHAIN.spec.config.profile


class Recorder:
    """Records every callback; :meth:`until` waits for a condition on what was recorded."""

    def __init__(self) -> None:
        self.blocks: list[FollowedBlock] = []
        self.payloads: list[bytes] = []
        self.finalized: list[tuple[int, list[bytes]]] = []
        self.reorgs: list[Reorg] = []
        self.heads: list[FollowedBlock] = []
        self.statuses: list[FollowerStatus] = []
        self._changed = trio.Event()

    def callbacks(self) -> FollowerCallbacks:
        async def on_finalized(slot: int, dropped: Sequence[bytes]) -> None:  # async is allowed
            self.finalized.append((slot, list(dropped)))
            self._notify()

        return FollowerCallbacks(
            on_block=lambda block: self._add(self.blocks, block),
            on_payload=lambda root: self._add(self.payloads, root),
            on_finalized=on_finalized,
            on_head=lambda block: self._add(self.heads, block),
            on_reorg=lambda reorg: self._add(self.reorgs, reorg),
            on_status=lambda status: self._add(self.statuses, status),
        )

    def _add(self, items: list[Any], item: Any) -> None:
        items.append(item)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait until ``condition()`` holds (re-checked after every callback)."""
        with trio.fail_after(3600):  # virtual seconds under MockClock: a safety net only
            while not condition():
                await self._changed.wait()

    def slots(self) -> list[int]:
        return [block.slot for block in self.blocks]


@dataclasses.dataclass
class Setup:
    double: BeaconNodeDouble
    follower: BeaconFollower
    recorder: Recorder
    nursery: trio.Nursery


@contextlib.asynccontextmanager
async def following(
    double: BeaconNodeDouble, config: FollowerConfig | None = None, *, start: bool = True
) -> AsyncIterator[Setup]:
    """The double on 127.0.0.1 and a follower of it (started: connected and at the head)."""
    recorder = Recorder()
    async with trio.open_nursery() as nursery:
        url = await double.start(nursery)
        follower = BeaconFollower(url, callbacks=recorder.callbacks(), config=config)
        if start:
            await nursery.start(follower.run)
        else:
            nursery.start_soon(follower.run)
        yield Setup(double, follower, recorder, nursery)
        nursery.cancel_scope.cancel()


def sign_proof(
    block: DevBlock, proof_type: int, validator_index: int, *, key_index: int | None = None
) -> SignedExecutionProofEnvelopeBase:
    """A proof the fake engine accepts, signed as ``validator_index`` (``key_index``: the key)."""
    ctx = SpecContext(config=CHAIN.spec.config, bls=default_backend())
    placeholder = PROFILE.ExecutionProofEnvelope(
        proof_data=b"\x00", proof_type=proof_type, beacon_block_root=block.root
    )
    public_input = get_execution_proof(
        block.state, placeholder, block.payload_envelope, ctx=ctx
    ).public_input
    envelope = placeholder.copy_with(proof_data=fake_proof_data(public_input, proof_type))
    key = interop_privkey(validator_index if key_index is None else key_index)
    signature = get_execution_proof_envelope_signature(
        block.state, envelope, key, preset=ctx.config.preset, bls=ctx.bls
    )
    return PROFILE.SignedExecutionProofEnvelope(
        message=envelope, validator_index=validator_index, signature=signature
    )


def validate(follower: BeaconFollower, proof: SignedExecutionProofEnvelopeBase) -> None:
    """Gossip-validate ``proof`` against the follower's chain view (raises on IGNORE/REJECT)."""
    ctx = SpecContext(config=follower.spec_config(MINIMAL_CONFIG), bls=default_backend())
    store = ExecutionProofStore(follower.view, ctx)
    validate_execution_proof_gossip(Seen(), store, proof, FakeProofEngine())


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(LOGGER) and r.levelno >= logging.WARNING
    ]


def infos_of(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(LOGGER) and r.levelno == logging.INFO and text in r.getMessage()
    ]


@pytest.fixture
def clock() -> MockClock:
    """Virtual time for the test (pytest-trio runs the test on a clock it is given)."""
    return MockClock(autojump_threshold=AUTOJUMP)


# -- following a Gloas chain ------------------------------------------------------------------


async def test_follows_blocks_and_payloads_and_a_proof_verifies_end_to_end(
    clock: MockClock,
) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(3)
    async with following(double) as s:
        double.advance(2)
        await s.recorder.until(
            lambda: len(s.recorder.payloads) == 5 and s.follower.status.head_slot == 5
        )
        follower = s.follower
        assert s.recorder.slots() == [0, 1, 2, 3, 4, 5]
        for slot in range(1, 6):
            block = CHAIN.block(slot)
            assert follower.view.block_state(block.root) == block.state
            assert follower.view.payload_envelope(block.root) == block.payload_envelope
        assert s.recorder.payloads == [CHAIN.block(slot).root for slot in range(1, 6)]
        # the public input the follower rebuilds is the devnet's, and a proof verifies
        followed = s.recorder.blocks[-1]
        assert followed.payload_envelope == CHAIN.block(5).payload_envelope
        rebuilt = followed.new_payload_request(PROFILE).hash_tree_root()
        assert rebuilt == CHAIN.block(5).new_payload_request(PROFILE).hash_tree_root()
        validate(follower, sign_proof(CHAIN.block(5), proof_type=2, validator_index=3))
        with pytest.raises(GossipReject):
            validate(follower, sign_proof(CHAIN.block(4), 2, validator_index=3, key_index=4))
        # what the node needs from the chain
        chain = follower.chain
        assert chain is not None
        assert follower.fork_digest == CHAIN.fork_digest
        assert chain.seconds_per_slot == CHAIN.spec.seconds_per_slot
        assert chain.genesis_time == CHAIN.spec.genesis_time
        config = follower.spec_config(profile=PROFILE)
        assert (config.preset, config.deposit_chain_id) == (MINIMAL_CONFIG.preset, 5)
        status = follower.status_message()
        assert (status.head_root, status.head_slot) == (CHAIN.block(5).root, 5)
        assert (status.finalized_epoch, status.finalized_root) == (0, bytes(32))
        assert (status.fork_digest, status.earliest_available_slot) == (CHAIN.fork_digest, 0)
        assert follower.status.connected
        assert follower.status.health() == 200
        assert double.requests["validators"] == 1  # slots 0..5 are all epoch 0


async def test_validators_are_fetched_once_per_epoch(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    async with following(double) as s:
        double.advance(17)  # epochs 0, 1 and 2 (8 slots each)
        await s.recorder.until(lambda: s.follower.status.head_slot == 17)
        assert double.requests["validators"] == 3
        state = s.follower.view.block_state(CHAIN.block(17).root)
        assert state is not None
        assert state.validator_count() == CHAIN.spec.validator_count


async def test_finality_prunes_the_view_and_reports_the_dropped_roots(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(12)
    async with following(double) as s:
        double.finalize(1)
        await s.recorder.until(lambda: bool(s.recorder.finalized))
        [(slot, dropped)] = s.recorder.finalized
        assert slot == 8
        assert sorted(dropped) == sorted(CHAIN.block(i).root for i in range(8))
        assert not s.follower.view.is_block_known(CHAIN.block(7).root)
        assert s.follower.view.is_block_known(CHAIN.block(8).root)
        assert s.follower.status.finalized_epoch == 1
        message = s.follower.status_message()
        assert (message.finalized_epoch, message.finalized_root) == (1, CHAIN.block(8).root)
        assert message.earliest_available_slot == 8


async def test_reorg_adds_the_new_branch_reports_it_and_the_new_head_is_provable(
    clock: MockClock,
) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(4)
    async with following(double) as s:
        fork = double.reorg(parent_slot=2, slot=5)
        await s.recorder.until(lambda: bool(s.recorder.reorgs) and fork.root in s.recorder.payloads)
        [reorg] = s.recorder.reorgs
        assert (reorg.old_head, reorg.new_head) == (CHAIN.block(4).root, fork.root)
        assert (reorg.common_ancestor, reorg.depth) == (CHAIN.block(2).root, 2)
        view = s.follower.view
        assert view.is_block_known(CHAIN.block(4).root)  # the old branch is just not head
        assert s.follower.status.head_root == fork.root
        assert view.block_state(fork.root) == fork.state
        validate(s.follower, sign_proof(fork, proof_type=1, validator_index=0))
        [child] = double.advance(1)
        await s.recorder.until(lambda: child.root in s.recorder.payloads)
        assert len(s.recorder.reorgs) == 1
        assert child.header.parent_root == fork.root


async def test_blocks_beyond_the_cap_are_evicted_oldest_first(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    async with following(double, FollowerConfig(max_blocks=4)) as s:
        double.advance(8)
        await s.recorder.until(lambda: s.follower.status.head_slot == 8)
        kept = {root for root in s.follower.view.blocks}
        assert kept == {CHAIN.block(slot).root for slot in range(5, 9)}


async def test_catch_up_walks_back_at_most_max_catch_up_blocks(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(20)
    async with following(double, FollowerConfig(max_catch_up=5)) as s:
        assert s.recorder.slots() == [16, 17, 18, 19, 20]
        assert double.requests["header"] == 1 + 5  # "head", then five parents by root


# -- chains and nodes that differ -------------------------------------------------------------


async def test_pre_gloas_chain_follows_head_and_validators_and_says_so_once(
    clock: MockClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    double = BeaconNodeDouble(CHAIN, gloas=False)
    double.advance(3)
    async with following(double) as s:
        double.advance(2)
        await s.recorder.until(lambda: s.follower.status.head_slot == 5)
        state = s.follower.view.block_state(CHAIN.block(5).root)
        assert state is not None
        assert state.validator_count() == CHAIN.spec.validator_count
        assert state.fork.current_version == bytes.fromhex("06000001")  # Fulu
        assert state.bid_blob_kzg_commitments == ()
        assert s.recorder.payloads == []
        assert double.requests["envelope"] == 0
        assert double.requests["block"] == 0
        said = infos_of(caplog, "before Gloas")
        assert len(said) == 1
        assert "fulu" in said[0]
        fulu = bytes.fromhex("06000001")
        assert s.follower.fork_digest == compute_fork_digest(
            fulu, CHAIN.genesis_validators_root, (0, 9)
        )


@pytest.mark.parametrize("refusal", ["400", "no answer"])
async def test_node_refusing_the_payload_topic_still_gives_payloads(
    clock: MockClock, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    double = BeaconNodeDouble(CHAIN)
    if refusal == "400":
        double.refused_topics = {"execution_payload"}
    else:
        double.unanswered_topics = {"execution_payload"}
    async with following(double) as s:
        [first] = double.advance(1, reveal=False)
        await s.recorder.until(lambda: s.follower.status.head_slot == 1)
        double.reveal(first)  # no event reaches the follower: the topic was refused
        [second] = double.advance(1)
        await s.recorder.until(lambda: second.root in s.recorder.payloads)
        assert first.root in s.recorder.payloads  # fetched when its child arrived
        [warning] = warnings_of(caplog)
        assert "refused the event topics" in warning
        assert "execution_payload" in warning


async def test_envelopes_with_the_eip8282_fields_are_read_too(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN, omit_eip8282_fields=False)
    double.advance(2)
    async with following(double) as s:
        assert s.recorder.payloads == [CHAIN.block(1).root, CHAIN.block(2).root]
        assert s.follower.client.eip8282_fields_filled == 0


@pytest.mark.parametrize("falsified", ["block_hash", "requests"])
async def test_an_envelope_that_does_not_match_its_bid_is_refused(
    clock: MockClock, caplog: pytest.LogCaptureFixture, falsified: str
) -> None:
    double = BeaconNodeDouble(CHAIN)
    bad = CHAIN.block(2)
    double.tampered[bad.root] = falsified
    double.advance(3)
    async with following(double) as s:
        assert s.recorder.payloads == [CHAIN.block(1).root, CHAIN.block(3).root]
        assert s.follower.view.payload_envelope(bad.root) is None
        assert s.follower.view.block_state(bad.root) == bad.state  # the block is still followed
        [warning] = warnings_of(caplog)
        assert "slot 2: payload envelope refused" in warning


async def test_syncing_node_is_reported_until_it_is_synced(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.syncing = True
    async with following(double) as s:
        status = s.follower.status
        assert status.connected
        assert status.syncing
        assert status.health() == 206
        assert status.sync_distance == 5
        double.syncing = False
        double.advance(1)
        await s.recorder.until(lambda: not s.follower.status.syncing)
        assert s.follower.status.head_slot == 1
        assert s.follower.status.health() == 200
        assert [status.syncing for status in s.recorder.statuses] == [True, False]


# -- faults ------------------------------------------------------------------------------------


async def test_beacon_node_away_and_back_reconnects_and_catches_up(
    clock: MockClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    double = BeaconNodeDouble(CHAIN)
    double.advance(2)
    async with following(double) as s:
        connected_since = s.follower.status.since
        await double.go_away()
        await s.recorder.until(lambda: not s.follower.status.connected)
        assert s.follower.status.health() == 503
        await trio.sleep(120)  # virtual: several reconnect attempts fail meanwhile
        missed = double.advance(3)  # while it is away: nobody hears these events
        await double.come_back()
        await s.recorder.until(lambda: s.follower.status.connected)
        await s.recorder.until(lambda: missed[-1].root in s.recorder.payloads)
        assert s.recorder.slots() == [0, 1, 2, 3, 4, 5]
        for block in missed:
            assert s.follower.view.payload_envelope(block.root) == block.payload_envelope
        status = s.follower.status
        assert status.outages == 1
        assert status.head_slot == 5
        assert status.last_error is not None
        assert status.since > connected_since
        [warning] = warnings_of(caplog)  # one line for the whole outage
        assert "reconnecting with backoff" in warning
        assert len(infos_of(caplog, "is back after")) == 1
        retries = [r for r in caplog.records if "still unavailable" in r.getMessage()]
        assert 5 <= len(retries) <= 10  # backoff 0.5 s doubling to 30 s: ~8 in 120 s, not 240


async def test_failing_node_is_an_outage_until_it_answers(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.failing = 503
    double.advance(1)
    async with following(double, start=False) as s:
        await s.recorder.until(lambda: bool(s.recorder.statuses))
        status = s.follower.status
        assert not status.connected
        assert status.last_error is not None
        assert "HTTP 503" in status.last_error
        double.failing = None
        await s.recorder.until(lambda: s.follower.status.connected)
        assert s.follower.status.head_slot == 1


async def test_stalled_event_stream_is_detected_and_reopened(
    clock: MockClock, caplog: pytest.LogCaptureFixture
) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(1)
    async with following(double) as s:
        double.stall()
        missed = double.advance(2)  # the stalled stream does not carry these
        await s.recorder.until(lambda: missed[-1].root in s.recorder.payloads)
        assert double.streams_opened == 2
        assert s.follower.status.head_slot == 3
        assert s.follower.status.connected
        [warning] = warnings_of(caplog)
        assert "stalled" in warning


async def test_quiet_chain_keeps_its_event_stream(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    double.advance(1)
    config = FollowerConfig(silence_timeout=12.0)
    async with following(double, config) as s:
        probes = double.requests["header"]
        await trio.sleep(10 * 12.0 + 1)  # virtual: ten silence timeouts, no new block
        assert double.requests["header"] - probes == 10  # the watchdog asked for the head
        assert double.streams_opened == 1
        assert s.follower.status.connected


async def test_a_node_on_another_chain_after_a_restart_is_refused(clock: MockClock) -> None:
    double = BeaconNodeDouble(CHAIN)
    errors: list[BaseException] = []
    refused = trio.Event()

    async def run(*, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        try:
            await follower.run(task_status=task_status)
        except ChainMismatch as exc:
            errors.append(exc)
            refused.set()

    async with trio.open_nursery() as nursery:
        url = await double.start(nursery)
        follower = BeaconFollower(url)
        await nursery.start(run)
        await double.go_away()
        other = BeaconNodeDouble(DevnetChain(DevnetSpec(seed="another", validator_count=8)))
        other.port = double.port
        await other.start(nursery)
        with trio.fail_after(3600):
            await refused.wait()
        nursery.cancel_scope.cancel()
    assert "refusing to mix two chains" in str(errors[0])


# -- a real beacon node's JSON: responses recorded from Lodestar 1.5.1 (a Bellatrix dev chain) ---

LODESTAR = Path(__file__).parent / "data" / "beacon" / "lodestar-1.5.1"


def _recorded(name: str) -> Any:
    return json.loads((LODESTAR / f"{name}.json").read_text())


def lodestar_transport() -> httpx.MockTransport:
    """Replays the recorded responses (``tests/data/beacon/lodestar-1.5.1``) by path and query."""
    records = {
        record["path"]: record for record in map(_recorded, (f.stem for f in LODESTAR.iterdir()))
    }

    async def handler(request: httpx.Request) -> httpx.Response:
        record = records.get(request.url.raw_path.decode())
        if record is None:
            return httpx.Response(404, json={"code": 404, "message": "not recorded"})
        if "note" in record:  # Lodestar 1.5.1 never answered this stream request
            await trio.sleep_forever()
        if "lines" in record:
            return httpx.Response(200, text="\n".join(record["lines"]) + "\n")
        return httpx.Response(record["status"], json=record["body"])

    return httpx.MockTransport(handler)


async def test_client_reads_what_a_real_beacon_node_sent(clock: MockClock) -> None:
    header_record = _recorded("header")["body"]["data"]
    root = bytes.fromhex(header_record["root"][2:])
    state_root = header_record["header"]["message"]["state_root"]
    async with BeaconApiClient("http://127.0.0.1:19596", transport=lodestar_transport()) as c:
        chain = ChainInfo.from_api(await c.genesis(), await c.spec(), await c.fork_schedule())
        assert (chain.preset.name, chain.slots_per_epoch, chain.deposit_chain_id) == (
            "minimal",
            8,
            5,
        )
        assert (chain.seconds_per_slot, chain.fork_name(0), chain.gloas_fork_epoch) == (
            4,
            "bellatrix",
            None,
        )
        fork_id = ENR.from_text((await c.identity()).enr).fork_id
        assert fork_id is not None
        assert fork_id.fork_digest == chain.fork_digest(0)
        header = await c.header(root)
        assert header is not None
        assert header.header.hash_tree_root() == root
        block = await c.block(root)
        assert block is not None
        assert (block.version, block.bid) == ("bellatrix", None)
        assert block.slot == header.slot
        assert block.parent_root == header.parent_root
        validators = await c.validators(state_root)
        assert validators is not None
        assert len(validators) == 64
        assert [v.pubkey for v in validators[:8]] == [v.pubkey for v in CHAIN.validators]
        assert (await c.finality_checkpoints()).finalized.epoch == 0
        assert not (await c.syncing()).is_syncing
        assert await c.payload_envelope(root) is None  # 404: no such endpoint before Gloas
        assert (await c.peers()) == ()
        async with c.events(["head", "block", "finalized_checkpoint", "chain_reorg"]) as stream:
            events = [parse_event(m) async for m in stream if m is not None]
        assert [type(e) for e in events] == [BlockEvent, HeadEvent] * 3
        with pytest.raises(BeaconNodeTimeout):
            async with c.events(["execution_payload"]):
                pass


# -- the pieces: spec JSON, fork digests, the event-stream parser -------------------------------


def _requests() -> ExecutionRequests:
    key, sig, addr = bytes(range(48)), bytes(range(96)), bytes(range(20))
    return ExecutionRequests(
        deposits=(DepositRequest(pubkey=key, withdrawal_credentials=bytes(32), amount=1,
                                 signature=sig, index=7),),
        withdrawals=(WithdrawalRequest(source_address=addr, validator_pubkey=key, amount=2),),
        consolidations=(ConsolidationRequest(source_address=addr, source_pubkey=key,
                                             target_pubkey=key),),
        builder_deposits=(BuilderDepositRequest(pubkey=key, withdrawal_credentials=bytes(32),
                                                amount=3, signature=sig),),
        builder_exits=(BuilderExitRequest(source_address=addr, pubkey=key),),
    )  # fmt: skip


def test_api_json_round_trips_the_gloas_containers() -> None:
    envelope = CHAIN.block(3).payload_envelope
    rich = envelope.copy_with(
        execution_requests=_requests(),
        payload=envelope.payload.copy_with(base_fee_per_gas=2**255 + 1),
    )
    proof = sign_proof(CHAIN.block(2), proof_type=1, validator_index=0)
    values: list[Container] = [
        envelope,
        rich,
        rich.payload,
        rich.execution_requests,
        SignedExecutionPayloadEnvelope(message=rich, signature=bytes(range(96))),
        CHAIN.block(3).header,
        CHAIN.block(0).state.fork,
        Checkpoint(epoch=3, root=CHAIN.block(3).root),
        Withdrawal(index=2**64 - 1, validator_index=2, address=bytes(range(20)), amount=3),
        proof,
        proof.message,
    ]
    values += [ExecutionPayloadBid(slot=3, **BeaconNodeDouble(CHAIN)._bid_fields(CHAIN.block(3)))]
    for value in values:
        text = json.dumps(to_api_json(value))
        decoded = from_api_json(type(value), json.loads(text))
        assert decoded == value
        assert decoded.hash_tree_root() == value.hash_tree_root()


@pytest.mark.parametrize(
    ("path", "replacement", "message"),
    [
        (("slot",), None, "lacks slot"),
        (("extra",), "1", "has no field extra"),
        (("parent_root",), "0x00", "expected 32 bytes, got 1"),
        (("parent_root",), "0x" + "zz" * 32, "invalid hex"),
        (("parent_root",), 7, "expected a 0x-prefixed hex string"),
        (("slot",), "-1", "quoted decimal integer"),
        (("slot",), str(2**64), "out of range for uint64"),
        (("slot",), True, "got a boolean"),
        (("slot",), "007", "quoted decimal integer"),
    ],
)
def test_from_api_json_names_what_is_wrong(
    path: tuple[str, ...], replacement: Any, message: str
) -> None:
    data = to_api_json(CHAIN.block(1).header)
    if replacement is None:
        del data[path[0]]
    else:
        data[path[0]] = replacement
    with pytest.raises(ApiJsonError, match=message):
        from_api_json(BeaconBlockHeader, data)
    nested = to_api_json(CHAIN.block(1).payload_envelope)
    nested["payload"]["withdrawals"] = [{"index": "1"}]
    with pytest.raises(ApiJsonError, match=r"payload\.withdrawals\[0\]: Withdrawal lacks"):
        from_api_json(ExecutionPayloadEnvelope, nested)


def _chain_info(**spec: Any) -> ChainInfo:
    genesis = Genesis(100, bytes(range(32)), bytes.fromhex("00000000"))
    versions = [bytes([i, 0, 0, 0]) for i in range(8)]
    epochs = [0, 0, 0, 0, 10, 20, 30, 40]  # phase0 ... gloas
    forks = tuple(
        Fork(previous_version=versions[max(0, i - 1)], current_version=v, epoch=epochs[i])
        for i, v in enumerate(versions)
    )
    base = {
        "PRESET_BASE": "mainnet",
        "SLOTS_PER_EPOCH": "32",
        "DEPOSIT_CHAIN_ID": "1",
        "SECONDS_PER_SLOT": "12",
        "ELECTRA_FORK_EPOCH": "20",
        "MAX_BLOBS_PER_BLOCK_ELECTRA": "9",
        "FULU_FORK_EPOCH": "30",
        "GLOAS_FORK_EPOCH": "40",
        "FULU_FORK_VERSION": "0x06000000",
        "BLOB_SCHEDULE": [
            {"EPOCH": "35", "MAX_BLOBS_PER_BLOCK": "15"},
            {"EPOCH": "38", "MAX_BLOBS_PER_BLOCK": "21"},
        ],
    }
    return ChainInfo.from_api(genesis, {**base, **spec}, forks)


def test_fork_digest_follows_the_fork_and_the_blob_schedule() -> None:
    chain = _chain_info()
    gvr = chain.genesis_validators_root
    assert chain.fork_digest(25) == compute_fork_data_root(bytes([5, 0, 0, 0]), gvr)[:4]
    fulu = bytes([6, 0, 0, 0])
    assert chain.fork_digest(30) == compute_fork_digest(fulu, gvr, (20, 9))  # Electra's blobs
    assert chain.fork_digest(36) == compute_fork_digest(fulu, gvr, (35, 15))
    assert chain.fork_digest(39) == compute_fork_digest(fulu, gvr, (38, 21))
    assert chain.fork_digest(40) == compute_fork_digest(bytes([7, 0, 0, 0]), gvr, (38, 21))
    assert len({chain.fork_digest(e) for e in (25, 30, 36, 39, 40)}) == 5
    assert (chain.is_gloas(39), chain.is_gloas(40), chain.fork_name(31)) == (False, True, "fulu")
    assert chain.enr_fork_id(31).next_fork_epoch == 40
    assert chain.enr_fork_id(40).next_fork_epoch == 2**64 - 1
    assert chain.seconds_per_slot == 12
    assert _chain_info(SLOT_DURATION_MS="6000").seconds_per_slot == 6  # preferred when present
    config = chain.spec_config(MINIMAL_CONFIG)
    assert (config.preset.name, config.preset.SLOTS_PER_EPOCH, config.deposit_chain_id) == (
        "mainnet",
        32,
        1,
    )
    with pytest.raises(BeaconDataError, match="PRESET_BASE"):
        _chain_info(PRESET_BASE=None)


async def test_event_stream_parser_handles_comments_multiline_data_and_crlf() -> None:
    async def lines() -> AsyncIterator[str]:
        for line in [": keepalive", "", "event: head\r", 'data: {"a":', "data: 1}", "",
                     "retry: 5", "data: x", "", "event: block", ""]:  # fmt: skip
            yield line

    got = [message async for message in sse_messages(lines())]
    assert got == [None, SseMessage("head", '{"a":\n1}'), SseMessage("message", "x")]
    assert parse_event(SseMessage("attestation", "{}")) is None
    with pytest.raises(BeaconDataError, match="head event"):
        parse_event(SseMessage("head", '{"slot": "1"}'))
