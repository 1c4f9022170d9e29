"""Every consensus-spec-tests case of ../shared and vectors/ through our runner, by profile."""

from __future__ import annotations

import shutil
from pathlib import Path

import cramjam
import pytest
import yaml

from eip8025.profiles import PROFILES, SpecProfile
from eip8025_cli import main as cli_main
from eip8025_spec_tests.layout import Case, discover_cases
from eip8025_spec_tests.runner import Outcome, run_case, run_tree
from tests.conftest import REPO, SHARED, SHARED_VECTORS

_TREES: dict[str, list[Path]] = {
    "2026-08": [SHARED_VECTORS, REPO / "vectors" / "2026-08"],
    "2026-10": [SHARED / "vectors-2026-10", REPO / "vectors" / "2026-10"],
}
"""The trees of each profile: the shared official-format sample and our own vectors."""
_BY_PROFILE: dict[str, list[Case]] = {
    name: [c for tree in trees for c in discover_cases(tree)] for name, trees in _TREES.items()
}
_CASES = [(PROFILES[name], c) for name, cases in _BY_PROFILE.items() for c in cases]


def test_every_profile_has_its_trees() -> None:
    assert set(_TREES) == set(PROFILES)
    old, new = _BY_PROFILE["2026-08"], _BY_PROFILE["2026-10"]
    assert len([c for c in old if c.runner == "ssz_static"]) >= 100
    assert len([c for c in old if c.runner == "ssz_generic"]) >= 1000
    assert len([c for c in new if c.runner == "ssz_static"]) >= 50
    assert len([c for c in new if c.runner == "ssz_static_invalid"]) >= 5
    for cases in (old, new):
        assert len([c for c in cases if c.runner == "networking"]) >= 30
        assert len([c for c in cases if c.runner == "fork_choice"]) >= 15
        assert len([c for c in cases if c.runner == "proof_engine"]) >= 50


@pytest.mark.parametrize(("profile", "case"), _CASES, ids=[f"{p.name}:{c.id}" for p, c in _CASES])
def test_vector(profile: SpecProfile, case: Case) -> None:
    result = run_case(case, profile)
    assert result.outcome is Outcome.PASSED, result.reason


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_ssz_static_type_is_defined(name: str) -> None:
    handlers = {c.handler for c in _BY_PROFILE[name] if c.runner.startswith("ssz_static")}
    assert handlers <= set(PROFILES[name].ssz_types), handlers - set(PROFILES[name].ssz_types)


@pytest.mark.parametrize(
    ("tree_profile", "run_profile"), [("2026-08", "2026-10"), ("2026-10", "2026-08")]
)
@pytest.mark.parametrize("runner", ["ssz_static", "networking"])
def test_a_profile_fails_the_other_profiles_vectors(
    tree_profile: str, run_profile: str, runner: str
) -> None:
    """The profiles are really different texts: each fails the other's proof vectors."""
    cases = [
        c
        for c in _BY_PROFILE[tree_profile]
        if c.runner == runner and ("ExecutionProof" in c.handler or runner == "networking")
    ]
    outcomes = [run_case(c, PROFILES[run_profile]).outcome for c in cases]
    assert outcomes.count(Outcome.FAILED) >= len(cases) // 2 > 0


def _copy_case(case: Case, dest: Path) -> Path:
    target = dest / "tests" / case.id
    shutil.copytree(case.path, target)
    return target


def _one(runner: str, suite: str, handler_prefix: str = "", profile: str = "2026-08") -> Case:
    return next(
        c
        for c in _BY_PROFILE[profile]
        if c.runner == runner and c.suite.startswith(suite) and c.handler.startswith(handler_prefix)
    )


def test_runner_reports_flipped_serialized_byte(tmp_path: Path) -> None:
    case = _one("ssz_static", "ssz_random", "ExecutionProofEnvelope")
    target = _copy_case(case, tmp_path)
    raw = bytearray(cramjam.snappy.decompress_raw((target / "serialized.ssz_snappy").read_bytes()))
    raw[-1] ^= 0x01
    (target / "serialized.ssz_snappy").write_bytes(bytes(cramjam.snappy.compress_raw(bytes(raw))))
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED


def test_runner_reports_wrong_root(tmp_path: Path) -> None:
    case = _one("ssz_generic", "valid", "progressive_containers")
    target = _copy_case(case, tmp_path)
    (target / "meta.yaml").write_text("root: '0x" + "00" * 32 + "'\n")
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED
    assert "hash_tree_root" in result.reason


