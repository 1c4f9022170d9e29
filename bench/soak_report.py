"""The soak's table and summary: rows every interval, restart costs, RSS / fd verdicts.

A sibling module of ``bench/bench_soak.py`` (imported by name: ``python bench/bench_soak.py``
puts ``bench/`` on ``sys.path``). :class:`SoakReport` is the printing half of the driver's
``Soak``; it reads what the driver recorded (the attributes declared on it) and prints.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import time
from collections import Counter, defaultdict

from eip8025.acceptance import AcceptancePolicy
from eip8025_p2p.devnet.ledger import Ledger
from eip8025_p2p.devnet.plan import DevnetConfig, NodePlan
from eip8025_p2p.devnet.supervisor import Supervisor

from soak_probe import NodeScrape, ProcSample, scan_logs, short


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


class SoakReport:
    """Table rows and the summary of a soak run (``Soak`` in ``bench_soak.py`` records)."""

    args: argparse.Namespace
    config: DevnetConfig
    policy: AcceptancePolicy
    supervisor: Supervisor
    ledger: Ledger
    datadir: str
    sps: int
    genesis: int
    t0: float
    t_end: float
    names: list[str]
    provers: list[NodePlan]
    verifiers: list[str]
    restarts: list[Restart]
    samples: dict[str, list[ProcSample]]
    scrapes: dict[str, NodeScrape]
    stored_at: dict[tuple[int, int], dict[str, float]]
    stored_times: list[float]

    def say(self, text: str = "") -> None:
        """Print one line now."""
        print(text, flush=True)

    def slot_start(self, slot: int) -> float:
        """Unix time ``slot`` starts."""
        return float(self.genesis + slot * self.sps)

    def slot_at(self, unix: float) -> int:
        """The slot running at ``unix``."""
        return max(0, math.floor((unix - self.genesis) / self.sps))

    def everywhere(self, proof_type: int, slot: int) -> bool:
        """Every verifier stored the proof of ``proof_type`` for ``slot``."""
        return len(self.stored_at.get((proof_type, slot), {})) >= len(self.verifiers)

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
        if not kinds:  # nothing ran for a warm-up after its warm-up
            self.rss_verdict = self.fd_verdict = "n/a (no process ran long enough to judge)"

    rss_verdict = "n/a"
    fd_verdict = "n/a"


    def _warnings(self) -> None:
        scan = scan_logs(self.datadir, self.names)
        self.say(
            f"  WARNING/ERROR lines in the node logs: {sum(scan.kinds.values())} in "
            f"{len(scan.kinds)} kinds; tracebacks: {scan.tracebacks}"
        )
        for key, count in scan.kinds.most_common(25):
            level, role, text = key
            self.say(f"    {count:5d}  {level:<7} {role:<8} ({len(scan.nodes[key])} nodes)  {text}")
        if scan.other:
            self.say(f"  other stderr lines (not from logging): {sum(scan.other.values())}")
            for text, count in scan.other.most_common(5):
                self.say(f"    {count:5d}  {text}")
