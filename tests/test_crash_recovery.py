"""A real node process is SIGKILLed mid-slot and restarted on its data directory.

It must lose no stored proof, treat a proof it saw before the kill as already processed, never
announce an accepted payload twice, and keep accepting new payloads. The test waits on the
node's own events (``eip8025 node`` writes one JSON line per event); ``fail_after`` only bounds a
hung run. ``tools/crash_loop.sh`` runs this test 20 times in a row.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import trio

from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.config import SpecConfig
from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.gossip import GossipReason, Seen
from eip8025.prover import ProverIdentity, sign_execution_proofs
from eip8025.store import ExecutionProofStore
from eip8025.verification import SpecContext
from eip8025_p2p.devchain import DevnetChain, DevnetSpec, interop_privkey
from eip8025_p2p.encoding import encode_execution_proof, execution_proof_topic
from eip8025_p2p.gossip_topic import ExecutionProofTopic
from eip8025_p2p.host import GossipNode
from eip8025_p2p.node.config import NodeConfig, build_proof_engine, spec_config
from eip8025_p2p.node.events import (
    AcceptedEvent,
    NodeEvent,
    PublishedEvent,
    ReadyEvent,
    RestoredEvent,
    VerdictReport,
    event_from_json,
)
from eip8025_p2p.node.faults import forge_proofs
from eip8025_p2p.pipeline import ProofPipeline
from tests.conftest import REPO

SECONDS_PER_SLOT = 2
PROOF_TYPES = (1, 2, 3, 5, 6)
NODE_PROVES = (1, 2, 3)  # k = 3: the node proves every payload on its own
VALID_FROM_PEER = 6  # a valid proof the node stores from the wire
INVALID_FROM_PEER = 5  # an invalid proof the node rejects (and remembers as processed)
NODE_VALIDATOR = 0
BOUND = 60.0  # a hung run fails instead of blocking the suite


class NodeProcess:
    """One ``eip8025 node`` child process and the events it wrote."""

    def __init__(self, process: trio.Process) -> None:
        self.process = process
        self.events: list[NodeEvent] = []
        self._changed = trio.Event()

    async def read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        buffer = b""
        async for chunk in stdout:
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                event = event_from_json(json.loads(line))
                if event is not None:
                    self.events.append(event)
            self._changed.set()
            self._changed = trio.Event()

    async def wait_for(self, predicate: Callable[[NodeEvent], bool]) -> NodeEvent:
        """The first event (already written or next) that matches ``predicate``."""
        seen = 0
        while True:
            for event in self.events[seen:]:
                if predicate(event):
                    return event
            seen = len(self.events)
            if self.process.returncode is not None:
                raise AssertionError(f"node exited ({self.process.returncode}) while waiting")
            await self._changed.wait()

    def of(self, kind: type[NodeEvent]) -> list[NodeEvent]:
        return [e for e in self.events if isinstance(e, kind)]


@contextlib.asynccontextmanager
async def node_process(
    datadir: Path, genesis: int, peer: str, log: Path
) -> AsyncIterator[NodeProcess]:
    key = f"{NODE_VALIDATOR}:0x{interop_privkey(NODE_VALIDATOR):064x}"
    command = [sys.executable, "-m", "eip8025_cli", "node", "--name", "crash"]
    command += ["--datadir", str(datadir), "--listen", "127.0.0.1:0"]
    command += ["--genesis-time", str(genesis), "--seconds-per-slot", str(SECONDS_PER_SLOT)]
    command += ["--arrival-jitter", "0", "--proof-types", ",".join(map(str, PROOF_TYPES))]
    command += ["--stateless-validation", "--proof-generation", "--validator-keys", key]
    command += ["--generate-proof-types", ",".join(map(str, NODE_PROVES)), "--peers", peer]
    with open(log, "ab") as stderr:  # noqa: ASYNC230 - a local log file, opened once
        process = await trio.lowlevel.open_process(
            command, stdout=subprocess.PIPE, stderr=stderr, cwd=REPO
        )
    child = NodeProcess(process)
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(child.read)
            yield child
            nursery.cancel_scope.cancel()
    finally:
        if process.returncode is None:
            process.kill()  # our own child, by PID
        with trio.CancelScope(shield=True):
            await process.wait()


class Injector:
    """An in-process gossip peer that sends the node one valid and one invalid proof."""

    def __init__(self, chain: DevnetChain, index: int) -> None:
        ctx = SpecContext(config=chain.spec.config, bls=default_backend())
        self.chain = chain
        self.ctx = ctx
        self.engine = build_proof_engine(None, PROOF_TYPES)
        self.node = GossipNode(hashlib.sha256(f"crash-injector-{index}".encode()).digest())
        pipeline = ProofPipeline(
            ExecutionProofStore(InMemoryChainView(), ctx),
            Seen(),
            self.engine,
            topic=execution_proof_topic(chain.fork_digest),
            head_state=lambda: chain.block(0).state,
        )
        self.pipeline = pipeline
        self.topic = ExecutionProofTopic(self.node.pubsub, chain.fork_digest, pipeline)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Injector]:
        async with self.node.running(), self.pipeline.running(), self.topic.running():
            yield self

    def proofs(self, slot: int) -> tuple[bytes, bytes]:
        """A valid proof of ``VALID_FROM_PEER`` and a forged one of ``INVALID_FROM_PEER``."""
        block = self.chain.block(slot)
        signer = ProverIdentity(1, interop_privkey(1))
        (outcome,) = sign_execution_proofs(
            block.state,
            block.payload_envelope,
            self.engine,
            (VALID_FROM_PEER,),
            signer,
            ctx=self.ctx,
        )
        assert outcome.signed is not None, outcome.error
        forger = ProverIdentity(2, interop_privkey(2))
        (forged,) = forge_proofs(block, (INVALID_FROM_PEER,), forger, self.engine, self.ctx)
        return self.encode(outcome.signed), self.encode(forged)

    def encode(self, signed: SignedExecutionProofEnvelopeBase) -> bytes:
        return encode_execution_proof(signed, self.ctx.profile)

    async def send(self, node: ReadyEvent, *messages: bytes) -> None:
        from libp2p.peer.id import ID

        await self.node.pubsub.wait_for_mesh(ID.from_base58(node.peer_id), self.topic.topic, BOUND)
        for data in messages:
            await self.topic.publish_raw(data)


def verdict_for(proof_type: int) -> Callable[[NodeEvent], bool]:
    return lambda e: isinstance(e, VerdictReport) and e.proof_type == proof_type


def stored_on_disk(datadir: Path) -> set[tuple[int, int]]:
    """(slot, proof type) of every proof in the node's SQLite state (the node is not running)."""
    with contextlib.closing(sqlite3.connect(datadir / "state.sqlite3")) as db:
        return {(slot, kind) for slot, kind in db.execute("SELECT slot, proof_type FROM proofs")}


