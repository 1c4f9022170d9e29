"""Groth16 (BN254) around the native verifiers: keys, public inputs, fixtures, config, engine, CLI.

Pure-Python parts are checked against the shared fixtures (``../shared/fixtures/groth16``): every
derived value (VK points, selectors, digests, public inputs, program vks) is recomputed from the
fixture's raw fields and compared with what the fixture stores. The native parts run the real
``eip8025._native`` Groth16 backends (kinds 0x110 / 0x111).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eip8025 import _native, containers, groth16
from eip8025.engine import ProofEngineUnavailable
from eip8025.groth16 import (
    G1Point,
    G2Point,
    Groth16Proof,
    Groth16VerifyingKey,
    P,
    R,
)
from eip8025.groth16.field import f2_sqr, f2_sqrt, fp_largest, g2_rhs
from eip8025.native import NativeError, Verifier, ZkVMKind
from eip8025.native_engine import NativeProofEngine
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.proof_engine_config import (
    Backend,
    ProofEngineConfigError,
    PublicValuesForm,
    load_proof_engine_config,
)
from eip8025.verification import get_public_input
from eip8025_cli import main as cli_main
from eip8025_spec_tests.groth16_fixtures import Groth16Case, Groth16Fixture, load_groth16_fixture
from tests.conftest import REPO, SHARED
from tests.factories import make_payload

FIXTURES = SHARED / "fixtures" / "groth16"
SP1_JSON = FIXTURES / "sp1_v4_groth16.json"
RISC0_JSON = FIXTURES / "risc0_v3_groth16.json"
SP1_GNARK = FIXTURES / "sp1_v4_groth16_vk.bin"
HEADER = REPO / "csrc" / "include" / "eip8025_groth16.h"

BN254_U = 4965661367192848881  # the BN curve parameter of BN254 (alt_bn128)


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _hex(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def _ints(values: list[str]) -> tuple[int, ...]:
    return tuple(int(v, 16) for v in values)


@pytest.fixture(scope="module")
def sp1() -> dict[str, Any]:
    return _json(SP1_JSON)


@pytest.fixture(scope="module")
def risc0() -> dict[str, Any]:
    return _json(RISC0_JSON)


@pytest.fixture(scope="module")
def sp1_vk(sp1: dict[str, Any]) -> Groth16VerifyingKey:
    return Groth16VerifyingKey.from_json(sp1["verifying_key"])


@pytest.fixture(scope="module")
def risc0_vk(risc0: dict[str, Any]) -> Groth16VerifyingKey:
    return Groth16VerifyingKey.from_json(risc0["verifying_key"])


@pytest.fixture(scope="module")
def sp1_fixture() -> Groth16Fixture:
    return load_groth16_fixture(SP1_JSON)


@pytest.fixture(scope="module")
def risc0_fixture() -> Groth16Fixture:
    return load_groth16_fixture(RISC0_JSON)


def _header_defines() -> dict[str, str]:
    """``#define NAME VALUE`` lines of the Groth16 header (comments stripped)."""
    pattern = r"^#define[ \t]+(EIP8025_\w+)[ \t]+([^ \t\n]+)"
    return dict(re.findall(pattern, HEADER.read_text(), re.M))


# ---- curve facts and the header contract -------------------------------------------------------


def test_p_and_r_follow_from_the_bn_parameter(sp1: dict[str, Any], risc0: dict[str, Any]) -> None:
    u = BN254_U
    assert 36 * u**4 + 36 * u**3 + 24 * u**2 + 6 * u + 1 == P
    assert 36 * u**4 + 36 * u**3 + 18 * u**2 + 6 * u + 1 == R
    for data in (sp1, risc0):
        assert int(data["field_modulus_p"], 16) == P
        assert int(data["group_order_r"], 16) == R
    assert P % 4 == 3  # what the square roots rely on


def test_constants_mirror_the_header() -> None:
    defines = _header_defines()
    numbers = {k: int(v.rstrip("u"), 0) for k, v in defines.items() if not v.startswith('"')}
    assert numbers["EIP8025_KIND_GROTH16_SP1_V4"] == groth16.KIND_GROTH16_SP1_V4
    assert numbers["EIP8025_KIND_GROTH16_RISC0_V3"] == groth16.KIND_GROTH16_RISC0_V3
    assert numbers["EIP8025_GROTH16_SELECTOR_LEN"] == groth16.SELECTOR_LEN
    assert numbers["EIP8025_GROTH16_PROOF_LEN"] == groth16.PROOF_LEN
    assert numbers["EIP8025_GROTH16_VK_FIXED_LEN"] == groth16.VK_FIXED_LEN
    assert numbers["EIP8025_GROTH16_G1_LEN"] == groth16.G1_LEN
    assert numbers["EIP8025_GROTH16_G2_LEN"] == groth16.G2_LEN
    assert numbers["EIP8025_GROTH16_SP1_V4_INPUTS"] == groth16.SP1_V4_INPUTS
    assert numbers["EIP8025_GROTH16_RISC0_V3_INPUTS"] == groth16.RISC0_V3_INPUTS
    reasons = {v.strip('"') for k, v in defines.items() if k.startswith("EIP8025_G16_")}
    assert reasons == groth16.G16_REASONS


