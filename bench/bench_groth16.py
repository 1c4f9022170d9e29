"""Groth16 / BN254 benchmarks: the native verifier against py_ecc, on the real shared fixtures.

Run: ``python bench/bench_groth16.py [--repeat N] [--py-ecc-runs N] [--quick]``. Prints a table;
not part of the test suite. For the SP1 v4 and RISC Zero v3 fixtures it times the bare native
check (``groth16_verify``: decodes and subgroup-checks the VK on every call), the built-in
verifier kinds (``Verifier(KIND_GROTH16_*, program_vk).verify``: VK decoded once, at
construction, plus the public-input hashing), the EIP-197 pairing check with 2 and 4 pairs, the
G2 subgroup check, and the same Groth16 check written with ``py_ecc.optimized_bn128``.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from py_ecc import optimized_bn128 as _opt  # noqa: E402

from eip8025 import _native, groth16  # noqa: E402
from eip8025_spec_tests.groth16_fixtures import Groth16Fixture, load_groth16_fixture  # noqa: E402

FIXTURES = REPO.parent / "shared" / "fixtures" / "groth16"
GOAL_MS = 5.0

opt: Any = _opt  # py_ecc re-exports without __all__, which mypy --strict does not accept
P: int = opt.field_modulus
R: int = opt.curve_order


# ---------------------------------------------------------------------------------------------
# Fixture decoding
# ---------------------------------------------------------------------------------------------


def word(x: int) -> bytes:
    return x.to_bytes(32, "big")


class Fixture:
    """One Groth16 fixture, in every encoding the benchmarks need (from its loaded cases)."""

    def __init__(self, name: str, fixture: Groth16Fixture) -> None:
        valid = fixture.valid_case
        assert valid.public_inputs is not None, f"{name}: the fixture stores no public inputs"
        self.name = name
        self.kind = fixture.kind
        self.vk = fixture.vk.encode()
        self.inputs = list(valid.public_inputs)
        self.full_proof = valid.proof
        self.program_vk = valid.program_vk
        self.proof = valid.groth16_proof
        self.packed_inputs = groth16.encode_public_inputs(self.inputs)

    def pairing_input(self) -> bytes:
        """The check as 4 EIP-197 pairs: (-A, B) (alpha, beta) (L, gamma) (C, delta)."""
        vk, proof = self.vk, self.proof
        ic = [vk[448 + 64 * i : 512 + 64 * i] for i in range(len(self.inputs) + 1)]
        acc = ic[0]
        for x, point in zip(self.inputs, ic[1:], strict=True):
            acc = _native.bn254_add(acc + _native.bn254_mul(point + word(x)))
        a_x, a_y = proof[:32], int.from_bytes(proof[32:64], "big")
        neg_a = a_x + word((P - a_y) % P)
        pairs = [
            neg_a + proof[64:192],
            vk[0:64] + vk[64:192],
            acc + vk[192:320],
            proof[192:256] + vk[320:448],
        ]
        return b"".join(pairs)


def load_fixtures() -> list[Fixture]:
    out = []
    for name, file in (
        ("SP1 v4", "sp1_v4_groth16.json"),
        ("RISC Zero v3", "risc0_v3_groth16.json"),
    ):
        path = FIXTURES / file
        if not path.is_file():
            sys.exit(f"missing shared fixture {path}")
        out.append(Fixture(name, load_groth16_fixture(path)))
    return out


# ---------------------------------------------------------------------------------------------
# py_ecc reference check (the same steps as the native one)
# ---------------------------------------------------------------------------------------------


def _words(data: bytes) -> list[int]:
    return [int.from_bytes(data[i : i + 32], "big") for i in range(0, len(data), 32)]


def _py_g1(data: bytes) -> Any:
    x, y = _words(data)
    assert x < P
    assert y < P
    pt = (opt.FQ(x), opt.FQ(y), opt.FQ.one())
    assert opt.is_on_curve(pt, opt.b)
    return pt


def _py_g2(data: bytes) -> Any:
    x1, x0, y1, y0 = _words(data)
    assert max(x1, x0, y1, y0) < P
    pt = (opt.FQ2([x0, x1]), opt.FQ2([y0, y1]), opt.FQ2.one())
    assert opt.is_on_curve(pt, opt.b2)
    return pt


def py_ecc_groth16(fx: Fixture) -> bool:
    """Decode (VK pre-decoded like the Verifier kinds), check B in G2, L, one multi-pairing."""
    vk = fx.vk
    alpha, beta = _py_g1(vk[0:64]), _py_g2(vk[64:192])
    gamma, delta = _py_g2(vk[192:320]), _py_g2(vk[320:448])
    ic = [_py_g1(vk[i : i + 64]) for i in range(448, len(vk), 64)]
    a, b, c = _py_g1(fx.proof[:64]), _py_g2(fx.proof[64:192]), _py_g1(fx.proof[192:])
    if not opt.is_inf(opt.multiply(b, R)):
        return False
    if any(x >= R for x in fx.inputs) or len(ic) != len(fx.inputs) + 1:
        return False
    acc = ic[0]
    for x, point in zip(fx.inputs, ic[1:], strict=True):
        acc = opt.add(acc, opt.multiply(point, x))
    f = opt.FQ12.one()
    for q, p in ((b, opt.neg(a)), (beta, alpha), (gamma, acc), (delta, c)):
        f = f * opt.pairing(q, p, final_exponentiate=False)
    return bool(opt.final_exponentiate(f) == opt.FQ12.one())


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------


def measure(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """(median ms, min ms) per function; the functions take turns so they share machine load."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t0) * 1e3)
    return {name: (statistics.median(s), min(s)) for name, s in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=51, help="runs per native benchmark")
    parser.add_argument("--py-ecc-runs", type=int, default=3, help="runs of the py_ecc check")
    parser.add_argument("--quick", action="store_true", help="--repeat 7 --py-ecc-runs 1")
    args = parser.parse_args()
    repeat, py_runs = (7, 1) if args.quick else (args.repeat, args.py_ecc_runs)
    fixtures = load_fixtures()
    print(
        f"CPUs: {_native.CPU_COUNT}; load average: {os.getloadavg()[0]:.2f}; "
        f"native runs: {repeat}; py_ecc runs: {py_runs}"
    )
    natives: dict[str, Callable[[], object]] = {}
    verify_rows: list[str] = []
    for fx in fixtures:
        _native.groth16_verify(fx.vk, fx.proof, fx.packed_inputs)  # must accept
        label = f"{fx.name}: groth16_verify (bare, VK decoded per call)"
        natives[label] = functools.partial(
            _native.groth16_verify, fx.vk, fx.proof, fx.packed_inputs
        )
        verify_rows.append(label)
        verifier = _native.Verifier(fx.kind, fx.program_vk)
        verifier.verify(fx.full_proof)  # must accept
        label = f"{fx.name}: Verifier(kind 0x{fx.kind:x}).verify"
        natives[label] = functools.partial(verifier.verify, fx.full_proof)
        verify_rows.append(label)
    sp1 = fixtures[0]
    four = sp1.pairing_input()
    assert _native.bn254_pairing_check(four)
    two = four[:192] + sp1.proof[:192]  # e(-A, B) * e(A, B) == 1
    assert _native.bn254_pairing_check(two)
    natives["EIP-197 pairing check, 2 pairs"] = lambda: _native.bn254_pairing_check(two)
    natives["EIP-197 pairing check, 4 pairs (SP1 as pairs)"] = lambda: _native.bn254_pairing_check(
        four
    )
    proof_b = sp1.proof[64:192]
    assert _native.bn254_g2_in_subgroup(proof_b)
    natives["G2 subgroup check (proof B)"] = lambda: _native.bn254_g2_in_subgroup(proof_b)
    mul_input = sp1.proof[:64] + word(R - 12345)
    natives["EIP-196 ECMUL (G1, 254-bit scalar)"] = lambda: _native.bn254_mul(mul_input)
    rows = measure(natives, repeat)

    py_rows: dict[str, tuple[float, float]] = {}
    for fx in fixtures:
        times = []
        for _ in range(py_runs):
            t0 = time.perf_counter()
            ok = py_ecc_groth16(fx)
            times.append((time.perf_counter() - t0) * 1e3)
            assert ok, f"py_ecc rejects the {fx.name} fixture"
        py_rows[f"{fx.name}: py_ecc optimized_bn128 Groth16"] = (
            statistics.median(times),
            min(times),
        )

    width = max(len(name) for name in [*rows, *py_rows]) + 2
    print(f"{'benchmark':<{width}}{'median ms':>11}{'min ms':>11}")
    for name, (median, best) in (rows | py_rows).items():
        print(f"{name:<{width}}{median:>11.3f}{best:>11.3f}")

    print()
    for fx in fixtures:
        py_median = py_rows[f"{fx.name}: py_ecc optimized_bn128 Groth16"][0]
        for label in verify_rows:
            if label.startswith(fx.name):
                print(
                    f"speed-up over py_ecc, {label}: {py_median / rows[label][0]:,.0f}x (medians)"
                )
    worst_label = max(verify_rows, key=lambda label: rows[label][0])
    worst = rows[worst_label][0]
    verdict = "MET" if worst <= GOAL_MS else "NOT MET"
    print(
        f"goal: <= {GOAL_MS:g} ms per Groth16 verify -> {verdict} "
        f"(slowest median {worst:.3f} ms: {worst_label})"
    )


if __name__ == "__main__":
    main()
