"""``eip8025 devnet``: provers and verifiers as separate OS processes on 127.0.0.1.

One prover per accepted proof type (default 1, 2, 3, 5, 6; prover ``i`` signs as interop validator
``i``) and ``verifiers`` stateless validators, each an ``eip8025 node`` child process
(:mod:`eip8025_p2p.node`) with its own datadir, node key, listen port and metrics port; every node
dials every lower-numbered node (a full mesh). The parent:

1. writes each node key, reserves the ports and starts the children with ``--genesis-time stdin``;
2. waits until every child reports ``ready`` (its static peers are in its gossip mesh), then sends
   them all the same ``genesis <t>`` line (slot 1 starts about a second later);
3. reads the children's JSON lines and prints a live table, one row per slot once the slot is
   settled (every verifier has verified or rejected every online prover's proof, or the slot
   ended and a settle window passed): per proof type how
   many verifiers saw a proof and how many verified it, how many proofs arrived before their
   block (validated from the pending queue), and when each verifier reached k-of-n;
4. scrapes every node's ``/metrics`` and prints a summary: acceptance latency p50 / p99, rejects
   by reason, penalised peers, per-node metrics;
5. stops every child (``stop`` on stdin, then SIGTERM, then SIGKILL, each after a deadline) and
   reaps it. Children run in their own session, so Ctrl-C reaches only the parent, which then
   shuts them down; if the parent dies, each child sees end of input on stdin and exits.

Fault injection (replaces provers, so ``provers - byzantine - offline`` honest provers remain):

* ``byzantine_provers=N``: the last N online provers publish invalid proofs with valid signatures
  (``eip8025 node --byzantine``): every node REJECTs them (reason ``proof_invalid``) and lowers
  the sender's gossip score; the payload is accepted through the honest provers' proofs;
* ``offline_provers=N``: the last N provers are never started.

Exit codes: 0 - every verifier accepted every payload (and no verifier counted a byzantine proof);
3 - **expected failure**: fewer honest provers than the threshold, so no payload can be proven,
and indeed no verifier accepted any; 1 - anything else (a payload not accepted although it could
have been, a node that died, a verifier that accepted an impossible payload); 130 - interrupted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TextIO

import trio

from eip8025.acceptance import AcceptancePolicy, PolicyError
from eip8025.config import DEFAULT_ACCEPTANCE_THRESHOLD, DEFAULT_ACCEPTED_PROOF_TYPES
from eip8025.profiles import DEFAULT_PROFILE

from .devchain import DevnetChain, DevnetSpec, interop_privkey
from .host import peer_id_from_secret
from .metrics import parse_exposition
from .node import NODE_KEY_FILE, NodeConfig, spec_config

if TYPE_CHECKING:
    from trio_typing import TaskStatus

__all__ = [
    "EXIT_EXPECTED_FAILURE",
    "DevnetConfig",
    "DevnetConfigError",
    "NodePlan",
    "percentile",
    "plan_nodes",
    "run_devnet",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_EXPECTED_FAILURE: Final = 3
EXIT_INTERRUPTED: Final = 130
STOP_GRACE: Final = 8.0
TERM_GRACE: Final = 3.0


class DevnetConfigError(ValueError):
    """The devnet flags are unusable (one line; the CLI exits 2)."""


@dataclasses.dataclass(frozen=True)
class DevnetConfig:
    """What ``eip8025 devnet`` runs."""

    proof_types: tuple[int, ...] = DEFAULT_ACCEPTED_PROOF_TYPES
    threshold: int = DEFAULT_ACCEPTANCE_THRESHOLD
    verifiers: int = 3
    slots: int = 6
    seconds_per_slot: int = 2
    byzantine_provers: int = 0
    offline_provers: int = 0
    seed: str = "eip8025-devnet"
    arrival_jitter: float | None = None
    """Max per-node block arrival delay (default: a quarter slot)."""
    proof_engine: str | None = None
    datadir: str | None = None
    """Node datadirs and logs; default: a temporary directory, removed after a clean run."""
    ready_timeout: float = 60.0
    settle: float | None = None
    """Seconds after a slot's end to wait for its proofs (default: two slots plus 2 s; a slot
    whose proofs have all been verified or rejected by every verifier is judged at once)."""
    summary_json: str | None = None
    validator_count: int = 64
    spec_profile: str = DEFAULT_PROFILE.name

    @property
    def provers(self) -> int:
        """One prover per accepted proof type."""
        return len(self.proof_types)

    @property
    def honest_provers(self) -> int:
        """Provers that are online and honest."""
        return self.provers - self.byzantine_provers - self.offline_provers

    @property
    def acceptance_possible(self) -> bool:
        """Whether the honest provers can supply k distinct proof types."""
        return self.honest_provers >= self.threshold

    @property
    def settle_window(self) -> float:
        """Seconds after a slot's end until the slot is judged."""
        return 2.0 * self.seconds_per_slot + 2.0 if self.settle is None else self.settle

    def check(self) -> AcceptancePolicy:
        """Refuse unusable settings; return the acceptance policy.

        Raises:
            DevnetConfigError: One line saying what is wrong.
        """
        if self.verifiers < 1:
            raise DevnetConfigError("--verifiers must be at least 1")
        if self.slots < 1 or self.seconds_per_slot < 1:
            raise DevnetConfigError("--slots and --seconds-per-slot must be at least 1")
        if self.byzantine_provers < 0 or self.offline_provers < 0:
            raise DevnetConfigError("fault counts must not be negative")
        if self.byzantine_provers + self.offline_provers > self.provers:
            raise DevnetConfigError(
                f"--byzantine-provers {self.byzantine_provers} + --offline-provers "
                f"{self.offline_provers} exceed the {self.provers} provers"
            )
        if len(set(self.proof_types)) != len(self.proof_types):
            raise DevnetConfigError("--proof-types lists a proof type twice")
        if self.provers > self.validator_count:
            raise DevnetConfigError("more provers than devnet validators")
        config = NodeConfig(
            secret=bytes(32),
            proof_types=self.proof_types,
            threshold=self.threshold,
            spec_profile=self.spec_profile,
        )
        try:
            return AcceptancePolicy.from_config(spec_config(config))
        except PolicyError as exc:
            raise DevnetConfigError(f"acceptance policy: {exc}") from None


