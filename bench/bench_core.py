"""Core benchmarks per spec profile: 4 MiB ProofData root vs flat SHA-256, validation by stage.

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

from eip8025 import containers
from eip8025.gossip import validate_execution_proof_gossip
from eip8025.profiles import PROFILES, SpecProfile
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


def measure(profile: SpecProfile, data: bytes, repeat: int) -> dict[str, tuple[float, float]]:
    """Each stage's (median, min) ms for a 4 MiB envelope under ``profile``."""
    size = len(data)
    sedes = profile.ExecutionProofEnvelope.ssz_sedes.field_sedes[0]
    rows: dict[str, tuple[float, float]] = {}
    rows["hashlib.sha256(4 MiB)"] = timed(lambda: hashlib.sha256(data).digest(), repeat)
    rows["hash_tree_root(ProofData 4 MiB)"] = timed(lambda: sedes.get_hash_tree_root(data), repeat)

    world = make_world(profile=profile)
    envelope = world.envelope(1)
    envelope = envelope.copy_with(proof_data=envelope.proof_data.ljust(size - 200, b"\x00"))
    signed = world.sign(envelope, 0)
    wire = signed.encode_bytes()
    decode = profile.SignedExecutionProofEnvelope.decode_bytes
    rows["decode SignedExecutionProofEnvelope"] = timed(lambda: decode(wire), repeat)
    rows["envelope root (fresh value)"] = timed(
        lambda: decode(wire).message.hash_tree_root(), repeat
    )
    preset = world.ctx.config.preset
    domain = get_domain(world.state, containers.DOMAIN_EXECUTION_PROOF, None, preset)
    signing_root = compute_signing_root(envelope, domain)
    pubkey = world.state.validator(0).pubkey
    rows["BLS verify (milagro)"] = timed(
        lambda: world.ctx.bls.verify(pubkey, signing_root, signed.signature), repeat
    )
    proof = get_execution_proof(world.state, envelope, world.payload, ctx=world.ctx)
    rows["get_execution_proof (public input)"] = timed(
        lambda: get_execution_proof(world.state, envelope, world.payload, ctx=world.ctx), repeat
    )
    rows["engine verify (FakeProofEngine test double)"] = timed(
        lambda: world.engine.verify_execution_proof(proof), repeat
    )
    fresh_worlds = iter([make_world(profile=profile) for _ in range(repeat)])

    def full() -> None:
        fresh = next(fresh_worlds)
        validate_execution_proof_gossip(fresh.seen, fresh.store, decode(wire), fresh.engine)

    rows["decode + validate_execution_proof_gossip"] = timed(full, repeat)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    data = os.urandom(containers.MAX_PROOF_SIZE)
    print(f"layer hasher: {get_layer_hasher().__module__}.{get_layer_hasher().__name__}")
    for profile in PROFILES.values():  # warm-up: the allocator's first 4 MiB buffers page-fault
        measure(profile, data, 2)
    results = {name: measure(profile, data, args.repeat) for name, profile in PROFILES.items()}
    header = "".join(f"{name + ' med':>14}{'min':>8}" for name in results)
    print(f"{'stage (ms)':<46}{header}")
    for stage in next(iter(results.values())):
        cells = "".join(
            f"{rows[stage][0]:>14.2f}{rows[stage][1]:>8.2f}" for rows in results.values()
        )
        print(f"{stage:<46}{cells}")
    for name, rows in results.items():
        ratio = rows["hash_tree_root(ProofData 4 MiB)"][0] / rows["hashlib.sha256(4 MiB)"][0]
        print(f"{name}: ProofData root / flat sha256 (median): {ratio:.1f}x")


if __name__ == "__main__":
    main()
