"""Run ``mypy --strict`` on every package under its *installed* import name.

The source folders ``p2p/``, ``spec_tests/`` and ``cli/`` install as ``eip8025_p2p``,
``eip8025_spec_tests`` and ``eip8025_cli`` (setuptools ``package-dir``), which mypy cannot map on
its own. This script links each folder under its import name in a temporary directory and runs mypy
there with the project's configuration. Exit code is mypy's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {
    "eip8025": "eip8025",
    "eip8025_p2p": "p2p",
    "eip8025_spec_tests": "spec_tests",
    "eip8025_cli": "cli",
}


def main() -> int:
    """Link the packages under their import names and run mypy on them."""
    with tempfile.TemporaryDirectory(prefix="eip8025-mypy-") as tmp:
        for name, folder in PACKAGES.items():
            os.symlink(REPO / folder, Path(tmp) / name, target_is_directory=True)
        command = [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml")]
        for name in PACKAGES:
            command += ["-p", name]
        env = dict(os.environ, MYPYPATH=tmp)
        return subprocess.call(command, cwd=tmp, env=env)


if __name__ == "__main__":
    sys.exit(main())
