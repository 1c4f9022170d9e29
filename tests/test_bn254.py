"""BN254 (alt_bn128) in the C extension, cross-checked against py_ecc.

Covers the field tower (Fp, Fp2, Fp6, Fp12 through the ``_bn254_field_op`` test hook), G1 through
the EIP-196 precompiles (``bn254_add``, ``bn254_mul``), G2 through ``_bn254_g2_add``,
``_bn254_g2_mul`` and ``bn254_g2_in_subgroup``, the pairing (``_bn254_pairing`` compared exactly
with ``py_ecc.optimized_bn128.pairing``), the EIP-197 check (``bn254_pairing_check``, with the 17
shared fixture cases) and the bare Groth16 check
(``groth16_verify``) on the real SP1 v4 and RISC Zero v3 fixtures. The verifier kinds (selector,
public-input hashing) are tested on every fixture case in ``test_groth16_python.py``.

Deterministic: hypothesis runs derandomized without a database, other randomness is seeded.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_ecc import bn128 as _ref
from py_ecc import optimized_bn128 as _opt
from py_ecc.fields import bn128_FQ as FQ
from py_ecc.fields import bn128_FQ2 as FQ2
from py_ecc.fields import bn128_FQ12 as FQ12
from py_ecc.fields import optimized_bn128_FQ2 as OFQ2
from py_ecc.fields import optimized_bn128_FQ12 as OFQ12

from eip8025 import _native
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures" / "groth16"

# py_ecc's package __init__ re-exports without __all__, which mypy --strict does not accept.
ref: Any = _ref
opt: Any = _opt

P: int = ref.field_modulus
R: int = ref.curve_order
H2 = 2 * P - R  # cofactor of the twist: #E'(Fp2) = r * (2p - r)
SMALL_H2_FACTOR = 10069  # the smallest prime factor of H2
U256_MAX = 2**256 - 1

Point = Any  # a py_ecc point (reference: affine tuple or None; optimized: Jacobian triple)


def _cheap(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Deterministic hypothesis settings (no example database, no deadline)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------------------------------------
# The native functions (looked up at call time: the extension may be rebuilt with more of them)
# ---------------------------------------------------------------------------------------------


def _fn(name: str) -> Callable[..., Any]:
    fn = getattr(_native, name, None)
    if fn is None:
        pytest.fail(f"eip8025._native has no {name!r} (extension built without BN254 support?)")
    return cast("Callable[..., Any]", fn)


def _as_bytes(value: object) -> bytes:
    assert isinstance(value, bytes), f"expected bytes, got {type(value).__name__}"
    return value


def _as_bool(value: object) -> bool:
    assert isinstance(value, bool), f"expected bool, got {type(value).__name__}"
    return value


def bn254_add(data: bytes) -> bytes:
    return _as_bytes(_fn("bn254_add")(data))


def bn254_mul(data: bytes) -> bytes:
    return _as_bytes(_fn("bn254_mul")(data))


def pairing_check(data: bytes) -> bool:
    return _as_bool(_fn("bn254_pairing_check")(data))


def pairing_value(data: bytes) -> bytes:
    out = _as_bytes(_fn("_bn254_pairing")(data))
    assert len(out) == 384
    return out


def field_op(degree: int, op: str, a: bytes, b: bytes | None = None) -> bytes:
    fn = _fn("_bn254_field_op")
    out = _as_bytes(fn(degree, op, a) if b is None else fn(degree, op, a, b))
    assert len(out) == 32 * degree, (degree, op, len(out))
    return out


def g2_add(p: bytes, q: bytes) -> bytes:
    out = _as_bytes(_fn("_bn254_g2_add")(p, q))
    assert len(out) == 128
    return out


def g2_mul(p: bytes, k: int) -> bytes:
    out = _as_bytes(_fn("_bn254_g2_mul")(p, word(k)))
    assert len(out) == 128
    return out


def g2_in_subgroup(p: bytes) -> bool:
    return _as_bool(_fn("bn254_g2_in_subgroup")(p))


def groth16_verify_raw(vk: bytes | bytearray, proof: bytes | bytearray, inputs: bytes) -> None:
    assert _fn("groth16_verify")(vk, proof, inputs) is None


def groth16_verify(
    vk: bytes | bytearray, proof: bytes | bytearray, public_inputs: Sequence[int]
) -> None:
    """The public inputs go in as concatenated 32-byte big-endian words (so >= r can be tried)."""
    groth16_verify_raw(vk, proof, elem(public_inputs))


def decode_reason(fn: Callable[..., object], *args: object) -> str:
    """Call ``fn(*args)``: it must fail with NativeError(status DECODE_INPUT); return its reason."""
    with pytest.raises(_native.NativeError) as info:
        fn(*args)
    assert info.value.status == "DECODE_INPUT", (info.value.status, str(info.value))
    reason = getattr(info.value, "reason", None)
    assert isinstance(reason, str), f"NativeError without a .reason: {info.value!r}"
    return reason


def groth16_reason(vk: bytes, proof: bytes, public_inputs: Sequence[int]) -> str:
    with pytest.raises(_native.NativeError) as info:
        groth16_verify(vk, proof, public_inputs)
    reason = getattr(info.value, "reason", None)
    assert isinstance(reason, str), f"NativeError without a .reason: {info.value!r}"
    # A failed pairing equation is a verification failure, anything else a decoding failure.
    assert (info.value.status == "VERIFY") == (reason == "pairing_check_fails"), (
        info.value.status,
        reason,
    )
    return reason


# ---------------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------------


def word(x: int) -> bytes:
    return x.to_bytes(32, "big")


def words(data: bytes) -> list[int]:
    assert len(data) % 32 == 0
    return [int.from_bytes(data[i : i + 32], "big") for i in range(0, len(data), 32)]


def elem(values: Sequence[int]) -> bytes:
    return b"".join(word(v) for v in values)


def canonical_words(data: bytes) -> list[int]:
    values = words(data)
    assert all(v < P for v in values), f"native output not canonical: {[hex(v) for v in values]}"
    return values


def fq12_coeffs(values: Sequence[int]) -> list[int]:
    """Our 12 Fp words (tower Fp2 -> Fp6 -> Fp12) as py_ecc's coefficients of w^0 .. w^11.

    Word 6*b + 2*a + c is component c (0 real, 1 imaginary) of coefficient a (of v^a) of b (of
    w^b); with v = w^2 that is the Fp2 coefficient of w^j, j = b + 2a; i = w^6 - 9 in py_ecc.
    """
    assert len(values) == 12
    out = [0] * 12
    for b in range(2):
        for a in range(3):
            x, y = values[6 * b + 2 * a], values[6 * b + 2 * a + 1]
            j = b + 2 * a
            out[j] = (x - 9 * y) % P
            out[j + 6] = y % P
    return out


def tower_words(coeffs: Sequence[int]) -> list[int]:
    """Inverse of fq12_coeffs."""
    out = [0] * 12
    for b in range(2):
        for a in range(3):
            j = b + 2 * a
            y = int(coeffs[j + 6]) % P
            out[6 * b + 2 * a] = (int(coeffs[j]) + 9 * y) % P
            out[6 * b + 2 * a + 1] = y
    return out


ONE12 = elem([1] + [0] * 11)


def to_ref(degree: int, values: Sequence[int]) -> Any:
    """Our degree-d element as a py_ecc reference field element (Fp6 embedded in FQ12)."""
    assert len(values) == degree
    if degree == 1:
        return FQ(values[0])
    if degree == 2:
        return FQ2(list(values))
    if degree == 6:
        return FQ12(fq12_coeffs(list(values) + [0] * 6))
    return FQ12(fq12_coeffs(values))


def native_ref(degree: int, data: bytes) -> Any:
    return to_ref(degree, canonical_words(data))


def native_opt12(data: bytes) -> Any:
    assert len(data) == 384
    return OFQ12(fq12_coeffs(canonical_words(data)))


def g1_bytes(pt: Point) -> bytes:
    """A py_ecc reference G1 point (affine or None) in EIP-196 encoding."""
    if pt is None:
        return bytes(64)
    return word(int(pt[0])) + word(int(pt[1]))


def g1_from_opt(pt: Point) -> bytes:
    if opt.is_inf(pt):
        return bytes(64)
    x, y = opt.normalize(pt)
    return word(int(x)) + word(int(y))


def g1_to_opt(data: bytes) -> Point:
    x, y = canonical_words(data)
    if x == y == 0:
        return opt.Z1
    return (opt.FQ(x), opt.FQ(y), opt.FQ.one())


def g2_bytes(pt: Point) -> bytes:
    """A py_ecc optimized G2 point (Jacobian) in EIP-197 encoding (imaginary part first)."""
    if opt.is_inf(pt):
        return bytes(128)
    x, y = opt.normalize(pt)
    return elem([int(x.coeffs[1]), int(x.coeffs[0]), int(y.coeffs[1]), int(y.coeffs[0])])


def g2_point(data: bytes) -> Point:
    x1, x0, y1, y0 = canonical_words(data)
    if x1 == x0 == y1 == y0 == 0:
        return opt.Z2
    return (OFQ2([x0, x1]), OFQ2([y0, y1]), OFQ2.one())


def g1_neg_bytes(data: bytes) -> bytes:
    x, y = words(data)
    return data if x == y == 0 else word(x) + word((P - y) % P)


def g2_neg_bytes(data: bytes) -> bytes:
    x1, x0, y1, y0 = words(data)
    if x1 == x0 == y1 == y0 == 0:
        return data
    return elem([x1, x0, (P - y1) % P, (P - y0) % P])


@functools.cache
def g1_ref(k: int) -> Point:
    return ref.multiply(ref.G1, k)


@functools.cache
def g2_opt(k: int) -> Point:
    return opt.multiply(opt.G2, k)


# ---------------------------------------------------------------------------------------------
# Fp2 square roots and twist points outside G2
# ---------------------------------------------------------------------------------------------


def fp_sqrt(a: int) -> int | None:
    s = pow(a, (P + 1) // 4, P)  # p = 3 (mod 4)
    return s if s * s % P == a % P else None


def fp2_sqrt(a0: int, a1: int) -> tuple[int, int] | None:
    """A square root of a0 + a1*i in Fp2, or None; via the norm a0^2 + a1^2."""
    norm = fp_sqrt((a0 * a0 + a1 * a1) % P)
    if norm is None:
        return None
    half = pow(2, -1, P)
    for cand in ((a0 + norm) * half % P, (a0 - norm) * half % P):
        x0 = fp_sqrt(cand)
        if x0 is None:
            continue
        if x0 == 0:
            x1 = fp_sqrt(-a0 % P)
            if x1 is None:
                continue
        else:
            x1 = a1 * pow(2 * x0, -1, P) % P
        if (x0 * x0 - x1 * x1) % P == a0 % P and 2 * x0 * x1 % P == a1 % P:
            return x0, x1
    return None


@functools.cache
def twist_point_outside_g2() -> Point:
    """The twist point with the smallest x = k + i (k >= 1); it is not in G2 (checked)."""
    for k in range(1, 1000):
        x = OFQ2([k, 1])
        rhs = x**3 + opt.b2
        root = fp2_sqrt(int(rhs.coeffs[0]), int(rhs.coeffs[1]))
        if root is None:
            continue
        pt = (x, OFQ2(list(root)), OFQ2.one())
        assert opt.is_on_curve(pt, opt.b2)
        assert not opt.is_inf(opt.multiply(pt, R)), "unexpectedly in G2"
        assert opt.is_inf(opt.multiply(pt, R * H2)), "twist order is not r * (2p - r)?"
        return pt
    raise AssertionError("no twist point found")


@functools.cache
def small_order_twist_point() -> Point:
    """A twist point of order 10069 (a prime factor of the cofactor)."""
    pt = opt.multiply(twist_point_outside_g2(), H2 // SMALL_H2_FACTOR * R)
    assert not opt.is_inf(pt)
    assert opt.is_inf(opt.multiply(pt, SMALL_H2_FACTOR))
    return pt


# ---------------------------------------------------------------------------------------------
# Fixtures (files)
# ---------------------------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    path: Path = FIXTURES / name
    assert path.is_file(), f"missing shared fixture {path}"
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


@functools.cache
def sp1() -> dict[str, Any]:
    return _load("sp1_v4_groth16.json")


@functools.cache
def risc0() -> dict[str, Any]:
    return _load("risc0_v3_groth16.json")


@functools.cache
def pairing_cases() -> list[dict[str, Any]]:
    cases = _load("bn254_pairing_cases.json")["cases"]
    assert isinstance(cases, list)
    return cases


def hx(value: str) -> int:
    return int(value, 16)


def json_g1(pt: dict[str, str]) -> bytes:
    return word(hx(pt["x"])) + word(hx(pt["y"]))


def json_g2(pt: dict[str, dict[str, str]]) -> bytes:
    x, y = pt["x"], pt["y"]
    return elem([hx(x["c1"]), hx(x["c0"]), hx(y["c1"]), hx(y["c0"])])


def vk_bytes(vk: dict[str, Any]) -> bytes:
    """The header's VK layout: alpha G1 || beta G2 || gamma G2 || delta G2 || ic[0..n] G1."""
    out = json_g1(vk["alpha_g1"]) + json_g2(vk["beta_g2"])
    out += json_g2(vk["gamma_g2"]) + json_g2(vk["delta_g2"])
    return out + b"".join(json_g1(pt) for pt in vk["ic"])


