"""An invalid-signature flood from reconnecting identities against a real ``eip8025 node``.

    python bench/bench_flood.py                            # 5 minutes
    python bench/bench_flood.py --duration 60 --out /tmp/flood.txt

Processes: a stateless validator (``eip8025 node``, the measured one) and an honest prover (a
second ``eip8025 node --proof-generation`` peered with it, proving types 1, 2, 3: with the default
3-of-5 policy every payload needs all three). In this process: attacker identities, each a
patched py-libp2p host that connects to the validator and publishes proofs of types 5 and 6 (no
valid proof of those types ever exists, so each one reaches the BLS check) for the validator's
latest block, with a valid BLS point as signature over another message: every one is a REJECT
after a pairing check. A new wave of identities joins every ``--wave-interval`` seconds; every
identity reconnects every ``--reconnect-interval`` seconds and floods again if it gets in.

Reported: rejects/s (from the validator's ``verdict`` lines), the validator's CPU (from
``/proc/<pid>/stat``, all threads) and RSS over time, invalid-signature rejects per CPU-second
while identities were being let in, bans (its ``banning peer`` WARNING lines), what each
reconnect of a banned identity met, and every honest payload: accepted or not, with its latency
(the validator's ``accepted`` lines; slot start -> k-of-n met).

The validator is a plain ``eip8025 node``; ``--stock-host`` builds its host with py-libp2p's
``new_host`` instead of ``new_eth2_host`` (no ``inbound_slots`` patch). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import itertools
import json
import logging
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import IO

import httpx
import trio
from libp2p.abc import INetworkService

from eip8025.bls import default_backend
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025_p2p.devchain import DevnetChain, interop_privkey
from eip8025_p2p.encoding import encode_execution_proof, execution_proof_topic
from eip8025_p2p.host import GossipNode, peer_id_from_secret
from eip8025_p2p.node.config import NodeConfig

SEED = "bench-flood"
BOOT = """\
import sys
if not {patch}:  # --stock-host: py-libp2p's new_host, without the inbound_slots patch
    import libp2p
    import eip8025_p2p.host as host
    host.new_eth2_host = libp2p.new_host
from eip8025_cli import main
sys.exit(main(sys.argv[1:]))
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ATTACK_TYPES = (5, 6)


@dataclasses.dataclass
class Child:
    """A node process and what it printed (stdout JSON events, stderr lines), timestamped.

    Its pipes are drained by threads, so a busy bench never blocks the node on a full pipe.
    """

    name: str
    process: subprocess.Popen[bytes]
    events: list[tuple[float, dict[str, object]]] = dataclasses.field(default_factory=list)
    log: list[tuple[float, str]] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        for stream, sink in (
            (self.process.stdout, self.on_stdout),
            (self.process.stderr, self.on_stderr),
        ):
            threading.Thread(target=self.drain, args=(stream, sink), daemon=True).start()

    @staticmethod
    def drain(stream: IO[bytes] | None, sink: Callable[[bytes], None]) -> None:
        assert stream is not None
        for line in stream:
            sink(line)

    def of(self, kind: str) -> list[tuple[float, dict[str, object]]]:
        return [(t, e) for t, e in list(self.events) if e.get("event") == kind]

    def on_stdout(self, line: bytes) -> None:
        with contextlib.suppress(ValueError):
            self.events.append((time.monotonic(), json.loads(line)))

    def on_stderr(self, line: bytes) -> None:
        self.log.append((time.monotonic(), line.decode(errors="replace")))

    async def wait_event(self, kind: str, timeout: float = 60.0) -> dict[str, object]:
        with trio.fail_after(timeout):
            while not self.of(kind):
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited: {self.log[-5:]}")
                await trio.sleep(0.05)
        return self.of(kind)[0][1]


@dataclasses.dataclass
class Sample:
    t: float
    cpu: float  # CPU seconds (all threads) since start
    rss: float  # MiB
    peers: int | None


