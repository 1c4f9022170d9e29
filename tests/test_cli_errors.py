"""Every bad invocation of every command: one ``eip8025 <cmd>: error: ...`` line, exit code 2.

Each case runs the real command in its own process (so a case that wrongly starts a node is cut
off by a timeout and fails, instead of hanging the suite); cases run a few at a time.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import trio

from tests.conftest import REPO

KEY0 = "0:0x" + "0" * 63 + "1"  # a valid BLS key that is not validator 0's
ROOT = "0x" + "00" * 32

CASES: list[str] = [
    # node: values
    "node --proof-types 300",
    "node --proof-types 0",
    "node --proof-types abc",
    "node --proof-types 1,1",
    "node --proof-types ''",
    "node --proof-threshold 0",
    "node --proof-threshold 9",
    "node --proof-threshold x",
    "node --listen 127.0.0.1:notaport",
    "node --listen 127.0.0.1:70000",
    "node --listen nohost",
    "node --listen 999.1.1.1:9000",
    "node --http-port 70000",
    "node --http-port -1",
    "node --metrics-port abc",
    "node --arrival-jitter inf",
    "node --arrival-jitter nan",
    "node --arrival-jitter -1",
    "node --seconds-per-slot 0",
    "node --seconds-per-slot inf",
    "node --genesis-time soon",
    "node --genesis-time -5",
    "node --genesis-time 99999999999999999999",
    "node --devnet-validators 0",
    "node --slots 0",
    "node --spec-profile nope",
    "node --max-gossip-rpc-size 0",
    "node --submit-to http://127.0.0.1:notaport",
    "node --submit-to ftp://x",
    "node --submit-to http://127.0.0.1:5052",
    # node: files and keys
    "node --proof-engine {tmp}/binary.json",
    "node --proof-engine {tmp}/list.json",
    "node --proof-engine {tmp}/broken.json",
    "node --proof-engine {tmp}/missing.json",
    "node --proof-engine http://",
    "node --proof-engine {tmp}",
    "node --proof-generation --validator-password-file {tmp}/pw --validator-keys {tmp}/list.json",
    "node --proof-generation --validator-password-file {tmp}/pw --validator-keys {tmp}/bad.json",
    "node --proof-generation --validator-password-file {tmp}/pw --validator-keys {tmp}/binary.json",
    "node --proof-generation --validator-keys 0:0xzz",
    "node --proof-generation --validator-keys 999:0x01",
    "node --proof-generation --validator-keys " + KEY0,
    "node --proof-generation",
    "node --validator-keys 0x01",
    "node --proof-generation --validator-keys 0:0x01 --generate-proof-types 4",
    "node --peers garbage",
    "node --peers /ip4/127.0.0.1/tcp/1",
    "node --peers enr:-garbage",
    "node --datadir {tmp}/afile",
    # devnet
    "devnet --proof-engine {tmp}/binary.json",
    "devnet --proof-engine http://",
    "devnet --datadir {tmp}/afile",
    "devnet --verifiers 0",
    "devnet --byzantine-provers 9",
    "devnet --offline-provers 6",
    "devnet --arrival-jitter inf",
    "devnet --seconds-per-slot 0",
    "devnet --proof-types 300",
    "devnet --proof-types 7",
    "devnet --slots 0",
    "devnet --summary-json {tmp}/missing/x.json",
    # prove / verify
    "prove --proof-type 300 --new-payload-request {tmp}/afile --out {tmp}/o",
    "prove --proof-type 1 --chain-id -1 --new-payload-request {tmp}/afile --out {tmp}/o",
    "prove --proof-type 1 --chain-id 18446744073709551616 --new-payload-request {tmp}/afile "
    "--out {tmp}/o",
    "prove --proof-type 1 --new-payload-request {tmp}/missing --out {tmp}/o",
    "prove --proof-type 1 --new-payload-request {tmp}/binary.json --out {tmp}/o",
    "prove --proof-type 1 --proof-engine {tmp}/binary.json --new-payload-request {tmp}/afile "
    "--out {tmp}/o",
    "prove --new-payload-request {tmp}/afile --out {tmp}/o",
    "verify --proof-type 1",
    "verify --proof-type 1 --proof {tmp}/missing --root 0x00",
    "verify --proof-type 1 --proof {tmp}/afile --root 0xzz",
    "verify --proof-type 1 --proof {tmp}/afile --root 0x1234",
    "verify --proof-type 300 --proof {tmp}/afile --root " + ROOT,
    "verify --proof-type 1 --chain-id abc --proof {tmp}/afile --root " + ROOT,
    "verify --groth16-fixture {tmp}/missing",
    "verify --groth16-fixture {tmp}/binary.json",
    # spec-tests / vectors / top level
    "spec-tests {tmp}/missing",
    "spec-tests {tmp}/afile",
    "spec-tests {tmp}/brokenlink",
    "spec-tests {tmp} --preset nope",
    "vectors generate {tmp}/afile",
    "vectors generate {tmp}/binary.json/x",
    "vectors",
    "nosuchcommand",
    "node --no-such-flag",
]


def make_files(tmp: Path) -> None:
    (tmp / "binary.json").write_bytes(b"\x00\x01\x02\xff\xfe")
    (tmp / "list.json").write_text("[1, 2, 3]")
    (tmp / "bad.json").write_text('{"crypto": 5}')
    (tmp / "broken.json").write_text("{")
    (tmp / "afile").write_text("")
    (tmp / "pw").write_text("password\n")
    (tmp / "brokenlink").symlink_to(tmp / "nowhere")


async def run_case(case: str, tmp: Path) -> tuple[str, int, str, str]:
    argv = shlex.split(case.format(tmp=tmp))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with trio.move_on_after(60) as scope:
        result = await trio.run_process(
            [sys.executable, "-m", "eip8025_cli", *argv],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            stdin=subprocess.DEVNULL,
            cwd=tmp,
            env=env,
        )
    if scope.cancelled_caught:  # the command ran instead of refusing: a failure
        return case, -1, "", "timed out (the command started instead of refusing)"
    return case, result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.mark.slow
async def test_every_bad_invocation_is_one_line_and_exit_2(tmp_path: Path) -> None:
    assert len(CASES) >= 40
    make_files(tmp_path)
    results: list[tuple[str, int, str, str]] = []
    limiter = trio.CapacityLimiter(4)

    async def one(case: str) -> None:
        async with limiter:
            results.append(await run_case(case, tmp_path))

    async with trio.open_nursery() as nursery:
        for case in CASES:
            nursery.start_soon(one, case)
    failures = []
    for case, code, out, err in sorted(results):
        command = case.split()[0] if case.split()[0] in COMMANDS else None
        lines = err.strip().splitlines()
        prefix = f"eip8025 {command}" if command else "eip8025"
        ok = (
            code == 2
            and out == ""
            and len(lines) == 1
            and lines[0].startswith(prefix)
            and ": error: " in lines[0]
            and "Traceback" not in err
        )
        if not ok:
            failures.append(f"{case!r}: exit {code}, stderr {err[-300:]!r}")
    assert failures == []


COMMANDS = {"node", "devnet", "prove", "verify", "spec-tests", "vectors"}
