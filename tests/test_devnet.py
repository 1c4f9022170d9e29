"""``eip8025 devnet``: real multi-process devnets on 127.0.0.1 (small: 1 s slots, few slots).

Each run starts the provers and verifiers as separate ``eip8025 node`` processes; the assertions
read the devnet's ``--summary-json`` (acceptance lines of every verifier, verdicts, scraped
metrics, child pids and exit codes) and its printed result line. Proofs come from the built-in
devnet mock engine (NOT a zero-knowledge proof).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eip8025_cli import main
from eip8025_p2p.devchain import DevnetChain, DevnetSpec
from eip8025_p2p.devnet import DevnetConfig, DevnetConfigError, percentile, plan_nodes

SEED = "test-devnet"
RUN_TIMEOUT = 90


def run_devnet(tmp_path: Path, *flags: str) -> tuple[int, str, dict[str, Any]]:
    summary = tmp_path / "summary.json"
    command = [sys.executable, "-m", "eip8025_cli", "devnet", "--devnet-seed", SEED]
    command += ["--seconds-per-slot", "1", "--summary-json", str(summary), *flags]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=tmp_path
    )
    data = json.loads(summary.read_text()) if summary.exists() else {}
    return result.returncode, result.stdout + result.stderr, data


def expected_root(data: dict[str, Any], slot: int) -> str:
    spec = DevnetSpec(seed=SEED, genesis_time=data["genesis_time"], seconds_per_slot=1)
    return "0x" + DevnetChain(spec).block(slot).root.hex()


def assert_children_gone(data: dict[str, Any]) -> None:
    """Every started child stopped cleanly (its ``done`` line, exit code 0) and is reaped."""
    for name, node in data["nodes"].items():
        if node["offline"]:
            assert node["pid"] is None
            continue
        assert node["returncode"] == 0, name
        assert node["done"] is not None
        assert node["done"]["name"] == name
        with pytest.raises(ProcessLookupError):
            os.kill(node["pid"], 0)


def rejects(data: dict[str, Any], node: str) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    for name, labels, value in data["metrics"][node]:
        if name == "eip8025_gossip_verdicts_total" and labels["outcome"] == "reject":
            found[(labels["reason"], labels["proof_type"])] = value
    return found


# -- pure parts ------------------------------------------------------------------------------


def test_plan_assigns_faults_to_the_last_provers() -> None:
    plans = plan_nodes(DevnetConfig(byzantine_provers=1, offline_provers=2, verifiers=2))
    assert [(p.name, p.validator_index, p.byzantine, p.offline) for p in plans] == [
        ("prover-1", 0, False, False),
        ("prover-2", 1, False, False),
        ("prover-3", 2, True, False),
        ("prover-5", 3, False, True),
        ("prover-6", 4, False, True),
        ("verifier-0", None, False, False),
        ("verifier-1", None, False, False),
    ]
    assert len({p.peer_id for p in plans}) == len(plans)
    config = DevnetConfig(byzantine_provers=1, offline_provers=2)
    assert config.honest_provers == 2
    assert not config.acceptance_possible
    assert DevnetConfig(offline_provers=2).acceptance_possible


def test_percentile() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0
    assert percentile([5.0], 99) == 5.0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--offline-provers", "4", "--byzantine-provers", "2"], "exceed the 5 provers"),
        (["--proof-threshold", "6"], "can never be met"),
        (["--proof-types", "1,2", "--proof-threshold", "3"], "can never be met"),
        (["--verifiers", "0"], "positive integer"),
        (["--byzantine-provers", "-1"], "non-negative"),
    ],
)
def test_bad_flags_exit_2(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["devnet", *flags])
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[-1].startswith("eip8025 devnet: error: ")
    assert message in err[-1]


def test_config_check_refuses_more_provers_than_validators() -> None:
    with pytest.raises(DevnetConfigError, match="more provers than devnet validators"):
        DevnetConfig(validator_count=4).check()


# -- real devnets ----------------------------------------------------------------------------


@pytest.mark.slow
def test_devnet_every_verifier_accepts_every_payload(tmp_path: Path) -> None:
    code, output, data = run_devnet(tmp_path, "--verifiers", "2", "--slots", "3")
    assert code == 0, output
    assert "spec profile 2026-10" in output  # the default
    assert "result: OK - all 2 verifiers accepted all 3 payloads (3-of-5" in output
    for slot in (1, 2, 3):
        state = data["slots"][str(slot)]
        assert state["root"] == expected_root(data, slot)
        assert sorted(state["accepted"]) == ["verifier-0", "verifier-1"]
        for line in state["accepted"].values():  # the verifiers' own acceptance lines
            assert line["event"] == "accepted"
            assert line["slot"] == slot
            assert line["root"] == state["root"]
            assert len(line["proof_types"]) == 3
            assert set(line["proof_types"]) <= {1, 2, 3, 5, 6}
            assert 0 <= line["latency"] < 3
        assert {t: len(v) for t, v in state["valid"].items()} == {
            t: 2 for t in ("1", "2", "3", "5", "6")
        }
    for verifier in ("verifier-0", "verifier-1"):
        assert rejects(data, verifier) == {}
        assert data["nodes"][verifier]["done"]["payloads_accepted"] == 3
    assert_children_gone(data)
    assert not Path(data["datadir"]).exists()  # the temporary datadir is removed after success


def test_devnet_provers_submit_through_the_verifiers_api(tmp_path: Path) -> None:
    code, output, data = run_devnet(
        tmp_path, "--verifiers", "2", "--slots", "2", "--submit-via-api"
    )
    assert code == 0, output
    assert "Beacon API, POST /eth/v1/beacon/execution_proofs" in output
    assert "provers' proofs by result: submitted 10" in output  # 5 provers x 2 slots
    api_proofs = {
        verifier: sum(
            value
            for name, _, value in data["metrics"][verifier]
            if name == "eip8025_api_proofs_total"
        )
        for verifier in ("verifier-0", "verifier-1")
    }
    assert api_proofs == {"verifier-0": 6, "verifier-1": 4}  # provers 1,3,6 -> 0; 2,5 -> 1
    for verifier in ("verifier-0", "verifier-1"):
        assert data["nodes"][verifier]["done"]["payloads_accepted"] == 2
        assert data["nodes"][verifier]["done"]["api"]["failed"] == 0
    for prover in ("prover-1", "prover-6"):
        published = data["nodes"][prover]["done"]["published"]
        assert published == 0  # nothing went out through the prover's own gossip publish
    assert_children_gone(data)


@pytest.mark.slow
def test_devnet_byzantine_and_offline_prover(tmp_path: Path) -> None:
    """prover-5 sends invalid proofs, prover-6 is down: 3 honest provers still make 3-of-5.

    Runs the 2026-08 profile (the other devnet test runs the default), so CI covers both.
    """
    flags = ["--verifiers", "2", "--slots", "3", "--byzantine-provers", "1", "--offline-provers"]
    code, output, data = run_devnet(tmp_path, *flags, "1", "--spec-profile", "2026-08")
    assert code == 0, output
    assert "spec profile 2026-08" in output
    assert "byzantine: prover-5; offline: prover-6" in output
    assert "penalised peer: prover-5" in output
    for slot in (1, 2, 3):
        state = data["slots"][str(slot)]
        assert sorted(state["accepted"]) == ["verifier-0", "verifier-1"]
        for line in state["accepted"].values():
            assert sorted(line["proof_types"]) == [1, 2, 3]  # never the invalid type 5
        assert state["rejected"] == {"5": ["verifier-0", "verifier-1"]}
        assert "6" not in state["valid"]
    for verifier in ("verifier-0", "verifier-1"):
        assert rejects(data, verifier) == {("proof_invalid", "5"): 3.0}
        scores = {
            labels["peer"]: value
            for name, labels, value in data["metrics"][verifier]
            if name == "eip8025_peer_score"
        }
        assert scores[data["nodes"]["prover-5"]["peer_id"]] < 0
        assert scores[data["nodes"]["prover-1"]["peer_id"]] == 0
    assert_children_gone(data)


@pytest.mark.slow
def test_devnet_three_provers_offline_is_an_expected_failure(tmp_path: Path) -> None:
    flags = ["--verifiers", "2", "--slots", "2", "--offline-provers", "3"]
    code, output, data = run_devnet(tmp_path, *flags)
    assert code == 3, output
    assert "EXPECTED FAILURE: 2 honest provers online < threshold 3" in output
    for slot in (1, 2):
        state = data["slots"][str(slot)]
        assert state["accepted"] == {}
        assert {t: len(v) for t, v in state["valid"].items()} == {"1": 2, "2": 2}
    assert_children_gone(data)
