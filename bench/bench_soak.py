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
one core). Per restart: the time from the restart (the new process's start) to the prover's peer
id connected at every verifier (``eip8025_peer_score{peer}``), to every verifier's
``eip8025_mesh_peers`` back at its value before the stop (the prover back in the gossip mesh), and
to its first proof stored at every verifier; and the slots of that prover's proofs that some
verifier never stored. The summary judges four goals: every payload with at least k provers up is
proven; no restart costs more than about two slots of that prover's proofs beyond the slots that
started while it was down; RSS flat after warm-up; no fd leak. WARNING lines of every node's log
are grouped by kind. Not part of the test suite; all processes are this script's children on
127.0.0.1, stopped by pid (and reaped) at the end or on Ctrl-C.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

import httpx
import trio

from eip8025_p2p.devchain import DevnetChain, DevnetSpec
from eip8025_p2p.devnet.ledger import Ledger
from eip8025_p2p.devnet.plan import DevnetConfig, NodePlan, plan_nodes
from eip8025_p2p.devnet.supervisor import Child, Supervisor
from eip8025_p2p.metrics import parse_exposition
from eip8025_p2p.node import NodeEvent, PublishedEvent, ReadyEvent, VerdictReport

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SIGNAL_NAMES: dict[int, str] = {signal.SIGKILL: "KILL", signal.SIGTERM: "TERM"}


@dataclasses.dataclass
class ProcSample:
    """One reading of a node process from ``/proc``."""

    t: float
    pid: int
    cpu: float
    """CPU seconds (all threads) since the process started."""
    rss: float
    """MiB."""
    fds: int


@dataclasses.dataclass
class Restart:
    """One prover restart and how the network took it back."""

    name: str
    proof_type: int
    signame: str
    down: float
    kill_at: float
    kill_slot: int
    old_pid: int
    baseline_mesh: dict[str, int]
    exited_at: float = 0.0
    spawn_at: float = 0.0
    spawn_slot: int = 0
    new_pid: int = 0
    ready_at: float | None = None
    """The new process's ``ready`` line (listening; its static peers in its mesh)."""
    published_at: float | None = None
    """Its first own proof validated and handed to gossip (``published`` line)."""
    connected_at: float | None = None
    mesh_at: float | None = None
    proof_at: float | None = None
    proof_slot: int | None = None
    lost: list[int] = dataclasses.field(default_factory=list)
    down_slots: int = 0


@dataclasses.dataclass
class NodeScrape:
    """What one node's ``/metrics`` said."""

    peers: int | None = None
    mesh: int | None = None
    connected: frozenset[str] = frozenset()


def read_proc(pid: int) -> ProcSample | None:
    """CPU seconds, RSS and open fds of ``pid`` (None if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        rss = 0.0
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, IndexError, ValueError):
        return None
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return ProcSample(time.time(), pid, cpu, rss, fds)


def short(name: str) -> str:
    """``prover-3`` -> ``p3``, ``verifier-1`` -> ``v1`` (table columns)."""
    role, _, index = name.partition("-")
    return role[0] + index


WARNING_LINE = re.compile(r"^\S+ \S+ (?P<node>\S+) (?P<level>WARNING|ERROR|CRITICAL) (?P<rest>.*)$")
NORMALISE = (
    (re.compile(r"/ip4/\S+"), "<addr>"),
    (re.compile(r"/eth2/\S+"), "<topic>"),
    (re.compile(r"\b(16Uiu2|12D3Koo|Qm)[1-9A-HJ-NP-Za-km-z]{20,}"), "<peer>"),
    (re.compile(r"0x[0-9a-fA-F]+"), "<hex>"),
    (re.compile(r"\b\d+(\.\d+)?\b"), "N"),
)


def warning_kind(text: str) -> str:
    """A WARNING line (``logger: message``) with addresses, peer ids and numbers blanked out."""
    logger, sep, message = text.partition(": ")
    for pattern, replacement in NORMALISE:
        message = pattern.sub(replacement, message)
    text = logger.rsplit(".", 1)[-1] + sep + message
    return text if len(text) <= 120 else text[:117] + "..."


class Soak:
    """One soak run (see the module docstring)."""

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

    # -- output ----------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        """Print one line now."""
        print(text, flush=True)

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

    def slot_start(self, slot: int) -> float:
        """Unix time ``slot`` starts."""
        return float(self.genesis + slot * self.sps)

    def slot_at(self, unix: float) -> int:
        """The slot running at ``unix``."""
        return max(0, math.floor((unix - self.genesis) / self.sps))

    def everywhere(self, proof_type: int, slot: int) -> bool:
        """Every verifier stored the proof of ``proof_type`` for ``slot``."""
        return len(self.stored_at.get((proof_type, slot), {})) >= len(self.verifiers)

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

    # -- sampling --------------------------------------------------------------------------------

    def _sample_once(self) -> None:
        for name, child in self.supervisor.children.items():
            if child.process.returncode is not None:
                continue
            sample = read_proc(child.process.pid)
            if sample is not None:
                self.samples[name].append(sample)

    async def _sampler(self) -> None:
        while True:
            self._sample_once()
            await trio.sleep(self.args.sample_every)

    async def _scrape(self, client: httpx.AsyncClient, name: str) -> NodeScrape | None:
        child = self.supervisor.children.get(name)
        url = None if child is None or child.ready is None else child.ready.metrics
        if not url or child is None or child.process.returncode is not None:
            return None
        try:
            response = await client.get(url)
            samples = list(parse_exposition(response.text))
        except (httpx.HTTPError, ValueError):
            return None
        scrape = NodeScrape()
        connected = set()
        for metric, labels, value in samples:
            if metric == "eip8025_peers":
                scrape.peers = int(value)
            elif metric == "eip8025_mesh_peers":
                scrape.mesh = int(value)
            elif metric == "eip8025_peer_score" and "peer" in labels:
                connected.add(labels["peer"])
        scrape.connected = frozenset(connected)
        return scrape

    async def _scrape_all(self, names: Iterable[str] | None = None) -> dict[str, NodeScrape]:
        found: dict[str, NodeScrape] = {}
        async with httpx.AsyncClient(timeout=3.0) as client:
            for name in self.names if names is None else names:
                scrape = await self._scrape(client, name)
                if scrape is not None:
                    found[name] = scrape
                    self.scrapes[name] = scrape
        return found

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

    def table_header(self) -> None:
        """Legend and column titles."""
        cols = " ".join(f"{short(n):>4}" for n in self.names)
        peers = " ".join(f"{short(n):>3}" for n in self.names)
        self.say("")
        self.say(
            f"every {self.args.interval:g} s: slots judged in the interval (slot end + "
            f"{self.config.settle_window:g} s) that reached {self.policy.threshold}-of-"
            f"{len(self.config.proof_types)} at every verifier / judged; proofs stored at the "
            "verifiers (sum); restarts; per process RSS MiB, open fds, connected peers; CPU % of "
            "one core (all provers / all verifiers)"
        )
        self.say(
            f"{'t(s)':>5} {'k-of-n':>9} {'proofs':>6} {'rst':>3} | RSS {cols} | "
            f"{'cpu p/v':>9} | fds {cols} | peers {peers}"
        )
        self.last_row = self.t0
        self.last_judged = 0

    last_row = 0.0
    last_judged = 0

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

    def judged_through(self, now: float) -> int:
        """The last slot judged at ``now``: it ended, the settle window passed, within the run."""
        last = self.slot_at(now - self.config.settle_window) - 1
        return max(0, min(last, self.slot_at(self.t_end) - 1))

    def accepted_everywhere(self, slot: int) -> bool:
        """Every verifier accepted the payload of ``slot`` (k-of-n met)."""
        state = self.ledger.slots.get(slot)
        return state is not None and all(v in state.accepted for v in self.verifiers)

    def cpu_percent(self, names: list[str], since: float, until: float) -> float:
        """CPU of the named processes between two times (percent of one core)."""
        total = 0.0
        for name in names:
            by_pid: dict[int, list[ProcSample]] = defaultdict(list)
            for s in self.samples[name]:
                by_pid[s.pid].append(s)
            for samples in by_pid.values():
                before = [s for s in samples if s.t <= since]
                inside = [s for s in samples if since < s.t <= until]
                if not inside:
                    continue
                start = before[-1].cpu if before else 0.0
                total += inside[-1].cpu - start
        return 100 * total / max(until - since, 1e-9)

    def row(self, *, final: bool = False) -> None:
        """One table row: the interval since the last row."""
        now = time.time()
        through = self.judged_through(now)
        slots = range(self.last_judged + 1, through + 1)
        ok = sum(1 for s in slots if self.accepted_everywhere(s))
        proofs = sum(1 for t in self.stored_times if self.last_row < t <= now)
        restarts = sum(1 for r in self.restarts if self.last_row < r.kill_at <= now)
        rss, fds, peers = [], [], []
        for name in self.names:
            latest = self.samples[name][-1] if self.samples[name] else None
            rss.append(f"{latest.rss:4.0f}" if latest else "   -")
            fds.append(f"{latest.fds:4d}" if latest else "   -")
            scrape = self.scrapes.get(name)
            peers.append(f"{scrape.peers:3d}" if scrape and scrape.peers is not None else "  -")
        prover_names = [p.name for p in self.provers]
        cpu_p = self.cpu_percent(prover_names, self.last_row, now)
        cpu_v = self.cpu_percent(self.verifiers, self.last_row, now)
        label = "end" if final else f"{now - self.t0:5.0f}"
        self.say(
            f"{label:>5} {f'{ok}/{len(slots)}':>9} {proofs:6d} {restarts:3d} | RSS "
            f"{' '.join(rss)} | {f'{cpu_p:.0f}/{cpu_v:.0f}':>9} | fds {' '.join(fds)} | peers "
            f"{' '.join(peers)}"
        )
        self.last_row, self.last_judged = now, through

    # -- the summary -----------------------------------------------------------------------------

    def summary(self) -> None:
        """Acceptance, restarts, reconnect times, RSS, fds, WARNING lines, verdicts."""
        args = self.args
        say = self.say
        last = self.last_judged
        slots = list(range(1, last + 1))
        say("")
        say(f"summary ({(min(time.time(), self.t_end) - self.t0) / 60:.1f} min, slots 1-{last})")
        if not slots:
            say("  no slot was judged")
            return
        proven = [s for s in slots if self.accepted_everywhere(s)]
        down_at = self._down_windows()
        k = self.policy.threshold
        provable = [s for s in slots if len(self.provers) - len(down_at.get(s, set())) >= k]
        missed = [s for s in provable if s not in proven]
        stored_total = sum(len(v) for (_, s), v in self.stored_at.items() if 1 <= s <= last)
        expected = len(slots) * len(self.config.proof_types) * len(self.verifiers)
        say(
            f"  payloads proven (k-of-n at every verifier) / slots: {len(proven)}/{len(slots)}; "
            f"slots with >= {k} provers up: {len(provable)}, not proven: {len(missed)}"
            + (f" {missed[:20]}" if missed else "")
        )
        say(
            f"  proofs stored at the verifiers: {stored_total} of {expected} possible "
            f"(slots x types x verifiers)"
        )
        self._restart_summary(last)
        self._rss_summary()
        self._warnings()
        if self.supervisor.problems:
            say(f"  problems: {self.supervisor.problems}")
        # verdicts
        done = [r for r in self.restarts if r.spawn_at and r.kill_slot <= last]
        excess = [(len(r.lost) - r.down_slots, r) for r in done]
        worst = max(excess, key=lambda item: item[0], default=None)
        never = [r for r in done if r.proof_at is None]
        say("verdicts")
        say(
            f"  every payload with >= {k} provers up proven: "
            + ("PASS" if not missed else f"FAIL ({len(missed)} not proven: {missed[:10]})")
            + f" ({len(provable)} such slots)"
        )
        budget = args.restart_budget
        if worst is None:
            say("  restart cost <= ~2 slots of the prover's proofs: n/a (no restart)")
        else:
            ok = worst[0] <= budget and not never
            say(
                f"  no restart costs more than {budget} slots of its prover's proofs beyond the "
                f"slots that started while it was down: {'PASS' if ok else 'FAIL'} (worst: "
                f"restart {self.restarts.index(worst[1]) + 1} lost {len(worst[1].lost)} slots, "
                f"{worst[1].down_slots} of them started while it was down"
                + (f"; {len(never)} restarts never got a proof through" if never else "")
                + ")"
            )
        say(f"  RSS flat after warm-up: {self.rss_verdict}")
        say(f"  no fd leak: {self.fd_verdict}")

    def _down_windows(self) -> dict[int, set[str]]:
        """Per slot, the provers that were down for part of it (stop -> first proof through)."""
        down: dict[int, set[str]] = defaultdict(set)
        for r in self.restarts:
            back = r.proof_at if r.proof_at is not None else time.time()
            for slot in range(self.slot_at(r.kill_at), self.slot_at(back) + 1):
                if self.slot_start(slot) + self.sps > r.kill_at and self.slot_start(slot) < back:
                    down[slot].add(r.name)
        return down

    def _restart_summary(self, last: int) -> None:
        say = self.say
        if not self.restarts:
            say("  restarts: none")
            return
        by_prover: dict[str, list[Restart]] = defaultdict(list)
        for r in self.restarts:
            by_prover[r.name].append(r)
        windows: set[tuple[int, int]] = set()
        for r in self.restarts:
            later = [x.kill_slot for x in by_prover[r.name] if x.kill_at > r.kill_at]
            stop = min([*later, last + 1])
            r.lost = [s for s in range(r.kill_slot, stop) if not self.everywhere(r.proof_type, s)]
            windows.update((r.proof_type, s) for s in range(r.kill_slot, stop))
        signals = Counter(r.signame for r in self.restarts)
        say(
            f"  restarts: {len(self.restarts)} ("
            + ", ".join(f"{n} SIG{s}" for s, n in sorted(signals.items()))
            + f"); down (exit -> new process) median "
            f"{statistics.median(r.spawn_at - r.exited_at for r in self.restarts):.1f} s"
        )
        say(
            "  seconds from the restart (new process) to: its ready line, its first own proof "
            "published, its peer id connected at every verifier, every verifier's mesh back to "
            "its size before the stop, its first proof stored at every verifier"
        )
        say(
            "  #  t(s)   prover     sig  exit(s) down(s) ready  publ  conn  mesh 1st-proof "
            "lost  down-slots  lost slots"
        )

        def since(r: Restart, t: float | None) -> str:
            return "never" if t is None else f"{t - r.spawn_at:.1f}"

        for index, r in enumerate(self.restarts, 1):
            say(
                f"  {index:<2} {r.kill_at - self.t0:5.0f}   {r.name:<10} {r.signame:<4} "
                f"{r.exited_at - r.kill_at:7.2f} {r.spawn_at - r.exited_at:7.1f} "
                f"{since(r, r.ready_at):>5} {since(r, r.published_at):>5} "
                f"{since(r, r.connected_at):>5} {since(r, r.mesh_at):>5} "
                f"{since(r, r.proof_at):>9} {len(r.lost):5d} {r.down_slots:11d}  "
                f"{r.lost[:12]}"
            )
        proof = [r.proof_at - r.spawn_at for r in self.restarts if r.proof_at is not None]
        mesh = [r.mesh_at - r.spawn_at for r in self.restarts if r.mesh_at is not None]
        conn = [r.connected_at - r.spawn_at for r in self.restarts if r.connected_at is not None]
        for label, values in (
            ("first proof stored at every verifier", proof),
            ("back in every verifier's mesh", mesh),
            ("connected to every verifier", conn),
        ):
            if values:
                say(
                    f"  reconnect (restart -> {label}): median {statistics.median(values):.1f} s, "
                    f"max {max(values):.1f} s (n={len(values)} of {len(self.restarts)})"
                )
            else:
                say(f"  reconnect (restart -> {label}): never")
        lost = [len(r.lost) for r in self.restarts]
        excess = [len(r.lost) - r.down_slots for r in self.restarts]
        say(
            f"  proofs lost per restart (slots of that prover's type not stored at every "
            f"verifier): median {statistics.median(lost):g}, max {max(lost)}; beyond the slots "
            f"that started while it was down: median {statistics.median(excess):g}, "
            f"max {max(excess)}"
        )
        outside = [
            (t, s)
            for s in range(1, last + 1)
            for t in self.config.proof_types
            if not self.everywhere(t, s) and (t, s) not in windows
        ]
        say(
            f"  proofs missing at some verifier outside any restart: {len(outside)}"
            + (f" {outside[:10]}" if outside else "")
        )

    def _segments(self, name: str) -> list[list[ProcSample]]:
        """Samples of each process of node ``name`` (a stopped one: until the stop signal)."""
        killed = {r.old_pid: r.kill_at for r in self.restarts if r.name == name}
        by_pid: dict[int, list[ProcSample]] = {}
        for s in self.samples[name]:
            if s.t < killed.get(s.pid, math.inf):
                by_pid.setdefault(s.pid, []).append(s)
        return list(by_pid.values())

    def _rss_summary(self) -> None:
        say = self.say
        warm = self.args.warmup
        say(
            f"  RSS MiB per process (since its start: first sample; after {warm:g} s warm-up / "
            "max / end; drift = end - after warm-up, and the fitted slope over the rest) and open "
            "fds (after warm-up -> end)"
        )
        flat_fail: list[str] = []
        fd_fail: list[str] = []
        kinds: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
        for name in self.names:
            for segment in self._segments(name):
                start = segment[0]
                after = [s for s in segment if s.t >= start.t + warm]
                if len(after) < 2 or after[-1].t - after[0].t < warm:
                    continue  # too short to judge (a prover restarted soon after)
                first, end = after[0], after[-1]
                peak = max(s.rss for s in after)
                hours = (end.t - first.t) / 3600
                slope = (
                    statistics.linear_regression(
                        [s.t - first.t for s in after], [s.rss for s in after]
                    ).slope
                    * 3600
                )
                drift = end.rss - first.rss
                say(
                    f"    {name:<11} pid {start.pid:<7} {start.rss:6.1f}; {first.rss:6.1f} / "
                    f"{peak:6.1f} / {end.rss:6.1f}  drift {drift:+6.1f} MiB over "
                    f"{hours * 60:4.1f} min (slope {slope:+6.1f} MiB/h)  fds {first.fds} -> "
                    f"{end.fds}"
                )
                kind = name.split("-")[0]
                kinds[kind].append((first.rss, peak, end.rss, drift))
                if drift > max(self.args.rss_tolerance, 0.05 * first.rss) and (
                    slope * hours > self.args.rss_tolerance
                ):
                    flat_fail.append(f"{name} pid {start.pid} {drift:+.1f} MiB")
                if end.fds - first.fds > self.args.fd_tolerance:
                    fd_fail.append(f"{name} pid {start.pid} {first.fds} -> {end.fds}")
        for kind, rows in sorted(kinds.items()):
            say(
                f"  {kind}s: after warm-up median {statistics.median(r[0] for r in rows):.1f} MiB,"
                f" max {max(r[1] for r in rows):.1f}, end median "
                f"{statistics.median(r[2] for r in rows):.1f}; drift median "
                f"{statistics.median(r[3] for r in rows):+.1f}, max {max(r[3] for r in rows):+.1f}"
                f" MiB (n={len(rows)} processes)"
            )
        tol = self.args.rss_tolerance
        self.rss_verdict = (
            f"PASS (no process grew more than max({tol:g} MiB, 5%) with a rising trend)"
            if not flat_fail
            else f"FAIL ({'; '.join(flat_fail)})"
        )
        self.fd_verdict = (
            f"PASS (no process gained more than {self.args.fd_tolerance} fds after warm-up)"
            if not fd_fail
            else f"FAIL ({'; '.join(fd_fail)})"
        )

    rss_verdict = "n/a"
    fd_verdict = "n/a"

    def _warnings(self) -> None:
        kinds: Counter[tuple[str, str, str]] = Counter()
        nodes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        tracebacks = 0
        other: Counter[str] = Counter()
        for name in self.names:
            path = os.path.join(self.datadir, name, "stderr.log")
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    lines = handle.readlines()
            except OSError:
                continue
            for line in lines:
                if line.startswith("Traceback"):
                    tracebacks += 1
                match = WARNING_LINE.match(line.strip())
                if match is None:
                    if line.strip() and not line.startswith(("20", " ", "Traceback")):
                        other[warning_kind(line.strip())] += 1  # e.g. py-libp2p's own prints
                    continue
                key = (match["level"], name.split("-")[0], warning_kind(match["rest"]))
                kinds[key] += 1
                nodes[key].add(name)
        total = sum(kinds.values())
        self.say(
            f"  WARNING/ERROR lines in the node logs: {total} in {len(kinds)} kinds; "
            f"tracebacks: {tracebacks}"
        )
        for key, count in kinds.most_common(25):
            level, role, text = key
            self.say(f"    {count:5d}  {level:<7} {role:<8} ({len(nodes[key])} nodes)  {text}")
        if other:
            self.say(f"  other stderr lines (not from logging): {sum(other.values())}")
            for text, count in other.most_common(5):
                self.say(f"    {count:5d}  {text}")


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
        help="seconds before RSS / fds are judged (default: a sixth of the run, "
        "at least 30 s, at most 300 s)",
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
        args.warmup = min(300.0, max(30.0, args.minutes * 60 / 6))
    soak = Soak(args)
    trio.run(soak.run)
    return 130 if soak.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
