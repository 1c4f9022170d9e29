"""Native-layer benchmarks: merkle layers and roots vs flat SHA-256, SHA-NI vs portable, mocks.

Run: ``python bench/bench_native.py [--repeat N]``. Prints a table; not part of the test suite.
The mock backends timed here are NOT zero-knowledge proofs (see csrc/include/).
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

from eip8025 import _native, containers
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.ssz import merkle

MIB4 = containers.MAX_PROOF_SIZE


def timed_together(
    fns: dict[str, Callable[[], object]], repeat: int
) -> dict[str, tuple[float, float]]:
    """Median and min ms of each function, run round-robin so all see the same machine load."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm up (page faults, lazy init)
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: (statistics.median(s), min(s)) for name, s in samples.items()}


def with_threads(threads: int, fn: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        saved = _native.get_hash_threads()
        _native.set_hash_threads(threads)
        try:
            return fn()
        finally:
            _native.set_hash_threads(saved)

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    repeat = args.repeat
    data = os.urandom(MIB4)
    sedes = PROFILE.ExecutionProofEnvelope.ssz_sedes.field_sedes[0]
    threads = _native.get_hash_threads()
    print(
        f"SHA-256 implementation: {_native.SHA256_IMPL}; CPUs: {_native.CPU_COUNT}; "
        f"hash_layer default threads: {threads}; load average: {os.getloadavg()[0]:.2f}"
    )
    rows: dict[str, tuple[float, float]] = {}

    def flat() -> bytes:
        return hashlib.sha256(data).digest()

    def root() -> bytes:
        return bytes(sedes.get_hash_tree_root(data))

    merkle.set_layer_hasher(_native.hash_layer)
    rows |= timed_together(
        {
            "hashlib.sha256(4 MiB) flat": flat,
            f"hash_layer(4 MiB) default ({threads} threads)": lambda: _native.hash_layer(data),
            "hash_layer(4 MiB) sha-ni, 1 thread": lambda: _native._hash_layer_impl(data),
            "hash_layer(4 MiB) sha-ni, 2 threads": lambda: _native._hash_layer_impl(
                data, threads=2
            ),
            "hash_layer(4 MiB) portable, 1 thread": lambda: _native._hash_layer_impl(
                data, portable=True
            ),
            "hash_layer(4 MiB) portable, 2 threads": lambda: _native._hash_layer_impl(
                data, portable=True, threads=2
            ),
            "ProofData root (4 MiB) native, 1 thread": with_threads(1, root),
            "ProofData root (4 MiB) native, 2 threads": with_threads(2, root),
        },
        repeat,
    )
    merkle.set_layer_hasher(None)
    try:
        rows |= timed_together(
            {
                "hash_layer(4 MiB) pure-Python reference": lambda: merkle._hash_layer_python(data),
                "ProofData root (4 MiB) pure-Python hasher": root,
            },
            3,
        )
    finally:
        merkle.set_layer_hasher(_native.hash_layer)

    public_input = containers.PublicInput(
        new_payload_request_root=hashlib.sha256(b"bench").digest(),
        successful_validation=True,
        chain_id=1,
        schema_id=containers.STATELESS_INPUT_SCHEMA_ID,
    ).encode_bytes()
    vk = b"bench-program-vk"
    verifier = _native.Verifier(_native.KIND_MOCK, vk)
    mocks: dict[str, Callable[[], object]] = {}
    for label, size in (("128 KiB", _native.MOCK_DEFAULT_PROOF_SIZE), ("4 MiB", MIB4)):
        prover = _native.Prover(_native.KIND_MOCK, vk, proof_size=size)
        proof, _ = prover.prove(public_input)
        mocks[f"mock prove ({label} proof)"] = lambda p=prover: p.prove(public_input)
        mocks[f"mock verify ({label} proof)"] = lambda p=proof: verifier.verify(p)
    zk_prover = _native.Prover(_native.KIND_ZKBOOST_MOCK, b"")
    zk_verifier = _native.Verifier(_native.KIND_ZKBOOST_MOCK, b"")
    zk_proof, _ = zk_prover.prove(public_input)
    mocks["zkboost-mock prove (128 KiB proof)"] = lambda: zk_prover.prove(public_input)
    mocks["zkboost-mock verify (128 KiB proof)"] = lambda: zk_verifier.verify(zk_proof)
    rows |= timed_together(mocks, repeat)

    print(f"{'benchmark':<50}{'median ms':>11}{'min ms':>9}")
    for name, (median, best) in rows.items():
        print(f"{name:<50}{median:>11.3f}{best:>9.3f}")
    base = rows["hashlib.sha256(4 MiB) flat"]
    for name in (
        "hash_layer(4 MiB) sha-ni, 1 thread",
        "hash_layer(4 MiB) sha-ni, 2 threads",
        "ProofData root (4 MiB) native, 1 thread",
        "ProofData root (4 MiB) native, 2 threads",
    ):
        median, best = rows[name]
        print(
            f"{name} / flat sha256: {median / base[0]:.2f}x (medians), {best / base[1]:.2f}x (mins)"
        )
    portable, shani = (
        rows["hash_layer(4 MiB) portable, 1 thread"],
        rows["hash_layer(4 MiB) sha-ni, 1 thread"],
    )
    print(f"SHA-NI speed-up over portable C (1 thread, medians): {portable[0] / shani[0]:.1f}x")


if __name__ == "__main__":
    main()
