"""Gossip latency: publish -> accepted and stored at every other node, on 127.0.0.1.

    python bench/bench_gossip.py                      # 10 nodes, one process each
    python bench/bench_gossip.py --mode inproc        # 10 nodes in one trio process
    python bench/bench_gossip.py --nodes 4 --count 20 --sizes 300K,4M

Nodes are full py-libp2p hosts (TCP + Noise + yamux, patched gossipsub) running the
``execution_proof`` topic adapter; every node validates every proof (decode, hash, BLS, proof
engine) before forwarding. Proofs are padded with incompressible bytes (the worst case for the
wire) and verified by a proof-engine **test double** that accepts such padding. Messages are
paced: the next one is published once the previous one reached every node. For each message the
latency is ``max(store time at each node) - publish time`` (``CLOCK_MONOTONIC`` is shared by all
processes); also reported per node. With ``--mode procs`` each size also reports the copies of a
message a node receives (every copy that reaches the topic validator, the first included; the
publisher's own count is included, so a perfect tree gives ``(nodes - 1) / nodes``), duplicates
(copies beyond the first, per receiving node) and CPU seconds per message per node
(``getrusage`` of each node process: user + system, all threads; the publisher's making of the
test payload — random bytes, SSZ, signing — is not counted). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

import trio

from eip8025 import containers
from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.gossip import Seen
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine, fake_proof_data
from eip8025.verification import SpecContext, get_execution_proof
from eip8025_p2p.devchain import DevnetChain, DevnetSpec, interop_privkey
from eip8025_p2p.encoding import (
    compute_message_id,
    encode_execution_proof,
    execution_proof_topic,
)
from eip8025_p2p.gossip_topic import ExecutionProofTopic
from eip8025_p2p.host import GossipNode
from eip8025_p2p.pipeline import ProofPipeline, VerdictEvent

PROOF_TYPES = (1, 2, 3, 5, 6)
SPEC = DevnetSpec(validator_count=8)
KiB = 1024


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": KiB, "M": KiB * KiB}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


def secret(index: int) -> bytes:
    return hashlib.sha256(f"bench-gossip-{index}".encode()).digest()


def message_slot(seq: int) -> tuple[int, int]:
    """A distinct (slot, proof type) per message (one verified proof per block and type)."""
    return 1 + seq // len(PROOF_TYPES), PROOF_TYPES[seq % len(PROOF_TYPES)]


def make_payload(chain: DevnetChain, seq: int, size: int) -> bytes:
    return encode_execution_proof(make_signed(chain, seq, size), PROFILE)


def make_signed(
    chain: DevnetChain, seq: int, size: int
) -> containers.SignedExecutionProofEnvelopeBase:
    """Message ``seq``: a distinct (slot, type), padded to ``size`` with random bytes."""
    slot, proof_type = message_slot(seq)
    ctx = SpecContext(config=chain.spec.config, bls=default_backend())
    block = chain.block(slot)
    placeholder = PROFILE.ExecutionProofEnvelope(
        proof_data=b"\x00", proof_type=proof_type, beacon_block_root=block.root
    )
    public_input = get_execution_proof(
        block.state, placeholder, block.payload_envelope, ctx=ctx
    ).public_input
    data = fake_proof_data(public_input, proof_type)
    data += random.Random(seq).randbytes(max(0, size - len(data)))
    envelope = placeholder.copy_with(proof_data=data)
    validator = seq % SPEC.validator_count
    signature = get_execution_proof_envelope_signature(
        block.state, envelope, interop_privkey(validator), preset=ctx.config.preset, bls=ctx.bls
    )
    return PROFILE.SignedExecutionProofEnvelope(
        message=envelope, validator_index=validator, signature=signature
    )


@dataclasses.dataclass
class BenchNode:
    index: int
    node: GossipNode
    pipeline: ProofPipeline
    topic: ExecutionProofTopic


def build_node(index: int, chain: DevnetChain, slots: int, port: int = 0) -> BenchNode:
    node = GossipNode(secret(index), port=port)
    view = InMemoryChainView()
    for slot in range(1, slots + 1):
        chain.import_block(view, slot)
    store = ExecutionProofStore(view, SpecContext(config=chain.spec.config, bls=default_backend()))
    engine = FakeProofEngine(any_padding=True)  # test double: not a proof system
    pipeline = ProofPipeline(
        store,
        Seen(),
        engine,
        topic=execution_proof_topic(chain.fork_digest),
        head_state=lambda: chain.block(0).state,
    )
    topic = ExecutionProofTopic(node.pubsub, chain.fork_digest, pipeline)
    return BenchNode(index, node, pipeline, topic)


def links(count: int, degree: int, seed: int = 1) -> list[tuple[int, int]]:
    """A ring plus random chords up to ``degree`` connections per node (full mesh if larger)."""
    if degree >= count - 1:
        return [(a, b) for a in range(count) for b in range(a + 1, count)]
    rng = random.Random(seed)
    edges = {tuple(sorted((i, (i + 1) % count))) for i in range(count)}
    for a in range(count):
        while sum(a in e for e in edges) < degree:
            b = rng.randrange(count)
            if b != a:
                edges.add(tuple(sorted((a, b))))
    return sorted((a, b) for a, b in edges)  # type: ignore[misc]


async def wait_for_mesh(bench: BenchNode, peers: int) -> None:
    """Poll until the node's mesh holds min(peers, D_low) peers (benchmark setup only)."""
    router = bench.node.router
    want = min(peers, router.degree_low)
    while len(router.mesh.get(bench.topic.topic, ())) < want:
        await trio.sleep(0.05)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclasses.dataclass
