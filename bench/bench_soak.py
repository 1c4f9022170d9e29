"""A long devnet run with random prover restarts: acceptance, reconnect time, RSS, fds.

    python bench/bench_soak.py                                  # 30 minutes
    python bench/bench_soak.py --minutes 3 --restart-every 20,40

The devnet of ``eip8025 devnet`` (one prover per proof type, default 1, 2, 3, 5, 6 with a 3-of-5
policy, and three stateless verifiers; every node an ``eip8025 node`` process on 127.0.0.1 with
its own datadir and node key, in a full mesh), driven by :class:`eip8025_p2p.devnet.supervisor.
Supervisor`. Every ``--restart-every`` seconds (random in the range, seeded with ``--seed``) one
random prover is stopped by its pid with SIGKILL or SIGTERM (alternating, or random with
``--signals random``), stays down ``--down`` seconds (random in the range), and is started again
with the same datadir, node key, port and flags (:meth:`Supervisor.restart`); it gets the run's
genesis time at once and catches up on its own.

Printed every ``--interval`` seconds: slots judged in the interval and how many reached k-of-n at
every verifier, proofs stored at the verifiers, restarts, and per node process its RSS (MiB), open
fds and connected peers (its ``eip8025_peers``), with the CPU of provers and verifiers (percent of
one core). Per restart: the time from the restart (the new process's start) to its ``ready``
line, to its first own proof published, to the prover's peer id connected at every verifier
(``eip8025_peer_score{peer}``), to every verifier's ``eip8025_mesh_peers`` back at its value
before the stop (the prover back in the gossip mesh), and to its first proof stored at every
verifier; and the slots of that prover's proofs that some verifier never stored. The summary
judges four goals: every payload with at least k provers up is proven; no restart costs more than
about two slots of that prover's proofs beyond the slots that started while it was down; RSS flat
after warm-up; no fd leak. WARNING lines of every node's log are grouped by kind. Not part of
the test suite; all processes are this script's children on 127.0.0.1, stopped by pid (and
reaped) at the end or on Ctrl-C.

This file drives the run; its siblings read the processes (``soak_probe.py``: ``/proc``,
``/metrics``, logs) and print the table and the summary (``soak_report.py``).
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable

import trio

from eip8025_p2p.devchain import DevnetChain, DevnetSpec
from eip8025_p2p.devnet.ledger import Ledger
from eip8025_p2p.devnet.plan import DevnetConfig, NodePlan, plan_nodes
from eip8025_p2p.devnet.supervisor import Child, Supervisor
from eip8025_p2p.node import NodeEvent, PublishedEvent, ReadyEvent, VerdictReport

from soak_probe import NodeScrape, ProcSample, SoakProbe
from soak_report import Restart, SoakReport

SIGNAL_NAMES: dict[int, str] = {signal.SIGKILL: "KILL", signal.SIGTERM: "TERM"}


class Soak(SoakProbe, SoakReport):
    """One soak run (see the module docstring): readings in :class:`SoakProbe`, output in
    :class:`SoakReport`."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sps: int = args.slot
        self.duration = args.minutes * 60.0
        slots = math.ceil((self.duration + 300) / self.sps)  # nodes must outlive the run
        self.datadir = args.datadir or tempfile.mkdtemp(prefix="eip8025-soak-")
        self.config = DevnetConfig(
            proof_types=tuple(args.proof_types),
            threshold=args.threshold,
            verifiers=args.verifiers,
            slots=slots,
            seconds_per_slot=self.sps,
            seed=args.devnet_seed,
            datadir=self.datadir,
        )
        self.policy = self.config.check()
        self.plans = plan_nodes(self.config)
        self.provers = [p for p in self.plans if p.role == "prover"]
        self.verifiers = [p.name for p in self.plans if p.role == "verifier"]
        self.names = [p.name for p in self.plans]
        self.ledger = Ledger(self.verifiers, list(self.config.proof_types))
        self.supervisor = Supervisor(self.config, self.datadir, self._on_event, self._notify)
        self.rng = random.Random(args.seed)
        self.changed = trio.Event()
        self.genesis = 0
        self.t0 = 0.0
        """Unix time slot 1 starts (the run's t = 0)."""
        self.chain: DevnetChain | None = None
        self.stored_at: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
        self.stored_times: list[float] = []
        self.samples: dict[str, list[ProcSample]] = defaultdict(list)
        self.scrapes: dict[str, NodeScrape] = {}
        self.restarts: list[Restart] = []
        self.restarting: str | None = None
        self.interrupted = False
        self.out_lines: list[str] = []

    # -- events ----------------------------------------------------------------------------------

    def _notify(self) -> None:
        self.changed.set()
        self.changed = trio.Event()

    async def _until(self, predicate: Callable[[], bool]) -> None:
        while not predicate():
            await self.changed.wait()

    def _on_event(self, child: Child, event: NodeEvent) -> None:
        name = child.plan.name
        self.ledger.record(name, event)
        if isinstance(event, (ReadyEvent, PublishedEvent)) and self.restarts:
            self._restarted_event(child, event)
        if not (isinstance(event, VerdictReport) and event.stored and name in self.verifiers):
            return
        if event.slot is None or event.proof_type is None:
            return
        now = time.time()
        self.stored_times.append(now)
        stored = self.stored_at[(event.proof_type, event.slot)]
        stored.setdefault(name, now)
        if len(stored) < len(self.verifiers):
            return
        for restart in self.restarts:
            if (
                restart.proof_type == event.proof_type
                and restart.proof_at is None
                and restart.spawn_at
                and event.slot >= restart.spawn_slot
            ):
                restart.proof_at, restart.proof_slot = now, event.slot

    def _restarted_event(self, child: Child, event: ReadyEvent | PublishedEvent) -> None:
        """The ``ready`` line and first ``published`` line of a restarted prover's new process."""
        restart = self.restarts[-1]
        if restart.name != child.plan.name or child.process.pid == restart.old_pid:
            return
        now = time.time()
        if isinstance(event, ReadyEvent) and restart.ready_at is None:
            restart.ready_at = now
        elif (
            isinstance(event, PublishedEvent)
            and restart.published_at is None
            and event.result == "accept"
        ):
            restart.published_at = now

    # -- the run ---------------------------------------------------------------------------------

    async def run(self) -> None:
        """Start the devnet, run it with restarts, print the table and the summary, stop."""
        args = self.args
        self.say(
            f"bench_soak: {args.minutes:g} min devnet, {len(self.provers)} provers (types "
            f"{','.join(map(str, self.config.proof_types))}), {len(self.verifiers)} verifiers, "
            f"policy {self.policy.description}, slot {self.sps} s; a random prover restarted "
            f"every {args.restart_every[0]:g}-{args.restart_every[1]:g} s, down "
            f"{args.down[0]:g}-{args.down[1]:g} s, signals {args.signals}, seed {args.seed}"
        )
        self.say(f"node datadirs and logs: {self.datadir}")
        online = self.plans
        self.supervisor.prepare(self.plans, online)
        main = trio.CancelScope()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._watch_signals, main)
            try:
                with main:
                    for plan in online:
                        await self.supervisor.start(nursery, plan, online)
                    await self._drive(nursery)
            finally:
                with trio.CancelScope(shield=True):
                    await self.supervisor.shutdown()
                nursery.cancel_scope.cancel()
        if self.interrupted:
            self.say("interrupted: every node was stopped")
        if self.chain is not None:
            self.summary()
        if args.datadir is None and not args.keep:
            shutil.rmtree(self.datadir, ignore_errors=True)
        else:
            self.say(f"logs kept in {self.datadir}")

    async def _watch_signals(self, main: trio.CancelScope) -> None:
        with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for _ in signals:
                self.interrupted = True
                main.cancel()
                return

    async def _drive(self, nursery: trio.Nursery) -> None:
        children = self.supervisor.children
        started = time.monotonic()
        with trio.fail_after(120):
            await self._until(
                lambda: (
                    bool(self.supervisor.problems)
                    or all(c.ready is not None for c in children.values())
                )
            )
        if self.supervisor.problems:
            raise RuntimeError(f"devnet did not start: {self.supervisor.problems}")
        self.say(f"{len(children)} nodes ready after {time.monotonic() - started:.1f} s")
        self.genesis = math.ceil(time.time() + 1.0) - self.sps
        self.t0 = self.slot_start(1)
        self.chain = DevnetChain(
            DevnetSpec(
                seed=self.config.seed,
                validator_count=self.config.validator_count,
                genesis_time=self.genesis,
                seconds_per_slot=self.sps,
            )
        )
        for slot in range(1, self.config.slots + 1):
            self.ledger.expect(slot, self.chain.block(slot).root)
        await self.supervisor.broadcast(f"genesis {self.genesis}\n")
        self.t_end = self.t0 + self.duration
        self.table_header()
        async with trio.open_nursery() as inner:
            inner.start_soon(self._sampler)
            inner.start_soon(self._restarter, nursery)
            inner.start_soon(self._reporter)
            await trio.sleep_until(trio.current_time() + (self.t_end - time.time()))
            # an ongoing restart finishes; no new one starts
            await self._until(lambda: self.restarting is None)
            self.stopping_restarts = True
            settle = self.config.settle_window
            await trio.sleep(settle)
            await self._scrape_all()
            self._sample_once()
            self.row(final=True)
            inner.cancel_scope.cancel()

    stopping_restarts = False
    t_end = 0.0

    # -- restarts --------------------------------------------------------------------------------

    async def _restarter(self, nursery: trio.Nursery) -> None:
        low, high = self.args.restart_every
        count = 0
        while True:
            wait = self.rng.uniform(low, high)
            down = self.rng.uniform(*self.args.down)
            plan = self.rng.choice(self.provers)
            if self.args.signals == "random":
                signum = self.rng.choice([signal.SIGKILL, signal.SIGTERM])
            else:
                signum = signal.SIGKILL if count % 2 == 0 else signal.SIGTERM
            # leave time to see the last one come back
            if time.time() + wait + down + self.args.recovery_margin > self.t_end:
                return
            await trio.sleep(wait)
            if self.stopping_restarts:
                return
            self.restarting = plan.name
            try:
                restart = await self._restart(nursery, plan, signum, down)
            finally:
                self.restarting = None
                self._notify()
            nursery.start_soon(self._follow, restart)
            count += 1

    async def _restart(
        self, nursery: trio.Nursery, plan: NodePlan, signum: signal.Signals, down: float
    ) -> Restart:
        before = await self._scrape_all(self.verifiers)
        old = self.supervisor.children[plan.name]
        now = time.time()
        assert plan.proof_type is not None
        restart = Restart(
            name=plan.name,
            proof_type=plan.proof_type,
            signame=SIGNAL_NAMES.get(signum, str(signum)),
            down=down,
            kill_at=now,
            kill_slot=self.slot_at(now),
            old_pid=old.process.pid,
            baseline_mesh={n: s.mesh for n, s in before.items() if s.mesh is not None},
        )
        self.restarts.append(restart)

        async def exited() -> None:
            await old.process.wait()
            restart.exited_at = time.time()

        async with trio.open_nursery() as watch:
            watch.start_soon(exited)
            new = await self.supervisor.restart(
                nursery, plan.name, self.plans, signum=signum, down=down, genesis=self.genesis
            )
        restart.spawn_at = time.time()
        restart.spawn_slot = self.slot_at(restart.spawn_at)
        restart.new_pid = new.process.pid
        restart.down_slots = sum(
            1
            for slot in range(restart.kill_slot, restart.spawn_slot + 1)
            if restart.kill_at <= self.slot_start(slot) < restart.spawn_at
        )
        self.say(
            f"  restart {len(self.restarts)}: t={restart.kill_at - self.t0:.0f} s {plan.name} "
            f"SIG{restart.signame} (pid {restart.old_pid}, exited after "
            f"{restart.exited_at - restart.kill_at:.2f} s), down {down:.1f} s, "
            f"new pid {restart.new_pid}"
        )
        return restart

    async def _follow(self, restart: Restart) -> None:
        """Poll the verifiers until the restarted prover is connected and back in their mesh."""
        plan = next(p for p in self.provers if p.name == restart.name)
        peer = plan.peer_id
        deadline = time.time() + self.args.follow_timeout
        while time.time() < deadline and (restart.connected_at is None or restart.mesh_at is None):
            found = await self._scrape_all(self.verifiers)
            now = time.time()
            if len(found) == len(self.verifiers):
                connected = all(peer in s.connected for s in found.values())
                meshed = all(
                    (s.mesh or 0) >= restart.baseline_mesh.get(n, 0) for n, s in found.items()
                )
                if restart.connected_at is None and connected:
                    restart.connected_at = now
                if restart.mesh_at is None and connected and meshed:
                    restart.mesh_at = now
            await trio.sleep(self.args.follow_every)

    # -- the table -------------------------------------------------------------------------------

    # -- the table rows --------------------------------------------------------------------------

    async def _reporter(self) -> None:
        every = self.args.interval
        index = 1
        while True:
            target = self.t0 + index * every
            if target > self.t_end:
                return
            await trio.sleep(max(0.0, target - time.time()))
            await self._scrape_all()
            self._sample_once()
            self.row()
            index += 1