def groth16_proof(hex_proof: str) -> bytes:
    """The 256 bytes after the 4-byte selector."""
    raw = bytes.fromhex(hex_proof.removeprefix("0x"))
    assert len(raw) == 260
    return raw[4:]


def fixture_parts(name: str) -> tuple[bytes, bytes, list[int]]:
    """(VK, 256-byte proof, public inputs) of the positive case of fixture ``name``."""
    data = sp1() if name == "sp1" else risc0()
    proof_hex = data["fixture"]["proof"] if name == "sp1" else data["receipt"]["seal"]
    inputs = [hx(x) for x in data["public_inputs"]]
    return vk_bytes(data["verifying_key"]), groth16_proof(proof_hex), inputs


GROTH16 = ("sp1", "risc0")


def _negative_cases() -> list[tuple[str, str]]:
    out = []
    for name, data in (("sp1", sp1()), ("risc0", risc0())):
        for case in data["negative_cases"]:
            if "public_inputs" in case:  # the selector case has none: no selector in the bare check
                out.append((name, case["name"]))
    return out


# ---------------------------------------------------------------------------------------------
# Self-checks of the test's own conversions
# ---------------------------------------------------------------------------------------------


def test_tower_conversion_is_a_ring_isomorphism_on_py_ecc_side() -> None:
    rng = random.Random(1)
    for _ in range(5):
        a = [rng.randrange(P) for _ in range(12)]
        assert tower_words(fq12_coeffs(a)) == a
    # v = w^2 satisfies v^3 = 9 + i and w^2 = v: check in py_ecc's representation.
    v = FQ12(fq12_coeffs([0, 0, 1, 0] + [0] * 8))
    w = FQ12(fq12_coeffs([0] * 6 + [1, 0] + [0] * 4))
    nine_plus_i = FQ12(fq12_coeffs([9, 1] + [0] * 10))
    assert w * w == v
    assert v * v * v == nine_plus_i
    i = FQ12(fq12_coeffs([0, 1] + [0] * 10))
    assert i * i == FQ12(fq12_coeffs([P - 1] + [0] * 11))