class Result:
    size: int
    all_nodes: list[float] = dataclasses.field(default_factory=list)
    per_node: list[float] = dataclasses.field(default_factory=list)
    copies: float | None = None
    """Copies received per message per node (all nodes, the publisher included)."""
    duplicates: float | None = None
    """Copies beyond the first per message per receiving node."""
    cpu: float | None = None
    """CPU seconds per message per node."""

    def line(self) -> str:
        a, p = self.all_nodes, self.per_node
        text = (
            f"{self.size // KiB:>6} KiB  n={len(a):>3}  all nodes: p50 {ms(statistics.median(a))}"
            f" p99 {ms(percentile(a, 99))} max {ms(max(a))}   per node: p50"
            f" {ms(statistics.median(p))} p99 {ms(percentile(p, 99))}"
        )
        if self.copies is not None and self.duplicates is not None and self.cpu is not None:
            text += (
                f"\n{'':>10}copies/msg/node {self.copies:.2f}  duplicates/msg/node"
                f" {self.duplicates:.2f}  CPU/msg/node {1e3 * self.cpu:.0f} ms"
            )
        return text


@dataclasses.dataclass(frozen=True)
class NodeStats:
    """One node process's counters: CPU seconds and message copies received."""

    cpu: float
    received: int

    @staticmethod
    def now(bench: BenchNode) -> NodeStats:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return NodeStats(usage.ru_utime + usage.ru_stime, bench.pipeline.counters.received)


def ms(seconds: float) -> str:
    return f"{1e3 * seconds:7.1f} ms"


# -- one process -----------------------------------------------------------------------------


async def run_inproc(args: argparse.Namespace, sizes: list[int]) -> list[Result]:
    chain = DevnetChain(SPEC)
    total = args.count * len(sizes)
    slots = message_slot(total)[0]
    nodes = [build_node(i, chain, slots) for i in range(args.nodes)]
    results: list[Result] = []
    async with contextlib.AsyncExitStack() as stack:
        for bench in nodes:
            await stack.enter_async_context(bench.node.running())
            await stack.enter_async_context(bench.pipeline.running())
            await stack.enter_async_context(bench.topic.running())
        for a, b in links(args.nodes, args.degree):
            await nodes[a].node.connect(nodes[b].node.addrs[0])
        with trio.fail_after(60):
            for bench in nodes:
                await wait_for_mesh(bench, min(args.nodes - 1, args.degree))
        stored_at: dict[bytes, dict[int, float]] = {}
        done = trio.Event()

        def listener(index: int) -> object:
            def on_event(event: VerdictEvent) -> None:
                if event.verdict.stored and event.msg_id in stored_at:
                    stored_at[event.msg_id][index] = time.monotonic()
                    if len(stored_at[event.msg_id]) == args.nodes - 1:
                        done.set()

            return on_event

        for bench in nodes:
            bench.pipeline.listeners.append(listener(bench.index))  # type: ignore[arg-type]
        seq = 0
        for size in sizes:
            result = Result(size)
            for i in range(args.count):
                publisher = nodes[i % args.nodes]
                data = make_payload(chain, seq, size)
                seq += 1
                msg_id = compute_message_id(publisher.topic.topic, data)
                stored_at[msg_id] = {}
                done = trio.Event()
                t0 = time.monotonic()
                await publisher.topic.publish_raw(data)
                with trio.fail_after(120):
                    await done.wait()
                times = [t - t0 for t in stored_at.pop(msg_id).values()]
                result.all_nodes.append(max(times))
                result.per_node.extend(times)
                await trio.sleep(args.gap)
            results.append(result)
    return results


