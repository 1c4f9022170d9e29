"""Check ``eip8025 node --beacon-node`` beside a real Lodestar beacon node (not part of CI).

    python tools/lodestar_check.py --start [--duration 360] [--log PATH]   # starts Lodestar too
    python tools/lodestar_check.py [--beacon-node http://127.0.0.1:19596]  # one already running

``--start`` runs ``../shared/tools/lodestar-dev/run-dev.sh`` (Lodestar 1.5.1 dev chain, run
``install.sh`` once before) in its own run directory, after checking that nothing already
answers on its ports, and stops it (its process group) at the end. Then it starts
``eip8025 node --beacon-node URL --stateless-validation --log-level INFO`` as a child process
for ``--duration`` seconds and reports:

- the chain followed: every ``block`` event (slots), the finalized slots pruned, the one line
  saying no public inputs can be built before Gloas;
- the libp2p connection: every Status / MetaData / Ping / Goodbye exchange with its timing (the
  node's req/resp log lines), and every ``--check`` seconds whether Lodestar lists our peer id
  as connected (``/eth/v1/node/peers``);
- a summary: slots followed, finalized epochs, connection lifetime, exchanges by kind.

Exit code 0 when the node followed the head, completed the handshake and stayed connected for
the whole run (Lodestar listed us in every check after the first connection); 1 otherwise.
Everything stays on 127.0.0.1; only processes this script started are stopped, by PID.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import trio

HERE = Path(__file__).resolve().parent
RUN_DEV = HERE.parent.parent / "shared" / "tools" / "lodestar-dev" / "run-dev.sh"
EXCHANGE = re.compile(r"(status|metadata|ping|goodbye)/v\d")


def port_in_use(port: int) -> bool:
    """Something answers on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Check:
    """Collects what the node and Lodestar said."""

    def __init__(self, log_path: Path) -> None:
        self.log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115
        self.started = time.time()
        self.slots: list[int] = []
        self.finalized: list[int] = []
        self.exchanges: dict[str, int] = {}
        self.ready: dict[str, Any] | None = None
        self.checks: list[bool] = []
        self.first_connected: float | None = None
        self.last_connected: float | None = None
        self.stopping = False
        self.pre_gloas_line = False

    def say(self, text: str) -> None:
        """Print and log one line with the time since the start."""
        line = f"{time.strftime('%H:%M:%S')} +{time.time() - self.started:6.1f}s {text}"
        print(line, flush=True)
        self.log.write(line + "\n")
        self.log.flush()

    def on_event(self, event: dict[str, Any]) -> None:
        """One JSON event of the node (stdout)."""
        kind = event.get("event")
        if kind == "ready":
            self.ready = event
            self.say(f"node ready: peer id {event['peer_id']}, fork digest {event['fork_digest']}")
        elif kind == "block":
            self.slots.append(int(event["slot"]))
            self.say(f"followed block slot {event['slot']} {event['root'][:18]}")
        elif kind == "done":
            self.say(f"node done: {json.dumps(event)[:200]}")

    def on_log(self, line: str) -> None:
        """One log line of the node (stderr)."""
        match = EXCHANGE.search(line)
        if match:
            kind = match.group(0)
            self.exchanges[kind] = self.exchanges.get(kind, 0) + 1
            self.say("req/resp: " + line.split(": ", 1)[-1])
        elif "before Gloas" in line or "public input" in line:
            self.pre_gloas_line = True
            self.say("node: " + line.split(": ", 1)[-1])
        elif "finalized slot" in line or "WARNING" in line or "ERROR" in line:
            self.say("node: " + line.split(" ", 2)[-1])


async def read_lines(stream: Any, handle: Any) -> None:
    """Feed each line of ``stream`` to ``handle``."""
    buffer = b""
    async for chunk in stream:
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            handle(line.decode(errors="replace"))