@dataclasses.dataclass
class NodePlan:
    """One devnet member."""

    name: str
    role: str
    """``prover`` or ``verifier``."""
    secret: bytes
    proof_type: int | None = None
    validator_index: int | None = None
    byzantine: bool = False
    offline: bool = False
    port: int = 0

    @property
    def label(self) -> str:
        """Role as shown in tables."""
        if self.role == "verifier":
            return "verifier"
        if self.offline:
            return f"prover {self.proof_type} OFFLINE"
        return f"prover {self.proof_type}" + (" BYZANTINE" if self.byzantine else "")

    @property
    def peer_id(self) -> str:
        """The libp2p peer id of the node key."""
        return peer_id_from_secret(self.secret).to_base58()

    def multiaddr(self) -> str:
        """Where peers dial it."""
        return f"/ip4/127.0.0.1/tcp/{self.port}/p2p/{self.peer_id}"


def plan_nodes(config: DevnetConfig) -> list[NodePlan]:
    """Provers (the last ones offline, the ones before them byzantine), then verifiers."""
    plans = []
    count = config.provers
    for index, proof_type in enumerate(config.proof_types):
        name = f"prover-{proof_type}"
        plans.append(
            NodePlan(
                name=name,
                role="prover",
                secret=_node_secret(config.seed, name),
                proof_type=proof_type,
                validator_index=index,
                offline=index >= count - config.offline_provers,
                byzantine=count - config.offline_provers - config.byzantine_provers
                <= index
                < count - config.offline_provers,
            )
        )
    for index in range(config.verifiers):
        name = f"verifier-{index}"
        plans.append(NodePlan(name=name, role="verifier", secret=_node_secret(config.seed, name)))
    return plans


def _node_secret(seed: str, name: str) -> bytes:
    return hashlib.sha256(f"eip8025-devnet-node-key/{seed}/{name}".encode()).digest()