# -- one process per node --------------------------------------------------------------------


async def child_main(args: argparse.Namespace) -> None:
    """A node process: line protocol on stdin (``publish <seq> <size>``) / stdout (events)."""
    chain = DevnetChain(SPEC)
    index = args.child
    bench = build_node(index, chain, args.slots, port=args.base_port + index)

    def emit(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def on_event(event: VerdictEvent) -> None:
        if event.verdict.stored:
            emit(f"stored {event.msg_id.hex()} {time.monotonic():.6f}")

    bench.pipeline.listeners.append(on_event)
    edges = links(args.nodes, args.degree)
    neighbours = [b for a, b in edges if a == index] + [a for a, b in edges if b == index]
    async with bench.node.running(), bench.pipeline.running(), bench.topic.running():
        for other in neighbours:
            if other < index:  # the higher index dials
                peer = GossipNode(secret(other)).peer_id  # only for its id
                address = f"/ip4/127.0.0.1/tcp/{args.base_port + other}/p2p/{peer.to_base58()}"
                with trio.fail_after(60):
                    while True:  # wait for the other process to listen
                        try:
                            probe = await trio.open_tcp_stream("127.0.0.1", args.base_port + other)
                        except OSError:
                            await trio.sleep(0.1)
                            continue
                        await probe.aclose()
                        break
                    await bench.node.connect(address)
        with trio.fail_after(120):
            await wait_for_mesh(bench, len(neighbours))
        emit("ready")
        stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
        buffer = b""
        building = 0.0  # CPU seconds spent making test payloads (random bytes, SSZ, signing)
        while True:
            chunk = await stdin.receive_some()
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                command = line.decode().split()
                if command[0] == "quit":
                    if args.counters:
                        sender = getattr(bench.node.router, "sender", None)
                        sys.stderr.write(
                            f"node {index}: {getattr(sender, 'counters', None)}"
                            f" {bench.node.pubsub.counters}\n"
                        )
                    return
                if command[0] == "stats":
                    stats = NodeStats.now(bench)
                    emit(f"stats {command[1]} {stats.cpu - building:.6f} {stats.received}")
                    continue
                seq, size = int(command[1]), int(command[2])
                cpu_before = NodeStats.now(bench).cpu
                data = make_payload(chain, seq, size)
                building += NodeStats.now(bench).cpu - cpu_before  # not part of gossip's cost
                started = time.monotonic()
                msg_id = await bench.topic.publish_raw(data)  # computes the id once
                emit(f"published {msg_id.hex()} {started:.6f}")


async def run_procs(args: argparse.Namespace, sizes: list[int]) -> list[Result]:
    total = args.count * len(sizes)
    slots = message_slot(total)[0]
    events: dict[str, dict[int, float]] = {}
    published: dict[str, float] = {}
    stats: dict[str, dict[int, NodeStats]] = {}
    ready = 0
    changed = trio.Event()
    processes: list[trio.Process] = []

    async def read(index: int, process: trio.Process) -> None:
        nonlocal ready, changed
        assert process.stdout is not None
        buffer = b""
        async for chunk in process.stdout:
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                parts = line.decode().split()
                if parts == ["ready"]:
                    ready += 1
                elif parts and parts[0] == "stored":
                    events.setdefault(parts[1], {})[index] = float(parts[2])
                elif parts and parts[0] == "published":
                    published[parts[1]] = float(parts[2])
                elif parts and parts[0] == "stats":
                    stats.setdefault(parts[1], {})[index] = NodeStats(
                        float(parts[2]), int(parts[3])
                    )
                changed.set()
                changed = trio.Event()

    async def until(predicate: object) -> None:
        assert callable(predicate)
        while not predicate():
            await changed.wait()

    async def snapshot(token: str) -> list[NodeStats]:
        for process in processes:
            assert process.stdin is not None
            await process.stdin.send_all(f"stats {token}\n".encode())
        with trio.fail_after(60):
            await until(lambda: len(stats.get(token, {})) == args.nodes)
        return [stats[token][i] for i in range(args.nodes)]

    command = [sys.executable, __file__, "--child", "0", "--nodes", str(args.nodes)]
    command += ["--degree", str(args.degree), "--base-port", str(args.base_port)]
    command += ["--slots", str(slots)] + (["--counters"] if args.counters else [])
    results: list[Result] = []
    async with trio.open_nursery() as nursery:
        for index in range(args.nodes):
            argv = list(command)
            argv[3] = str(index)
            process = await trio.lowlevel.open_process(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
            processes.append(process)
            nursery.start_soon(read, index, process)
        try:
            with trio.fail_after(180):
                await until(lambda: ready == args.nodes)
            seq = 0
            for size in sizes:
                result = Result(size)
                before_stats = await snapshot(f"{size}-before")
                for i in range(args.count):
                    publisher = i % args.nodes
                    stdin = processes[publisher].stdin
                    assert stdin is not None
                    before = set(published)
                    await stdin.send_all(f"publish {seq} {size}\n".encode())
                    seq += 1
                    with trio.fail_after(120):
                        await until(lambda b=before: len(published) > len(b))
                        (msg_id,) = set(published) - before
                        await until(
                            lambda m=msg_id: len(events.get(m, {})) == args.nodes - 1  # type: ignore[misc]
                        )
                    times = [t - published[msg_id] for t in events[msg_id].values()]
                    result.all_nodes.append(max(times))
                    result.per_node.extend(times)
                    await trio.sleep(args.gap)
                after_stats = await snapshot(f"{size}-after")
                pairs = list(zip(after_stats, before_stats, strict=True))
                received = sum(a.received - b.received for a, b in pairs)
                cpu = sum(a.cpu - b.cpu for a, b in pairs)
                result.copies = received / (args.count * args.nodes)
                result.duplicates = (received - args.count * (args.nodes - 1)) / (
                    args.count * (args.nodes - 1)
                )
                result.cpu = cpu / (args.count * args.nodes)
                results.append(result)
        finally:
            for process in processes:
                with contextlib.suppress(Exception):
                    assert process.stdin is not None
                    await process.stdin.send_all(b"quit\n")
            with trio.move_on_after(10):
                for process in processes:
                    await process.wait()
            for process in processes:
                if process.returncode is None:
                    process.kill()
            nursery.cancel_scope.cancel()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("procs", "inproc"), default="procs")
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--degree", type=int, default=9, help="connections per node")
    parser.add_argument("--sizes", default="300K,4M", help="proof sizes (bytes, K or M)")
    parser.add_argument("--count", type=int, default=20, help="messages per size")
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between messages")
    parser.add_argument("--base-port", type=int, default=39300)
    parser.add_argument(
        "--counters", action="store_true", help="node processes print their gossip counters"
    )
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--slots", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        trio.run(child_main, args)
        return
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    started = time.monotonic()
    runner = run_procs if args.mode == "procs" else run_inproc
    results = trio.run(runner, args, sizes)
    print(
        f"gossip latency, {args.nodes} nodes ({args.mode}), {args.degree} connections/node, "
        f"{os.cpu_count()} CPUs, {time.monotonic() - started:.0f} s"
    )
    for result in results:
        print(result.line())


if __name__ == "__main__":
    main()