def pair(text: str) -> tuple[float, float]:
    """``LOW,HIGH`` -> a float range."""
    low, _, high = text.partition(",")
    values = (float(low), float(high or low))
    if values[0] > values[1] or values[0] < 0:
        raise argparse.ArgumentTypeError(f"{text}: want LOW,HIGH with 0 <= LOW <= HIGH")
    return values


def main() -> int:
    """Run the soak and print the report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="run length (default 30)")
    parser.add_argument("--seed", type=int, default=8025, help="seeds the restart schedule")
    parser.add_argument("--slot", type=int, default=2, help="seconds per slot")
    parser.add_argument(
        "--proof-types", type=lambda t: [int(x) for x in t.split(",")], default=[1, 2, 3, 5, 6]
    )
    parser.add_argument("--threshold", type=int, default=3, help="k of the k-of-n policy")
    parser.add_argument("--verifiers", type=int, default=3)
    parser.add_argument("--devnet-seed", default="bench-soak")
    parser.add_argument(
        "--restart-every",
        type=pair,
        default=(60.0, 180.0),
        help="seconds between restarts, LOW,HIGH (default 60,180)",
    )
    parser.add_argument(
        "--down",
        type=pair,
        default=(1.0, 10.0),
        help="seconds a restarted prover stays down, LOW,HIGH (default 1,10)",
    )
    parser.add_argument("--signals", choices=["alternate", "random"], default="alternate")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per table row")
    parser.add_argument("--sample-every", type=float, default=5.0, help="/proc sampling period")
    parser.add_argument(
        "--follow-every",
        type=float,
        default=0.5,
        help="verifier /metrics polling period after a restart",
    )
    parser.add_argument("--follow-timeout", type=float, default=120.0)
    parser.add_argument(
        "--recovery-margin",
        type=float,
        default=45.0,
        help="no restart later than this before the end",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="seconds before RSS / fds are judged (default: a third of the run, at least "
        "300 s, at most half the run; verifier RSS levelled off after ~11 min of a 30 min run)",
    )
    parser.add_argument("--rss-tolerance", type=float, default=10.0, help="MiB")
    parser.add_argument("--fd-tolerance", type=int, default=3)
    parser.add_argument(
        "--restart-budget",
        type=int,
        default=2,
        help="slots a restart may cost beyond its down time",
    )
    parser.add_argument("--datadir", default=None, help="keep node datadirs and logs here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary datadir")
    args = parser.parse_args()
    if args.warmup is None:
        run = args.minutes * 60
        args.warmup = min(max(300.0, run / 3), run / 2)
    soak = Soak(args)
    trio.run(soak.run)
    return 130 if soak.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
