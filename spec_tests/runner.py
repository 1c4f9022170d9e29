"""Run consensus-spec-tests cases and tabulate the outcomes per runner."""

from __future__ import annotations

import dataclasses
import enum
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from ssz.exceptions import SSZException
from ssz.sedes.base import BaseSedes

from eip8025.profiles import DEFAULT_PROFILE, SpecProfile
from eip8025.ssz.sedes import decode
from eip8025_spec_tests.acceptance_runner import run_execution_proof_acceptance
from eip8025_spec_tests.errors import CaseFailure, CaseSkip
from eip8025_spec_tests.formats import (
    ACCEPTANCE_HANDLER,
    DECODE_ERRORS,
    GOSSIP_HANDLER,
    MOCK_HANDLER,
)
from eip8025_spec_tests.generic_types import GenericTypeUnknown, sedes_for_case
from eip8025_spec_tests.gossip_runner import run_gossip_execution_proof
from eip8025_spec_tests.layout import Case, discover_cases, discover_strays, read_snappy, read_yaml
from eip8025_spec_tests.mock_proof_runner import run_proof_engine_mock
from eip8025_spec_tests.values import from_yaml

__all__ = [
    "RUNNERS",
    "CaseResult",
    "Outcome",
    "run_case",
    "run_tree",
    "summarize",
]


