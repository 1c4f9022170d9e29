"""The ``eip8025`` command line (installed as ``eip8025_cli``; outside the pure core).

Each subcommand lives in its own module exposing ``register(subparsers)``; the module names are
listed in :data:`SUBCOMMAND_MODULES` and imported lazily, so ``eip8025 spec-tests`` never imports
the network stack.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

__all__ = ["SUBCOMMAND_MODULES", "main"]

SUBCOMMAND_MODULES: dict[str, str] = {
    "spec-tests": "eip8025_cli.spec_tests",
    "vectors": "eip8025_cli.vectors",
    "prove": "eip8025_cli.proofs",
    "verify": "eip8025_cli.proofs",
    "node": "eip8025_cli.node",
    "devnet": "eip8025_cli.devnet",
}
"""Subcommand name -> module implementing ``register(subparsers)``."""


class _Parser(argparse.ArgumentParser):
    """argparse with the project's error contract: one line on stderr, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            chosen: argparse.ArgumentParser = action.choices[name]
            return chosen
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every subcommand registered."""
    parser = _Parser(prog="eip8025", description="EIP-8025 optional execution proofs.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in dict.fromkeys(SUBCOMMAND_MODULES.values()):
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``eip8025`` command; returns the process exit code."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # reported by the subcommand, so the line names it
        command_parser = _subparser(parser, args.command)
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