async def test_state_survives_sigkill_mid_slot(tmp_path: Path) -> None:
    datadir = tmp_path / "node"
    log = tmp_path / "node.log"
    genesis = int(time.time())
    spec = DevnetSpec(
        genesis_time=genesis,
        seconds_per_slot=SECONDS_PER_SLOT,
        config=spec_config_for_test(),
    )
    chain = DevnetChain(spec)
    with trio.fail_after(BOUND):
        # -- run 1: store proofs (own and from the wire), then SIGKILL mid-slot -----------------
        async with (
            Injector(chain, 1).running() as injector,
            node_process(datadir, genesis, str(injector.node.addrs[0]), log) as first,
        ):
            ready = await first.wait_for(lambda e: isinstance(e, ReadyEvent))
            assert isinstance(ready, ReadyEvent)
            accepted = await first.wait_for(lambda e: isinstance(e, AcceptedEvent))
            assert isinstance(accepted, AcceptedEvent)
            slot = accepted.slot
            valid, invalid = injector.proofs(slot)
            await injector.send(ready, valid, invalid)
            stored = await first.wait_for(verdict_for(VALID_FROM_PEER))
            rejected = await first.wait_for(verdict_for(INVALID_FROM_PEER))
            assert isinstance(stored, VerdictReport), stored
            assert stored.stored, stored
            assert isinstance(rejected, VerdictReport), rejected
            invalid_verdict = ("reject", GossipReason.PROOF_INVALID.value)
            assert (rejected.outcome, rejected.reason) == invalid_verdict
            # mid-slot: the node has just stored its first own proof of a later slot
            await first.wait_for(
                lambda e: isinstance(e, PublishedEvent) and e.slot > slot and e.result == "accept"
            )
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            assert first.process.returncode == -signal.SIGKILL
            reported = {
                (e.slot, e.proof_type)
                for e in first.events
                if isinstance(e, VerdictReport) and e.stored and e.slot is not None
            }
            reported |= {
                (e.slot, e.proof_type)
                for e in first.events
                if isinstance(e, PublishedEvent) and e.result == "accept"
            }
            announced = {e.slot for e in first.events if isinstance(e, AcceptedEvent)}

        on_disk = stored_on_disk(datadir)
        assert reported - on_disk == set(), "stored proofs lost by the kill"
        assert (slot, VALID_FROM_PEER) in on_disk

        # -- run 2: restart on the same datadir ---------------------------------------------------
        async with (
            Injector(chain, 2).running() as injector,
            node_process(datadir, genesis, str(injector.node.addrs[0]), log) as second,
        ):
            restored = await second.wait_for(lambda e: isinstance(e, RestoredEvent))
            assert isinstance(restored, RestoredEvent)
            assert restored.proofs == len(on_disk)
            assert restored.accepted >= len(announced)
            ready = await second.wait_for(lambda e: isinstance(e, ReadyEvent))
            assert isinstance(ready, ReadyEvent)
            await injector.send(ready, valid, invalid)
            again_valid = await second.wait_for(verdict_for(VALID_FROM_PEER))
            again_invalid = await second.wait_for(verdict_for(INVALID_FROM_PEER))
            assert isinstance(again_valid, VerdictReport)
            assert isinstance(
                again_invalid, VerdictReport
            )
            assert (again_valid.outcome, again_valid.reason) == (
                "ignore",
                GossipReason.PROOF_TYPE_ALREADY_VERIFIED.value,
            )
            assert (again_invalid.outcome, again_invalid.reason) == (
                "ignore",
                GossipReason.ALREADY_PROCESSED.value,
            )
            # keeps accepting: a payload of a slot after every slot of run 1
            last = max(s for s, _ in reported)
            fresh = await second.wait_for(lambda e: isinstance(e, AcceptedEvent) and e.slot > last)
            assert isinstance(fresh, AcceptedEvent)
            second.process.send_signal(signal.SIGTERM)
            await second.process.wait()
            again = {e.slot for e in second.events if isinstance(e, AcceptedEvent)}
        assert announced & again == set(), "a payload was announced twice"
        assert stored_on_disk(datadir) >= on_disk


def spec_config_for_test() -> SpecConfig:
    """The node's spec config for the command line above (same profile, types and k)."""
    return spec_config(NodeConfig(secret=bytes(32), proof_types=PROOF_TYPES))


if os.name != "posix":  # pragma: no cover - SIGKILL semantics
    import pytest

    pytestmark = pytest.mark.skip("needs POSIX signals")
