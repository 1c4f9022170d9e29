"""``SpecConfig`` refuses a bad config itself; ``load_config`` names the key that is wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from eip8025.config import MINIMAL_CONFIG, load_config
from eip8025.errors import ConfigError, Eip8025Error


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deposit_chain_id": -1}, "not a uint64"),
        ({"deposit_chain_id": 2**64}, "not a uint64"),
        ({"supported_proof_types": frozenset()}, "is empty"),
        ({"supported_proof_types": frozenset({1, 300})}, "300 is not a uint8"),
        ({"acceptance_threshold": 0}, "acceptance_threshold must be at least 1"),
        ({"min_zkvms": 0}, "min_zkvms must be at least 1"),
    ],
)
def test_spec_config_refuses(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        dataclasses.replace(MINIMAL_CONFIG, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deposit_chain_id": "5"}, "deposit_chain_id: expected an integer"),
        ({"acceptance_threshold": True}, "acceptance_threshold: expected an integer"),
        ({"supported_proof_types": "1,2"}, "expected a list"),
        ({"supported_proof_types": [1, "x"]}, "supported_proof_types: expected an integer"),
        ({"nope": 1}, "unknown config keys"),
        ({"preset": "tiny"}, "unknown preset"),
    ],
)
def test_load_config_names_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(data)


def test_load_config_file_errors_are_ours(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe")
    (tmp_path / "list.json").write_text("[1]")
    for name in ("bad.json", "list.json", "missing.json"):
        with pytest.raises(Eip8025Error):
            load_config(tmp_path / name)
    assert load_config({"preset": "minimal", "deposit_chain_id": 7}).deposit_chain_id == 7