def test_fixture_proof_bytes_match_decoded_points() -> None:
    for name, data in (("sp1", sp1()), ("risc0", risc0())):
        _, proof, _ = fixture_parts(name)
        dec = data["proof_decoded"]
        assert proof == json_g1(dec["a"]) + json_g2(dec["b"]) + json_g1(dec["c"]), name


# ---------------------------------------------------------------------------------------------
# Field tower
# ---------------------------------------------------------------------------------------------

DEGREES = (1, 2, 6, 12)
EDGE_FP = [
    *(0, 1, 2, 3, 9, P - 1, P - 2, P - 9, (P - 1) // 2, (P + 1) // 2),
    *(2**64 - 1, 2**64, 2**128 - 1, 2**128, 2**192 - 1, 2**192, 2**253 - 1, 2**253),
    *(P - 2**64, P - 2**128, P - 2**192, P >> 1, P >> 64),
]  # carries and borrows across 64-bit limbs


def fp_values() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(EDGE_FP), st.integers(0, P - 1))


def elements(degree: int) -> st.SearchStrategy[list[int]]:
    edge = [
        [0] * degree,
        [1] + [0] * (degree - 1),
        [P - 1] * degree,
        [0] * (degree - 1) + [1],
        [P - 1] + [0] * (degree - 1),
    ]
    return st.one_of(
        st.sampled_from(edge),
        st.lists(fp_values(), min_size=degree, max_size=degree),
        st.lists(st.integers(0, P - 1), min_size=degree, max_size=degree),
    )


def ref_inverse(x: Any) -> Any:
    return type(x).one() / x


@pytest.mark.parametrize("degree", DEGREES)
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
@_cheap(100)
@given(data=st.data())
def test_binary_field_op_matches_py_ecc(degree: int, op: str, data: st.DataObject) -> None:
    a = data.draw(elements(degree), label="a")
    b = data.draw(elements(degree), label="b")
    got = native_ref(degree, field_op(degree, op, elem(a), elem(b)))
    x, y = to_ref(degree, a), to_ref(degree, b)
    want = {"add": x + y, "sub": x - y, "mul": x * y}[op]
    assert got == want, (degree, op, a, b)


@pytest.mark.parametrize("degree", DEGREES)
@pytest.mark.parametrize("op", ["sqr", "neg", "inv"])
@_cheap(60)
@given(data=st.data())
def test_unary_field_op_matches_py_ecc(degree: int, op: str, data: st.DataObject) -> None:
    a = data.draw(elements(degree), label="a")
    x = to_ref(degree, a)
    if op == "inv" and not any(a):
        assert decode_reason(lambda: field_op(degree, op, elem(a))) == "division_by_zero"
        return
    got = native_ref(degree, field_op(degree, op, elem(a)))
    want = x * x if op == "sqr" else -x if op == "neg" else ref_inverse(x)
    assert got == want, (degree, op, a)


@pytest.mark.parametrize("degree", DEGREES)
@_cheap(50)
@given(data=st.data())
def test_field_identities(degree: int, data: st.DataObject) -> None:
    a = elem(data.draw(elements(degree), label="a"))
    b = elem(data.draw(elements(degree), label="b"))
    zero, one = elem([0] * degree), elem([1] + [0] * (degree - 1))
    assert field_op(degree, "sub", field_op(degree, "add", a, b), b) == a
    assert field_op(degree, "add", a, field_op(degree, "neg", a)) == zero
    assert field_op(degree, "sqr", a) == field_op(degree, "mul", a, a)
    assert field_op(degree, "mul", a, b) == field_op(degree, "mul", b, a)
    assert field_op(degree, "mul", a, one) == a
    if a != zero:
        inv = field_op(degree, "inv", a)
        assert field_op(degree, "mul", a, inv) == one
        assert field_op(degree, "inv", inv) == a


@pytest.mark.parametrize("degree", DEGREES)
def test_inverse_of_zero_is_division_by_zero(degree: int) -> None:
    zero = elem([0] * degree)
    assert decode_reason(lambda: field_op(degree, "inv", zero)) == "division_by_zero"


@pytest.mark.parametrize("degree", DEGREES)
def test_field_op_edge_values(degree: int) -> None:
    zero, one = elem([0] * degree), elem([1] + [0] * (degree - 1))
    minus_one = elem([P - 1] + [0] * (degree - 1))
    assert field_op(degree, "neg", zero) == zero
    assert field_op(degree, "neg", one) == minus_one
    assert field_op(degree, "add", minus_one, one) == zero
    assert field_op(degree, "sub", zero, one) == minus_one
    assert field_op(degree, "mul", minus_one, minus_one) == one
    assert field_op(degree, "sqr", minus_one) == one
    assert field_op(degree, "inv", one) == one
    assert field_op(degree, "inv", minus_one) == minus_one
    top = elem([P - 1] * degree)
    assert field_op(degree, "add", top, top) == elem([P - 2] * degree)
    assert (
        native_ref(degree, field_op(degree, "mul", top, top))
        == to_ref(degree, [P - 1] * degree) ** 2
    )


