"""Tests for eip8025.bls: reference vectors, milagro/py_ecc agreement and edge cases."""

from __future__ import annotations

import ast
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from py_ecc.bls.g2_primitives import G1_to_pubkey, G2_to_signature, pubkey_to_G1, signature_to_G2
from py_ecc.bls.hash_to_curve import hash_to_G2
from py_ecc.bls.point_compression import modular_squareroot_in_FQ2
from py_ecc.optimized_bls12_381 import (
    FQ,
    FQ2,
    FQ12,
    G1,
    add,
    b,
    b2,
    curve_order,
    field_modulus,
    final_exponentiate,
    is_inf,
    is_on_curve,
    multiply,
    neg,
)
from py_ecc.optimized_bls12_381.optimized_pairing import miller_loop

from eip8025 import bls

REFERENCE_PATH = (
    Path(__file__).resolve().parents[1].parent / "shared" / "vectors" / "bls_reference.json"
)

P = field_modulus
R = curve_order
# Cofactor of G1 in E(F_p): #E(F_p) = H1 * r.
H1 = 0x396C8C005555E1568C00AAAB0000AAAB
H1_PRIMES = (3, 11, 10177, 859267, 52437899)

INF_PK = b"\xc0" + b"\x00" * 47
INF_SIG = b"\xc0" + b"\x00" * 95

BACKENDS = [bls.get_backend(name) for name in bls.BACKEND_NAMES]
BACKEND_IDS = [backend.name for backend in BACKENDS]
backend_param = pytest.mark.parametrize("backend", BACKENDS, ids=BACKEND_IDS)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _other_message(message: bytes) -> bytes:
    """A message different from ``message`` (last bit flipped, or one byte if empty)."""
    if not message:
        return b"\x00"
    return message[:-1] + bytes([message[-1] ^ 0x01])