def _reserve_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1 (held together while choosing, then released)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# -- the running devnet ------------------------------------------------------------------------


@dataclasses.dataclass
class _Child:
    plan: NodePlan
    process: trio.Process
    ready: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    exited: bool = False
    stopping: bool = False


@dataclasses.dataclass
class _SlotState:
    slot: int
    root: str
    seen: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    valid: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    rejected: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    early: int = 0
    accepted: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    printed: bool = False


class _Devnet:
    def __init__(self, config: DevnetConfig, out: TextIO) -> None:
        self.config = config
        self.policy = config.check()
        self.out = out
        self.plans = plan_nodes(config)
        self.online = [p for p in self.plans if not p.offline]
        self.verifiers = [p.name for p in self.plans if p.role == "verifier"]
        self.online_types = [p.proof_type for p in self.online if p.proof_type is not None]
        self.children: dict[str, _Child] = {}
        self.slots: dict[int, _SlotState] = {}
        self.problems: list[str] = []
        self.genesis: int | None = None
        self.chain: DevnetChain | None = None
        self._changed = trio.Event()
        self.interrupted = False
        self.metrics: dict[str, list[tuple[str, dict[str, str], float]]] = {}
        self.started = time.monotonic()
        self.datadir = config.datadir or tempfile.mkdtemp(prefix="eip8025-devnet-")
        self._main_scope = trio.CancelScope()
        self._out_broken = False

    # -- output --------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        if self._out_broken:
            return
        try:
            self.out.write(text + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError):  # e.g. piped into `head`: keep running, quietly
            self._out_broken = True

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def _until(self, predicate: Callable[[], bool]) -> None:
        while not predicate():
            await self._changed.wait()

    # -- children ------------------------------------------------------------------------------

    def _command(self, plan: NodePlan) -> list[str]:
        config = self.config
        jitter = (
            config.seconds_per_slot / 4 if config.arrival_jitter is None else config.arrival_jitter
        )
        command = [
            sys.executable,
            "-m",
            "eip8025_cli",
            "node",
            "--name",
            plan.name,
            "--datadir",
            os.path.join(self.datadir, plan.name),
            "--listen",
            f"127.0.0.1:{plan.port}",
            "--metrics-port",
            "0",
            "--genesis-time",
            "stdin",
            "--seconds-per-slot",
            str(config.seconds_per_slot),
            "--slots",
            str(config.slots),
            "--proof-types",
            ",".join(map(str, config.proof_types)),
            "--proof-threshold",
            str(config.threshold),
            "--devnet-seed",
            config.seed,
            "--devnet-validators",
            str(config.validator_count),
            "--arrival-jitter",
            str(jitter),
            "--spec-profile",
            config.spec_profile,
        ]
        if config.proof_engine is not None:
            command += ["--proof-engine", config.proof_engine]
        if plan.role == "verifier":
            command.append("--stateless-validation")
        else:
            assert plan.validator_index is not None
            command += [
                "--proof-generation",
                "--generate-proof-types",
                str(plan.proof_type),
                "--validator-keys",
                f"{plan.validator_index}:0x{interop_privkey(plan.validator_index):064x}",
            ]
            if plan.byzantine:
                command.append("--byzantine")
        earlier = self.online[: self.online.index(plan)]
        if earlier:
            command += ["--peers", ",".join(p.multiaddr() for p in earlier)]
        return command

    def _prepare(self) -> None:
        ports = _reserve_ports(len(self.online))
        for plan, port in zip(self.online, ports, strict=True):
            plan.port = port
        for plan in self.plans:
            directory = os.path.join(self.datadir, plan.name)
            os.makedirs(directory, exist_ok=True)
            key_path = os.path.join(directory, NODE_KEY_FILE)
            with open(key_path, "w", encoding="ascii") as handle:
                handle.write(plan.secret.hex() + "\n")
            os.chmod(key_path, 0o600)

    async def _start(self, nursery: trio.Nursery, plan: NodePlan) -> None:
        log = open(os.path.join(self.datadir, plan.name, "stderr.log"), "wb")  # noqa: SIM115
        try:
            process = await trio.lowlevel.open_process(
                self._command(plan),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()
        child = _Child(plan, process)
        self.children[plan.name] = child
        nursery.start_soon(self._read, child)

    async def _read(self, child: _Child) -> None:
        stdout = child.process.stdout
        assert stdout is not None
        buffer = b""
        async for chunk in stdout:
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    self._on_event(child, event)
            self._notify()
        await child.process.wait()
        child.exited = True
        if not child.stopping:
            self.problems.append(
                f"{child.plan.name} exited early with code {child.process.returncode}: "
                f"{self._last_log_line(child.plan)}"
            )
        self._notify()

    def _last_log_line(self, plan: NodePlan) -> str:
        path = os.path.join(self.datadir, plan.name, "stderr.log")
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = [line.strip() for line in handle if line.strip()]
        except OSError:
            return "(no log)"
        return lines[-1] if lines else "(empty log)"

    def _on_event(self, child: _Child, event: dict[str, Any]) -> None:
        kind = event.get("event")
        name = child.plan.name
        if kind == "ready":
            child.ready = event
        elif kind == "done":
            child.done = event
        elif kind in ("verdict", "accepted") and child.plan.role == "verifier":
            slot = event.get("slot")
            state = self.slots.get(slot) if isinstance(slot, int) else None
            if state is None:
                return
            if kind == "accepted":
                state.accepted[name] = event
                if event.get("root") != state.root:
                    self.problems.append(f"{name} accepted slot {slot} with a foreign root")
                return
            proof_type = event.get("proof_type")
            if not isinstance(proof_type, int):
                return
            state.seen.setdefault(proof_type, set()).add(name)
            if event.get("stored"):
                state.valid.setdefault(proof_type, set()).add(name)
            if event.get("outcome") == "reject":
                state.rejected.setdefault(proof_type, set()).add(name)
            if event.get("reason") == "block_not_seen":
                state.early += 1

    async def _send(self, child: _Child, line: str) -> None:
        stdin = child.process.stdin
        if stdin is None or child.exited:
            return
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            await stdin.send_all(line.encode())

    async def _shutdown(self) -> None:
        """Send ``stop``, then SIGTERM, then SIGKILL (each after a deadline); reap every child."""
        children = list(self.children.values())
        for child in children:
            child.stopping = True
        for child in children:
            await self._send(child, "stop\n")
            stdin = child.process.stdin
            if stdin is not None:
                with contextlib.suppress(Exception):
                    await stdin.aclose()
        for grace, action in ((STOP_GRACE, "terminate"), (TERM_GRACE, "kill")):
            with trio.move_on_after(grace):
                for child in children:
                    await child.process.wait()
            for child in children:
                if child.process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        getattr(child.process, action)()
        for child in children:
            await child.process.wait()

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> int:
        self._header()
        self._prepare()
        code = EXIT_FAILED
        self._main_scope = trio.CancelScope()
        async with trio.open_nursery() as nursery:
            await nursery.start(self._watch_signals)
            try:
                with self._main_scope:
                    for plan in self.online:
                        await self._start(nursery, plan)
                    code = await self._drive()
            finally:
                with trio.CancelScope(shield=True):
                    await self._shutdown()
                    with trio.move_on_after(2.0):  # let the readers take the last lines
                        await self._until(lambda: all(c.exited for c in self.children.values()))
                nursery.cancel_scope.cancel()
        if self.interrupted:
            self.say("interrupted: every node was stopped")
            if self.config.datadir is None:
                shutil.rmtree(self.datadir, ignore_errors=True)
            return EXIT_INTERRUPTED
        self._write_summary(code)
        if code in (EXIT_OK, EXIT_EXPECTED_FAILURE) and self.config.datadir is None:
            shutil.rmtree(self.datadir, ignore_errors=True)
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
        try:
            with trio.fail_after(config.ready_timeout):
                await self._until(
                    lambda: (
                        self.problems != []
                        or all(c.ready is not None for c in self.children.values())
                    )
                )
        except trio.TooSlowError:
            waiting = [n for n, c in self.children.items() if c.ready is None]
            self.problems.append(f"not ready after {config.ready_timeout:.0f} s: {waiting}")
        if self.problems:
            return self._fail_early()
        elapsed = time.monotonic() - self.started
        self.say(f"{len(self.children)} nodes ready after {elapsed:.1f} s (full mesh)")
        sps = config.seconds_per_slot
        self.genesis = math.ceil(time.time() + 1.0) - sps  # slot 1 starts in 1-2 s
        self.chain = DevnetChain(
            DevnetSpec(
                seed=config.seed,
                validator_count=config.validator_count,
                genesis_time=self.genesis,
                seconds_per_slot=sps,
            )
        )
        for slot in range(1, config.slots + 1):
            self.slots[slot] = _SlotState(slot, "0x" + self.chain.block(slot).root.hex())
        for child in self.children.values():
            await self._send(child, f"genesis {self.genesis}\n")
        self._table_header()
        for slot in range(1, config.slots + 1):
            deadline = self.chain.slot_start(slot) + sps + config.settle_window
            state = self.slots[slot]
            with trio.move_on_after(max(0.0, deadline - time.time())):
                await self._until(functools.partial(self._settled, state))
            if self.problems:
                return self._fail_early()
            self._row(state)
        await self._scrape_metrics()
        return self._summary()

    def _settled(self, state: _SlotState) -> bool:
        """Every verifier has a final verdict (stored or rejected) on every online prover's proof.

        Acceptance lines come before the verdict line that completes them (same pipe), so a
        settled slot's acceptances are all known.
        """
        if self.problems:
            return True
        wanted = len(self.verifiers)
        return all(
            len(state.valid.get(t, set()) | state.rejected.get(t, set())) >= wanted
            for t in self.online_types
        )

    def _fail_early(self) -> int:
        for problem in self.problems:
            self.say(f"FAILED: {problem}")
        self.say(f"logs kept in {self.datadir}")
        return EXIT_FAILED

    # -- rendering -----------------------------------------------------------------------------

    def _header(self) -> None:
        config = self.config
        byzantine = [p.name for p in self.plans if p.byzantine]
        offline = [p.name for p in self.plans if p.offline]
        faults = []
        if byzantine:
            faults.append(f"byzantine: {', '.join(byzantine)}")
        if offline:
            faults.append(f"offline: {', '.join(offline)}")
        self.say(
            f"eip8025 devnet: {config.provers} provers (types "
            f"{','.join(map(str, config.proof_types))}"
            + (f"; {'; '.join(faults)}" if faults else "")
            + f"), {config.verifiers} verifiers, policy {self.policy.description}, "
            f"{config.slots} slots x {config.seconds_per_slot} s, seed {config.seed!r}, "
            f"spec profile {config.spec_profile}"
        )
        engine = config.proof_engine or "built-in devnet mock (NOT a zero-knowledge proof)"
        self.say(f"proof engine: {engine}; node datadirs and logs: {self.datadir}")
        if not config.acceptance_possible:
            self.say(
                f"note: only {config.honest_provers} honest provers online for a threshold of "
                f"{config.threshold}: no payload can be proven (expected failure)"
            )

    def _columns(self) -> list[str]:
        return [str(t) for t in self.config.proof_types]

    def _table_header(self) -> None:
        types = "".join(f"{'type ' + t:>9}" for t in self._columns())
        verifiers = "".join(f"{name:>12}" for name in self.verifiers)
        self.say()
        self.say("per type: verifiers that verified / saw a proof (R: rejected); early: proofs")
        self.say("that arrived before their block; verifier columns: time from slot start to")
        self.say(f"{self.policy.threshold}-of-{len(self.config.proof_types)}")
        self.say(f"{'slot':>4}  {'block':<10}{types}{'early':>7}{verifiers}")

    def _row(self, state: _SlotState) -> None:
        cells = []
        for proof_type in self.config.proof_types:
            seen = len(state.seen.get(proof_type, ()))
            if seen == 0:
                cells.append(f"{'-':>9}")
                continue
            cell = f"{len(state.valid.get(proof_type, ()))}/{seen}"
            if state.rejected.get(proof_type):
                cell += " R"
            cells.append(f"{cell:>9}")
        times = []
        for name in self.verifiers:
            event = state.accepted.get(name)
            times.append(f"{'never':>12}" if event is None else f"{event['latency']:>+11.2f}s")
        row = f"{state.slot:>4}  {state.root[:10]:<10}{''.join(cells)}{state.early:>7}"
        self.say(row + "".join(times))
        state.printed = True

    async def _scrape_metrics(self) -> None:
        import httpx

        async with httpx.AsyncClient(timeout=5.0) as client:
            for name, child in self.children.items():
                url = (child.ready or {}).get("metrics")
                if not url:
                    continue
                try:
                    response = await client.get(url)
                    self.metrics[name] = list(parse_exposition(response.text))
                except (httpx.HTTPError, ValueError) as exc:
                    self.problems.append(f"{name}: metrics unavailable: {exc}")

    def _metric(
        self, name: str, sample: str, where: Callable[[dict[str, str]], bool] | None = None
    ) -> float:
        return sum(
            v
            for n, labels, v in self.metrics.get(name, ())
            if n == sample and (where is None or where(labels))
        )

    def _summary(self) -> int:
        config = self.config
        total = config.slots * len(self.verifiers)
        latencies = [float(e["latency"]) for s in self.slots.values() for e in s.accepted.values()]
        accepted = len(latencies)
        early = sum(s.early for s in self.slots.values())
        byzantine_types = {p.proof_type for p in self.plans if p.byzantine}
        counted_byzantine = [
            (name, s.slot)
            for s in self.slots.values()
            for name, e in s.accepted.items()
            if byzantine_types & set(e.get("proof_types", ()))
        ]
        self.say()
        self.say("summary")
        self.say(f"  acceptances: {accepted}/{total} (verifiers x slots)")
        if latencies:
            self.say(
                f"  acceptance latency from slot start: p50 {percentile(latencies, 50):.2f} s, "
                f"p99 {percentile(latencies, 99):.2f} s, max {max(latencies):.2f} s "
                f"(n={accepted})"
            )
        self.say(f"  proofs that arrived before their block (pending queue): {early}")
        rejects: dict[str, float] = {}
        for name in self.metrics:
            for n, labels, value in self.metrics[name]:
                if n == "eip8025_gossip_verdicts_total" and labels.get("outcome") == "reject":
                    key = f"{labels.get('reason')} (type {labels.get('proof_type')})"
                    rejects[key] = rejects.get(key, 0) + value
        if rejects:
            text = ", ".join(f"{k}: {int(v)}" for k, v in sorted(rejects.items()))
            self.say(f"  rejects by reason, all nodes: {text}")
        else:
            self.say("  rejects by reason, all nodes: none")
        names = {p.peer_id: p.name for p in self.plans}
        penalised: dict[str, list[float]] = {}
        for name in self.metrics:
            for n, labels, value in self.metrics[name]:
                if n == "eip8025_peer_score" and value < 0:
                    peer = names.get(labels.get("peer", ""), labels.get("peer", "?"))
                    penalised.setdefault(peer, []).append(value)
        for peer, scores in sorted(penalised.items()):
            self.say(
                f"  penalised peer: {peer}, gossip score {min(scores):.0f}..{max(scores):.0f} "
                f"at {len(scores)} nodes"
            )
        self._node_table()
        return self._verdict(accepted, total, counted_byzantine)

    def _node_table(self) -> None:
        self.say()
        self.say(
            f"  {'node':<12}{'role':<22}{'recv':>6}{'accept':>8}{'ignore':>8}{'reject':>8}"
            f"{'stored':>8}{'publ':>6}{'early':>7}{'peers':>7}{'verify ms':>11}"
        )
        for plan in self.plans:
            if plan.offline:
                self.say(f"  {plan.name:<12}{plan.label:<22}(not started)")
                continue
            name = plan.name

            def verdicts(outcome: str, name: str = name) -> int:
                return int(
                    self._metric(
                        name, "eip8025_gossip_verdicts_total", lambda la: la["outcome"] == outcome
                    )
                )

            count = self._metric(name, "eip8025_proof_verification_seconds_count")
            seconds = self._metric(name, "eip8025_proof_verification_seconds_sum")
            verify = f"{1e3 * seconds / count:.2f}" if count else "-"
            self.say(
                f"  {name:<12}{plan.label:<22}"
                f"{int(self._metric(name, 'eip8025_gossip_received_total')):>6}"
                f"{verdicts('accept'):>8}{verdicts('ignore'):>8}{verdicts('reject'):>8}"
                f"{int(self._metric(name, 'eip8025_proofs_stored_total')):>8}"
                f"{int(self._metric(name, 'eip8025_proofs_published_total')):>6}"
                f"{int(self._metric(name, 'eip8025_gossip_pending_released_total')):>7}"
                f"{int(self._metric(name, 'eip8025_peers')):>7}{verify:>11}"
            )

    def _verdict(self, accepted: int, total: int, counted_byzantine: list[tuple[str, int]]) -> int:
        config = self.config
        policy = self.policy.description
        code: int
        if self.problems:
            for problem in self.problems:
                self.say(f"FAILED: {problem}")
            code = EXIT_FAILED
        elif counted_byzantine:
            self.say(f"FAILED: a byzantine proof counted toward acceptance: {counted_byzantine}")
            code = EXIT_FAILED
        elif config.acceptance_possible and accepted == total:
            self.say(
                f"result: OK - all {len(self.verifiers)} verifiers accepted all {config.slots} "
                f"payloads ({policy})"
            )
            code = EXIT_OK
        elif config.acceptance_possible:
            self.say(
                f"FAILED: {total - accepted} of {total} acceptances missing although "
                f"{config.honest_provers} honest provers were online ({policy})"
            )
            code = EXIT_FAILED
        elif accepted == 0:
            self.say(
                f"EXPECTED FAILURE: {config.honest_provers} honest provers online < threshold "
                f"{config.threshold}; no verifier accepted any payload, as the policy demands "
                f"(exit code {EXIT_EXPECTED_FAILURE})"
            )
            code = EXIT_EXPECTED_FAILURE
        else:
            self.say(
                f"FAILED: {accepted} acceptances although only {config.honest_provers} honest "
                f"provers were online ({policy})"
            )
            code = EXIT_FAILED
        if code == EXIT_FAILED:
            self.say(f"logs kept in {self.datadir}")
        return code

    def _write_summary(self, code: int) -> None:
        path = self.config.summary_json
        if path is None:
            return
        summary = {
            "exit_code": code,
            "datadir": self.datadir,
            "genesis_time": self.genesis,
            "policy": self.policy.description,
            "nodes": {
                p.name: {
                    "role": p.role,
                    "proof_type": p.proof_type,
                    "validator_index": p.validator_index,
                    "byzantine": p.byzantine,
                    "offline": p.offline,
                    "peer_id": p.peer_id,
                    "pid": self.children[p.name].process.pid if p.name in self.children else None,
                    "returncode": (
                        self.children[p.name].process.returncode
                        if p.name in self.children
                        else None
                    ),
                    "done": (self.children[p.name].done if p.name in self.children else None),
                }
                for p in self.plans
            },
            "slots": {
                str(s.slot): {
                    "root": s.root,
                    "accepted": {name: e for name, e in s.accepted.items()},
                    "valid": {str(t): sorted(v) for t, v in s.valid.items()},
                    "rejected": {str(t): sorted(v) for t, v in s.rejected.items()},
                    "early": s.early,
                }
                for s in self.slots.values()
            },
            "metrics": {
                name: [[n, labels, v] for n, labels, v in samples]
                for name, samples in self.metrics.items()
            },
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=1)


def run_devnet(config: DevnetConfig, out: TextIO | None = None) -> int:
    """Run the devnet (blocking) and return the exit code (see the module docstring).

    Raises:
        DevnetConfigError: Unusable settings (nothing was started).
    """
    devnet = _Devnet(config, out or sys.stdout)
    return trio.run(devnet.run)