@pytest.mark.parametrize("degree", DEGREES)
def test_field_op_rejects_non_canonical(degree: int) -> None:
    good = [(7 * k + 3) % P for k in range(1, degree + 1)]
    unary = ["sqr", "neg", "inv"] + (["frob1", "frob2", "frob3", "conj"] if degree == 12 else [])
    for pos in range(degree):
        for bad_value in (P, P + 1, 2 * P, U256_MAX):
            bad = list(good)
            bad[pos] = bad_value
            for op in ("add", "sub", "mul"):
                for a, b in ((bad, good), (good, bad)):
                    reason = decode_reason(field_op, degree, op, elem(a), elem(b))
                    assert reason == "coordinate_not_less_than_p", (degree, op, pos, bad_value)
            for op in unary:
                reason = decode_reason(field_op, degree, op, elem(bad))
                assert reason == "coordinate_not_less_than_p", (degree, op, pos, bad_value)


@pytest.mark.parametrize("degree", DEGREES)
def test_field_op_rejects_wrong_lengths(degree: int) -> None:
    good = elem([1] * degree)
    for size in (0, 31, 32 * degree - 1, 32 * degree + 1, 32 * degree + 32):
        data = bytes(size)
        decode_reason(field_op, degree, "add", data, good)
        decode_reason(field_op, degree, "sqr", data)
        decode_reason(field_op, degree, "add", good, data)  # incl. a missing second operand
    decode_reason(field_op, degree, "sqr", good, good)  # a unary op given two operands


def test_field_op_rejects_unknown_degree_and_op() -> None:
    bad_calls: list[tuple[int, str]] = [
        (3, "add"),
        (4, "mul"),
        (0, "add"),
        (12, "pow"),
        (2, "frob1"),
    ]
    for degree, op in bad_calls:
        with pytest.raises((_native.NativeError, ValueError)):
            field_op(degree, op, bytes(32 * max(degree, 1)), bytes(32 * max(degree, 1)))


@_cheap(10)
@given(a=elements(12))
def test_frobenius_and_conjugation_are_powers_of_p(a: list[int]) -> None:
    x = OFQ12(fq12_coeffs(a))
    data = elem(a)
    for k in (1, 2, 3):
        got = native_opt12(field_op(12, f"frob{k}", data))
        assert got == x ** (P**k), (f"frob{k}", a)
    assert native_opt12(field_op(12, "conj", data)) == x ** (P**6), ("conj", a)


@_cheap(25)
@given(a=elements(12), b=elements(12))
def test_frobenius_identities(a: list[int], b: list[int]) -> None:
    x, y = elem(a), elem(b)

    def f(op: str, v: bytes) -> bytes:
        return field_op(12, op, v)

    assert f("frob1", f("frob1", x)) == f("frob2", x)
    assert f("frob1", f("frob2", x)) == f("frob3", x)
    assert f("frob3", f("frob3", x)) == f("conj", x)
    assert f("conj", f("conj", x)) == x
    frob_of_product = f("frob1", field_op(12, "mul", x, y))
    assert frob_of_product == field_op(12, "mul", f("frob1", x), f("frob1", y))
    twelve = x
    for _ in range(4):
        twelve = f("frob3", twelve)
    assert twelve == x
    # Fp elements are fixed by every Frobenius map.
    base = elem([a[0]] + [0] * 11)
    for op in ("frob1", "frob2", "frob3", "conj"):
        assert f(op, base) == base


def cyclotomic(data: bytes) -> bytes:
    """x^((p^6 - 1)(p^2 + 1)) computed natively: an element of the cyclotomic subgroup."""
    g = field_op(12, "mul", field_op(12, "conj", data), field_op(12, "inv", data))
    return field_op(12, "mul", field_op(12, "frob2", g), g)


@_cheap(25)
@given(a=elements(12))
def test_cyclotomic_square_on_cyclotomic_elements(a: list[int]) -> None:
    if not any(a):
        return
    c = cyclotomic(elem(a))
    assert field_op(12, "mul", field_op(12, "conj", c), c) == ONE12  # unitary
    s, t = c, c
    for _ in range(4):
        s, t = field_op(12, "cyclo_sqr", s), field_op(12, "sqr", t)
        assert s == t


# ---------------------------------------------------------------------------------------------
# G1: EIP-196 ECADD / ECMUL
# ---------------------------------------------------------------------------------------------

RELATIONS = ("random", "equal", "negated", "left_infinity", "right_infinity", "both_infinity")
EDGE_SCALARS = [
    0, 1, 2, 3, R - 2, R - 1, R, R + 1, 2 * R, 5 * R - 1, P - 1, P, P + 1,
    2**128, 2**255, U256_MAX - R, U256_MAX - 1, U256_MAX,
]  # fmt: skip


def scalars() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(EDGE_SCALARS), st.integers(0, U256_MAX), st.integers(0, R))


def two_points(relation: str, a: int, b: int) -> tuple[Point, Point]:
    pa, pb = g1_ref(a), g1_ref(b)
    return {
        "random": (pa, pb),
        "equal": (pa, pa),
        "negated": (pa, ref.neg(pa)),
        "left_infinity": (None, pb),
        "right_infinity": (pa, None),
        "both_infinity": (None, None),
    }[relation]


@_cheap(40)
@given(
    relation=st.sampled_from(RELATIONS),
    a=st.integers(1, R - 1),
    b=st.integers(1, R - 1),
)
def test_g1_add_matches_py_ecc(relation: str, a: int, b: int) -> None:
    p1, p2 = two_points(relation, a, b)
    got = bn254_add(g1_bytes(p1) + g1_bytes(p2))
    assert got == g1_bytes(ref.add(p1, p2)), (relation, a, b)
    assert bn254_add(g1_bytes(p2) + g1_bytes(p1)) == got


@_cheap(40)
@given(a=st.integers(0, R - 1), k=scalars())
def test_g1_mul_matches_py_ecc(a: int, k: int) -> None:
    pt = g1_ref(a) if a else None
    got = bn254_mul(g1_bytes(pt) + word(k))
    want = g1_bytes(None if pt is None else ref.multiply(pt, k))
    assert got == want, (a, k)


def test_g1_mul_edge_scalars_against_optimized_py_ecc() -> None:
    pt = opt.multiply(opt.G1, 0xB254)
    data = g1_from_opt(pt)
    for k in EDGE_SCALARS:
        assert bn254_mul(data + word(k)) == g1_from_opt(opt.multiply(pt, k)), k
    assert bn254_mul(data + word(R)) == bytes(64)
    assert bn254_mul(data + word(R + 5)) == bn254_mul(data + word(5))
    assert bn254_mul(g1_bytes(ref.G1) + word(2)) == bn254_add(g1_bytes(ref.G1) * 2)


def test_g1_results_are_canonical_and_on_curve() -> None:
    rng = random.Random(196)
    for _ in range(5):
        out = bn254_mul(g1_bytes(ref.G1) + word(rng.randrange(1, R)))
        x, y = canonical_words(out)
        assert ref.is_on_curve((FQ(x), FQ(y)), ref.b)