def _g1_point(x: int) -> tuple[FQ, FQ, FQ]:
    """First point of E(F_p) with x coordinate >= x (arbitrary subgroup components)."""
    while True:
        rhs = (x**3 + 4) % P
        y = pow(rhs, (P + 1) // 4, P)
        if y * y % P == rhs:
            return FQ(x), FQ(y), FQ.one()
        x += 1


def _g1_off_curve_x(start: int) -> int:
    """Smallest x >= start for which x^3 + 4 is not a square (no curve point has it)."""
    x = start
    while pow((x**3 + 4) % P, (P - 1) // 2, P) == 1:
        x += 1
    return x


def _g2_point(c0: int) -> tuple[FQ2, FQ2, FQ2]:
    """First point of E'(F_p^2) with x = (c0 + k) + i, k >= 0 (generally not in G2)."""
    while True:
        x = FQ2([c0, 1])
        y = modular_squareroot_in_FQ2(x**3 + b2)
        if y is not None:
            return x, y, FQ2.one()
        c0 += 1


def _pk_flags(x: int, flags: int) -> bytes:
    raw = bytearray(x.to_bytes(48, "big"))
    raw[0] |= flags
    return bytes(raw)


def _raw_pairing_check(pk_point: Any, message: bytes, sig_point: Any) -> bool:
    """e(pk, H(m)) == e(g1, sig), with NO subgroup or infinity checks."""
    h = hash_to_G2(message, bls.DST, hashlib.sha256)
    product = miller_loop(h, pk_point, False) * miller_loop(sig_point, neg(G1), False)
    return bool(final_exponentiate(product) == FQ12.one())


@dataclass(frozen=True)
class Crafted:
    """Inputs for the edge-case tests, built once (with milagro and py_ecc point arithmetic)."""

    sk: int
    pk: bytes
    msg: bytes
    sig: bytes
    other_sig: bytes
    pk_plus_torsion: bytes
    torsion_pk: bytes
    order3_pk: bytes
    order_l_pks: dict[int, bytes]
    pk_plus_order_l: dict[int, bytes]
    off_curve_pk: bytes
    non_canonical_pk: bytes
    sig_plus_torsion: bytes
    sig_off_curve: bytes


@cache
def crafted() -> Crafted:
    milagro = bls.get_backend("milagro")
    msg = b"eip8025 bls edge cases"
    # A key whose x coordinate leaves room for x + p < 2^381 (a non-canonical encoding).
    sk = 0x1234_5678_9ABC_DEF0
    while True:
        pk = milagro.sk_to_pk(sk)
        x = int.from_bytes(pk, "big") & ((1 << 381) - 1)
        if x + P < (1 << 381):
            break
        sk += 1
    sig = milagro.sign(sk, msg)
    pk_point = pubkey_to_G1(pk)
    sig_point = signature_to_G2(sig)

    torsion = multiply(_g1_point(7), R)  # order divides the cofactor
    assert not is_inf(torsion)
    assert is_on_curve(torsion, b)
    order3 = (FQ(0), FQ(2), FQ.one())
    assert is_inf(multiply(order3, 3))
    order_l_points = {}
    for i, ell in enumerate(H1_PRIMES):
        ell_part = ell ** (2 if ell != 3 else 1)  # H1 = 3 * 11^2 * 10177^2 * ...
        assert H1 % ell_part == 0
        assert (H1 // ell_part) % ell != 0
        point = multiply(_g1_point(1000 + 7919 * i), R * (H1 // ell_part))  # l-primary part
        while not is_inf(multiply(point, ell)):
            point = multiply(point, ell)
        assert not is_inf(point)
        assert is_inf(multiply(point, ell))
        order_l_points[ell] = point

    g2_torsion = multiply(_g2_point(3), R)
    assert not is_inf(g2_torsion)
    assert is_on_curve(g2_torsion, b2)

    c0 = 5
    while modular_squareroot_in_FQ2(FQ2([c0, 1]) ** 3 + b2) is not None:
        c0 += 1
    sig_off_curve = _pk_flags(1, 0x80) + c0.to_bytes(48, "big")

    return Crafted(
        sk=sk,
        pk=pk,
        msg=msg,
        sig=sig,
        other_sig=milagro.sign(sk + 1, msg),
        pk_plus_torsion=bytes(G1_to_pubkey(add(pk_point, torsion))),
        torsion_pk=bytes(G1_to_pubkey(torsion)),
        order3_pk=bytes(G1_to_pubkey(order3)),
        order_l_pks={ell: bytes(G1_to_pubkey(pt)) for ell, pt in order_l_points.items()},
        pk_plus_order_l={
            ell: bytes(G1_to_pubkey(add(pk_point, pt))) for ell, pt in order_l_points.items()
        },
        off_curve_pk=_pk_flags(_g1_off_curve_x(1), 0x80),
        non_canonical_pk=_pk_flags(x + P, pk[0] & 0xE0),
        sig_plus_torsion=bytes(G2_to_signature(add(sig_point, g2_torsion))),
        sig_off_curve=sig_off_curve,
    )


# ---------------------------------------------------------------------------------------------
# Reference vectors (consensus-specs pyspec BLS backend)
# ---------------------------------------------------------------------------------------------


def _load_reference() -> dict[str, Any] | None:
    if not REFERENCE_PATH.is_file():
        return None
    data: dict[str, Any] = json.loads(REFERENCE_PATH.read_text())
    return data


REFERENCE = _load_reference()
VECTOR_PARAMS = (
    [pytest.param(v, id=f"vector{i}") for i, v in enumerate(REFERENCE["vectors"])]
    if REFERENCE is not None
    else [pytest.param(None, id="reference-file-missing")]
)


def _require_reference() -> dict[str, Any]:
    if REFERENCE is None:
        pytest.fail(f"BLS reference vectors not found at {REFERENCE_PATH}")
    return REFERENCE


def test_reference_file_shape() -> None:
    ref = _require_reference()
    assert ref["ciphersuite_dst"].encode() == bls.DST
    assert len(ref["vectors"]) >= 1
    for vector in ref["vectors"]:
        assert set(vector) >= {
            "privkey",
            "pubkey",
            "message",
            "signature",
            "verify",
            "verify_wrong_message",
        }


@backend_param
@pytest.mark.parametrize("vector", VECTOR_PARAMS)
def test_reference_vector(backend: bls.BLSBackend, vector: dict[str, Any] | None) -> None:
    _require_reference()
    assert vector is not None
    sk = int(vector["privkey"], 16)
    pk = bytes.fromhex(vector["pubkey"][2:])
    msg = bytes.fromhex(vector["message"][2:])
    sig = bytes.fromhex(vector["signature"][2:])

    assert backend.sk_to_pk(sk) == pk
    assert backend.sign(sk, msg) == sig
    assert backend.verify(pk, msg, sig) is vector["verify"]
    assert backend.verify(pk, _other_message(msg), sig) is vector["verify_wrong_message"]
    assert backend.key_validate(pk) is True


# ---------------------------------------------------------------------------------------------
# milagro vs py_ecc on deterministic random inputs
# ---------------------------------------------------------------------------------------------


def _random_cases(count: int) -> list[tuple[int, bytes]]:
    rng = random.Random(0x8025)
    lengths = [0, 1, 32, 97, 200]
    return [(rng.randrange(1, R), rng.randbytes(lengths[i % len(lengths)])) for i in range(count)]


@pytest.mark.parametrize(("sk", "msg"), _random_cases(5), ids=[f"random{i}" for i in range(5)])
def test_backends_agree_on_random_keys(sk: int, msg: bytes) -> None:
    milagro = bls.get_backend("milagro")
    py_ecc = bls.get_backend("py_ecc")

    pk = milagro.sk_to_pk(sk)
    sig = milagro.sign(sk, msg)
    assert len(pk) == 48
    assert len(sig) == 96
    assert py_ecc.sk_to_pk(sk) == pk
    assert py_ecc.sign(sk, msg) == sig

    verdicts = [(b.verify(pk, msg, sig), b.verify(pk, _other_message(msg), sig)) for b in BACKENDS]
    assert verdicts == [(True, False), (True, False)]


def test_key_validate_agrees_on_random_inputs() -> None:
    """milagro's key_validate is pure Python here; py_ecc's is the reference."""
    milagro = bls.get_backend("milagro")
    py_ecc = bls.get_backend("py_ecc")
    rng = random.Random(25)
    candidates: list[bytes] = []
    for _ in range(6):  # valid keys, and their negations
        pk = milagro.sk_to_pk(rng.randrange(1, R))
        candidates += [pk, bytes([pk[0] ^ 0x20]) + pk[1:]]
    for _ in range(12):  # random on-curve points: almost surely outside G1
        pt = _g1_point(rng.randrange(P))
        candidates.append(bytes(G1_to_pubkey(pt)))
    for _ in range(12):  # random x with the compression flag: mostly off the curve
        candidates.append(_pk_flags(rng.randrange(P), 0x80 | (0x20 * rng.randrange(2))))

    expected = [py_ecc.key_validate(c) for c in candidates]
    assert [milagro.key_validate(c) for c in candidates] == expected
    assert expected[:12] == [True] * 12
    assert expected[12:24] == [False] * 12


# ---------------------------------------------------------------------------------------------
# Edge cases: identical verdicts from both backends
# ---------------------------------------------------------------------------------------------


def test_torsion_pubkey_passes_raw_pairing_equation() -> None:
    """pk + T (T of cofactor order) satisfies the bare pairing equation with pk's signature.

    So the ``pubkey_plus_torsion`` verify case below is rejected only thanks to the G1 subgroup
    check: a backend that skipped it would return True.
    """
    c = crafted()
    assert _raw_pairing_check(pubkey_to_G1(c.pk), c.msg, signature_to_G2(c.sig))
    assert _raw_pairing_check(pubkey_to_G1(c.pk_plus_torsion), c.msg, signature_to_G2(c.sig))


def _flip_first_byte(data: bytes, mask: int) -> bytes:
    return bytes([data[0] ^ mask]) + data[1:]


VerifyCase = Callable[[Crafted], tuple[Any, Any, Any]]

INVALID_VERIFY_CASES: dict[str, VerifyCase] = {
    "infinity_pubkey": lambda c: (INF_PK, c.msg, c.sig),
    "infinity_pubkey_infinity_signature": lambda c: (INF_PK, c.msg, INF_SIG),
    "infinity_signature": lambda c: (c.pk, c.msg, INF_SIG),
    "pubkey_not_on_curve": lambda c: (c.off_curve_pk, c.msg, c.sig),
    "pubkey_plus_torsion_not_in_subgroup": lambda c: (c.pk_plus_torsion, c.msg, c.sig),
    "torsion_pubkey_infinity_signature": lambda c: (c.torsion_pk, c.msg, INF_SIG),
    "order3_pubkey": lambda c: (c.order3_pk, c.msg, c.sig),
    "order3_pubkey_infinity_signature": lambda c: (c.order3_pk, c.msg, INF_SIG),
    "pubkey_x_equals_p": lambda c: (_pk_flags(P, 0x80), c.msg, c.sig),
    "pubkey_x_plus_p_noncanonical": lambda c: (c.non_canonical_pk, c.msg, c.sig),
    "pubkey_x_all_ones": lambda c: (_pk_flags((1 << 381) - 1, 0x80), c.msg, c.sig),
    "pubkey_compression_bit_cleared": lambda c: (_flip_first_byte(c.pk, 0x80), c.msg, c.sig),
    "signature_compression_bit_cleared": lambda c: (c.pk, c.msg, _flip_first_byte(c.sig, 0x80)),
    "pubkey_infinity_bit_set": lambda c: (_flip_first_byte(c.pk, 0x40), c.msg, c.sig),
    "pubkey_infinity_with_sign_bit": lambda c: (b"\xe0" + b"\x00" * 47, c.msg, c.sig),
    "pubkey_infinity_nonzero_x": lambda c: (INF_PK[:-1] + b"\x01", c.msg, c.sig),
    "pubkey_sign_bit_flipped": lambda c: (_flip_first_byte(c.pk, 0x20), c.msg, c.sig),
    "signature_sign_bit_flipped": lambda c: (c.pk, c.msg, _flip_first_byte(c.sig, 0x20)),
    "signature_plus_g2_torsion": lambda c: (c.pk, c.msg, c.sig_plus_torsion),
    "signature_not_on_curve": lambda c: (c.pk, c.msg, c.sig_off_curve),
    "signature_x_im_equals_p": lambda c: (c.pk, c.msg, _pk_flags(P, 0x80) + c.sig[48:]),
    "signature_x_re_equals_p": lambda c: (c.pk, c.msg, c.sig[:48] + P.to_bytes(48, "big")),
    "signature_infinity_nonzero": lambda c: (c.pk, c.msg, INF_SIG[:-1] + b"\x01"),
    "signature_of_other_key": lambda c: (c.pk, c.msg, c.other_sig),
    "wrong_message": lambda c: (c.pk, _other_message(c.msg), c.sig),
    "pubkey_len_0": lambda c: (b"", c.msg, c.sig),
    "pubkey_len_47": lambda c: (c.pk[:47], c.msg, c.sig),
    "pubkey_len_49": lambda c: (c.pk + b"\x00", c.msg, c.sig),
    "pubkey_len_49_leading": lambda c: (b"\x00" + c.pk, c.msg, c.sig),
    "signature_len_0": lambda c: (c.pk, c.msg, b""),
    "signature_len_95": lambda c: (c.pk, c.msg, c.sig[:95]),
    "signature_len_97": lambda c: (c.pk, c.msg, c.sig + b"\x00"),
    "pubkey_and_signature_swapped": lambda c: (c.sig, c.msg, c.pk),
    "all_ff": lambda c: (b"\xff" * 48, c.msg, b"\xff" * 96),
    "all_zero": lambda c: (b"\x00" * 48, c.msg, b"\x00" * 96),
    "pubkey_none": lambda c: (None, c.msg, c.sig),
    "message_none": lambda c: (c.pk, None, c.sig),
    "signature_str": lambda c: (c.pk, c.msg, "0x" + c.sig.hex()),
    "pubkey_int": lambda c: (int.from_bytes(c.pk, "big"), c.msg, c.sig),
}


@backend_param
def test_verify_valid_control(backend: bls.BLSBackend) -> None:
    c = crafted()
    assert backend.verify(c.pk, c.msg, c.sig) is True
    assert backend.verify(bytearray(c.pk), memoryview(c.msg), bytearray(c.sig)) is True


@backend_param
@pytest.mark.parametrize("case", sorted(INVALID_VERIFY_CASES))
def test_verify_rejects(backend: bls.BLSBackend, case: str) -> None:
    pubkey, message, signature = INVALID_VERIFY_CASES[case](crafted())
    assert backend.verify(pubkey, message, signature) is False


@backend_param
def test_verify_never_raises_on_garbage(backend: bls.BLSBackend) -> None:
    c = crafted()
    rng = random.Random(404)
    pk_lengths = [0, 1, 47, 48, 48, 48, 49, 96]
    sig_lengths = [0, 1, 95, 96, 96, 96, 97, 48]
    for i in range(40):
        pk = rng.randbytes(pk_lengths[i % len(pk_lengths)])
        sig = rng.randbytes(sig_lengths[(i * 3) % len(sig_lengths)])
        if i % 2:  # make the flags look plausible
            pk = bytes([pk[0] | 0x80]) + pk[1:] if pk else pk
            sig = bytes([sig[0] | 0x80]) + sig[1:] if sig else sig
        assert backend.verify(pk, c.msg, sig) is False
        assert backend.verify(c.pk, c.msg, sig) is False
        assert backend.verify(pk, c.msg, c.sig) is False


def _key_validate_cases(c: Crafted) -> dict[str, tuple[Any, bool]]:
    g1_bytes = bytes(G1_to_pubkey(G1))
    cases: dict[str, tuple[Any, bool]] = {
        "valid": (c.pk, True),
        "valid_bytearray": (bytearray(c.pk), True),
        "negated_valid": (_flip_first_byte(c.pk, 0x20), True),
        "generator": (g1_bytes, True),
        "infinity": (INF_PK, False),
        "infinity_with_sign_bit": (b"\xe0" + b"\x00" * 47, False),
        "infinity_nonzero_x": (INF_PK[:-1] + b"\x01", False),
        "infinity_bit_on_valid": (_flip_first_byte(c.pk, 0x40), False),
        "compression_bit_cleared": (_flip_first_byte(c.pk, 0x80), False),
        "not_on_curve": (c.off_curve_pk, False),
        "x_equals_p": (_pk_flags(P, 0x80), False),
        "x_plus_p_noncanonical": (c.non_canonical_pk, False),
        "pubkey_plus_torsion": (c.pk_plus_torsion, False),
        "torsion": (c.torsion_pk, False),
        "order3": (c.order3_pk, False),
        "order3_negated": (_flip_first_byte(c.order3_pk, 0x20), False),
        "len_0": (b"", False),
        "len_47": (c.pk[:47], False),
        "len_49": (c.pk + b"\x00", False),
        "len_96": (c.sig, False),
        "none": (None, False),
        "str": (c.pk.hex(), False),
    }
    for ell, pk in c.order_l_pks.items():
        cases[f"order_{ell}"] = (pk, False)
    for ell, pk in c.pk_plus_order_l.items():
        cases[f"valid_plus_order_{ell}"] = (pk, False)
    return cases


@backend_param
def test_key_validate(backend: bls.BLSBackend) -> None:
    cases = _key_validate_cases(crafted())
    got = {name: backend.key_validate(pk) for name, (pk, _) in cases.items()}
    assert got == {name: expected for name, (_, expected) in cases.items()}


# ---------------------------------------------------------------------------------------------
# Private keys
# ---------------------------------------------------------------------------------------------

BAD_PRIVKEYS = [0, -1, R, R + 1, 2**256, -R]


@backend_param
@pytest.mark.parametrize("privkey", BAD_PRIVKEYS, ids=["0", "-1", "r", "r+1", "2^256", "-r"])
def test_invalid_privkey_raises_value_error(backend: bls.BLSBackend, privkey: int) -> None:
    with pytest.raises(ValueError, match="private key"):
        backend.sk_to_pk(privkey)
    with pytest.raises(ValueError, match="private key"):
        backend.sign(privkey, b"message")


@pytest.mark.parametrize("privkey", BAD_PRIVKEYS)
def test_invalid_privkey_errors_identical(privkey: int) -> None:
    messages = set()
    for backend in BACKENDS:
        with pytest.raises(ValueError, match="private key") as info_pk:
            backend.sk_to_pk(privkey)
        with pytest.raises(ValueError, match="private key") as info_sign:
            backend.sign(privkey, b"m")
        messages.add((type(info_pk.value), str(info_pk.value)))
        messages.add((type(info_sign.value), str(info_sign.value)))
    assert len(messages) == 1


@backend_param
@pytest.mark.parametrize("privkey", [True, 1.0, "1", b"\x01", None])
def test_non_int_privkey_raises_type_error(backend: bls.BLSBackend, privkey: Any) -> None:
    with pytest.raises(TypeError):
        backend.sk_to_pk(privkey)
    with pytest.raises(TypeError):
        backend.sign(privkey, b"message")


@backend_param
def test_extreme_valid_privkeys(backend: bls.BLSBackend) -> None:
    assert backend.sk_to_pk(1) == bytes(G1_to_pubkey(G1))
    # r - 1 = -1: the negated generator (same x, sign flag flipped).
    assert backend.sk_to_pk(R - 1) == _flip_first_byte(bytes(G1_to_pubkey(G1)), 0x20)


@backend_param
def test_sign_message_types(backend: bls.BLSBackend) -> None:
    c = crafted()
    assert backend.sign(c.sk, bytearray(c.msg)) == c.sig
    assert backend.sign(c.sk, memoryview(c.msg)) == c.sig
    with pytest.raises(TypeError):
        backend.sign(c.sk, c.msg.decode())


# ---------------------------------------------------------------------------------------------
# Registry and module hygiene
# ---------------------------------------------------------------------------------------------


def test_get_backend_and_default() -> None:
    milagro = bls.get_backend("milagro")
    py_ecc = bls.get_backend("py_ecc")
    assert isinstance(milagro, bls.MilagroBackend)
    assert milagro.name == "milagro"
    assert isinstance(py_ecc, bls.PyEccBackend)
    assert py_ecc.name == "py_ecc"
    assert isinstance(milagro, bls.BLSBackend)
    assert isinstance(py_ecc, bls.BLSBackend)
    assert bls.default_backend() is milagro
    assert bls.default_backend() is bls.default_backend()


@pytest.mark.parametrize("name", ["blst", "MILAGRO", "", "py-ecc"])
def test_get_backend_unknown(name: str) -> None:
    with pytest.raises(ValueError, match="unknown BLS backend") as info:
        bls.get_backend(name)
    assert "'milagro'" in str(info.value)
    assert "'py_ecc'" in str(info.value)


def test_constants() -> None:
    assert bls.CURVE_ORDER == R
    assert bls.G1_POINT_AT_INFINITY == INF_PK
    assert bls.G2_POINT_AT_INFINITY == INF_SIG
    assert bls.BLS_PUBKEY_LENGTH == 48
    assert bls.BLS_SIGNATURE_LENGTH == 96
    from py_ecc.bls import G2ProofOfPossession

    assert G2ProofOfPossession.DST == bls.DST


def test_module_does_not_import_trio_or_libp2p() -> None:
    tree = ast.parse(Path(bls.__file__).read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "milagro_bls_binding" in imported
    assert not imported & {"trio", "libp2p"}
