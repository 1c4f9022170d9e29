"""The devnet's child processes: start them, read their events, stop and reap them.

Every node is an ``eip8025 node`` child with its own datadir, node key, listen port and metrics
port, started with ``--genesis-time stdin`` in its own session (Ctrl-C reaches only the parent).
Its stdout carries typed events (:mod:`eip8025_p2p.node.events`), read back here; its stderr goes
to ``DATADIR/<name>/stderr.log``. Stopping sends ``stop`` on stdin, then SIGTERM, then SIGKILL,
each after a deadline, and reaps every child; a child whose parent died sees end of input and
exits. :meth:`Supervisor.restart` stops one node by signal (its pid) and starts it again with the
same plan (datadir, key, port), as ``bench/bench_soak.py`` does to provers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any, Final

import trio

from eip8025_p2p.devchain import interop_privkey
from eip8025_p2p.devnet.plan import DevnetConfig, NodePlan, reserve_ports
from eip8025_p2p.metrics import parse_exposition
from eip8025_p2p.node import NODE_KEY_FILE, DoneEvent, NodeEvent, ReadyEvent, event_from_json

__all__ = ["Child", "Supervisor"]

STOP_GRACE: Final = 8.0
TERM_GRACE: Final = 3.0

Sample = tuple[str, dict[str, str], float]


@dataclasses.dataclass
class Child:
    """One running node process."""

    plan: NodePlan
    process: trio.Process
    ready: ReadyEvent | None = None
    done: DoneEvent | None = None
    exited: bool = False
    stopping: bool = False


class Supervisor:
    """Starts, reads, stops and reaps the node processes of one devnet."""

    def __init__(
        self,
        config: DevnetConfig,
        datadir: str,
        on_event: Callable[[Child, NodeEvent], None],
        notify: Callable[[], None],
    ) -> None:
        self.config = config
        self.datadir = datadir
        self.on_event = on_event
        self.notify = notify
        self.children: dict[str, Child] = {}
        self.problems: list[str] = []

    def command(self, plan: NodePlan, online: list[NodePlan]) -> list[str]:
        """The ``eip8025 node`` command line of ``plan`` (it dials every earlier online node)."""
        config = self.config
        jitter = (
            config.seconds_per_slot / 4 if config.arrival_jitter is None else config.arrival_jitter
        )
        command = [sys.executable, "-m", "eip8025_cli", "node", "--name", plan.name]
        command += ["--datadir", os.path.join(self.datadir, plan.name)]
        command += ["--listen", f"127.0.0.1:{plan.port}", "--metrics-port", "0"]
        command += ["--genesis-time", "stdin", "--seconds-per-slot", str(config.seconds_per_slot)]
        command += ["--slots", str(config.slots)]
        command += ["--proof-types", ",".join(map(str, config.proof_types))]
        command += ["--proof-threshold", str(config.threshold), "--devnet-seed", config.seed]
        command += ["--devnet-validators", str(config.validator_count)]
        command += ["--arrival-jitter", str(jitter), "--spec-profile", config.spec_profile]
        if config.proof_engine is not None:
            command += ["--proof-engine", config.proof_engine]
        if plan.role == "verifier":
            command.append("--stateless-validation")
            if plan.http_port is not None:
                command += ["--http-port", str(plan.http_port)]
        else:
            assert plan.validator_index is not None
            command += ["--proof-generation", "--generate-proof-types", str(plan.proof_type)]
            command += [
                "--validator-keys",
                f"{plan.validator_index}:0x{interop_privkey(plan.validator_index):064x}",
            ]
            if plan.byzantine:
                command.append("--byzantine")
            elif plan.submit_to is not None:
                command += ["--submit-to", plan.submit_to]
        earlier = online[: online.index(plan)]
        if earlier:
            command += ["--peers", ",".join(p.multiaddr() for p in earlier)]
        return command

    def prepare(self, plans: list[NodePlan], online: list[NodePlan]) -> None:
        """Reserve ports for the online nodes; write every node's datadir and key."""
        verifiers = [p for p in online if p.role == "verifier"]
        api = self.config.submit_via_api
        ports = reserve_ports(len(online) + (len(verifiers) if api else 0))
        for plan, port in zip(online, ports, strict=False):
            plan.port = port
        if api:
            for verifier, port in zip(verifiers, ports[len(online) :], strict=True):
                verifier.http_port = port
            provers = [p for p in online if p.role == "prover"]
            for index, prover in enumerate(provers):
                target = verifiers[index % len(verifiers)]
                prover.submit_to = f"http://127.0.0.1:{target.http_port}"
        for plan in plans:
            directory = os.path.join(self.datadir, plan.name)
            os.makedirs(directory, exist_ok=True)
            key_path = os.path.join(directory, NODE_KEY_FILE)
            with open(key_path, "w", encoding="ascii") as handle:
                handle.write(plan.secret.hex() + "\n")
            os.chmod(key_path, 0o600)

    async def start(
        self,
        nursery: trio.Nursery,
        plan: NodePlan,
        online: list[NodePlan],
        *,
        append_log: bool = False,
    ) -> None:
        """Start ``plan``'s process and read its events (a task of ``nursery``).

        Args:
            nursery: Where the reader of its events runs.
            plan: The node.
            online: Every node started (it dials the earlier ones).
            append_log: Append to its ``stderr.log`` (a restart) instead of starting a new one.
        """
        path = os.path.join(self.datadir, plan.name, "stderr.log")
        log = open(path, "ab" if append_log else "wb")  # noqa: SIM115, ASYNC230 - the child's log, once
        try:
            process = await trio.lowlevel.open_process(
                self.command(plan, online),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()
        child = Child(plan, process)
        self.children[plan.name] = child
        nursery.start_soon(self._read, child)

    async def restart(
        self,
        nursery: trio.Nursery,
        name: str,
        online: list[NodePlan],
        *,
        signum: signal.Signals = signal.SIGKILL,
        down: float = 0.0,
        genesis: int | None = None,
        grace: float = STOP_GRACE,
    ) -> Child:
        """Stop node ``name`` with ``signum`` (by its pid), reap it, wait, start it again.

        The new process runs the same plan: datadir, node key (so the same peer id), listen
        port and flags; its stderr is appended to the same log. The stop is not a problem of the
        run (the old child is marked ``stopping``).

        Args:
            nursery: Where the new child's reader runs.
            name: The node to restart.
            online: Every node started (the new process dials the earlier ones again).
            signum: The signal sent (SIGKILL: a crash; SIGTERM: a clean stop).
            down: Seconds between the old process's exit and the new start.
            genesis: If set, sent to the new process as ``genesis <t>`` at once.
            grace: Seconds after which a process that ignored ``signum`` is killed.

        Returns:
            The new child (also ``self.children[name]``).
        """
        old = self.children[name]
        old.stopping = True
        if old.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                old.process.send_signal(signum)
            with trio.move_on_after(grace):
                await old.process.wait()
            if old.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    old.process.kill()
        await old.process.wait()
        if old.process.stdin is not None:
            with contextlib.suppress(Exception):
                await old.process.stdin.aclose()
        if down > 0:
            await trio.sleep(down)
        await self.start(nursery, old.plan, online, append_log=True)
        new = self.children[name]
        if genesis is not None:
            await self.send(new, f"genesis {genesis}\n")
        return new

    async def _read(self, child: Child) -> None:
        stdout = child.process.stdout
        assert stdout is not None
        buffer = b""
        async for chunk in stdout:
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                self._on_line(child, line)
            self.notify()
        await child.process.wait()
        child.exited = True
        if not child.stopping:
            self.problems.append(
                f"{child.plan.name} exited early with code {child.process.returncode}: "
                f"{self.last_log_line(child.plan)}"
            )
        self.notify()

    def _on_line(self, child: Child, line: bytes) -> None:
        try:
            event = event_from_json(json.loads(line))
        except ValueError as exc:
            self.problems.append(f"{child.plan.name} wrote an unreadable event: {exc}")
            return
        if isinstance(event, ReadyEvent):
            child.ready = event
        elif isinstance(event, DoneEvent):
            child.done = event
        if event is not None:
            self.on_event(child, event)

    def last_log_line(self, plan: NodePlan) -> str:
        """The last line ``plan``'s node wrote to stderr."""
        path = os.path.join(self.datadir, plan.name, "stderr.log")
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = [line.strip() for line in handle if line.strip()]
        except OSError:
            return "(no log)"
        return lines[-1] if lines else "(empty log)"

    async def send(self, child: Child, line: str) -> None:
        """Write a control line to a child (nothing if it is gone)."""
        stdin = child.process.stdin
        if stdin is None or child.exited:
            return
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            await stdin.send_all(line.encode())

    async def broadcast(self, line: str) -> None:
        """Write a control line to every child."""
        for child in self.children.values():
            await self.send(child, line)

    async def shutdown(self) -> None:
        """Send ``stop``, then SIGTERM, then SIGKILL (each after a deadline); reap every child."""
        children = list(self.children.values())
        for child in children:
            child.stopping = True
        for child in children:
            await self.send(child, "stop\n")
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

    async def scrape_metrics(self) -> dict[str, list[Sample]]:
        """Every running node's ``/metrics``, parsed (a failed scrape is a problem)."""
        import httpx

        metrics: dict[str, list[Sample]] = {}
        async with httpx.AsyncClient(timeout=5.0) as client:
            for name, child in self.children.items():
                url = None if child.ready is None else child.ready.metrics
                if not url:
                    continue
                try:
                    response = await client.get(url)
                    metrics[name] = list(parse_exposition(response.text))
                except (httpx.HTTPError, ValueError) as exc:
                    self.problems.append(f"{name}: metrics unavailable: {exc}")
        return metrics

    def describe(self) -> dict[str, Any]:
        """Per child: pid, return code and its final numbers (for the summary JSON)."""
        return {
            name: {
                "pid": child.process.pid,
                "returncode": child.process.returncode,
                "done": None if child.done is None else child.done.to_json(),
            }
            for name, child in self.children.items()
        }