@functools.cache
def g1_point_with_zero_last_byte() -> Point:
    pt = ref.G1
    for _ in range(20000):
        pt = ref.add(pt, ref.G1)
        if int(pt[1]) % 256 == 0:
            return pt
    raise AssertionError("no multiple of G1 with y ending in 0x00")


def test_g1_add_padding_and_truncation() -> None:
    p1, p2 = g1_ref(11), g1_ref(13)
    both = g1_bytes(p1) + g1_bytes(p2)
    expected = g1_bytes(ref.add(p1, p2))
    assert bn254_add(b"") == bytes(64)
    assert bn254_add(bytes(5)) == bytes(64)
    assert bn254_add(g1_bytes(p1)) == g1_bytes(p1)  # second point zero-padded to infinity
    assert decode_reason(lambda: bn254_add(g1_bytes(p1)[:32])) == "g1_not_on_curve"  # (x, 0)
    assert bn254_add(both + b"\xff" * 64) == expected  # bytes beyond 128 ignored
    assert bn254_add(both + b"\x01") == expected
    zero_tail = g1_point_with_zero_last_byte()
    data = g1_bytes(p1) + g1_bytes(zero_tail)
    assert data[-1] == 0
    assert bn254_add(data[:-1]) == g1_bytes(ref.add(p1, zero_tail))
    stripped = data.rstrip(b"\x00")
    assert bn254_add(stripped) == g1_bytes(ref.add(p1, zero_tail))
    # Zero-padding happens before validation: G1 = (1, 2) cut to 63 bytes reads as (1, 0).
    assert decode_reason(lambda: bn254_add(g1_bytes(ref.G1)[:63])) == "g1_not_on_curve"
    assert decode_reason(lambda: bn254_add(g1_bytes(p1) + g1_bytes(ref.G1)[:63])) == (
        "g1_not_on_curve"
    )


def test_g1_mul_padding_and_truncation() -> None:
    pt = g1_ref(29)
    data = g1_bytes(pt)
    k = 0xABCDEF << 8  # last byte zero
    expected = g1_bytes(ref.multiply(pt, k))
    assert bn254_mul(b"") == bytes(64)
    assert bn254_mul(data) == bytes(64)  # scalar padded to 0
    assert bn254_mul(data + word(k)[:-1]) == expected
    assert bn254_mul(data + word(k).rstrip(b"\x00")) == expected
    assert bn254_mul(data + word(k) + b"\xff" * 33) == expected
    assert bn254_mul(data + word(3) + bytes(1)) == g1_bytes(ref.multiply(pt, 3))
    assert decode_reason(lambda: bn254_mul(g1_bytes(ref.G1)[:63])) == "g1_not_on_curve"


INVALID_G1 = [
    ((1, 3), "g1_not_on_curve"),
    ((0, 1), "g1_not_on_curve"),
    ((1, 0), "g1_not_on_curve"),
    ((P - 1, 1), "g1_not_on_curve"),
    ((1, P + 2), "coordinate_not_less_than_p"),  # congruent to G1
    ((P + 1, 2), "coordinate_not_less_than_p"),  # congruent to G1
    ((P, 0), "coordinate_not_less_than_p"),  # congruent to infinity
    ((0, P), "coordinate_not_less_than_p"),
    ((U256_MAX, U256_MAX), "coordinate_not_less_than_p"),
    ((P, 2), "coordinate_not_less_than_p"),
]


@pytest.mark.parametrize(("coords", "reason"), INVALID_G1)
def test_g1_invalid_points_rejected(coords: tuple[int, int], reason: str) -> None:
    bad = elem(coords)
    good = g1_bytes(g1_ref(5))
    assert decode_reason(lambda: bn254_add(bad + good)) == reason
    assert decode_reason(lambda: bn254_add(good + bad)) == reason
    assert decode_reason(lambda: bn254_add(bad + bytes(64))) == reason
    assert decode_reason(lambda: bn254_add(bytes(64) + bad)) == reason
    assert decode_reason(lambda: bn254_mul(bad + word(1))) == reason
    assert decode_reason(lambda: bn254_mul(bad + word(0))) == reason  # validated even for k = 0
    assert decode_reason(lambda: bn254_mul(bad)) == reason


# ---------------------------------------------------------------------------------------------
# G2 (test hooks)
# ---------------------------------------------------------------------------------------------


def two_g2_points(relation: str, a: int, b: int) -> tuple[Point, Point]:
    pa, pb = g2_opt(a), g2_opt(b)
    return {
        "random": (pa, pb),
        "equal": (pa, pa),
        "negated": (pa, opt.neg(pa)),
        "left_infinity": (opt.Z2, pb),
        "right_infinity": (pa, opt.Z2),
        "both_infinity": (opt.Z2, opt.Z2),
    }[relation]


@_cheap(25)
@given(
    relation=st.sampled_from(RELATIONS),
    a=st.integers(1, R - 1),
    b=st.integers(1, R - 1),
)
def test_g2_add_matches_py_ecc(relation: str, a: int, b: int) -> None:
    q1, q2 = two_g2_points(relation, a, b)
    got = g2_add(g2_bytes(q1), g2_bytes(q2))
    assert got == g2_bytes(opt.add(q1, q2)), (relation, a, b)
    assert g2_add(g2_bytes(q2), g2_bytes(q1)) == got


@_cheap(20)
@given(a=st.integers(1, R - 1), k=scalars())
def test_g2_mul_matches_py_ecc(a: int, k: int) -> None:
    q = g2_opt(a)
    assert g2_mul(g2_bytes(q), k) == g2_bytes(opt.multiply(q, k)), (a, k)


def test_g2_mul_edge_cases() -> None:
    gen = g2_bytes(opt.G2)
    assert g2_mul(gen, R) == bytes(128)
    assert g2_mul(gen, 0) == bytes(128)
    assert g2_mul(gen, 1) == gen
    assert g2_mul(gen, R - 1) == g2_neg_bytes(gen)
    assert g2_mul(gen, R + 1) == gen
    assert g2_mul(bytes(128), 12345) == bytes(128)
    assert g2_mul(gen, 2) == g2_add(gen, gen)
    assert g2_add(gen, g2_neg_bytes(gen)) == bytes(128)
    assert g2_add(bytes(128), gen) == gen


def test_g2_arithmetic_outside_the_subgroup_is_not_reduced_mod_r() -> None:
    q = twist_point_outside_g2()
    s = small_order_twist_point()
    qb, sb = g2_bytes(q), g2_bytes(s)
    for k in (R, R + 1, H2, SMALL_H2_FACTOR, 2 * R + 7, U256_MAX):
        assert g2_mul(qb, k) == g2_bytes(opt.multiply(q, k)), k
    assert g2_mul(qb, R) != bytes(128)
    assert g2_mul(sb, SMALL_H2_FACTOR) == bytes(128)
    assert g2_mul(sb, SMALL_H2_FACTOR + 1) == sb
    assert g2_add(qb, sb) == g2_bytes(opt.add(q, s))
    assert g2_add(qb, qb) == g2_bytes(opt.double(q))


