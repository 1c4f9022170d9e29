"""Design rules that tooling can check: the core stays pure, code is typed and linted."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

_FORBIDDEN_IN_CORE = {"trio", "libp2p", "eip8025_p2p", "httpx", "hypercorn"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_never_imports_network_or_event_loop() -> None:
    offenders = {
        str(p.relative_to(REPO)): sorted(_imported_roots(p) & _FORBIDDEN_IN_CORE)
        for p in (REPO / "eip8025").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_p2p_is_installed_under_a_unique_name(tmp_path: Path) -> None:
    # Run outside the checkout so only what is installed is importable.
    probe = (
        "import importlib.util, eip8025_p2p; "
        "print(eip8025_p2p.__file__); "
        "print(importlib.util.find_spec('p2p'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    installed_file, p2p_spec = result.stdout.split()
    assert Path(installed_file).resolve().parent == REPO / "p2p"
    assert p2p_spec == "None"


def _run(tool: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(tool, cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_clean() -> None:
    result = _run([sys.executable, "-m", "ruff", "check", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_clean() -> None:
    result = _run([sys.executable, str(REPO / "tools" / "typecheck.py")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_profiles_package_names_a_profile() -> None:
    """No ``if profile == "2026-10"`` spread through the code: behaviour comes from the profile."""
    offenders = []
    for folder in ("eip8025", "p2p", "cli"):
        for path in (REPO / folder).rglob("*.py"):
            if path.is_relative_to(REPO / "eip8025" / "profiles"):
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value.startswith(("2026-08", "2026-10"))
                ):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_every_package_directory_is_listed_for_the_wheel() -> None:
    """A sub-package missing from ``packages`` installs fine editable but not as a wheel."""
    import tomllib

    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    wanted: set[str] = set()
    for import_name, folder in setuptools["package-dir"].items():
        root = REPO / folder
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root).parts
            wanted.add(".".join((import_name, *relative)))
    assert wanted - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - wanted == set(), "listed packages without an __init__.py"


def test_warnings_are_errors_in_ci_only() -> None:
    """``-Werror`` for the C extension when EIP8025_WERROR=1 (CI, development), never forced."""
    setup_py = (REPO / "setup.py").read_text()
    lines = [line for line in setup_py.splitlines() if "-Werror" in line]
    assert lines, "setup.py adds no -Werror"
    assert all("append" in line for line in lines), lines
    assert 'os.environ.get("EIP8025_WERROR") == "1"' in setup_py
    assert "EIP8025_WERROR=1" in (REPO / ".ci" / "run").read_text()


def test_pytest_is_strict_about_markers_and_our_warnings() -> None:
    import tomllib

    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in options["addopts"].split()
    for package in ("eip8025", "eip8025_p2p", "eip8025_spec_tests", "eip8025_cli"):
        assert any(f.startswith(f"error::Warning:{package}(") for f in options["filterwarnings"])


MAX_MODULE_LINES = 550
"""The hard stop for "no module over ~500 lines" (past it a module holds several concerns)."""
VECTOR_TABLES = "spec_tests/gen_*.py"
"""Hand-written scenario tables that generate spec-test vectors: long by nature, flat in shape."""


def test_no_module_is_crowded() -> None:
    tables = set(REPO.glob(VECTOR_TABLES))
    crowded = {
        str(path.relative_to(REPO)): lines
        for folder in ("eip8025", "p2p", "cli", "spec_tests", "bench", "tools")
        for path in (REPO / folder).rglob("*.py")
        if path not in tables
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert crowded == {}, "split these modules"
