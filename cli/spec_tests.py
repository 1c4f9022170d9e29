"""``eip8025 spec-tests PATH [--spec-profile NAME] [--preset P] [--fork F] [-k FILTER]``."""

from __future__ import annotations

import argparse
from typing import Any

from eip8025_cli.flags import add_spec_profile_flag

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``spec-tests`` subcommand."""
    parser = subparsers.add_parser(
        "spec-tests", help="run a consensus-spec-tests tree (exit 0 only if nothing failed)"
    )
    parser.add_argument("path", help="folder holding a consensus-spec-tests tests/ tree")
    add_spec_profile_flag(parser)
    parser.add_argument("--preset", choices=["minimal", "mainnet", "general"])
    parser.add_argument("--fork")
    parser.add_argument("-k", dest="filter_text", help="only cases whose id contains this text")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from eip8025_spec_tests.cli import run

    code: int = run(
        args.path,
        spec_profile=args.spec_profile,
        preset=args.preset,
        fork=args.fork,
        filter_text=args.filter_text,
    )
    return code
