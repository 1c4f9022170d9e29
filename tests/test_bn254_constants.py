"""The generated BN254 constants header, and the module-level face of the Groth16 backends."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from eip8025 import _native
from eip8025.native import NativeError, Prover, Verifier, ZkVMKind

REPO = Path(__file__).resolve().parents[1]


def test_constants_header_is_regenerated_identically() -> None:
    """csrc/bn254_constants.h is exactly what tools/gen_bn254_constants.py derives from u."""
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "gen_bn254_constants.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_native_error_reason_survives_pickling() -> None:
    err = NativeError("x", _native.ERR_VERIFY, None, None, "pairing_check_fails")
    back = pickle.loads(pickle.dumps(err))
    assert (back.code, back.status, back.reason) == (
        _native.ERR_VERIFY,
        "VERIFY",
        "pairing_check_fails",
    )
    assert NativeError("y").reason is None


@pytest.mark.parametrize("kind", [ZkVMKind.GROTH16_SP1_V4, ZkVMKind.GROTH16_RISC0_V3])
def test_groth16_kinds_verify_only(kind: ZkVMKind) -> None:
    with pytest.raises(NativeError) as info:
        Prover(kind, b"program")
    assert info.value.status == "BAD_KIND"


@pytest.mark.parametrize(
    ("kind", "name"),
    [(ZkVMKind.GROTH16_SP1_V4, "groth16-sp1-v4"), (ZkVMKind.GROTH16_RISC0_V3, "groth16-risc0-v3")],
)
def test_groth16_program_vk_is_validated(kind: ZkVMKind, name: str) -> None:
    """A malformed program vk is refused at creation with DECODE_PROGRAM_VK and a reason."""
    with pytest.raises(NativeError) as info:
        Verifier(kind, b"\x00" * 10)
    assert (info.value.status, info.value.reason) == ("DECODE_PROGRAM_VK", "wrong_length")
    assert name in str(info.value)
