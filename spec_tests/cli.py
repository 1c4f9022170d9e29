"""``eip8025-spec-tests PATH [--preset P] [--fork F] [-k FILTER]``."""

from __future__ import annotations

import argparse
import sys

from .runner import Outcome, run_tree, summarize

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run a consensus-spec-tests tree; exit 0 only when nothing failed (2 on bad arguments)."""
    parser = argparse.ArgumentParser(prog="eip8025-spec-tests", description=__doc__)
    parser.add_argument("path", help="folder holding a consensus-spec-tests tests/ tree")
    parser.add_argument("--preset", choices=["minimal", "mainnet", "general"])
    parser.add_argument("--fork")
    parser.add_argument("-k", dest="filter_text", help="only cases whose id contains this text")
    args = parser.parse_args(argv)
    try:
        results = run_tree(
            args.path, preset=args.preset, fork=args.fork, filter_text=args.filter_text
        )
    except FileNotFoundError as exc:
        print(f"eip8025-spec-tests: {exc}", file=sys.stderr)
        return 2
    print(summarize(results))
    if not results:
        print("no cases matched", file=sys.stderr)
        return 1
    return 1 if any(r.outcome is Outcome.FAILED for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
