"""Every consensus-spec-tests case in ../shared/vectors and vectors/ through our runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import cramjam
import pytest
import yaml

from eip8025_cli import main as cli_main
from eip8025_spec_tests.layout import Case, discover_cases
from eip8025_spec_tests.runner import SSZ_STATIC_TYPES, Outcome, run_case, run_tree

from .conftest import REPO, SHARED_VECTORS

_TREES = [SHARED_VECTORS, REPO / "vectors"]
_CASES = [c for tree in _TREES if (tree / "tests").is_dir() for c in discover_cases(tree)]


def test_shared_vectors_are_present() -> None:
    assert len([c for c in _CASES if c.runner == "ssz_static"]) >= 100
    assert len([c for c in _CASES if c.runner == "ssz_generic"]) >= 1000
    assert len([c for c in _CASES if c.runner == "networking"]) >= 30
    assert len([c for c in _CASES if c.runner == "fork_choice"]) >= 15


@pytest.mark.parametrize("case", _CASES, ids=lambda c: c.id)
def test_vector(case: Case) -> None:
    result = run_case(case)
    assert result.outcome is Outcome.PASSED, result.reason


def test_every_shared_ssz_static_type_is_defined() -> None:
    handlers = {c.handler for c in _CASES if c.runner == "ssz_static"}
    assert handlers <= set(SSZ_STATIC_TYPES), handlers - set(SSZ_STATIC_TYPES)


def _copy_case(case: Case, dest: Path) -> Path:
    target = dest / "tests" / case.id
    shutil.copytree(case.path, target)
    return target


def _one(runner: str, suite: str, handler_prefix: str = "") -> Case:
    return next(
        c
        for c in _CASES
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
