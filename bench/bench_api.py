"""Beacon API: ``POST /eth/v1/beacon/execution_proofs`` to stored, per proof size.

    python bench/bench_api.py                          # 300 KiB and 4 MiB, 20 proofs each
    python bench/bench_api.py --sizes 300K,1M,4M --count 40 --archive memory

A server process runs the node's :class:`ApiServer` (Starlette on hypercorn's trio worker) over
a :class:`ProofPipeline` with the node's SQLite archive (``--archive sqlite``, as with
``--datadir``) or the memory one; the parent process POSTs one proof per request with httpx and
times request start -> 200. A 200 means the proof went through the whole intake: body read,
list split and SSZ decode, gossip validation (hashing, BLS, proof engine), stored (and handed to
the transport; here no gossip network). Requests are sequential. The proof engine is a **test
double** that accepts padded fake proofs; proofs are padded with incompressible bytes.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import trio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_gossip import PROFILE, SPEC, make_signed, message_slot, parse_size, percentile

from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.gossip import Seen
from eip8025.ssz import ProgressiveList
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine
from eip8025.verification import SpecContext
from eip8025_p2p.api import ApiConfig, ApiServer, BlockRef, NodeIdentity, PeerInfo, SyncStatus
from eip8025_p2p.devchain import DevnetChain
from eip8025_p2p.encoding import execution_proof_topic
from eip8025_p2p.pipeline import ProofPipeline
from eip8025_p2p.storage import NodeStorage

KiB = 1024


class BenchBackend:
    """A benchmark stand-in for the node behind the API: a pipeline over devnet blocks."""

    def __init__(self, pipeline: ProofPipeline, head_slot: int) -> None:
        self.pipeline = pipeline
        self.head_slot = head_slot

    def identity(self) -> NodeIdentity:
        return NodeIdentity("bench", "enr:-bench", [], [], 1)

    def peers(self) -> list[PeerInfo]:
        return []

    def sync_status(self) -> SyncStatus | None:
        return SyncStatus(self.head_slot, 0, False)

    def resolve_block(self, block_id: str) -> BlockRef | None:
        return None


async def serve(args: argparse.Namespace, directory: str) -> None:
    chain = DevnetChain(SPEC)
    view = InMemoryChainView()
    slots = message_slot(args.total)[0]
    for slot in range(1, slots + 1):
        chain.import_block(view, slot)
    ctx = SpecContext(config=chain.spec.config, bls=default_backend())
    archive = None
    if args.archive == "sqlite":
        path = os.path.join(directory, "state.sqlite3")
        archive = NodeStorage(path, profile=PROFILE, chain=chain.fork_digest.hex())
    pipeline = ProofPipeline(
        ExecutionProofStore(view, ctx, archive=archive),
        Seen(),
        FakeProofEngine(any_padding=True),  # test double: not a proof system
        topic=execution_proof_topic(chain.fork_digest),
        head_state=lambda: chain.block(slots).state,
        journal=archive,
    )
    server = ApiServer(BenchBackend(pipeline, slots), ApiConfig(port=0))
    async with pipeline.running(), trio.open_nursery() as nursery:
        url = await nursery.start(server.serve)
        print(url, flush=True)
        stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
        while await stdin.receive_some():  # until the parent closes our stdin
            pass
        nursery.cancel_scope.cancel()


async def drive(args: argparse.Namespace, sizes: list[int]) -> None:
    import httpx

    command = [sys.executable, __file__, "--serve", "--archive", args.archive]
    command += ["--total", str(args.total)]
    process = await trio.lowlevel.open_process(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdin is not None
    url = (await process.stdout.receive_some()).decode().strip()
    chain = DevnetChain(SPEC)
    sedes = ProgressiveList(PROFILE.SignedExecutionProofEnvelope)
    headers = {"Content-Type": "application/octet-stream"}
    print(
        f"POST /eth/v1/beacon/execution_proofs -> stored, archive={args.archive}, "
        f"{args.count} sequential requests per size, server in its own process"
    )
    seq = 0
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for size in sizes:
            times = []
            for _ in range(args.count):
                body = sedes.serialize([make_signed(chain, seq, size)])
                seq += 1
                started = time.perf_counter()
                response = await client.post(
                    "/eth/v1/beacon/execution_proofs", content=body, headers=headers
                )
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"HTTP {response.status_code}: {response.text}")
            p50, p99 = statistics.median(times), percentile(times, 99)
            print(
                f"{size // KiB:>6} KiB  n={len(times)}  p50 {1e3 * p50:7.1f} ms"
                f"  p99 {1e3 * p99:7.1f} ms  min {1e3 * min(times):7.1f} ms"
            )
    await process.stdin.aclose()
    await process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300K,4M")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--archive", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--total", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        with tempfile.TemporaryDirectory(prefix="eip8025-bench-api-") as directory:
            trio.run(serve, args, directory)
        return
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    args.total = args.count * len(sizes)
    trio.run(drive, args, sizes)


if __name__ == "__main__":
    main()