def test_the_fixture_loader_is_test_tooling_not_core(tmp_path: Path) -> None:
    """``eip8025.groth16`` neither exports nor imports the fixture loader of the spec tests."""
    probe = (
        "import sys, eip8025.groth16 as g; "
        "print('eip8025_spec_tests' in sys.modules, "
        "sorted({'Groth16Case', 'Groth16Fixture', 'load_groth16_fixture'} & set(g.__all__)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "False []"


def test_constants_match_the_native_extension() -> None:
    assert _native.KIND_GROTH16_SP1_V4 == groth16.KIND_GROTH16_SP1_V4
    assert _native.KIND_GROTH16_RISC0_V3 == groth16.KIND_GROTH16_RISC0_V3


# ---- points, proofs, verifying keys -----------------------------------------------------------


@pytest.mark.parametrize(("path", "key"), [(SP1_JSON, "proof"), (RISC0_JSON, "seal")])
def test_proof_bytes_decode_to_the_fixture_points(path: Path, key: str) -> None:
    data = _json(path)
    raw = _hex((data.get("fixture") or data["receipt"])[key])
    decoded = data["proof_decoded"]
    proof = Groth16Proof(
        a=G1Point.from_json(decoded["a"]),
        b=G2Point.from_json(decoded["b"]),
        c=G1Point.from_json(decoded["c"]),
    )
    assert raw[:4] == _hex(decoded["selector"])
    assert proof.encode() == raw[4:]  # G2 written x.c1 || x.c0 || y.c1 || y.c0
    assert Groth16Proof.decode(raw[4:]) == proof
    words = [raw[4 + 32 * i : 4 + 32 * (i + 1)] for i in range(8)]
    assert words[2] == _hex(decoded["b"]["x"]["c1"])
    assert words[3] == _hex(decoded["b"]["x"]["c0"])


def test_vk_encoding_is_the_header_layout(
    sp1_vk: Groth16VerifyingKey, risc0_vk: Groth16VerifyingKey, sp1: dict[str, Any]
) -> None:
    for vk, n in ((sp1_vk, 2), (risc0_vk, 5)):
        assert vk.n_public == n
        encoded = vk.encode()
        assert len(encoded) == groth16.VK_FIXED_LEN + 64 * (n + 1)
        assert Groth16VerifyingKey.decode(encoded) == vk
    encoded = sp1_vk.encode()
    beta = sp1["verifying_key"]["beta_g2"]
    assert encoded[:32] == _hex(sp1["verifying_key"]["alpha_g1"]["x"])
    assert encoded[64:96] == _hex(beta["x"]["c1"])
    assert encoded[96:128] == _hex(beta["x"]["c0"])
    assert encoded[-64:-32] == _hex(sp1["verifying_key"]["ic"][2]["x"])
    with pytest.raises(ValueError, match="448"):
        Groth16VerifyingKey.decode(encoded[:-1])
    with pytest.raises(ValueError, match="448"):
        Groth16VerifyingKey.decode(encoded[: groth16.VK_FIXED_LEN])


def test_both_vks_share_alpha_beta_and_gamma_is_the_generator(
    sp1_vk: Groth16VerifyingKey, risc0_vk: Groth16VerifyingKey
) -> None:
    assert (sp1_vk.alpha, sp1_vk.beta) == (risc0_vk.alpha, risc0_vk.beta)
    assert sp1_vk.gamma == risc0_vk.gamma
    assert sp1_vk.delta != risc0_vk.delta


def test_curve_and_subgroup_checks_agree_with_the_fixture_reasons(
    sp1_fixture: Groth16Fixture,
    risc0_fixture: Groth16Fixture,
    risc0: dict[str, Any],
    sp1_vk: Groth16VerifyingKey,
) -> None:
    for vk_point in (sp1_vk.beta, sp1_vk.gamma, sp1_vk.delta):
        assert vk_point.in_subgroup()
    b_point = next(c for c in risc0["negative_cases"] if c["name"] == "b_not_in_subgroup")
    bad = b_point["b_point"]
    point = G2Point(
        x_c0=int(bad["x"]["c0"], 16),
        x_c1=int(bad["x"]["c1"], 16),
        y_c0=int(bad["y"]["c0"], 16),
        y_c1=int(bad["y"]["c1"], 16),
    )
    assert point.is_on_curve()
    assert not point.in_subgroup()
    with pytest.raises(ValueError, match="subgroup"):
        G2Point.from_json(bad)
    for case in (*sp1_fixture.cases, *risc0_fixture.cases):
        proof = Groth16Proof.decode(case.groth16_proof)
        a_ok, c_ok = proof.a.is_on_curve(), proof.c.is_on_curve()
        b_on, b_sub = proof.b.is_on_curve(), proof.b.in_subgroup()
        reason = case.failure_reason
        assert a_ok == (reason not in ("a_not_on_curve", "coordinate_not_less_than_p")), case.name
        assert c_ok == (reason != "c_not_on_curve"), case.name
        assert b_on == (reason != "b_not_on_curve"), case.name
        assert b_sub == (reason not in ("b_not_on_curve", "b_not_in_subgroup")), case.name
    seal_b = Groth16Proof.decode(
        next(c for c in risc0_fixture.cases if c.name == "b_not_in_subgroup").groth16_proof
    ).b
    assert seal_b == point


def test_from_json_rejects_bad_points(sp1: dict[str, Any]) -> None:
    vk = copy.deepcopy(sp1["verifying_key"])
    vk["alpha_g1"]["y"] = hex(int(vk["alpha_g1"]["y"], 16) ^ 1)
    with pytest.raises(ValueError, match=r"alpha_g1: not on the curve"):
        Groth16VerifyingKey.from_json(vk)
    vk = copy.deepcopy(sp1["verifying_key"])
    vk["ic"][1]["x"] = hex(P)
    with pytest.raises(ValueError, match=r"ic\[1\]\.x: coordinate is not < p"):
        Groth16VerifyingKey.from_json(vk)
    vk = copy.deepcopy(sp1["verifying_key"])
    vk["delta_g2"]["x"]["c0"], vk["delta_g2"]["x"]["c1"] = (
        vk["delta_g2"]["x"]["c1"],
        vk["delta_g2"]["x"]["c0"],
    )
    with pytest.raises(ValueError, match=r"delta_g2: not on the twist"):
        Groth16VerifyingKey.from_json(vk)
    vk = copy.deepcopy(sp1["verifying_key"])
    vk["ic"][0] = {"X": vk["ic"][0]["x"], "y": vk["ic"][0]["y"]}
    with pytest.raises(ValueError, match=r"ic\[0\]: expected an object with keys x and y"):
        Groth16VerifyingKey.from_json(vk)
    vk = copy.deepcopy(sp1["verifying_key"])
    vk["beta_g2"]["y"] = {"c0": "0x01"}
    with pytest.raises(ValueError, match=r"beta_g2: expected"):
        Groth16VerifyingKey.from_json(vk)
    vk = copy.deepcopy(sp1["verifying_key"])
    del vk["gamma_g2"]
    with pytest.raises(ValueError, match="missing keys"):
        Groth16VerifyingKey.from_json(vk)
    vk = copy.deepcopy(sp1["verifying_key"])
    vk["ic"] = []
    with pytest.raises(ValueError, match="non-empty"):
        Groth16VerifyingKey.from_json(vk)


# ---- Fp2 square roots and gnark decompression ------------------------------------------------


def test_fp2_square_roots() -> None:
    rng = random.Random(8025)
    non_squares = 0
    for _ in range(200):
        a = (rng.randrange(P), rng.randrange(P))
        square = f2_sqr(a)
        root = f2_sqrt(square)
        assert root is not None
        assert f2_sqr(root) == square
        assert root in (a, ((-a[0]) % P, (-a[1]) % P))
        b = (rng.randrange(P), rng.randrange(P))
        # b is a square in Fp2 iff its norm b0^2 + b1^2 is a square in Fp (Euler's criterion)
        norm_is_square = pow((b[0] ** 2 + b[1] ** 2) % P, (P - 1) // 2, P) == 1
        got = f2_sqrt(b)
        assert (got is not None) == norm_is_square
        non_squares += got is None
    assert 50 < non_squares < 150  # about half of Fp2 is not a square
    for real in (2, 3, 5, P - 1):  # real elements: non-residues of Fp have an imaginary root
        root = f2_sqrt((real, 0))
        assert root is not None
        assert f2_sqr(root) == (real, 0)


def test_gnark_vk_decompresses_to_the_json_vk(
    sp1: dict[str, Any], sp1_vk: Groth16VerifyingKey
) -> None:
    data = SP1_GNARK.read_bytes()
    decoded = groth16.decode_gnark_vk(data)
    assert decoded.vk == sp1_vk
    assert Groth16VerifyingKey.from_gnark(data) == sp1_vk
    extras = sp1["verifying_key"]["extra_points_in_gnark_vk_unused_by_verifier"]
    assert decoded.beta_g1 == G1Point.from_json(extras["beta_g1"])
    assert decoded.delta_g1 == G1Point.from_json(extras["delta_g1"])


def test_sp1_selector_is_sha256_of_the_gnark_file(
    sp1: dict[str, Any], sp1_fixture: Groth16Fixture
) -> None:
    data = SP1_GNARK.read_bytes()
    assert hashlib.sha256(data).digest() == _hex(sp1["verifying_key"]["gnark_vk_sha256"])
    selector = groth16.sp1_v4_selector(data)
    assert selector == _hex(sp1["verifying_key"]["selector"]) == sp1_fixture.valid_case.selector


def _g2_offsets() -> list[int]:
    return [64, 128, 224]  # beta, gamma, delta G2 in the gnark layout


def test_gnark_g2_root_choice_is_c1_first() -> None:
    data = SP1_GNARK.read_bytes()
    vk = groth16.decode_gnark_vk(data).vk
    # At least one VK point tells a c1-first rule from a c0-first one (README: beta does).
    points = [vk.beta, vk.gamma, vk.delta]
    assert any(fp_largest(p.y_c0) != fp_largest(p.y_c1) for p in points if p.y_c1)
    for offset, point in zip(_g2_offsets(), points, strict=True):
        flipped = bytearray(data)
        flipped[offset] ^= 0x40  # 10 <-> 11: the other root
        other = groth16.decode_gnark_vk(bytes(flipped)).vk
        got = {64: other.beta, 128: other.gamma, 224: other.delta}[offset]
        assert (got.x_c0, got.x_c1) == (point.x_c0, point.x_c1)
        assert (got.y_c0, got.y_c1) == ((P - point.y_c0) % P, (P - point.y_c1) % P)
    flipped = bytearray(data)
    flipped[0] ^= 0x40
    alpha = groth16.decode_gnark_vk(bytes(flipped)).vk.alpha
    assert (alpha.x, alpha.y) == (vk.alpha.x, P - vk.alpha.y)


def _first_x(predicate: Any) -> int:
    return next(x for x in range(1, 1000) if predicate(x))


def _g1_non_residue_x() -> int:
    return _first_x(lambda x: pow((x**3 + 3) % P, (P - 1) // 2, P) == P - 1)


def _g2_non_residue_x() -> int:
    def non_square(x: int) -> bool:
        rhs = g2_rhs((x, 0))
        return pow((rhs[0] ** 2 + rhs[1] ** 2) % P, (P - 1) // 2, P) == P - 1

    return _first_x(non_square)


def _with(data: bytes, offset: int, chunk: bytes) -> bytes:
    return data[:offset] + chunk + data[offset + len(chunk) :]


def _gnark_mutations() -> list[tuple[str, Any, str]]:
    x_ge_p = bytearray(P.to_bytes(32, "big"))
    x_ge_p[0] |= 0x80
    g1_bad = bytearray(_g1_non_residue_x().to_bytes(32, "big"))
    g1_bad[0] |= 0x80
    g2_bad = bytearray(64)
    g2_bad[0] |= 0x80
    g2_bad[32:] = _g2_non_residue_x().to_bytes(32, "big")  # x = n + 0i (x.c1 = 0, x.c0 = n)
    outside = bytearray(64)  # x = 1 + 0i: on the twist, not in the subgroup (risc0 fixture)
    outside[0] |= 0x80
    outside[63] = 1
    return [
        ("truncated", lambda d: d[:-1], "truncated"),
        ("very-short", lambda d: d[:100], "truncated"),
        ("trailing", lambda d: d + b"\x00", "trailing"),
        ("commitment-keys", lambda d: _with(d, len(d) - 4, b"\x00\x00\x00\x01"), "commitments"),
        ("committed", lambda d: _with(d, len(d) - 8, b"\x00\x00\x00\x01"), "commitments"),
        ("no-ic", lambda d: _with(d, 288, b"\x00" * 4), "empty"),
        ("uncompressed-flag", lambda d: _with(d, 0, bytes([d[0] & 0x3F])), "flag"),
        ("infinity", lambda d: _with(d, 0, bytes([(d[0] & 0x3F) | 0x40])), "infinity"),
        ("x-ge-p", lambda d: _with(d, 0, bytes(x_ge_p)), "not < p"),
        ("g1-non-residue", lambda d: _with(d, 292, bytes(g1_bad)), r"K\[0\].*not a square"),
        ("g2-x-c1-ge-p", lambda d: _with(d, 128, bytes(x_ge_p)), r"gamma.*x\.c1.*not < p"),
        ("g2-non-residue", lambda d: _with(d, 224, bytes(g2_bad)), "delta.*not a square in Fp2"),
        ("g2-not-in-subgroup", lambda d: _with(d, 64, bytes(outside)), "beta.*subgroup"),
    ]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [(m, msg) for _, m, msg in _gnark_mutations()],
    ids=[name for name, _, _ in _gnark_mutations()],
)
def test_gnark_decoder_rejects(mutate: Any, message: str) -> None:
    data = mutate(SP1_GNARK.read_bytes())
    with pytest.raises(ValueError, match=message):
        groth16.decode_gnark_vk(data)


# ---- public inputs -----------------------------------------------------------------------------


def test_sp1_public_inputs_match_every_stored_case(sp1: dict[str, Any]) -> None:
    cases = [{**sp1["fixture"], "public_inputs": sp1["public_inputs"]}, *sp1["negative_cases"]]
    checked = 0
    for case in cases:
        if "public_inputs" not in case:
            continue
        got = groth16.sp1_v4_public_inputs(_hex(case["vkey"]), _hex(case["publicValues"]))
        assert got == _ints(case["public_inputs"])
        assert got[1] < 2**253
        assert got[0] < R
        checked += 1
    assert checked == len(cases) - 1  # only wrong_selector stores none
    pv = _hex(sp1["fixture"]["publicValues"])
    assert [int.from_bytes(pv[i : i + 32], "big") for i in (0, 32, 64)] == [
        sp1["fixture"]["n"],
        sp1["fixture"]["a"],
        sp1["fixture"]["b"],
    ]
    with pytest.raises(ValueError, match="32 bytes"):
        groth16.sp1_v4_public_inputs(b"\x00" * 31, pv)


def test_risc0_digests_of_the_receipt(risc0: dict[str, Any]) -> None:
    journal = _hex(risc0["receipt"]["journal_hex"])
    assert journal == risc0["receipt"]["journal_text"].encode()
    digests = risc0["intermediate_digests"]
    assert groth16.risc0_journal_digest(journal) == _hex(digests["journal_digest"])
    assert groth16.risc0_output_digest(journal) == _hex(digests["output_digest"])
    claim = groth16.risc0_v3_claim_digest(_hex(risc0["receipt"]["image_id"]), journal)
    assert claim == _hex(digests["claim_digest"])
    assert _hex(risc0["parameters"]["system_state_zero_digest"]) == groth16.RISC0_SYSTEM_STATE_ZERO
    assert groth16.risc0_tag("risc0.Output") == hashlib.sha256(b"risc0.Output").digest()


def test_risc0_public_inputs_match_every_stored_case(risc0: dict[str, Any]) -> None:
    params = risc0["parameters"]
    root, control_id = _hex(params["control_root"]), _hex(params["bn254_control_id"])
    positive = {
        **risc0["receipt"],
        "public_inputs": risc0["public_inputs"],
        "claim_digest": risc0["intermediate_digests"]["claim_digest"],
    }
    cases = [positive, *risc0["negative_cases"]]
    for case in cases:
        claim = groth16.risc0_v3_claim_digest(_hex(case["image_id"]), _hex(case["journal_hex"]))
        assert claim == _hex(case["claim_digest"]), case.get("name", "valid")
        inputs = groth16.risc0_v3_public_inputs(root, control_id, claim)
        assert inputs == _ints(case["public_inputs"]), case.get("name", "valid")
        assert all(x < R for x in inputs)
    assert len({c["claim_digest"] for c in cases}) == 3  # journal and image id both count


def test_risc0_split_digest_halves(risc0: dict[str, Any]) -> None:
    # v = int(reversed(D)) is D read little-endian, so lo is D[:16] and hi is D[16:], each read
    # little-endian. (The fixture README's "equivalently" note has the halves the other way round;
    # its main formula and the stored public inputs agree with this.)
    rng = random.Random(1)
    for _ in range(20):
        digest = rng.randbytes(32)
        lo, hi = groth16.risc0_split_digest(digest)
        assert lo == int.from_bytes(digest[:16], "little")
        assert hi == int.from_bytes(digest[16:], "little")
        assert lo < 2**128
        assert hi < 2**128
    root = _hex(risc0["parameters"]["control_root"])
    assert groth16.risc0_split_digest(root) == _ints(risc0["public_inputs"][:2])
    with pytest.raises(ValueError, match="32 bytes"):
        groth16.risc0_split_digest(b"\x00" * 33)


def test_encode_public_inputs() -> None:
    assert groth16.encode_public_inputs([1, R]) == (1).to_bytes(32, "big") + R.to_bytes(32, "big")
    assert groth16.encode_public_inputs([]) == b""
    with pytest.raises(ValueError, match=r"in \[0, 2\^256\)"):
        groth16.encode_public_inputs([2**256])
    with pytest.raises(ValueError, match=r"in \[0, 2\^256\)"):
        groth16.encode_public_inputs([-1])


# ---- native program vks -------------------------------------------------------------------------


def test_sp1_program_vk_layout_and_errors(
    sp1: dict[str, Any], sp1_vk: Groth16VerifyingKey, risc0_vk: Groth16VerifyingKey
) -> None:
    vkey = _hex(sp1["fixture"]["vkey"])
    selector = _hex(sp1["verifying_key"]["selector"])
    program_vk = groth16.sp1_v4_program_vk(sp1_vk, vkey, selector)
    assert program_vk[:4] == selector
    assert program_vk[4:36] == vkey
    assert Groth16VerifyingKey.decode(program_vk[36:]) == sp1_vk
    with pytest.raises(ValueError, match="selector must be 4 bytes"):
        groth16.sp1_v4_program_vk(sp1_vk, vkey, selector[:3])
    with pytest.raises(ValueError, match="program_vkey must be 32 bytes"):
        groth16.sp1_v4_program_vk(sp1_vk, vkey[1:], selector)
    with pytest.raises(ValueError, match="program_vkey is not < r"):
        groth16.sp1_v4_program_vk(sp1_vk, R.to_bytes(32, "big"), selector)
    with pytest.raises(ValueError, match=r"2 public inputs .* got 5"):
        groth16.sp1_v4_program_vk(risc0_vk, vkey, selector)


def test_risc0_program_vk_layout_and_errors(
    risc0: dict[str, Any], risc0_vk: Groth16VerifyingKey, sp1_vk: Groth16VerifyingKey
) -> None:
    params = risc0["parameters"]
    selector, root = _hex(params["selector"]), _hex(params["control_root"])
    control_id, image = _hex(params["bn254_control_id"]), _hex(risc0["receipt"]["image_id"])
    program_vk = groth16.risc0_v3_program_vk(risc0_vk, selector, image, root, control_id)
    assert program_vk[:4] == selector == _hex(params["verifier_parameters_digest"])[:4]
    assert program_vk[4:36] == image
    assert program_vk[36:68] == root
    assert program_vk[68:100] == control_id
    assert Groth16VerifyingKey.decode(program_vk[100:]) == risc0_vk
    with pytest.raises(ValueError, match="image_id must be 32 bytes"):
        groth16.risc0_v3_program_vk(risc0_vk, selector, image[:-1], root, control_id)
    with pytest.raises(ValueError, match="control_root must be 32 bytes"):
        groth16.risc0_v3_program_vk(risc0_vk, selector, image, root + b"\x00", control_id)
    with pytest.raises(ValueError, match="bn254_control_id is not < r"):
        groth16.risc0_v3_program_vk(risc0_vk, selector, image, root, b"\xff" * 32)
    with pytest.raises(ValueError, match=r"5 public inputs .* got 2"):
        groth16.risc0_v3_program_vk(sp1_vk, selector, image, root, control_id)


def test_groth16_proof_bytes() -> None:
    head = bytes(range(256)) + b"\x01\x02\x03\x04"
    assert groth16.groth16_proof_bytes(head, b"pv") == head + b"pv"
    with pytest.raises(ValueError, match="260 bytes"):
        groth16.groth16_proof_bytes(head[:-1], b"")


# ---- fixture loader ----------------------------------------------------------------------------


def test_sp1_fixture_cases(
    sp1: dict[str, Any], sp1_fixture: Groth16Fixture, sp1_vk: Groth16VerifyingKey
) -> None:
    assert sp1_fixture.kind == groth16.KIND_GROTH16_SP1_V4
    assert sp1_fixture.vk == sp1_vk
    names = [case.name for case in sp1_fixture.cases]
    assert names == ["valid", *(c["name"] for c in sp1["negative_cases"])]
    raw_cases = [sp1["fixture"], *sp1["negative_cases"]]
    for case, raw in zip(sp1_fixture.cases, raw_cases, strict=True):
        assert case.kind == groth16.KIND_GROTH16_SP1_V4
        assert case.proof == _hex(raw["proof"]) + _hex(raw["publicValues"])
        assert case.public_values == _hex(raw["publicValues"])
        assert case.program_vk == groth16.sp1_v4_program_vk(
            sp1_vk, _hex(raw["vkey"]), sp1_fixture.selector
        )
        assert case.expected == raw.get("expected", sp1["expected"])
        assert case.failure_reason == raw.get("failure_reason")
        assert case.failure_reason is None or case.failure_reason in groth16.G16_REASONS
    by_name = {case.name: case for case in sp1_fixture.cases}
    assert by_name["valid"].expected
    assert by_name["valid"].expected_status is None
    assert by_name["valid"].public_inputs == _ints(sp1["public_inputs"])
    wrong = by_name["wrong_program_vkey"]
    assert wrong.program_vk[4:36] == wrong.program_id != by_name["valid"].program_id
    assert wrong.expected_status == "VERIFY"
    assert by_name["wrong_selector"].public_inputs is None
    assert by_name["wrong_selector"].expected_status == "DECODE_PROOF"


def test_risc0_fixture_cases(
    risc0: dict[str, Any], risc0_fixture: Groth16Fixture, risc0_vk: Groth16VerifyingKey
) -> None:
    assert risc0_fixture.kind == groth16.KIND_GROTH16_RISC0_V3
    assert risc0_fixture.vk == risc0_vk
    raw_cases = [risc0["receipt"], *risc0["negative_cases"]]
    assert [c.name for c in risc0_fixture.cases] == ["valid"] + [
        c["name"] for c in risc0["negative_cases"]
    ]
    params = risc0["parameters"]
    for case, raw in zip(risc0_fixture.cases, raw_cases, strict=True):
        assert case.proof == _hex(raw["seal"]) + _hex(raw["journal_hex"])
        assert case.public_values == _hex(raw["journal_hex"])
        assert case.program_vk == groth16.risc0_v3_program_vk(
            risc0_vk,
            _hex(params["selector"]),
            _hex(raw["image_id"]),
            _hex(params["control_root"]),
            _hex(params["bn254_control_id"]),
        )
        assert case.claim_digest is not None
    by_name = {case.name: case for case in risc0_fixture.cases}
    assert by_name["valid"].claim_digest == _hex(risc0["intermediate_digests"]["claim_digest"])
    assert by_name["wrong_image_id"].program_vk[4:36] != by_name["valid"].program_vk[4:36]
    assert by_name["wrong_journal"].public_values.endswith(b"!")


def test_fixture_loader_errors(tmp_path: Path, sp1: dict[str, Any]) -> None:
    path = tmp_path / "f.json"
    path.write_text("{nope")
    with pytest.raises(ValueError, match="not JSON"):
        load_groth16_fixture(path)
    path.write_text(json.dumps({"cases": []}))
    with pytest.raises(ValueError, match="not a Groth16 fixture"):
        load_groth16_fixture(path)
    bad = copy.deepcopy(sp1)
    bad["negative_cases"][0]["expected"] = True
    path.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match=r"negative_cases\[0\] \(tampered_public_values\)"):
        load_groth16_fixture(path)
    bad = copy.deepcopy(sp1)
    bad["fixture"]["proof"] = bad["fixture"]["proof"][:-2]
    path.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match=r"fixture\.proof: expected 260 bytes"):
        load_groth16_fixture(path)
    with pytest.raises(FileNotFoundError):
        load_groth16_fixture(tmp_path / "missing.json")


# ---- proof-engine configuration ------------------------------------------------------------


def _sp1_entry(sp1: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "proof_type": 1,
        "backend": "groth16-sp1-v4",
        "program_vk": sp1["fixture"]["vkey"],
        **extra,
    }


def _risc0_entry(risc0: dict[str, Any], **extra: Any) -> dict[str, Any]:
    params = risc0["parameters"]
    entry = {
        "proof_type": 2,
        "backend": "groth16-risc0-v3",
        "program_vk": risc0["receipt"]["image_id"],
        "groth16_vk": risc0["verifying_key"],
        "selector": params["selector"],
        "control_root": params["control_root"],
        "bn254_control_id": params["bn254_control_id"],
    }
    entry.update(extra)
    return {k: v for k, v in entry.items() if v is not None}


def _load(*entries: dict[str, Any], base_dir: Path | None = None) -> Any:
    return load_proof_engine_config({"execution_proofs": list(entries)}, base_dir=base_dir)


def test_config_sp1_gnark_file_relative_to_the_config_file(
    tmp_path: Path, sp1: dict[str, Any], sp1_fixture: Groth16Fixture
) -> None:
    (tmp_path / "keys").mkdir()
    shutil.copy(SP1_GNARK, tmp_path / "keys" / "vk.bin")
    path = tmp_path / "proof-engine.json"
    path.write_text(json.dumps({"execution_proofs": [_sp1_entry(sp1, groth16_vk="keys/vk.bin")]}))
    entry = load_proof_engine_config(path).get(1)
    assert entry is not None
    assert entry.backend is Backend.GROTH16_SP1_V4
    assert entry.backend.is_groth16
    assert entry.program_vk == _hex(sp1["fixture"]["vkey"])
    assert entry.selector == groth16.sp1_v4_selector(SP1_GNARK.read_bytes())
    assert entry.verifier_program_vk == sp1_fixture.valid_case.program_vk
    assert entry.groth16_vk == sp1_fixture.vk
    assert entry.public_values is PublicValuesForm.SSZ
    # a mapping resolves against base_dir (and not against the current directory)
    assert _load(_sp1_entry(sp1, groth16_vk="keys/vk.bin"), base_dir=tmp_path).get(1) == entry
    with pytest.raises(ProofEngineConfigError, match="cannot read"):
        _load(_sp1_entry(sp1, groth16_vk="keys/vk.bin"), base_dir=tmp_path / "keys")
    # an explicit selector is accepted when it agrees with the file
    explicit = _load(
        _sp1_entry(sp1, groth16_vk=str(SP1_GNARK), selector=sp1["verifying_key"]["selector"])
    ).get(1)
    assert explicit.verifier_program_vk == entry.verifier_program_vk


def test_config_inline_vks_build_the_fixture_program_vks(
    sp1: dict[str, Any],
    risc0: dict[str, Any],
    sp1_fixture: Groth16Fixture,
    risc0_fixture: Groth16Fixture,
) -> None:
    config = _load(
        _sp1_entry(sp1, groth16_vk=sp1["verifying_key"], selector=sp1["verifying_key"]["selector"]),
        _risc0_entry(risc0),
    )
    assert config.get(1).verifier_program_vk == sp1_fixture.valid_case.program_vk
    risc = config.get(2)
    assert risc.verifier_program_vk == risc0_fixture.valid_case.program_vk
    assert risc.control_root == _hex(risc0["parameters"]["control_root"])
    assert risc.bn254_control_id == _hex(risc0["parameters"]["bn254_control_id"])
    # other backends keep program_vk as the native program vk
    mock = _load({"proof_type": 3, "backend": "mock", "program_vk": "0xaa"}).get(3)
    assert mock.groth16_vk is None
    assert mock.verifier_program_vk == b"\xaa"


def _config_errors() -> list[tuple[str, Any, str]]:
    sp1, risc0 = _json(SP1_JSON), _json(RISC0_JSON)
    gnark = str(SP1_GNARK)
    wrong_point = copy.deepcopy(risc0["verifying_key"])
    wrong_point["ic"][5]["y"] = wrong_point["ic"][4]["y"]
    return [
        ("no-vk", _sp1_entry(sp1), "needs groth16_vk"),
        ("vk-type", _sp1_entry(sp1, groth16_vk=5), "groth16_vk: expected the path"),
        (
            "no-program-vk",
            {"proof_type": 1, "backend": "groth16-sp1-v4", "groth16_vk": gnark},
            "program_vk: backend 'groth16-sp1-v4' needs the 32-byte SP1 program vkey hash",
        ),
        (
            "short-image-id",
            _risc0_entry(risc0, program_vk="0x" + "11" * 31),
            "needs the 32-byte RISC Zero image id",
        ),
        (
            "inline-without-selector",
            _sp1_entry(sp1, groth16_vk=sp1["verifying_key"]),
            r"selector: required .* with an inline groth16_vk",
        ),
        (
            "selector-mismatch",
            _sp1_entry(sp1, groth16_vk=gnark, selector="0x10b6a09d"),
            r"selector: 0x10b6a09d does not match .* = 0x11b6a09d",
        ),
        ("selector-length", _sp1_entry(sp1, groth16_vk=gnark, selector="0x11b6a0"), "4 bytes"),
        ("selector-hex", _sp1_entry(sp1, groth16_vk=gnark, selector="11b6a09d"), "0x-prefixed"),
        ("risc0-no-selector", _risc0_entry(risc0, selector=None), r"selector: required"),
        (
            "risc0-no-control-root",
            _risc0_entry(risc0, control_root=None),
            "needs control_root and bn254_control_id",
        ),
        (
            "risc0-short-control-id",
            _risc0_entry(risc0, bn254_control_id="0x" + "00" * 31),
            r"bn254_control_id: expected 32 bytes",
        ),
        (
            "risc0-control-id-ge-r",
            _risc0_entry(risc0, bn254_control_id="0x" + "ff" * 32),
            "bn254_control_id is not < r",
        ),
        (
            "sp1-with-risc0-vk",
            _sp1_entry(sp1, groth16_vk=risc0["verifying_key"], selector="0x11b6a09d"),
            "SP1 v4 needs a verifying key with 2 public inputs",
        ),
        (
            "risc0-with-sp1-vk",
            _risc0_entry(risc0, groth16_vk=gnark),
            "RISC Zero v3 needs a verifying key with 5 public inputs",
        ),
        (
            "sp1-with-control-root",
            _sp1_entry(sp1, groth16_vk=gnark, control_root="0x" + "00" * 32),
            "only apply to 'groth16-risc0-v3'",
        ),
        (
            "groth16-key-on-mock",
            {"proof_type": 1, "backend": "mock", "selector": "0x11b6a09d"},
            "only apply to the groth16-sp1-v4 / groth16-risc0-v3 backends",
        ),
        (
            "library-on-groth16",
            _sp1_entry(sp1, groth16_vk=gnark, verifier_library="/x.so"),
            "built in and verify-only",
        ),
        (
            "missing-file",
            _sp1_entry(sp1, groth16_vk="/nonexistent/vk.bin"),
            "cannot read /nonexistent/vk.bin",
        ),
        (
            "not-a-gnark-file",
            _sp1_entry(sp1, groth16_vk=str(SP1_JSON)),
            r"groth16_vk: .*sp1_v4_groth16\.json: gnark verifying key",
        ),
        ("bad-inline-point", _risc0_entry(risc0, groth16_vk=wrong_point), r"ic\[5\]: not on"),
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [(entry, message) for _, entry, message in _config_errors()],
    ids=[name for name, _, _ in _config_errors()],
)
def test_config_errors_name_the_problem(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ProofEngineConfigError, match=r"execution_proofs\[0\]") as info:
        _load(entry)
    assert re.search(message, str(info.value)), str(info.value)


# ---- the native backends ---------------------------------------------------------------------


def _all_cases() -> list[Groth16Case]:
    return [
        *load_groth16_fixture(SP1_JSON).cases,
        *load_groth16_fixture(RISC0_JSON).cases,
    ]


@pytest.mark.parametrize("case", _all_cases(), ids=[f"{c.kind:x}-{c.name}" for c in _all_cases()])
def test_native_verifier_on_every_fixture_case(case: Groth16Case) -> None:
    verifier = Verifier(case.kind, case.program_vk)
    if case.expected:
        assert verifier.verify(case.proof) == case.public_values
        return
    with pytest.raises(NativeError) as info:
        verifier.verify(case.proof)
    assert info.value.status == case.expected_status
    assert info.value.reason == case.failure_reason


def test_native_verifier_edge_cases(sp1_fixture: Groth16Fixture) -> None:
    valid = sp1_fixture.valid_case
    verifier = Verifier(valid.kind, valid.program_vk)
    # the same proof without its public values: the digest input differs, the pairing fails
    with pytest.raises(NativeError) as info:
        verifier.verify(valid.proof[:260])
    assert (info.value.status, info.value.reason) == ("VERIFY", groth16.G16_PAIRING_FAILS)
    for proof in (valid.proof[:259], b""):
        with pytest.raises(NativeError) as info:
            verifier.verify(proof)
        assert info.value.status == "DECODE_PROOF"
        assert info.value.reason == "wrong_length"
    # a proof of one SP1 program does not verify under another program vkey
    wrong_vkey = next(c for c in sp1_fixture.cases if c.name == "wrong_program_vkey")
    other = Verifier(valid.kind, wrong_vkey.program_vk)
    with pytest.raises(NativeError) as info:
        other.verify(valid.proof)
    assert info.value.reason == groth16.G16_PAIRING_FAILS


def test_native_rejects_bad_program_vks(
    sp1_fixture: Groth16Fixture, risc0_fixture: Groth16Fixture
) -> None:
    sp1_vk = sp1_fixture.valid_case.program_vk
    risc0_vk = risc0_fixture.valid_case.program_vk
    bad_point = bytearray(sp1_vk)
    bad_point[36 + 63] ^= 1  # alpha.y
    for kind, program_vk in (
        (groth16.KIND_GROTH16_SP1_V4, sp1_vk[:-1]),
        (groth16.KIND_GROTH16_SP1_V4, sp1_vk[:36] + risc0_vk[100:]),  # n = 5 for SP1
        (groth16.KIND_GROTH16_RISC0_V3, risc0_vk[:100] + sp1_vk[36:]),  # n = 2 for RISC Zero
        (groth16.KIND_GROTH16_SP1_V4, bytes(bad_point)),
    ):
        with pytest.raises(NativeError) as info:
            Verifier(kind, program_vk)
        assert info.value.status == "DECODE_PROGRAM_VK"


def test_bare_check_with_python_derived_public_inputs(
    sp1_fixture: Groth16Fixture, risc0_fixture: Groth16Fixture
) -> None:
    sp1_valid = sp1_fixture.valid_case
    sp1_inputs = groth16.sp1_v4_public_inputs(sp1_valid.program_id, sp1_valid.public_values)
    assert (
        _native.groth16_verify(
            sp1_fixture.vk.encode(),
            sp1_valid.groth16_proof,
            groth16.encode_public_inputs(sp1_inputs),
        )
        is None
    )
    assert risc0_fixture.control_root is not None
    assert risc0_fixture.bn254_control_id is not None
    r0_valid = risc0_fixture.valid_case
    claim = groth16.risc0_v3_claim_digest(r0_valid.program_id, r0_valid.public_values)
    r0_inputs = groth16.risc0_v3_public_inputs(
        risc0_fixture.control_root, risc0_fixture.bn254_control_id, claim
    )
    _native.groth16_verify(
        risc0_fixture.vk.encode(), r0_valid.groth16_proof, groth16.encode_public_inputs(r0_inputs)
    )
    failures = {
        "input >= r": (
            [sp1_inputs[0] + R, sp1_inputs[1]],
            "public_input_not_less_than_r",
        ),
        "one input missing": ([sp1_inputs[0]], "wrong_public_input_count"),
        "other digest": ([sp1_inputs[0], sp1_inputs[1] ^ 1], groth16.G16_PAIRING_FAILS),
    }
    for name, (inputs, reason) in failures.items():
        with pytest.raises(NativeError) as info:
            _native.groth16_verify(
                sp1_fixture.vk.encode(),
                sp1_valid.groth16_proof,
                groth16.encode_public_inputs(inputs),
            )
        assert info.value.reason == reason, name


def test_bare_check_on_every_case_that_stores_its_inputs(
    sp1_fixture: Groth16Fixture, risc0_fixture: Groth16Fixture
) -> None:
    checked = 0
    for fixture in (sp1_fixture, risc0_fixture):
        for case in fixture.cases:
            if case.public_inputs is None:
                continue
            args = (
                fixture.vk.encode(),
                case.groth16_proof,
                groth16.encode_public_inputs(case.public_inputs),
            )
            checked += 1
            if case.expected:
                _native.groth16_verify(*args)
                continue
            with pytest.raises(NativeError) as info:
                _native.groth16_verify(*args)
            assert info.value.reason == case.failure_reason, case.name
    assert checked == len(sp1_fixture.cases) - 1 + len(risc0_fixture.cases)


def test_non_groth16_errors_have_no_reason() -> None:
    verifier = Verifier(int(ZkVMKind.MOCK), b"\x01" * 32)
    with pytest.raises(NativeError) as info:
        verifier.verify(b"\x00" * 200)
    assert info.value.reason is None


# ---- the engine --------------------------------------------------------------------------------


def _engine(sp1: dict[str, Any], risc0: dict[str, Any]) -> NativeProofEngine:
    config = _load(_sp1_entry(sp1, groth16_vk=str(SP1_GNARK)), _risc0_entry(risc0))
    return NativeProofEngine(config)


def _execution_proof(proof_type: int, proof_data: bytes) -> containers.ExecutionProofBase:
    from eip8025.verification import get_public_input

    return PROFILE.ExecutionProof(
        proof_data=proof_data,
        proof_type=proof_type,
        public_input=get_public_input(b"\x07" * 32, 1),
    )


def test_engine_verifies_through_the_native_backends(
    monkeypatch: pytest.MonkeyPatch,
    sp1: dict[str, Any],
    risc0: dict[str, Any],
    sp1_fixture: Groth16Fixture,
    risc0_fixture: Groth16Fixture,
) -> None:
    engine = _engine(sp1, risc0)
    assert engine.verifiable_proof_types == {1, 2}
    assert engine.provable_proof_types == frozenset()
    bound: list[bytes] = []

    def record(form: PublicValuesForm, public_values: bytes, public_input: Any) -> bool:
        bound.append(public_values)
        return True

    monkeypatch.setattr("eip8025.native_engine.public_values_match", record)
    for proof_type, fixture in ((1, sp1_fixture), (2, risc0_fixture)):
        configured = engine.config.proof_types[proof_type].verifier_program_vk
        assert configured == fixture.valid_case.program_vk
        # cases about another program (wrong vkey / image id) carry the valid proof: under the
        # configured program they verify, which the fixture's own program vk test covers
        same_program = [c for c in fixture.cases if c.program_vk == configured]
        assert len(same_program) == len(fixture.cases) - 1
        bound.clear()
        for case in same_program:
            result = engine.verify_execution_proof(_execution_proof(proof_type, case.proof))
            assert result is case.expected, case.name
        # the binding saw exactly the valid case's public values, and nothing else
        assert bound == [fixture.valid_case.public_values]
    # a proof of one backend does not verify as the other
    assert not engine.verify_execution_proof(_execution_proof(2, sp1_fixture.valid_case.proof))


def test_engine_binding_applies_to_groth16_public_values(
    sp1: dict[str, Any], risc0: dict[str, Any], sp1_fixture: Groth16Fixture
) -> None:
    # The fixture's public values are ABI words, not an SSZ PublicInput: natively valid, but they
    # do not bind the proof to any PublicInput, so the engine says False.
    engine = _engine(sp1, risc0)
    proof = _execution_proof(1, sp1_fixture.valid_case.proof)
    assert not engine.verify_execution_proof(proof)


def _new_payload_request() -> containers.NewPayloadRequestBase:
    envelope = make_payload(b"\x07" * 32)
    return PROFILE.NewPayloadRequest(
        execution_payload=envelope.payload,
        versioned_hashes=(),
        parent_beacon_block_root=b"\x01" * 32,
        execution_requests=envelope.execution_requests,
    )


def test_engine_groth16_types_verify_only(sp1: dict[str, Any], risc0: dict[str, Any]) -> None:
    engine = _engine(sp1, risc0)
    public_input = get_public_input(_new_payload_request().hash_tree_root(), 1)
    for proof_type in (1, 2):
        with pytest.raises(ProofEngineUnavailable, match="Groth16 backends verify only"):
            engine.generate_proof(public_input, proof_type)
    assert engine.provable_proof_types == frozenset()


# ---- the CLI -----------------------------------------------------------------------------------


def test_verify_help_documents_the_fixture_mode(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli_main(["verify", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--groth16-fixture PATH" in text
    assert "failure_reason" in text
    assert "exit 0 iff every case matched" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--groth16-fixture", "f.json", "--proof", "p"], "cannot be combined with --proof"),
        (["--groth16-fixture", "f.json", "--proof-type", "1"], "with --proof-type"),
        (["--groth16-fixture", "f.json", "--root", "0x00"], "with --root"),
        (["--proof", "p", "--root", "0x00"], "required: --proof-type"),
        (["--proof-type", "1", "--root", "0x00"], "required: --proof "),
        (["--proof-type", "1", "--proof", "p"], "one of --new-payload-request --root"),
        ([], "required: --proof-type, --proof, one of"),
    ],
)
def test_verify_mode_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli_main(["verify", *argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert message in err


def test_verify_fixture_unreadable_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["verify", "--groth16-fixture", str(tmp_path / "missing.json")]) == 2
    (tmp_path / "other.json").write_text("{}")
    assert cli_main(["verify", "--groth16-fixture", str(tmp_path / "other.json")]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2
    assert "not a Groth16 fixture" in errors[1]


@pytest.mark.parametrize("path", [SP1_JSON, RISC0_JSON], ids=["sp1", "risc0"])
def test_verify_fixture_runs_every_case(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = load_groth16_fixture(path)
    assert cli_main(["verify", "--groth16-fixture", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines if line.startswith("  ")]
    assert [row[0] for row in rows] == [case.name for case in fixture.cases]
    assert all(row[-1] == "ok" and row[-2] == "ms" for row in rows)
    for row, case in zip(rows, fixture.cases, strict=True):
        if not case.expected:
            assert f"{case.expected_status}/{case.failure_reason}" in row
    total = len(fixture.cases)
    assert lines[-1] == f"{fixture.name}: {total}/{total} cases as expected"


def test_verify_fixture_mismatches_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sp1: dict[str, Any]
) -> None:
    doctored = copy.deepcopy(sp1)
    # the valid case now carries the tampered public values: it must be rejected -> MISMATCH
    doctored["fixture"]["publicValues"] = sp1["negative_cases"][0]["publicValues"]
    # and a negative case claims the wrong reason -> MISMATCH
    doctored["negative_cases"][2]["failure_reason"] = "a_not_on_curve"
    path = tmp_path / "doctored.json"
    path.write_text(json.dumps(doctored))
    assert cli_main(["verify", "--groth16-fixture", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    mismatched = [line.split()[0] for line in out if line.endswith("MISMATCH")]
    assert mismatched == ["valid", sp1["negative_cases"][2]["name"]]
    assert "6/8 as expected" in out[-1]


def test_prove_with_a_groth16_type_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sp1: dict[str, Any]
) -> None:
    request = _new_payload_request()
    (tmp_path / "request.ssz").write_bytes(request.encode_bytes())
    shutil.copy(SP1_GNARK, tmp_path / "vk.bin")
    config = tmp_path / "proof-engine.json"
    config.write_text(json.dumps({"execution_proofs": [_sp1_entry(sp1, groth16_vk="vk.bin")]}))
    argv = ["prove", "--proof-type", "1", "--proof-engine", str(config)]
    argv += ["--new-payload-request", str(tmp_path / "request.ssz"), "--out", str(tmp_path / "p")]
    assert cli_main(argv) == 2
    assert "Groth16 backends verify only" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()
