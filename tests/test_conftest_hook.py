"""The conftest hook that lets ``xfail(raises=AssertionError)`` see a trio test's assertion."""

from __future__ import annotations

import pytest
import trio

from tests.conftest import only_assertion


def test_only_a_lone_assertion_is_unwrapped() -> None:
    failed = AssertionError("x")
    assert only_assertion(BaseExceptionGroup("g", [ExceptionGroup("h", [failed])])) is failed
    assert only_assertion(ExceptionGroup("g", [ValueError("crash")])) is None
    assert only_assertion(ExceptionGroup("g", [failed, AssertionError("y")])) is None
    assert only_assertion(ExceptionGroup("g", [failed, ValueError("crash")])) is None


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="shows the hook at work")
async def test_an_assertion_inside_a_nursery_counts_as_an_assertion() -> None:
    async def fails() -> None:
        await trio.lowlevel.checkpoint()
        raise AssertionError("inside a nursery")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(fails)
