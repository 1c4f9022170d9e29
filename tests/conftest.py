"""Shared fixtures: where the shared vectors live (CI always has ../shared beside the clone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eip8025.profiles import PROFILES, SpecProfile

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_VECTORS = SHARED / "vectors"


@pytest.fixture(scope="session")
def shared_vectors() -> Path:
    """The shared consensus-spec-tests sample; its absence is a failure, not a skip."""
    assert (SHARED_VECTORS / "tests").is_dir(), f"missing {SHARED_VECTORS}/tests"
    return SHARED_VECTORS


@pytest.fixture(params=sorted(PROFILES), ids=lambda name: f"profile-{name}")
def profile(request: pytest.FixtureRequest) -> SpecProfile:
    """Each spec profile in turn (tests whose expectations hold under every profile)."""
    return PROFILES[request.param]
