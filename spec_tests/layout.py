"""Walk a consensus-spec-tests tree and read case files."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cramjam
import yaml

__all__ = ["Case", "discover_cases", "discover_strays", "read_snappy", "read_yaml"]


@dataclasses.dataclass(frozen=True)
class Case:
    """One test case directory and its coordinates in the tree."""

    preset: str
    fork: str
    runner: str
    handler: str
    suite: str
    name: str
    path: Path
    stray: bool = False
    """A folder above case depth with no case below it (not a case; reported as a failure)."""

    @property
    def id(self) -> str:
        """A stable identifier: ``preset/fork/runner/handler/suite/case``."""
        return "/".join((self.preset, self.fork, self.runner, self.handler, self.suite, self.name))


def _tests_dir(root: Path | str) -> Path:
    base = Path(root)
    if (base / "tests").is_dir():
        base = base / "tests"
    if not base.is_dir():
        raise FileNotFoundError(f"{root}: no consensus-spec-tests tree here")
    return base


def discover_cases(root: Path | str) -> Iterator[Case]:
    """Yield every case under ``root`` (a folder holding ``tests/`` or ``tests/`` itself).

    Raises:
        FileNotFoundError: If ``root`` has no consensus-spec-tests layout.
    """
    base = _tests_dir(root)
    for case_dir in sorted(p for p in base.glob("*/*/*/*/*/*") if p.is_dir()):
        preset, fork, runner, handler, suite, name = case_dir.relative_to(base).parts
        yield Case(preset, fork, runner, handler, suite, name, case_dir)


def discover_strays(root: Path | str) -> Iterator[Case]:
    """Yield the folders above case depth that hold no folder (``stray`` pseudo-cases).

    Raises:
        FileNotFoundError: If ``root`` has no consensus-spec-tests layout.
    """
    base = _tests_dir(root)
    for depth in range(1, 6):
        for folder in sorted(p for p in base.glob("/".join("*" * depth)) if p.is_dir()):
            if any(child.is_dir() for child in folder.iterdir()):
                continue
            parts = (*folder.relative_to(base).parts, *("-",) * (6 - depth))
            preset, fork, runner, handler, suite, name = parts
            yield Case(preset, fork, runner, handler, suite, name, folder, stray=True)


def read_snappy(path: Path) -> bytes:
    """Read a ``*.ssz_snappy`` file (snappy *block* format)."""
    return bytes(cramjam.snappy.decompress_raw(path.read_bytes()))


def read_yaml(path: Path) -> Any:
    """Read a YAML file (safe loader)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