def test_runner_reports_invalid_case_that_decodes(tmp_path: Path) -> None:
    valid = _one("ssz_generic", "valid", "basic_progressive_list")
    target = tmp_path / "tests" / valid.id.replace("/valid/", "/invalid/")
    shutil.copytree(valid.path, target)
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED
    assert "accepted" in result.reason


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _one("ssz_static", "ssz_one", "Checkpoint")
    target = _copy_case(case, tmp_path)
    assert cli_main(["spec-tests", str(tmp_path)]) == 0
    (target / "roots.yaml").write_text(yaml.safe_dump({"root": "0x" + "11" * 32}))
    assert cli_main(["spec-tests", str(tmp_path)]) == 1
    assert "FAILED" in capsys.readouterr().out
    assert cli_main(["spec-tests", str(tmp_path / "nothing-here")]) == 2


def _flip_serialized(target: Path) -> None:
    raw = bytearray(cramjam.snappy.decompress_raw((target / "serialized.ssz_snappy").read_bytes()))
    raw[len(raw) // 2] ^= 0x01
    (target / "serialized.ssz_snappy").write_bytes(bytes(cramjam.snappy.compress_raw(bytes(raw))))


def test_runner_reports_ssz_static_value_differing_from_serialization(tmp_path: Path) -> None:
    case = _one("ssz_static", "ssz_one", "Checkpoint")
    target = _copy_case(case, tmp_path)
    value = yaml.safe_load((target / "value.yaml").read_text())
    value["epoch"] += 1
    (target / "value.yaml").write_text(yaml.safe_dump(value))
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED
    assert "differs from value.yaml" in result.reason


def test_runner_reports_ssz_static_wrong_root(tmp_path: Path) -> None:
    case = _one("ssz_static", "ssz_random", "ExecutionProof")
    target = _copy_case(case, tmp_path)
    (target / "roots.yaml").write_text("root: '0x" + "00" * 32 + "'\n")
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED
    assert "hash_tree_root" in result.reason


def test_runner_reports_flipped_byte_in_valid_ssz_generic_case(tmp_path: Path) -> None:
    case = _one("ssz_generic", "valid", "progressive_containers")
    _flip_serialized(_copy_case(case, tmp_path))
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED


def test_runner_reports_missing_case_file(tmp_path: Path) -> None:
    case = _one("ssz_static", "ssz_one", "Fork")
    (_copy_case(case, tmp_path) / "value.yaml").unlink()
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.FAILED
    assert "FileNotFoundError" in result.reason


def test_invalid_static_case_that_decodes_fails(tmp_path: Path) -> None:
    valid = _one("ssz_static", "ssz_random", "ExecutionProofEnvelope", profile="2026-10")
    target = tmp_path / "tests" / valid.id.replace("/ssz_static/", "/ssz_static_invalid/")
    target.mkdir(parents=True)
    shutil.copy(valid.path / "serialized.ssz_snappy", target)
    [result] = run_tree(tmp_path, profile=PROFILES["2026-10"])
    assert result.outcome is Outcome.FAILED
    assert "accepted" in result.reason


def test_unknown_folders_are_reported_never_passed(tmp_path: Path) -> None:
    """An unknown runner or type is a listed skip; a folder without cases is a failure."""
    case = _one("ssz_static", "ssz_one", "Checkpoint")
    target = _copy_case(case, tmp_path)
    shutil.copytree(target, tmp_path / "tests/minimal/eip8025/ssz_static/NoSuchType/ssz_one/c")
    shutil.copytree(target, tmp_path / "tests/minimal/eip8025/light_client/x/ssz_one/c")
    (tmp_path / "tests/minimal/eip8025/ssz_static/Empty/ssz_one").mkdir(parents=True)
    results = {r.case.handler: r for r in run_tree(tmp_path, profile=PROFILES["2026-10"])}
    assert results["Checkpoint"].outcome is Outcome.PASSED
    assert results["NoSuchType"].outcome is Outcome.SKIPPED
    assert "NoSuchType is not a container of spec profile 2026-10" in results["NoSuchType"].reason
    assert results["x"].outcome is Outcome.SKIPPED
    assert "runner light_client not supported" in results["x"].reason
    assert results["Empty"].outcome is Outcome.FAILED
    assert "no cases below" in results["Empty"].reason


def test_cli_runs_the_chosen_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _one("ssz_static", "ssz_random", "ExecutionProofEnvelope", profile="2026-10")
    _copy_case(case, tmp_path)
    assert cli_main(["spec-tests", str(tmp_path)]) == 0
    assert "spec profile 2026-10" in capsys.readouterr().out
    assert cli_main(["spec-tests", "--spec-profile", "2026-08", str(tmp_path)]) == 1
    assert "hash_tree_root" in capsys.readouterr().out