class Outcome(enum.Enum):
    """Result of one case."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclasses.dataclass(frozen=True)
class CaseResult:
    """Outcome of one case, with the reason for a failure or skip."""

    case: Case
    outcome: Outcome
    reason: str = ""


def _check_valid(case: Case, sedes: BaseSedes[Any, Any], root_file: str) -> None:
    serialized = read_snappy(case.path / "serialized.ssz_snappy")
    expected = from_yaml(sedes, read_yaml(case.path / "value.yaml"))
    try:
        decoded = decode(sedes, serialized)
    except DECODE_ERRORS as exc:
        raise CaseFailure(f"valid serialization failed to decode: {exc}") from exc
    if decoded != expected:
        raise CaseFailure("decoded value differs from value.yaml")
    reencoded = sedes.serialize(expected)
    if reencoded != serialized:
        raise CaseFailure("serialize(value) differs from serialized.ssz_snappy")
    expected_root = read_yaml(case.path / root_file)["root"]
    root = "0x" + bytes(sedes.get_hash_tree_root(expected)).hex()
    if root != expected_root:
        raise CaseFailure(f"hash_tree_root {root} != {expected_root}")


def _check_invalid(case: Case, sedes: BaseSedes[Any, Any]) -> None:
    serialized = read_snappy(case.path / "serialized.ssz_snappy")
    try:
        decode(sedes, serialized)
    except DECODE_ERRORS:
        return
    raise CaseFailure("invalid serialization was accepted")


def _static_type(case: Case, profile: SpecProfile) -> Any:
    cls = profile.ssz_types.get(case.handler)
    if cls is None:
        raise CaseSkip(f"type {case.handler} is not a container of spec profile {profile.name}")
    return cls.ssz_sedes


def _run_ssz_static(case: Case, profile: SpecProfile) -> None:
    _check_valid(case, _static_type(case, profile), "roots.yaml")


def _run_ssz_static_invalid(case: Case, profile: SpecProfile) -> None:
    _check_invalid(case, _static_type(case, profile))


def _run_ssz_generic(case: Case, profile: SpecProfile) -> None:
    try:
        sedes = sedes_for_case(case.handler, case.name)
    except GenericTypeUnknown as exc:
        raise CaseSkip(str(exc)) from exc
    if case.suite == "valid":
        _check_valid(case, sedes, "meta.yaml")
    elif case.suite == "invalid":
        _check_invalid(case, sedes)
    else:
        raise CaseSkip(f"unknown ssz_generic suite {case.suite!r}")


def _run_networking(case: Case, profile: SpecProfile) -> None:
    if case.handler != GOSSIP_HANDLER:
        raise CaseSkip(f"networking/{case.handler} not implemented (only {GOSSIP_HANDLER})")
    run_gossip_execution_proof(case, profile)


def _run_fork_choice(case: Case, profile: SpecProfile) -> None:
    if case.handler != ACCEPTANCE_HANDLER:
        raise CaseSkip(f"fork_choice/{case.handler} not implemented (only {ACCEPTANCE_HANDLER})")
    run_execution_proof_acceptance(case, profile)


def _run_proof_engine(case: Case, profile: SpecProfile) -> None:
    if case.handler != MOCK_HANDLER:
        raise CaseSkip(f"proof_engine/{case.handler} not implemented (only {MOCK_HANDLER})")
    run_proof_engine_mock(case, profile)


RUNNERS: dict[str, Callable[[Case, SpecProfile], None]] = {
    "ssz_static": _run_ssz_static,
    "ssz_static_invalid": _run_ssz_static_invalid,
    "ssz_generic": _run_ssz_generic,
    "networking": _run_networking,
    "fork_choice": _run_fork_choice,
    "proof_engine": _run_proof_engine,
}
"""Runner name -> case handler. ``ssz_static_invalid``: bytes that must not decode as the type;
``networking``, ``fork_choice`` and ``proof_engine`` run the EIP-8025 handlers."""


def run_case(case: Case, profile: SpecProfile = DEFAULT_PROFILE) -> CaseResult:
    """Run one case under ``profile``; never raises for a failing case (it is in the result)."""
    handler = RUNNERS.get(case.runner)
    if handler is None:
        return CaseResult(case, Outcome.SKIPPED, f"runner {case.runner} not supported")
    try:
        handler(case, profile)
    except CaseSkip as exc:
        return CaseResult(case, Outcome.SKIPPED, str(exc))
    except CaseFailure as exc:
        return CaseResult(case, Outcome.FAILED, str(exc))
    except (OSError, KeyError, ValueError, TypeError, yaml.YAMLError, SSZException) as exc:
        return CaseResult(case, Outcome.FAILED, f"{type(exc).__name__}: {exc}")
    return CaseResult(case, Outcome.PASSED)


def run_tree(
    root: Path | str,
    *,
    profile: SpecProfile = DEFAULT_PROFILE,
    preset: str | None = None,
    fork: str | None = None,
    filter_text: str | None = None,
) -> list[CaseResult]:
    """Run every case under ``root`` matching the optional preset / fork / substring filter.

    A folder above case depth with nothing below it (an empty runner, handler or suite) is a
    failure, so a tree that lost its cases cannot pass as empty.
    """
    cases: Iterable[Case] = [*discover_cases(root), *discover_strays(root)]
    selected = [
        c
        for c in cases
        if (preset is None or c.preset == preset)
        and (fork is None or c.fork == fork)
        and (filter_text is None or filter_text in c.id)
    ]
    return [
        CaseResult(c, Outcome.FAILED, "no cases below this folder")
        if c.stray
        else run_case(c, profile)
        for c in selected
    ]


def summarize(results: Iterable[CaseResult]) -> str:
    """Render a per-runner passed / failed / skipped table plus failure and skip reasons."""
    results = list(results)
    counts: dict[str, Counter[Outcome]] = {}
    for result in results:
        counts.setdefault(result.case.runner, Counter())[result.outcome] += 1
    lines = [f"{'runner':<28}{'passed':>8}{'failed':>8}{'skipped':>9}"]
    for runner in sorted(counts):
        c = counts[runner]
        lines.append(
            f"{runner:<28}{c[Outcome.PASSED]:>8}{c[Outcome.FAILED]:>8}{c[Outcome.SKIPPED]:>9}"
        )
    failures = [r for r in results if r.outcome is Outcome.FAILED]
    for result in failures[:50]:
        lines.append(f"FAILED {result.case.id}: {result.reason}")
    skip_reasons = Counter(r.reason for r in results if r.outcome is Outcome.SKIPPED)
    for reason, number in skip_reasons.most_common():
        lines.append(f"skipped x{number}: {reason}")
    return "\n".join(lines)
