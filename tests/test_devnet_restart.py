"""``Supervisor.restart``: one devnet node stopped by signal and started again with its plan.

The child is a stand-in for ``eip8025 node`` (a few lines of Python that print a ``ready`` line,
answer ``genesis <t>`` with a ``genesis`` line and stop on ``stop``), so the test exercises the
supervisor's process handling only; the soak benchmark (``bench/bench_soak.py``) restarts real
nodes.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import trio

from eip8025_p2p.devnet import DevnetConfig, NodePlan, plan_nodes
from eip8025_p2p.devnet.supervisor import Child, Supervisor
from eip8025_p2p.node import GenesisEvent, NodeEvent, ReadyEvent

FAKE_NODE = """\
import json, os, sys
name, ready = sys.argv[1], sys.argv[2]
sys.stderr.write(f"started {os.getpid()}\\n")
sys.stderr.flush()
print(ready, flush=True)
for line in sys.stdin:
    words = line.split()
    if words[:1] == ["genesis"]:
        event = {"event": "genesis", "name": name, "genesis_time": int(words[1]),
                 "seconds_per_slot": 2, "first_slot": 1, "last_slot": None}
        print(json.dumps(event), flush=True)
    elif words == ["stop"]:
        break
"""


def ready_line(plan: NodePlan) -> str:
    event = ReadyEvent(
        name=plan.name,
        peer_id=plan.peer_id,
        enr="enr:-",
        multiaddr=plan.multiaddr(),
        listen=f"127.0.0.1:{plan.port}",
        metrics=None,
        api=None,
        roles=["prover"],
        byzantine=False,
        proof_types=[1],
        generate_proof_types=[1],
        validators=[0],
        policy="1-of-1",
        spec_profile="2026-10",
        fork_digest="0x00000000",
        missing_peers=[],
    )
    return json.dumps(event.to_json())


class FakeSupervisor(Supervisor):
    """Runs :data:`FAKE_NODE` instead of ``eip8025 node``; remembers every command line."""

    commands: list[list[str]]

    def command(self, plan: NodePlan, online: list[NodePlan]) -> list[str]:
        command = [sys.executable, "-c", FAKE_NODE, plan.name, ready_line(plan)]
        self.commands.append([*super().command(plan, online)])
        return command


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
async def test_restart_starts_the_same_plan_again_without_a_problem(
    tmp_path: Path, signum: signal.Signals
) -> None:
    events: list[tuple[str, int, NodeEvent]] = []
    changed = [trio.Event()]

    def on_event(child: Child, event: NodeEvent) -> None:
        events.append((child.plan.name, child.process.pid, event))

    def notify() -> None:
        changed[0].set()
        changed[0] = trio.Event()

    async def until(predicate: Callable[[], bool]) -> None:
        while not predicate():
            await changed[0].wait()

    config = DevnetConfig(proof_types=(1,), threshold=1, verifiers=1)
    plans = plan_nodes(config)
    prover = plans[0]
    supervisor = FakeSupervisor(config, str(tmp_path), on_event, notify)
    supervisor.commands = []
    supervisor.prepare(plans, plans)
    key = (tmp_path / prover.name / "node-key").read_text()
    with trio.fail_after(60):  # a safety net only: every wait below is on an event
        async with trio.open_nursery() as nursery:
            await supervisor.start(nursery, prover, plans)
            old = supervisor.children[prover.name]
            await until(lambda: old.ready is not None)

            new = await supervisor.restart(nursery, prover.name, plans, signum=signum, genesis=1234)
            await until(lambda: any(isinstance(e, GenesisEvent) for _, _, e in events))
            await until(lambda: old.exited)

            assert supervisor.children[prover.name] is new
            assert new.process.pid != old.process.pid
            assert old.process.returncode == -signum
            assert old.stopping
            assert supervisor.problems == []  # a restart is not a node that died
            assert new.plan is prover  # same name, port, key
            assert supervisor.commands[0] == supervisor.commands[1]
            genesis = [(pid, e) for _, pid, e in events if isinstance(e, GenesisEvent)]
            assert genesis == [(new.process.pid, genesis[0][1])]
            assert isinstance(genesis[0][1], GenesisEvent)
            assert genesis[0][1].genesis_time == 1234
            await until(lambda: new.ready is not None)

            await supervisor.shutdown()
            await until(lambda: new.exited)
            nursery.cancel_scope.cancel()
    assert new.process.returncode == 0
    assert supervisor.problems == []
    assert (tmp_path / prover.name / "node-key").read_text() == key
    log = (tmp_path / prover.name / "stderr.log").read_text().split()
    assert log == ["started", str(old.process.pid), "started", str(new.process.pid)]


async def test_a_node_that_dies_on_its_own_is_still_a_problem(tmp_path: Path) -> None:
    changed = [trio.Event()]

    def notify() -> None:
        changed[0].set()
        changed[0] = trio.Event()

    config = DevnetConfig(proof_types=(1,), threshold=1, verifiers=1)
    plans = plan_nodes(config)
    supervisor = FakeSupervisor(config, str(tmp_path), lambda child, event: None, notify)
    supervisor.commands = []
    supervisor.prepare(plans, plans)
    with trio.fail_after(60):  # a safety net only
        async with trio.open_nursery() as nursery:
            await supervisor.start(nursery, plans[0], plans)
            child = supervisor.children[plans[0].name]
            while child.ready is None:
                await changed[0].wait()
            child.process.kill()
            while not child.exited:
                await changed[0].wait()
            nursery.cancel_scope.cancel()
    assert len(supervisor.problems) == 1
    assert "exited early" in supervisor.problems[0]
