"""``eip8025 prove`` / ``eip8025 verify`` on files."""

from __future__ import annotations

from pathlib import Path

import pytest

from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025_cli import main as cli_main
from tests.factories import make_payload


def _request_file(tmp_path: Path) -> Path:
    envelope = make_payload(b"\x07" * 32)
    request = PROFILE.NewPayloadRequest(
        execution_payload=envelope.payload,
        versioned_hashes=(),
        parent_beacon_block_root=b"\x01" * 32,
        execution_requests=envelope.execution_requests,
    )
    path = tmp_path / "request.ssz"
    path.write_bytes(request.encode_bytes())
    return path


def test_prove_then_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = _request_file(tmp_path)
    proof = tmp_path / "proof.bin"
    assert (
        cli_main(
            [
                "prove",
                "--proof-type",
                "2",
                "--new-payload-request",
                str(request),
                "--out",
                str(proof),
            ]
        )
        == 0
    )
    root_line = capsys.readouterr().out.splitlines()[-1]
    root = root_line.split()[-1]
    assert (
        cli_main(
            [
                "verify",
                "--proof-type",
                "2",
                "--proof",
                str(proof),
                "--new-payload-request",
                str(request),
            ]
        )
        == 0
    )
    assert cli_main(["verify", "--proof-type", "2", "--proof", str(proof), "--root", root]) == 0
    assert capsys.readouterr().out.split() == ["VALID", "VALID"]
    # another chain id, another root, another type, a tampered proof: INVALID (exit 1)
    assert (
        cli_main(
            [
                "verify",
                "--proof-type",
                "2",
                "--proof",
                str(proof),
                "--root",
                root,
                "--chain-id",
                "1",
            ]
        )
        == 1
    )
    assert "the proof is for chain id 5, this node's is 1" in capsys.readouterr().out
    assert (
        cli_main(["verify", "--proof-type", "2", "--proof", str(proof), "--root", "0x" + "00" * 32])
        == 1
    )
    assert cli_main(["verify", "--proof-type", "3", "--proof", str(proof), "--root", root]) == 1
    data = bytearray(proof.read_bytes())
    data[50] ^= 1
    proof.write_bytes(bytes(data))
    assert cli_main(["verify", "--proof-type", "2", "--proof", str(proof), "--root", root]) == 1


def test_bad_inputs_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "junk.ssz").write_bytes(b"\x01\x02")
    assert (
        cli_main(
            [
                "prove",
                "--proof-type",
                "1",
                "--new-payload-request",
                str(tmp_path / "junk.ssz"),
                "--out",
                str(tmp_path / "p"),
            ]
        )
        == 2
    )
    assert (
        cli_main(
            [
                "verify",
                "--proof-type",
                "1",
                "--proof",
                str(tmp_path / "missing"),
                "--root",
                "0x" + "00" * 32,
            ]
        )
        == 2
    )
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2
    assert all("error:" in e for e in errors)
    with pytest.raises(SystemExit) as info:
        cli_main(["verify", "--proof-type", "300", "--proof", "x", "--root", "0x00"])
    assert info.value.code == 2
