"""Run a consensus-spec-tests tree and print the per-runner table (``eip8025 spec-tests``)."""

from __future__ import annotations

import sys

from eip8025.profiles import DEFAULT_PROFILE, get_profile
from eip8025_spec_tests.runner import Outcome, run_tree, summarize

__all__ = ["run"]


def run(
    path: str,
    *,
    spec_profile: str = DEFAULT_PROFILE.name,
    preset: str | None = None,
    fork: str | None = None,
    filter_text: str | None = None,
) -> int:
    """Run the tree at ``path``; return 0 only when cases ran and none failed (2: no tree)."""
    profile = get_profile(spec_profile)
    try:
        results = run_tree(path, profile=profile, preset=preset, fork=fork, filter_text=filter_text)
    except FileNotFoundError as exc:
        print(f"eip8025 spec-tests: error: {exc}", file=sys.stderr)
        return 2
    print(f"spec profile {profile.name}: {profile.summary}")
    print(summarize(results))
    if not results:
        print("eip8025 spec-tests: no cases matched", file=sys.stderr)
        return 1
    return 1 if any(r.outcome is Outcome.FAILED for r in results) else 0