def fixture_b_point() -> bytes:
    case = next(c for c in risc0()["negative_cases"] if c["name"] == "b_not_in_subgroup")
    return json_g2(case["b_point"])


def test_g2_subgroup_check() -> None:
    assert g2_in_subgroup(bytes(128))
    assert g2_in_subgroup(g2_bytes(opt.G2))
    rng = random.Random(197)
    for _ in range(4):
        assert g2_in_subgroup(g2_bytes(g2_opt(rng.randrange(1, R))))
    q = twist_point_outside_g2()
    s = small_order_twist_point()
    outside = {
        "fixture b_point": fixture_b_point(),
        "x = k + i": g2_bytes(q),
        "-(x = k + i)": g2_bytes(opt.neg(q)),
        "order 10069": g2_bytes(s),
        "G2 + order 10069": g2_bytes(opt.add(opt.G2, s)),
        "r * q (order | h)": g2_bytes(opt.multiply(q, R)),
    }
    for label, data in outside.items():
        assert not g2_in_subgroup(data), label
    cleared = opt.multiply(q, H2)  # cofactor clearing lands in G2
    assert opt.is_inf(opt.multiply(cleared, R))
    assert g2_in_subgroup(g2_bytes(cleared))
    fixture_q = g2_point(fixture_b_point())
    assert opt.is_on_curve(fixture_q, opt.b2)
    assert not opt.is_inf(opt.multiply(fixture_q, R))


def test_g2_invalid_points_rejected() -> None:
    gen = words(g2_bytes(opt.G2))
    not_on_curve = list(gen)
    not_on_curve[3] = (not_on_curve[3] + 1) % P
    swapped = [gen[1], gen[0], gen[3], gen[2]]
    cases: list[tuple[list[int], str]] = [
        (not_on_curve, "g2_not_on_curve"),
        (swapped, "g2_not_on_curve"),
    ]
    cases.append(([0, 0, 0, 1], "g2_not_on_curve"))
    for pos in range(4):
        for bad_value in (P, gen[pos] + P, U256_MAX):
            bad = list(gen)
            bad[pos] = bad_value
            cases.append((bad, "coordinate_not_less_than_p"))
    for coords, reason in cases:
        bad_bytes = elem(coords)
        assert decode_reason(g2_add, bad_bytes, elem(gen)) == reason, coords
        assert decode_reason(g2_add, elem(gen), bad_bytes) == reason, coords
        assert decode_reason(g2_mul, bad_bytes, 3) == reason, coords
        assert decode_reason(g2_mul, bad_bytes, 0) == reason, coords
        assert decode_reason(g2_in_subgroup, bad_bytes) == reason, coords


# ---------------------------------------------------------------------------------------------
# Pairing
# ---------------------------------------------------------------------------------------------


def fp12_pow(x: bytes, e: int) -> bytes:
    out = ONE12
    for bit in bin(e)[2:]:
        out = field_op(12, "sqr", out)
        if bit == "1":
            out = field_op(12, "mul", out, x)
    return out


def pair(g1: bytes, g2: bytes) -> bytes:
    assert len(g1) == 64
    assert len(g2) == 128
    return g1 + g2


def test_pairing_equals_py_ecc_exactly() -> None:
    rng = random.Random(8025)
    # e(G1, G2)
    got = native_opt12(pairing_value(pair(g1_from_opt(opt.G1), g2_bytes(opt.G2))))
    want = opt.pairing(opt.G2, opt.G1)
    assert got == want, "e(G1, G2) differs from py_ecc"
    # One pairing of random points.
    s, t = rng.randrange(1, R), rng.randrange(1, R)
    p0, q0 = opt.multiply(opt.G1, s), opt.multiply(opt.G2, t)
    got = native_opt12(pairing_value(pair(g1_from_opt(p0), g2_bytes(q0))))
    want = opt.pairing(q0, p0)
    assert got == want, f"e(sG1, tG2) differs from py_ecc: s, t = {s}, {t}"
    # A product of two pairings of random points.
    a, b, c, d = (rng.randrange(1, R) for _ in range(4))
    p1, q1 = opt.multiply(opt.G1, a), opt.multiply(opt.G2, b)
    p2, q2 = opt.multiply(opt.G1, c), opt.multiply(opt.G2, d)
    data = pair(g1_from_opt(p1), g2_bytes(q1)) + pair(g1_from_opt(p2), g2_bytes(q2))
    got = native_opt12(pairing_value(data))
    want = opt.pairing(q1, p1) * opt.pairing(q2, p2)
    assert got == want, f"e(aG1, bG2) * e(cG1, dG2) differs from py_ecc: a,b,c,d = {a},{b},{c},{d}"


def test_pairing_of_nothing_and_of_infinity_is_one() -> None:
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    assert pairing_value(b"") == ONE12
    assert pairing_value(pair(bytes(64), gen2)) == ONE12
    assert pairing_value(pair(gen1, bytes(128))) == ONE12
    assert pairing_value(pair(bytes(64), bytes(128))) == ONE12
    single = pairing_value(pair(gen1, gen2))
    padded = pair(bytes(64), gen2) + pair(gen1, gen2) + pair(gen1, bytes(128))
    assert pairing_value(padded) == single


def test_pairing_bilinearity_and_non_degeneracy() -> None:
    rng = random.Random(254)
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    base = pairing_value(pair(gen1, gen2))
    assert base != ONE12  # non-degenerate
    assert fp12_pow(base, R) == ONE12  # in mu_r
    assert field_op(12, "conj", base) == field_op(12, "inv", base)  # unitary
    for _ in range(2):
        s, t, a, b = (rng.randrange(2, R) for _ in range(4))
        p = bn254_mul(gen1 + word(s))
        q = g2_mul(gen2, t)
        e_pq = pairing_value(pair(p, q))
        assert e_pq == fp12_pow(base, s * t % R)
        ab = a * b % R
        e_ab = pairing_value(pair(bn254_mul(p + word(a)), g2_mul(q, b)))
        assert e_ab == fp12_pow(e_pq, ab), (s, t, a, b)
        assert pairing_value(pair(bn254_mul(p + word(ab)), q)) == e_ab
        assert pairing_value(pair(p, g2_mul(q, ab))) == e_ab
        # Linearity in each argument: e(P1 + P2, Q) = e(P1, Q) e(P2, Q).
        p2 = bn254_mul(gen1 + word(a))
        lhs = pairing_value(pair(bn254_add(p + p2), q))
        assert lhs == field_op(12, "mul", e_pq, pairing_value(pair(p2, q)))
        assert lhs == pairing_value(pair(p, q) + pair(p2, q))


