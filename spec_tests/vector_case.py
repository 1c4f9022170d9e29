"""An EIP-8025 vector case being generated: its coordinates in the tree and its files, in memory."""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath
from typing import Any

import cramjam

from eip8025_spec_tests.formats import FORK, dump_yaml

__all__ = ["VectorCase", "snappy"]

PRESET = "minimal"


def snappy(data: bytes) -> bytes:
    """Snappy *block* compression, as every ``*.ssz_snappy`` file of consensus-spec-tests uses."""
    return bytes(cramjam.snappy.compress_raw(data))


@dataclasses.dataclass
class VectorCase:
    """One case: ``tests/minimal/eip8025/<runner>/<handler>/<suite>/<name>/`` and its files."""

    runner: str
    handler: str
    suite: str
    name: str
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)

    @property
    def relative_dir(self) -> PurePosixPath:
        """``tests/<preset>/<fork>/<runner>/<handler>/<suite>/<name>``."""
        return PurePosixPath(
            "tests", PRESET, FORK, self.runner, self.handler, self.suite, self.name
        )

    def add_yaml(self, name: str, document: Any, *, flow_leaves: bool = True) -> None:
        """Add ``<name>.yaml``."""
        self.files[f"{name}.yaml"] = dump_yaml(document, flow_leaves=flow_leaves).encode()

    def add_ssz(self, name: str, ssz_bytes: bytes) -> None:
        """Add ``<name>.ssz_snappy`` (the same file twice is fine; different bytes are a bug)."""
        file_name = f"{name}.ssz_snappy"
        data = snappy(ssz_bytes)
        if self.files.get(file_name, data) != data:
            raise ValueError(f"{self.relative_dir}/{file_name} written twice with different bytes")
        self.files[file_name] = data
