"""``eip8025 vectors generate OUT [--spec-profile NAME] [--force]``: write our EIP-8025 vectors."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eip8025_cli.flags import add_spec_profile_flag

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``vectors`` subcommand and its ``generate`` action."""
    parser = subparsers.add_parser("vectors", help="EIP-8025 test vectors")
    actions = parser.add_subparsers(dest="vectors_command", required=True)
    generate = actions.add_parser(
        "generate",
        help="write the gossip_execution_proof, execution_proof_acceptance and mock vectors",
        description=(
            "Write OUT/tests/minimal/eip8025/{networking/gossip_execution_proof,"
            "fork_choice/execution_proof_acceptance,proof_engine/mock}/... deterministically "
            "for one spec profile (byte for byte the committed vectors/<profile>/ tree when run "
            "with the pinned libraries)."
        ),
    )
    generate.add_argument("out", help="folder that holds (or will hold) tests/")
    add_spec_profile_flag(generate)
    generate.add_argument(
        "--force",
        action="store_true",
        help="replace the three generated handler folders if they exist (nothing else is touched)",
    )
    generate.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace) -> int:
    from eip8025.profiles import get_profile
    from eip8025_spec_tests.generator import OutputExists, generate

    try:
        result = generate(args.out, get_profile(args.spec_profile), replace=args.force)
    except OutputExists as exc:
        print(f"eip8025 vectors generate: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"eip8025 vectors generate: error: cannot write {args.out}: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {result.cases} cases, {result.files} files, {result.bytes:,} bytes under "
        f"{args.out} (spec profile {args.spec_profile})"
    )
    return 0
