"""One devnet run: start the nodes, agree on genesis, judge each slot, report, stop.

1. the supervisor writes each node key, reserves the ports and starts the children with
   ``--genesis-time stdin``;
2. once every child reported ``ready`` (its static peers are in its gossip mesh), all get the same
   ``genesis <t>`` line (slot 1 starts one or two seconds later);
3. the verifiers' events feed the ledger; a row is printed per slot once it is settled (or the
   slot ended and a settle window passed);
4. every node's ``/metrics`` is scraped for the summary, then the children are stopped and reaped.
"""

from __future__ import annotations

import functools
import math
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

import trio

from eip8025_p2p.devchain import DevnetChain, DevnetSpec
from eip8025_p2p.devnet.ledger import Ledger, SlotState
from eip8025_p2p.devnet.plan import (
    EXIT_EXPECTED_FAILURE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    DevnetConfig,
    plan_nodes,
)
from eip8025_p2p.devnet.report import Report
from eip8025_p2p.devnet.supervisor import Child, Sample, Supervisor
from eip8025_p2p.node import NodeEvent

if TYPE_CHECKING:
    from trio_typing import TaskStatus

__all__ = ["Devnet"]


class Devnet:
    """Runs one devnet (see the module docstring); :meth:`run` returns the exit code."""

    def __init__(self, config: DevnetConfig, out: TextIO) -> None:
        self.config = config
        self.policy = config.check()
        self.out = out
        self.plans = plan_nodes(config)
        self.online = [p for p in self.plans if not p.offline]
        verifiers = [p.name for p in self.plans if p.role == "verifier"]
        online_types = [p.proof_type for p in self.online if p.proof_type is not None]
        self.datadir = config.datadir or tempfile.mkdtemp(prefix="eip8025-devnet-")
        self.ledger = Ledger(verifiers, online_types)
        self.supervisor = Supervisor(config, self.datadir, self._on_event, self._notify)
        self.report = Report(config, self.policy, self.plans, self.say)
        self.metrics: dict[str, list[Sample]] = {}
        self.genesis: int | None = None
        self.interrupted = False
        self.started = time.monotonic()
        self._changed = trio.Event()
        self._main_scope = trio.CancelScope()
        self._out_broken = False

    @property
    def problems(self) -> list[str]:
        """Everything that went wrong so far."""
        return self.supervisor.problems + self.ledger.problems

    def say(self, text: str = "") -> None:
        """Print one line (quietly keep running if the reader went away)."""
        if self._out_broken:
            return
        try:
            self.out.write(text + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError):  # e.g. piped into `head`
            self._out_broken = True

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def _until(self, predicate: Callable[[], bool]) -> None:
        while not predicate():
            await self._changed.wait()

    def _on_event(self, child: Child, event: NodeEvent) -> None:
        self.ledger.record(child.plan.name, event)

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> int:
        """Run the devnet; the exit code (``plan.EXIT_*``)."""
        self.report.header(self.datadir)
        self.supervisor.prepare(self.plans, self.online)
        code = EXIT_FAILED
        self._main_scope = trio.CancelScope()
        async with trio.open_nursery() as nursery:
            await nursery.start(self._watch_signals)
            try:
                with self._main_scope:
                    for plan in self.online:
                        await self.supervisor.start(nursery, plan, self.online)
                    code = await self._drive()
            finally:
                with trio.CancelScope(shield=True):
                    await self.supervisor.shutdown()
                    with trio.move_on_after(2.0):  # let the readers take the last lines
                        children = self.supervisor.children.values()
                        await self._until(lambda: all(c.exited for c in children))
                nursery.cancel_scope.cancel()
        if self.interrupted:
            self.say("interrupted: every node was stopped")
            if self.config.datadir is None:
                shutil.rmtree(self.datadir, ignore_errors=True)
            return EXIT_INTERRUPTED
        if self.config.summary_json is not None:
            self.report.write_json(
                self.config.summary_json,
                code,
                datadir=self.datadir,
                genesis=self.genesis,
                ledger=self.ledger,
                children=self.supervisor.describe(),
                metrics=self.metrics,
            )
        if code in (EXIT_OK, EXIT_EXPECTED_FAILURE) and self.config.datadir is None:
            shutil.rmtree(self.datadir, ignore_errors=True)
        elif code == EXIT_FAILED:
            self.say(f"logs kept in {self.datadir}")
        return code

    async def _watch_signals(
        self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            task_status.started()
            async for _ in signals:
                self.interrupted = True
                self._main_scope.cancel()
                return

    async def _drive(self) -> int:
        config = self.config
        children = self.supervisor.children
        try:
            with trio.fail_after(config.ready_timeout):
                await self._until(
                    lambda: (
                        self.problems != [] or all(c.ready is not None for c in children.values())
                    )
                )
        except trio.TooSlowError:
            waiting = [n for n, c in children.items() if c.ready is None]
            self.supervisor.problems.append(
                f"not ready after {config.ready_timeout:.0f} s: {waiting}"
            )
        if self.problems:
            return self._fail_early()
        elapsed = time.monotonic() - self.started
        self.say(f"{len(children)} nodes ready after {elapsed:.1f} s (full mesh)")
        sps = config.seconds_per_slot
        self.genesis = math.ceil(time.time() + 1.0) - sps  # slot 1 starts in 1-2 s
        chain = DevnetChain(
            DevnetSpec(
                seed=config.seed,
                validator_count=config.validator_count,
                genesis_time=self.genesis,
                seconds_per_slot=sps,
            )
        )
        for slot in range(1, config.slots + 1):
            self.ledger.expect(slot, chain.block(slot).root)
        await self.supervisor.broadcast(f"genesis {self.genesis}\n")
        self.report.table_header()
        for slot in range(1, config.slots + 1):
            deadline = chain.slot_start(slot) + sps + config.settle_window
            state = self.ledger.slots[slot]
            with trio.move_on_after(max(0.0, deadline - time.time())):
                await self._until(functools.partial(self._settled, state))
            if self.problems:
                return self._fail_early()
            self.report.row(state)
        self.metrics = await self.supervisor.scrape_metrics()
        return self.report.summary(self.ledger, self.metrics, self.problems)

    def _settled(self, state: SlotState) -> bool:
        return bool(self.problems) or self.ledger.settled(state)

    def _fail_early(self) -> int:
        for problem in self.problems:
            self.say(f"FAILED: {problem}")
        return EXIT_FAILED
