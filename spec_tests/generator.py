"""Deterministic generator of our EIP-8025 vectors (``eip8025 vectors generate OUT``).

Writes, for one spec profile, ``OUT/tests/minimal/eip8025/networking/gossip_execution_proof/...``,
``OUT/tests/minimal/eip8025/fork_choice/execution_proof_acceptance/...`` and
``OUT/tests/minimal/eip8025/proof_engine/mock/...``. The output depends on nothing but this code,
the profile and the pinned libraries (BLS signatures are deterministic, YAML keys keep their
insertion order, mock proofs are built here with zero padding, no time or randomness), so
regenerating reproduces the committed ``vectors/<profile>/`` byte for byte; a test checks it.
The acceptance and mock cases read no profile-specific bytes and are the same under every
profile; the gossip cases differ (roots, signatures, rules).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from eip8025.errors import Eip8025Error
from eip8025.profiles import SpecProfile
from eip8025_spec_tests.formats import (
    ACCEPTANCE_HANDLER,
    FORK,
    GOSSIP_HANDLER,
    MOCK_HANDLER,
    PROOF_ENGINE_RUNNER,
)
from eip8025_spec_tests.gen_acceptance import acceptance_cases
from eip8025_spec_tests.gen_gossip import gossip_cases
from eip8025_spec_tests.gen_mock_proofs import mock_cases
from eip8025_spec_tests.vector_case import PRESET, VectorCase

__all__ = ["GENERATED_HANDLER_DIRS", "Generated", "OutputExists", "build_cases", "generate"]

GENERATED_HANDLER_DIRS = (
    Path("tests", PRESET, FORK, "networking", GOSSIP_HANDLER),
    Path("tests", PRESET, FORK, "fork_choice", ACCEPTANCE_HANDLER),
    Path("tests", PRESET, FORK, PROOF_ENGINE_RUNNER, MOCK_HANDLER),
)
"""The folders (relative to OUT) this generator owns entirely."""


class OutputExists(Eip8025Error):
    """A generated folder already exists and ``replace`` was not asked for."""


@dataclasses.dataclass(frozen=True)
class Generated:
    """What a run wrote."""

    cases: int
    files: int
    bytes: int


def build_cases(profile: SpecProfile) -> list[VectorCase]:
    """Every case of ``profile``, in memory, in a fixed order."""
    cases = [*gossip_cases(profile), *acceptance_cases(), *mock_cases()]
    seen: set[str] = set()
    for case in cases:
        key = str(case.relative_dir)
        if key in seen:
            raise ValueError(f"two cases at {key}")
        seen.add(key)
    return cases


def generate(out: Path | str, profile: SpecProfile, *, replace: bool = False) -> Generated:
    """Write every case of ``profile`` under ``out``.

    Args:
        out: The folder that holds (or will hold) ``tests/``.
        profile: The spec profile whose vectors to write.
        replace: Delete the generator's own handler folders first if they exist (nothing else
            under ``out`` is touched).

    Raises:
        OutputExists: A handler folder exists and ``replace`` is false.
    """
    out = Path(out)
    existing = [out / d for d in GENERATED_HANDLER_DIRS if (out / d).exists()]
    if existing and not replace:
        raise OutputExists(f"{existing[0]} exists (replace it with --force)")
    cases = build_cases(profile)
    for folder in existing:
        shutil.rmtree(folder)
    files = size = 0
    for case in cases:
        folder = out / case.relative_dir
        folder.mkdir(parents=True, exist_ok=False)
        for name, data in sorted(case.files.items()):
            (folder / name).write_bytes(data)
            files += 1
            size += len(data)
    return Generated(cases=len(cases), files=files, bytes=size)
