"""Shared fixtures (where the shared vectors live: CI always has ../shared beside the clone).

Also one hook: a trio test's failure reaches pytest wrapped in exception groups (pytest-trio
runs it in a nursery). A group whose only leaf is an ``AssertionError`` is unwrapped to that
error, so ``xfail(strict=True, raises=AssertionError)`` means "the assertion failed", and a crash
(any other leaf, or several) still fails the test.
"""

from __future__ import annotations

from collections.abc import Generator
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


def only_assertion(group: BaseExceptionGroup[BaseException]) -> AssertionError | None:
    """The single leaf of ``group`` if it is an ``AssertionError`` (else None)."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        exc = pending.pop()
        if isinstance(exc, BaseExceptionGroup):
            pending.extend(exc.exceptions)
        else:
            leaves.append(exc)
    if len(leaves) == 1 and isinstance(leaves[0], AssertionError):
        return leaves[0]
    return None


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """Unwrap a trio test's lone failed assertion from its exception groups."""
    try:
        return (yield)
    except BaseExceptionGroup as group:
        leaf = only_assertion(group)
        if leaf is None:
            raise
        raise leaf from group