def test_cyclotomic_square_on_pairing_outputs() -> None:
    rng = random.Random(12)
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    for _ in range(3):
        p = bn254_mul(gen1 + word(rng.randrange(1, R)))
        q = g2_mul(gen2, rng.randrange(1, R))
        f = pairing_value(pair(p, q))
        s = t = f
        for _ in range(5):
            s, t = field_op(12, "cyclo_sqr", s), field_op(12, "sqr", t)
            assert s == t


def test_pairing_check_relations() -> None:
    rng = random.Random(197197)
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    a, b = rng.randrange(2, R), rng.randrange(2, R)
    p, q = bn254_mul(gen1 + word(rng.randrange(1, R))), g2_mul(gen2, rng.randrange(1, R))
    assert pairing_check(b"")
    assert not pairing_check(pair(p, q))
    assert pairing_check(pair(p, q) + pair(g1_neg_bytes(p), q))
    assert pairing_check(pair(p, q) + pair(p, g2_neg_bytes(q)))
    assert not pairing_check(pair(p, q) + pair(p, q))
    ap, bq = bn254_mul(p + word(a)), g2_mul(q, b)
    neg_abp = g1_neg_bytes(bn254_mul(p + word(a * b % R)))
    assert pairing_check(pair(ap, bq) + pair(neg_abp, q))
    assert not pairing_check(
        pair(ap, bq) + pair(g1_neg_bytes(bn254_mul(p + word((a * b + 1) % R))), q)
    )
    mixed = pair(bytes(64), q) + pair(ap, bq) + pair(p, bytes(128)) + pair(neg_abp, q)
    assert pairing_check(mixed)
    assert pairing_check(pair(bytes(64), bytes(128)) * 3)
    # e(P, Q)^r == 1 through the check: r copies would be too long, use e(P, rQ') = 1 trivially
    # and e(P, Q) e(P, Q)^(r-1) = 1 via scalar (r - 1) on G1.
    assert pairing_check(pair(p, q) + pair(bn254_mul(p + word(R - 1)), q))


def test_pairing_check_agrees_with_pairing_value() -> None:
    for case in pairing_cases():
        if case["error"] is None:
            data = bytes.fromhex(case["input"])
            assert (pairing_value(data) == ONE12) is case["expected"], case["name"]


def _pairing_reason(data: bytes) -> str:
    reason = decode_reason(lambda: pairing_check(data))
    assert decode_reason(lambda: pairing_value(data)) == reason
    return reason


def test_pairing_input_errors() -> None:
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    good = pair(gen1, gen2)
    for size in (1, 32, 191, 193, 383, 385):
        data = (good * 3)[:size]
        assert _pairing_reason(data) == "input_length_not_multiple_of_192", size
    for pos in range(6):
        for bad_value in (P, words(good)[pos] + P, U256_MAX):
            values = words(good)
            values[pos] = bad_value
            data = elem(values)
            assert _pairing_reason(data) == "coordinate_not_less_than_p", (pos, bad_value)
            assert _pairing_reason(good + data) == "coordinate_not_less_than_p", (pos, bad_value)
    not_on_g1 = elem([1, 3])
    gen2_words = words(gen2)
    not_on_g2 = elem([*gen2_words[:3], (gen2_words[3] + 1) % P])
    outside = [fixture_b_point(), g2_bytes(small_order_twist_point())]
    assert _pairing_reason(pair(not_on_g1, gen2)) == "g1_not_on_curve"
    assert _pairing_reason(good + pair(not_on_g1, gen2)) == "g1_not_on_curve"
    assert _pairing_reason(pair(not_on_g1, bytes(128))) == "g1_not_on_curve"
    assert _pairing_reason(pair(gen1, not_on_g2)) == "g2_not_on_curve"
    assert _pairing_reason(pair(bytes(64), not_on_g2)) == "g2_not_on_curve"
    assert _pairing_reason(good + pair(gen1, not_on_g2)) == "g2_not_on_curve"
    for q in outside:
        assert _pairing_reason(pair(gen1, q)) == "g2_not_in_subgroup"
        assert _pairing_reason(pair(bytes(64), q)) == "g2_not_in_subgroup"  # even if G1 is O
        assert _pairing_reason(good + pair(gen1, q)) == "g2_not_in_subgroup"


def test_pairing_fixture_has_17_cases() -> None:
    assert len(pairing_cases()) == 17


@pytest.mark.parametrize("index", range(17))
def test_pairing_fixture_case(index: int) -> None:
    case = pairing_cases()[index]
    data = bytes.fromhex(case["input"])
    if case["error"] is None:
        assert pairing_check(data) is case["expected"], case["name"]
    else:
        assert decode_reason(lambda: pairing_check(data)) == case["error"], case["name"]


# ---------------------------------------------------------------------------------------------
# Groth16 (bare check)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_fixture_verifies(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    groth16_verify(vk, proof, inputs)
    groth16_verify(bytearray(vk), bytearray(proof), inputs)


