"""Shared fixtures: where the shared vectors live (CI always has ../shared beside the clone)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_VECTORS = SHARED / "vectors"


@pytest.fixture(scope="session")
def shared_vectors() -> Path:
    """The shared consensus-spec-tests sample; its absence is a failure, not a skip."""
    assert (SHARED_VECTORS / "tests").is_dir(), f"missing {SHARED_VECTORS}/tests"
    return SHARED_VECTORS
