"""``eip8025 devnet``: provers and verifiers as separate processes on 127.0.0.1.

    eip8025 devnet                                  # 5 provers, 3 verifiers, 6 slots of 2 s
    eip8025 devnet --byzantine-provers 1            # invalid proofs: REJECTed, sender penalised
    eip8025 devnet --offline-provers 3              # 2 of 5 left: expected failure (exit 3)

Exit codes: 0 every verifier accepted every payload; 1 failure; 2 bad flags; 3 expected failure
(fault injection left fewer honest provers than the threshold, and nothing was accepted);
130 interrupted. See :mod:`eip8025_p2p.devnet`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

PROG = "eip8025 devnet"




def register(subparsers: Any) -> None:
    """Add the ``devnet`` subcommand."""
    from eip8025_cli.flags import count, non_negative_seconds, positive_int
    from eip8025_cli.node import add_devnet_flags

    parser = subparsers.add_parser(
        "devnet",
        help="run a local devnet: one prover per proof type and several verifiers, each a process",
        description="A local EIP-8025 devnet on 127.0.0.1: one prover process per proof type, "
        "verifier processes, a live per-slot table and a summary.",
    )
    add_devnet_flags(parser)
    parser.add_argument(
        "--verifiers", type=positive_int, default=3, help="stateless validators (default 3)"
    )
    parser.add_argument("--slots", type=positive_int, default=6, help="slots to run (default 6)")
    parser.add_argument(
        "--byzantine-provers",
        type=count,
        default=0,
        metavar="N",
        help="N provers publish invalid proofs with valid signatures",
    )
    parser.add_argument(
        "--offline-provers", type=count, default=0, metavar="N", help="N provers never start"
    )
    parser.add_argument(
        "--arrival-jitter",
        type=non_negative_seconds,
        default=None,
        metavar="SECONDS",
        help="max per-node block arrival delay (default: a quarter slot)",
    )
    parser.add_argument(
        "--datadir",
        metavar="DIR",
        help="node datadirs and logs (default: a temporary directory, "
        "removed after a successful run)",
    )
    parser.add_argument("--summary-json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--submit-via-api",
        action="store_true",
        help="verifiers serve the Beacon API and honest provers POST their proofs to it "
        "(zkboost's way) instead of publishing them on gossip",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    import dataclasses

    from eip8025_p2p.devnet import DevnetConfig, DevnetConfigError, run_devnet

    config = DevnetConfig(
        verifiers=args.verifiers,
        slots=args.slots,
        byzantine_provers=args.byzantine_provers,
        offline_provers=args.offline_provers,
        arrival_jitter=args.arrival_jitter,
        proof_engine=args.proof_engine,
        spec_profile=args.spec_profile,
        datadir=args.datadir,
        summary_json=args.summary_json,
        submit_via_api=args.submit_via_api,
    )
    overrides: dict[str, Any] = {}
    if args.proof_types is not None:
        overrides["proof_types"] = args.proof_types
    if args.proof_threshold is not None:
        overrides["threshold"] = args.proof_threshold
    if args.devnet_seed is not None:
        overrides["seed"] = args.devnet_seed
    if args.seconds_per_slot is not None:
        overrides["seconds_per_slot"] = args.seconds_per_slot
    config = dataclasses.replace(config, **overrides)
    try:
        config.check()
        return run_devnet(config)
    except DevnetConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