async def watch_lodestar(check: Check, url: str, interval: float) -> None:
    """Every ``interval`` s: does Lodestar list us as connected; its finalized epoch."""
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        while True:
            await trio.sleep(interval)
            if check.ready is None or check.stopping:
                continue
            try:
                peers = (await client.get("/eth/v1/node/peers")).json()["data"]
                finality = (
                    await client.get("/eth/v1/beacon/states/head/finality_checkpoints")
                ).json()["data"]
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                check.say(f"Lodestar API: {exc!r}")
                continue
            ours = [
                p
                for p in peers
                if p["peer_id"] == check.ready["peer_id"] and p["state"] == "connected"
            ]
            connected = bool(ours)
            if connected and check.first_connected is None:
                check.first_connected = time.time()
            if connected:
                check.last_connected = time.time()
            if check.first_connected is not None:
                check.checks.append(connected)
            epoch = int(finality["finalized"]["epoch"])
            if not check.finalized or check.finalized[-1] != epoch:
                check.finalized.append(epoch)
            direction = ours[0]["direction"] if ours else "-"
            check.say(
                f"Lodestar lists us: {'connected' if connected else 'NOT connected'} "
                f"({direction}); its finalized epoch {epoch}; {len(peers)} peers"
            )


async def main(args: argparse.Namespace) -> int:
    """Run the check; the exit code."""
    check = Check(Path(args.log))
    lodestar_pid: int | None = None
    if args.start:
        if port_in_use(19596) or port_in_use(19000):
            check.say("ports 19596/19000 are taken: another Lodestar runs; not starting one")
            return 1
        env = {**os.environ, "LIFETIME_S": str(int(args.duration) + 120)}
        env["RUN_DIR"] = "/tmp/eip8025-lodestar-check"
        started = await trio.run_process([str(RUN_DEV)], env=env, capture_stdout=True, check=True)
        lodestar_pid = int(started.stdout.decode().strip().splitlines()[-1])
        check.say(f"started Lodestar 1.5.1 (pid {lodestar_pid}); waiting for its API")
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            with trio.move_on_after(120):
                while True:
                    try:
                        head = await client.get(args.beacon_node + "/eth/v1/beacon/headers/head")
                        if head.status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await trio.sleep(1)
        command = [sys.executable, "-m", "eip8025_cli", "node", "--beacon-node", args.beacon_node]
        command += ["--stateless-validation", "--listen", "127.0.0.1:0", "--http-port", "0"]
        command += ["--log-level", "INFO", "--name", "eip8025"]
        check.say("starting: " + " ".join(command[2:]))
        process = await trio.lowlevel.open_process(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=HERE.parent
        )
        async with trio.open_nursery() as nursery:
            assert process.stdout is not None
            assert process.stderr is not None
            nursery.start_soon(
                read_lines, process.stdout, lambda line: check.on_event(json.loads(line))
            )
            nursery.start_soon(read_lines, process.stderr, check.on_log)
            nursery.start_soon(watch_lodestar, check, args.beacon_node, args.check)
            await trio.sleep(args.duration)
            check.stopping = True
            process.send_signal(signal.SIGTERM)
            with trio.move_on_after(15):
                await process.wait()
            if process.returncode is None:
                process.kill()
            nursery.cancel_scope.cancel()
    finally:
        if lodestar_pid is not None:
            os.killpg(lodestar_pid, signal.SIGTERM)  # the group run-dev.sh started
            check.say(f"stopped Lodestar (process group {lodestar_pid})")
    first, last = check.first_connected, check.last_connected
    lifetime = 0.0 if first is None or last is None else last - first
    held = bool(check.checks) and all(check.checks)
    followed = len(check.slots) >= 2 and check.slots[-1] > check.slots[0]
    check.say(
        f"summary: followed {len(check.slots)} blocks (slots {check.slots[:1]}.."
        f"{check.slots[-1:]});"
        f" Lodestar finalized epochs seen {check.finalized}; connected for {lifetime:.0f} s "
        "(first to last check listing us), "
        f"listed in {sum(check.checks)} of {len(check.checks)} checks; exchanges "
        f"{dict(sorted(check.exchanges.items()))}; pre-Gloas line {check.pre_gloas_line}"
    )
    ok = followed and held and lifetime >= min(300.0, args.duration - 30)
    ok = ok and any(k.startswith("status") for k in check.exchanges)
    check.say("result: " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beacon-node", default="http://127.0.0.1:19596")
    parser.add_argument("--start", action="store_true", help="start Lodestar (lodestar-dev)")
    parser.add_argument("--duration", type=float, default=360.0, help="seconds (default 360)")
    parser.add_argument("--check", type=float, default=10.0, help="seconds between peer checks")
    parser.add_argument("--log", default="lodestar_check.log")
    sys.exit(trio.run(main, parser.parse_args()))