@dataclasses.dataclass
class Attack:
    """What happened to one identity on one connection attempt."""

    identity: int
    attempt: int
    start: float
    outcome: str  # disconnected | refused | connected | error:<exception>
    sent: int


class Flood:
    """The attacker side: identities, waves, reconnects."""

    def __init__(self, args: argparse.Namespace, genesis: int, ready: dict[str, object]) -> None:
        self.args = args
        self.genesis = genesis
        self.target = str(ready["multiaddr"])
        self.target_id = str(ready["peer_id"])
        self.topic = execution_proof_topic(bytes.fromhex(str(ready["fork_digest"])[2:]))
        spec = NodeConfig(secret=b"\x01" * 32, seed=SEED, seconds_per_slot=args.slot).devnet_spec(
            genesis
        )
        self.chain = DevnetChain(spec)
        # a valid G2 point that signs something else: every proof fails the pairing check
        self.signature = default_backend().sign(interop_privkey(1), b"not this envelope")
        self.attacks: list[Attack] = []
        self.sent = 0
        self.identities = 0
        self.peer_ids: dict[str, int] = {}
        self.final_metrics = ""

    def slot(self) -> int:
        return max(1, int((time.time() - self.genesis) // self.args.slot) - 1)

    def invalid_proofs(self, count: int) -> list[bytes]:
        block = self.chain.block(self.slot())
        out = []
        for index in range(count):
            envelope = PROFILE.ExecutionProofEnvelope(
                proof_data=secrets.token_bytes(self.args.proof_bytes),
                proof_type=ATTACK_TYPES[index % len(ATTACK_TYPES)],
                beacon_block_root=block.root,
            )
            signed = PROFILE.SignedExecutionProofEnvelope(
                message=envelope, validator_index=index % 64, signature=self.signature
            )
            out.append(encode_execution_proof(signed, PROFILE))
        return out

    async def run(self, until: float) -> None:
        async with trio.open_nursery() as nursery:
            wave = 0
            while time.monotonic() < until:
                for _ in range(self.args.attackers):
                    nursery.start_soon(self.identity, self.identities, until)
                    self.identities += 1
                wave += 1
                await trio.sleep(min(self.args.wave_interval, max(0.0, until - time.monotonic())))

    async def identity(self, index: int, until: float) -> None:
        secret = hashlib.sha256(b"bench-flood-attacker-%d" % index).digest()
        self.peer_ids[peer_id_from_secret(secret).to_base58()] = index
        attempt = 0
        while time.monotonic() < until:
            start = time.monotonic()
            outcome, sent = await self.attack_once(secret)
            self.attacks.append(Attack(index, attempt, start, outcome, sent))
            attempt += 1
            await trio.sleep(self.args.reconnect_interval)

    async def attack_once(self, secret: bytes) -> tuple[str, int]:
        """One connection of identity ``secret``: (outcome, proofs sent)."""
        node = GossipNode(secret)
        try:
            async with node.running():
                network = node.host.get_network()
                try:
                    return await self.flood_once(node, network)
                finally:  # a stopped py-libp2p host leaves its connections open
                    with trio.CancelScope(shield=True):
                        await network.close()
        except Exception as exc:  # noqa: BLE001 - a host that failed to start or stop
            return f"error:{type(exc).__name__}", 0

    async def flood_once(self, node: GossipNode, network: INetworkService) -> tuple[str, int]:
        """Connect, publish ``per_attack`` invalid proofs, stay until disconnected (or linger)."""
        try:
            with trio.fail_after(self.args.connect_timeout):
                peer = await node.connect(self.target)
                await node.pubsub.wait_for_subscription(
                    peer, self.topic, timeout=self.args.connect_timeout
                )
        except Exception:  # noqa: BLE001 - any failure to connect counts as refused
            return "refused", 0
        sent = 0
        for data in self.invalid_proofs(self.args.per_attack):
            if not network.get_connections(peer):
                break
            await node.pubsub.publish_validated(self.topic, data)
            sent += 1
        self.sent += sent
        with trio.move_on_after(self.args.linger):
            while network.get_connections(peer):
                await trio.sleep(0.2)
        return ("connected" if network.get_connections(peer) else "disconnected"), sent


def bls_verify_ms(rounds: int = 100) -> float:
    """CPU milliseconds of one failing BLS verification here (the floor of a reject's cost)."""
    bls = default_backend()
    pubkey = bls.sk_to_pk(interop_privkey(2))
    signature = bls.sign(interop_privkey(1), b"another message")
    start = time.process_time()
    for index in range(rounds):
        bls.verify(pubkey, index.to_bytes(32, "big"), signature)
    return (time.process_time() - start) / rounds * 1000


def sample(pid: int) -> tuple[float, float]:
    """CPU seconds (all threads) and RSS (MiB) of process ``pid``."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    rss = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    return cpu, rss


def scrape(metrics: str) -> str:
    """The validator's Prometheus exposition ('' if unreachable)."""
    try:
        return httpx.get(metrics, timeout=2.0).text
    except httpx.HTTPError:
        return ""


def scrape_peers(metrics: str) -> int | None:
    for line in scrape(metrics).splitlines():
        if line.startswith("eip8025_peers "):
            return int(float(line.split()[1]))
    return None


def start(name: str, argv: list[str], patch: bool) -> Child:
    command = [sys.executable, "-c", BOOT.format(patch=patch), "node", *argv, "--name", name]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    return Child(name, process)


async def stop(child: Child) -> None:
    """SIGINT the node (a process this bench started, by its pid); SIGKILL after 15 s."""
    if child.process.poll() is None:
        child.process.send_signal(signal.SIGINT)
        with trio.move_on_after(15):
            while child.process.poll() is None:
                await trio.sleep(0.1)
        if child.process.poll() is None:
            child.process.kill()
            child.process.wait()


async def bench(args: argparse.Namespace) -> list[str]:
    genesis = int(time.time()) + args.startup
    common = ["--devnet-seed", SEED, "--seconds-per-slot", str(args.slot)]
    common += ["--genesis-time", str(genesis), "--listen", "127.0.0.1:0"]
    validator = start(
        "validator", ["--stateless-validation", "--metrics-port", "0", *common], not args.stock_host
    )
    prover: Child | None = None
    try:
        ready = await validator.wait_event("ready")
        prover_key = "0:0x" + interop_privkey(0).to_bytes(32, "big").hex()
        prover_args = ["--proof-generation", "--validator-keys", prover_key]
        prover_args += ["--peers", str(ready["multiaddr"]), "--generate-proof-types", "1,2,3"]
        prover = start("prover", [*prover_args, *common], True)
        await prover.wait_event("ready")
        metrics = ready.get("metrics")
        samples: list[Sample] = []

        async def sampler() -> None:
            while True:
                cpu, rss = sample(validator.process.pid)
                peers = samples[-1].peers if samples else None
                if isinstance(metrics, str) and len(samples) % 5 == 0:
                    peers = await trio.to_thread.run_sync(scrape_peers, metrics)
                samples.append(Sample(time.monotonic(), cpu, rss, peers))
                await trio.sleep(1.0)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(sampler)
            # baseline: a few slots accepted without a flood
            await trio.sleep(max(0.0, genesis - time.time()) + 3 * args.slot)
            flood = Flood(args, genesis, ready)
            flood_start = time.monotonic()
            await flood.run(flood_start + args.duration)
            flood_end = time.monotonic()
            await trio.sleep(2 * args.slot)  # the last flooded slots get their proofs
            if isinstance(metrics, str):
                flood.final_metrics = await trio.to_thread.run_sync(scrape, metrics)
            nursery.cancel_scope.cancel()
    finally:
        for child in (prover, validator):
            if child is not None:
                await stop(child)
    return report(args, validator, samples, flood, flood_start, flood_end)


def report(
    args: argparse.Namespace,
    validator: Child,
    samples: list[Sample],
    flood: Flood,
    t0: float,
    t1: float,
) -> list[str]:
    """The report lines; ``t0`` / ``t1``: the flood's start and end (monotonic)."""
    host = "stock py-libp2p" if args.stock_host else "new_eth2_host (inbound_slots)"
    out = [
        f"bench_flood: {args.duration:.0f} s flood; a wave of {args.attackers} new identities "
        f"every {args.wave_interval:.0f} s, each reconnecting every "
        f"{args.reconnect_interval:.0f} s and sending {args.per_attack} invalid-signature proofs "
        f"per connection; slot {args.slot} s; validator host: {host}",
        f"identities: {flood.identities}; connection attempts: {len(flood.attacks)}; invalid "
        f"proofs sent: {flood.sent}",
        f"BLS here: one failing verification costs {args.bls_ms:.2f} ms CPU, so BLS alone allows "
        f"{1000 / args.bls_ms:.0f} rejects/s per core",
        "",
        "   t(s) rejects/s  cpu%  rss MiB  peers  bans accepted",
    ]
    verdicts = validator.of("verdict")
    bad_sig = [t for t, e in verdicts if e.get("reason") == "envelope_invalid:bad_signature"]
    other_rejects = sum(1 for _, e in verdicts if e["outcome"] == "reject") - len(bad_sig)
    bans = [(t, line) for t, line in validator.log if "banning peer" in line]
    blocks = {_int(e["slot"]): t for t, e in validator.of("block")}
    accepted = {_int(e["slot"]): (t, e) for t, e in validator.of("accepted")}
    per_second = Counter(int(t - t0) for t in bad_sig)
    rows = []
    for previous, s in itertools.pairwise(samples):
        if t0 - 5 <= s.t <= t1 + 2 * args.slot:
            second = int(s.t - t0)
            cores = (s.cpu - previous.cpu) / (s.t - previous.t)
            rows.append((second, per_second.get(second, 0), cores, s))
    shown: set[int] = set()
    for second, rate, cores, s in rows:
        mark = second // args.report_every
        if mark not in shown or (rate and second < 10):
            shown.add(mark)
            n_bans = sum(1 for t, _ in bans if t <= s.t)
            n_acc = sum(1 for t, _ in accepted.values() if t <= s.t)
            peers = "" if s.peers is None else str(s.peers)
            out.append(
                f"{second:7d} {rate:9d} {100 * cores:5.0f} {s.rss:8.1f} {peers:>6} {n_bans:5d}"
                f" {n_acc:8d}"
            )
    out.append("")
    active = [(rate, cores) for _, rate, cores, _ in rows if rate > 0]
    cpu_active = sum(cores for _, cores in active)
    n_active = sum(rate for rate, _ in active)
    out.append(
        f"invalid-signature rejects: {len(bad_sig)} (other rejects: {other_rejects}), in "
        f"{len(active)} seconds with rejects: peak {max((r for r, _ in active), default=0)}/s, "
        f"mean {n_active / max(len(active), 1):.0f}/s, "
        f"{n_active / cpu_active if cpu_active else 0:.0f} per validator CPU-second "
        "(goal >= 200 per core)"
    )
    reasons = Counter(
        f"{e['outcome']}:{e['reason']}" for t, e in verdicts if t0 <= t <= t1 + 2 * args.slot
    )
    out.append(f"verdicts during the flood: {dict(reasons.most_common())}")
    dropped = {
        line.split('reason="', 1)[1].split('"', 1)[0]: int(float(line.split()[-1]))
        for line in flood.final_metrics.splitlines()
        if line.startswith("eip8025_gossip_dropped_total{") and float(line.split()[-1]) > 0
    }
    out.append(f"dropped by the validator's pubsub before judging (whole run): {dropped}")
    during = [s for s in samples if t0 <= s.t <= t1]
    if len(during) > 1:
        first_min = [s.rss for s in during if s.t <= t0 + 60]
        last_min = [s.rss for s in during if s.t >= t1 - 60]
        out.append(
            f"validator RSS: {during[0].rss:.1f} MiB at the start, max "
            f"{max(s.rss for s in during):.1f}, {during[-1].rss:.1f} at the end; median "
            f"{statistics.median(first_min):.1f} in the first minute, "
            f"{statistics.median(last_min):.1f} in the last (goal: flat)"
        )
        cores = (during[-1].cpu - during[0].cpu) / (during[-1].t - during[0].t)
        out.append(f"validator CPU over the flood: {cores:.2f} cores on average")
    banned_at: dict[int, float] = {}
    for t, line in bans:  # the WARNING names the peer
        peer = line.split("banning peer ", 1)[1].split(" ", 1)[0]
        if peer in flood.peer_ids:
            banned_at.setdefault(flood.peer_ids[peer], t)
    after_ban = [
        a for a in flood.attacks if a.identity in banned_at and a.start > banned_at[a.identity]
    ]
    got_in = [a for a in after_ban if a.outcome != "refused"]
    first = Counter(a.outcome for a in flood.attacks if a.attempt == 0)
    out.append(
        f"bans: {len(bans)} WARNING lines; {len(banned_at)} of {flood.identities} identities "
        f"banned; first connections: {dict(first)} (disconnected: banned while flooding; "
        "connected: not banned before it left, its proofs throttled rather than judged)"
    )
    out.append(
        f"reconnects of banned identities: {len(after_ban)}, refused {len(after_ban) - len(got_in)}"
        f", got in {len(got_in)} (goal: all refused)"
    )
    in_flood = sorted(slot for slot, t in blocks.items() if t0 <= t <= t1)
    missing = [slot for slot in in_flood if slot not in accepted]
    latency = [float(str(accepted[slot][1]["latency"])) for slot in in_flood if slot in accepted]
    before = [float(str(e["latency"])) for t, e in accepted.values() if t < t0]
    out.append(
        f"honest payloads imported during the flood: {len(in_flood)}, accepted "
        f"{len(in_flood) - len(missing)} (goal: all)"
        + (f"; not accepted: slots {missing}" if missing else "")
    )
    if len(latency) > 1:
        p95 = statistics.quantiles(latency, n=20)[18]
        base = f"{statistics.median(before):.3f} s" if before else "n/a"
        out.append(
            f"their acceptance latency (slot start -> k-of-n met): median "
            f"{statistics.median(latency):.3f} s, p95 {p95:.3f} s, max {max(latency):.3f} s "
            f"(before the flood: median {base} over {len(before)} payloads)"
        )
    return out


def _int(value: object) -> int:
    return int(str(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=300.0, help="flood seconds")
    parser.add_argument("--slot", type=int, default=2, help="seconds per slot")
    parser.add_argument("--attackers", type=int, default=16, help="new identities per wave")
    parser.add_argument("--wave-interval", type=float, default=30.0)
    parser.add_argument("--reconnect-interval", type=float, default=15.0)
    parser.add_argument("--per-attack", type=int, default=30, help="proofs per connection")
    parser.add_argument("--proof-bytes", type=int, default=256)
    parser.add_argument("--connect-timeout", type=float, default=5.0)
    parser.add_argument("--linger", type=float, default=20.0)
    parser.add_argument("--startup", type=int, default=12, help="seconds until genesis")
    parser.add_argument("--report-every", type=int, default=10)
    parser.add_argument("--stock-host", action="store_true")
    parser.add_argument("--out", default="/work/notes/bench_flood.txt")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the attackers' hosts are noisy when refused
    args.bls_ms = bls_verify_ms()
    lines = trio.run(bench, args)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
