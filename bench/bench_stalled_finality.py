"""Resident memory while finality stalls: proofs of many slots kept, nothing pruned.

    python bench/bench_stalled_finality.py                     # 1,000 slots x 5 x 300 KiB, SQLite
    python bench/bench_stalled_finality.py --archive memory    # the same, proofs kept in RAM
    python bench/bench_stalled_finality.py --slots 200 --size 1M

A :class:`ProofPipeline` (the node's: decode, gossip validation, BLS, proof engine, store) takes
``5`` signed proofs per slot for ``--slots`` slots of the devnet chain, each ``--size`` bytes of
incompressible proof data, through :meth:`ProofPipeline.submit`. Finality never advances, so
nothing is pruned. With ``--archive sqlite`` (what ``eip8025 node --datadir`` uses) verified
proof bytes live in the SQLite file and RAM holds only their index; ``--archive memory`` keeps
them in RAM (a node without ``--datadir``). RSS is read from ``/proc/self/status`` every
``--every`` slots. The proof engine is a **test double** that accepts the padded fake proof (not a
proof system); everything else is the production path. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

import trio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_gossip import PROOF_TYPES, SPEC, make_payload, message_slot, parse_size

from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.gossip import Seen
from eip8025.profiles import DEFAULT_PROFILE
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine
from eip8025.verification import SpecContext
from eip8025_p2p.devchain import DevnetChain
from eip8025_p2p.encoding import execution_proof_topic
from eip8025_p2p.pipeline import Outcome, ProofPipeline
from eip8025_p2p.storage import NodeStorage

MiB = 1024 * 1024


def directory_mib(directory: str) -> float:
    """Size of the files in ``directory``, in MiB."""
    return sum(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory)) / MiB


def rss_mib() -> float:
    """Current resident set size of this process."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(args: argparse.Namespace, directory: str) -> None:
    chain = DevnetChain(SPEC)
    ctx = SpecContext(config=chain.spec.config, bls=default_backend())
    view = InMemoryChainView()
    storage = None
    if args.archive == "sqlite":
        storage = NodeStorage(
            os.path.join(directory, "state.sqlite3"),
            profile=DEFAULT_PROFILE,
            chain=chain.fork_digest.hex(),
        )
    store = ExecutionProofStore(view, ctx, archive=storage)
    pipeline = ProofPipeline(
        store,
        Seen(),
        FakeProofEngine(any_padding=True),  # test double: not a proof system
        topic=execution_proof_topic(chain.fork_digest),
        head_state=lambda: chain.block(0).state,
        journal=storage,
    )
    baseline = rss_mib()
    print(
        f"{args.slots} slots x {len(PROOF_TYPES)} proofs x {args.size // 1024} KiB, "
        f"archive={args.archive}, profile {DEFAULT_PROFILE.name}; RSS at start {baseline:.0f} MiB"
    )
    print(f"{'slot':>6} {'proofs':>7} {'RSS MiB':>8} {'peak MiB':>9} {'db MiB':>7} {'s':>6}")
    started = time.perf_counter()
    accepted = 0
    async with pipeline.running():
        for seq in range(args.slots * len(PROOF_TYPES)):
            slot, _ = message_slot(seq)
            if seq % len(PROOF_TYPES) == 0:
                pipeline.on_block(chain.import_block(view, slot).root)
            data = make_payload(chain, seq, args.size)
            verdict = await pipeline.submit(data, "bench", broadcast=False)
            if verdict.outcome is not Outcome.ACCEPT or not verdict.stored:
                raise SystemExit(f"proof {seq} (slot {slot}) not stored: {verdict}")
            accepted += 1
            if (seq + 1) % (args.every * len(PROOF_TYPES)) == 0:
                db = directory_mib(directory) if storage is not None else 0.0
                print(
                    f"{slot:>6} {accepted:>7} {rss_mib():>8.0f} {peak_rss_mib():>9.0f}"
                    f" {db:>7.0f} {time.perf_counter() - started:>6.0f}",
                    flush=True,
                )
    held = sum(len(by_type) for by_type in store.execution_proofs.values())
    print(
        f"stored {held} proofs of {len(store.execution_proofs)} blocks; final RSS {rss_mib():.0f}"
        f" MiB (+{rss_mib() - baseline:.0f} MiB over start), peak {peak_rss_mib():.0f} MiB"
    )
    if storage is not None:
        storage.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=1000)
    parser.add_argument("--size", type=parse_size, default=parse_size("300K"))
    parser.add_argument("--archive", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--every", type=int, default=100, help="report every N slots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eip8025-stalled-") as directory:
        trio.run(run, args, directory)


if __name__ == "__main__":
    main()
