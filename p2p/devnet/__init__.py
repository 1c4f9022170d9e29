"""``eip8025 devnet``: provers and verifiers as separate OS processes on 127.0.0.1.

Modules: ``plan`` (settings, one plan per node), ``supervisor`` (the child processes and their
events), ``ledger`` (each slot's account from the verifiers' events), ``report`` (what is
printed, and the summary JSON), ``runner`` (one run, start to finish).

One prover per accepted proof type (default 1, 2, 3, 5, 6; prover ``i`` signs as interop validator
``i``) and ``verifiers`` stateless validators, each an ``eip8025 node`` child process
(:mod:`eip8025_p2p.node`) with its own datadir, node key, listen port and metrics port; every node
dials every lower-numbered node (a full mesh). The parent:

1. writes each node key, reserves the ports and starts the children with ``--genesis-time stdin``;
2. waits until every child reports ``ready`` (its static peers are in its gossip mesh), then sends
   them all the same ``genesis <t>`` line (slot 1 starts about a second later);
3. reads the children's JSON lines and prints a live table, one row per slot once the slot is
   settled (every verifier has verified or rejected every online prover's proof, or the slot
   ended and a settle window passed): per proof type how
   many verifiers saw a proof and how many verified it, how many proofs arrived before their
   block (validated from the pending queue), and when each verifier reached k-of-n;
4. scrapes every node's ``/metrics`` and prints a summary: acceptance latency p50 / p99, rejects
   by reason, penalised peers, per-node metrics;
5. stops every child (``stop`` on stdin, then SIGTERM, then SIGKILL, each after a deadline) and
   reaps it. Children run in their own session, so Ctrl-C reaches only the parent, which then
   shuts them down; if the parent dies, each child sees end of input on stdin and exits.

Fault injection (replaces provers, so ``provers - byzantine - offline`` honest provers remain):

* ``byzantine_provers=N``: the last N online provers publish invalid proofs with valid signatures
  (``eip8025 node --byzantine``): every node REJECTs them (reason ``proof_invalid``) and lowers
  the sender's gossip score; the payload is accepted through the honest provers' proofs;
* ``offline_provers=N``: the last N provers are never started.

Exit codes: 0 - every verifier accepted every payload (and no verifier counted a byzantine proof);
3 - **expected failure**: fewer honest provers than the threshold, so no payload can be proven,
and indeed no verifier accepted any; 1 - anything else (a payload not accepted although it could
have been, a node that died, a verifier that accepted an impossible payload); 130 - interrupted.
"""

from __future__ import annotations

import sys
from typing import TextIO

import trio

from eip8025_p2p.devnet.plan import (
    EXIT_EXPECTED_FAILURE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    DevnetConfig,
    DevnetConfigError,
    NodePlan,
    percentile,
    plan_nodes,
)
from eip8025_p2p.devnet.runner import Devnet

__all__ = [
    "EXIT_EXPECTED_FAILURE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "Devnet",
    "DevnetConfig",
    "DevnetConfigError",
    "NodePlan",
    "percentile",
    "plan_nodes",
    "run_devnet",
]


def run_devnet(config: DevnetConfig, out: TextIO | None = None) -> int:
    """Run the devnet (blocking) and return the exit code (see the module docstring).

    Raises:
        DevnetConfigError: Unusable settings (nothing was started).
    """
    devnet = Devnet(config, out or sys.stdout)
    return trio.run(devnet.run)