@pytest.mark.parametrize(("name", "case_name"), _negative_cases())
def test_groth16_negative_fixture_case(name: str, case_name: str) -> None:
    data = sp1() if name == "sp1" else risc0()
    case = next(c for c in data["negative_cases"] if c["name"] == case_name)
    vk = vk_bytes(data["verifying_key"])
    proof = groth16_proof(case["proof"] if name == "sp1" else case["seal"])
    inputs = [hx(x) for x in case["public_inputs"]]
    assert groth16_reason(vk, proof, inputs) == case["failure_reason"]


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_public_input_range(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    for index, value in enumerate(inputs):
        for bad in {R, value + R, U256_MAX, 2**254}:
            changed = list(inputs)
            changed[index] = bad
            reason = groth16_reason(vk, proof, changed)
            assert reason == "public_input_not_less_than_r", (index, hex(bad))
        changed = list(inputs)
        changed[index] = R - 1 if value != R - 1 else 0
        assert groth16_reason(vk, proof, changed) == "pairing_check_fails", index


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_public_input_count(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    for changed in (inputs[:-1], [*inputs, 0], [], [*inputs, *inputs]):
        assert groth16_reason(vk, proof, changed) == "wrong_public_input_count", len(changed)
    # The inputs are one buffer of 32-byte words: a partial word is a count error.
    for size in (1, 31, 33):
        raw = elem(inputs)[:-size] if size < 32 else elem(inputs) + bytes(size - 32)
        with pytest.raises(_native.NativeError) as info:
            groth16_verify_raw(vk, proof, raw)
        assert getattr(info.value, "reason", None) == "wrong_public_input_count", size
    # n follows from the VK length: one more ic point needs one more input.
    longer_vk = vk + vk[-64:]
    assert groth16_reason(longer_vk, proof, inputs) == "wrong_public_input_count"


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_proof_length(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    data = sp1() if name == "sp1" else risc0()
    selector = bytes.fromhex(data["proof_decoded"]["selector"][2:])
    for bad in (b"", proof[:64], proof[:-1], proof + b"\x00", selector + proof, proof * 2):
        assert groth16_reason(vk, bad, inputs) == "wrong_length", len(bad)


def _proof_group_reason(index: int) -> str:
    return "a_not_on_curve" if index < 2 else "b_not_on_curve" if index < 6 else "c_not_on_curve"


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_single_word_corruptions(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    original = words(proof)
    for index, value in enumerate(original):
        for bad, reason in (
            (P, "coordinate_not_less_than_p"),
            (U256_MAX, "coordinate_not_less_than_p"),
            (value + P, "coordinate_not_less_than_p"),  # congruent to the valid proof
            (value ^ 1, _proof_group_reason(index)),
            ((value + 1) % P, _proof_group_reason(index)),
            (P - 1, _proof_group_reason(index)),
            (0, _proof_group_reason(index)),
        ):
            if bad >= 2**256:
                continue
            corrupted = list(original)
            corrupted[index] = bad
            got = groth16_reason(vk, elem(corrupted), inputs)
            assert got == reason, (index, hex(bad), got)


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_points_at_infinity_and_wrong_valid_points(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    a, b, c = proof[:64], proof[64:192], proof[192:]
    for bad in (bytes(64) + b + c, a + bytes(128) + c, a + b + bytes(64)):
        assert groth16_reason(vk, bad, inputs) == "point_at_infinity"
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    for bad in (
        gen1 + b + c,
        a + gen2 + c,
        a + b + gen1,
        c + b + a,
        a + b + g1_neg_bytes(c),
        a + g2_neg_bytes(b) + c,
        g1_neg_bytes(a) + b + c,
    ):
        assert groth16_reason(vk, bad, inputs) == "pairing_check_fails"
    # e(-A, -B) = e(A, B): Groth16 proofs are malleable, and this one must verify.
    groth16_verify(vk, g1_neg_bytes(a) + g2_neg_bytes(b) + c, inputs)


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_bad_verifying_key(name: str) -> None:
    vk, proof, inputs = fixture_parts(name)
    n_ic = (len(vk) - 448) // 64
    bad_vks: dict[str, bytes] = {
        "truncated": vk[:-1],
        "one byte more": vk + b"\x00",
        "no ic": vk[:448],
        "alpha not on curve": elem([1, 3]) + vk[64:],
        "alpha coordinate >= p": word(P) + vk[32:],
        "beta not in subgroup": vk[:64] + fixture_b_point() + vk[192:],
        "gamma not on curve": vk[:192] + elem([0, 0, 0, 1]) + vk[320:],
        "delta at infinity": vk[:320] + bytes(128) + vk[448:],
        "alpha at infinity": bytes(64) + vk[64:],
        "last ic at infinity": vk[:-64] + bytes(64),
        "ic[0] not on curve": vk[:448] + elem([1, 3]) + vk[512:],
    }
    assert n_ic == len(inputs) + 1
    for label, bad in bad_vks.items():
        reason = groth16_reason(bad, proof, inputs)
        if label in ("truncated", "one byte more"):
            assert reason in ("bad_verifying_key", "wrong_length"), (label, reason)
        elif label == "no ic":
            assert reason in ("bad_verifying_key", "wrong_public_input_count"), (label, reason)
        else:
            assert reason == "bad_verifying_key", (label, reason)


def test_groth16_vk_of_one_fixture_rejects_the_other_proof() -> None:
    sp1_vk, sp1_proof, sp1_inputs = fixture_parts("sp1")
    r0_vk, r0_proof, r0_inputs = fixture_parts("risc0")
    assert groth16_reason(sp1_vk, r0_proof, sp1_inputs) == "pairing_check_fails"
    assert groth16_reason(r0_vk, sp1_proof, r0_inputs) == "pairing_check_fails"


# ---------------------------------------------------------------------------------------------
# Buffers and threads
# ---------------------------------------------------------------------------------------------


def test_every_function_accepts_bytes_like_inputs() -> None:
    vk, proof, inputs = fixture_parts("sp1")
    gen1, gen2 = g1_from_opt(opt.G1), g2_bytes(opt.G2)
    four = bytes.fromhex(pairing_cases()[6]["input"])
    assert pairing_cases()[6]["name"] == "sp1_v4_groth16_as_pairing"
    for convert in (bytearray, memoryview):
        assert _fn("bn254_add")(convert(gen1 + gen1)) == bn254_add(gen1 + gen1)
        assert _fn("bn254_mul")(convert(gen1 + word(7))) == bn254_mul(gen1 + word(7))
        assert _fn("bn254_pairing_check")(convert(four)) is True
        assert _fn("_bn254_pairing")(convert(gen1 + gen2)) == pairing_value(gen1 + gen2)
        assert _fn("_bn254_g2_add")(convert(gen2), convert(gen2)) == g2_add(gen2, gen2)
        assert _fn("_bn254_g2_mul")(convert(gen2), convert(word(5))) == g2_mul(gen2, 5)
        assert _fn("bn254_g2_in_subgroup")(convert(gen2)) is True
        a, b = elem(range(1, 13)), elem(range(13, 25))
        assert _fn("_bn254_field_op")(12, "mul", convert(a), convert(b)) == field_op(
            12, "mul", a, b
        )
        assert _fn("groth16_verify")(convert(vk), convert(proof), convert(elem(inputs))) is None


def test_concurrent_calls_keep_their_own_results_and_reasons() -> None:
    """The pairing-heavy calls release the GIL; results and reasons must not leak across threads."""
    vk, proof, inputs = fixture_parts("sp1")
    r0_vk, r0_proof, r0_inputs = fixture_parts("risc0")
    tampered = [inputs[0], inputs[1] ^ 1]
    bad_c = proof[:-1] + bytes([proof[-1] ^ 1])
    four_ok = bytes.fromhex(pairing_cases()[6]["input"])
    four_bad = bytes.fromhex(pairing_cases()[7]["input"])
    assert pairing_cases()[7]["name"] == "sp1_v4_groth16_wrong_digest"

    def outcome(fn: Callable[[], object]) -> object:
        try:
            return fn()
        except _native.NativeError as exc:
            return getattr(exc, "reason", None)

    jobs: list[tuple[Callable[[], object], object]] = [
        (lambda: groth16_verify(vk, proof, inputs), None),
        (lambda: groth16_verify(vk, proof, tampered), "pairing_check_fails"),
        (lambda: groth16_verify(vk, bad_c, inputs), "c_not_on_curve"),
        (lambda: groth16_verify(r0_vk, r0_proof, r0_inputs), None),
        (lambda: groth16_verify(vk, proof, [R, inputs[1]]), "public_input_not_less_than_r"),
        (lambda: pairing_check(four_ok), True),
        (lambda: pairing_check(four_bad), False),
        (lambda: pairing_check(four_ok[:-1]), "input_length_not_multiple_of_192"),
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(outcome, jobs[i % len(jobs)][0]) for i in range(8 * len(jobs))]
        results = [f.result() for f in futures]
    assert results == [jobs[i % len(jobs)][1] for i in range(8 * len(jobs))]
