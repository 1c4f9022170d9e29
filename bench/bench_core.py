"""Core benchmarks: 4 MiB ProofData root vs flat SHA-256, and gossip validation split by stage.

Run: ``python bench/bench_core.py [--repeat N]``. Prints a table; not part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eip8025 import profile
from eip8025.gossip import validate_execution_proof_gossip
from eip8025.signing import compute_signing_root, get_domain
from eip8025.ssz.merkle import get_layer_hasher
from eip8025.verification import get_execution_proof
from tests.factories import make_world


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    size = profile.MAX_PROOF_SIZE
    data = os.urandom(size)
    sedes = profile.ExecutionProofEnvelope.ssz_sedes.field_sedes[0]
    print(f"layer hasher: {get_layer_hasher().__module__}.{get_layer_hasher().__name__}")
    rows: list[tuple[str, float, float]] = []
    flat = timed(lambda: hashlib.sha256(data).digest(), args.repeat)
    rows.append(("hashlib.sha256(4 MiB)", *flat))
    root = timed(lambda: sedes.get_hash_tree_root(data), args.repeat)
    rows.append(("hash_tree_root(ProofData 4 MiB)", *root))

    world = make_world()
    envelope = world.envelope(1)
    envelope = envelope.copy_with(proof_data=envelope.proof_data.ljust(size - 200, b"\x00"))
    signed = world.sign(envelope, 0)
    wire = signed.encode_bytes()
    rows.append(
        (
            "decode SignedExecutionProofEnvelope",
            *timed(lambda: profile.SignedExecutionProofEnvelope.decode_bytes(wire), args.repeat),
        )
    )
    rows.append(
        (
            "envelope root (fresh value)",
            *timed(
                lambda: profile.SignedExecutionProofEnvelope.decode_bytes(
                    wire
                ).message.hash_tree_root(),
                args.repeat,
            ),
        )
    )
    preset = world.ctx.config.preset
    domain = get_domain(world.state, profile.DOMAIN_EXECUTION_PROOF, None, preset)
    signing_root = compute_signing_root(envelope, domain)
    pubkey = world.state.validator(0).pubkey
    rows.append(
        (
            "BLS verify (milagro)",
            *timed(
                lambda: world.ctx.bls.verify(pubkey, signing_root, signed.signature), args.repeat
            ),
        )
    )
    proof = get_execution_proof(world.state, envelope, world.payload, ctx=world.ctx)
    rows.append(
        (
            "get_execution_proof (public input)",
            *timed(
                lambda: get_execution_proof(world.state, envelope, world.payload, ctx=world.ctx),
                args.repeat,
            ),
        )
    )
    rows.append(
        (
            "engine verify (FakeProofEngine test double)",
            *timed(lambda: world.engine.verify_execution_proof(proof), args.repeat),
        )
    )

    fresh_worlds = iter([make_world() for _ in range(args.repeat)])

    def full() -> None:
        fresh = next(fresh_worlds)
        value = profile.SignedExecutionProofEnvelope.decode_bytes(wire)
        validate_execution_proof_gossip(fresh.seen, fresh.store, value, fresh.engine)

    rows.append(("decode + validate_execution_proof_gossip", *timed(full, args.repeat)))
    print(f"{'stage':<46}{'median ms':>11}{'min ms':>9}")
    for name, median, best in rows:
        print(f"{name:<46}{median:>11.2f}{best:>9.2f}")
    print(f"ProofData root / flat sha256 (median): {root[0] / flat[0]:.1f}x")


if __name__ == "__main__":
    main()
