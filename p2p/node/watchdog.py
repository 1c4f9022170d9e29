"""Trouble a node must not keep to itself: one rate-limited WARNING line and a metric each.

- the proof engine gives no verdict (``engine_unavailable``), or the proofs commit to another
  chain id than ours (``chain_id_mismatch``), or validation fails unexpectedly
  (``validator_error``) - from the pipeline's verdicts;
- no block was imported for ``stall_slots`` slots after genesis (``no_block_imported``);
- (elsewhere) a slow proof engine (``engine_slow``,
  :class:`~eip8025_p2p.metrics.InstrumentedProofEngine`), a lost or unreachable static peer
  (``static_peer_lost``, ``static_peer_unreachable``, :mod:`.peering`), publishing with no peer
  on the topic (``no_gossip_peers``) and an oversize RPC (``gossip_rpc_too_large``,
  :mod:`eip8025_p2p.gossip_topic`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import trio

from eip8025.gossip import GossipReason
from eip8025_p2p.alerts import Alerts
from eip8025_p2p.node.source import ChainSource
from eip8025_p2p.pipeline import VerdictEvent

__all__ = ["Watchdog"]

VERDICT_ALERTS: Final = {
    GossipReason.ENGINE_UNAVAILABLE: (
        "engine_unavailable",
        "the proof engine gave no verdict (proofs are IGNOREd until it answers): %s",
    ),
    GossipReason.CHAIN_ID_MISMATCH: (
        "chain_id_mismatch",
        "a proof commits to another chain id than this node's proof engine (IGNOREd; check "
        "the proof-engine file and the chain): %s",
    ),
}


class Watchdog:
    """Watches verdicts and block imports (see the module docstring)."""

    def __init__(self, alerts: Alerts, *, stall_slots: int = 2) -> None:
        self.alerts = alerts
        self.stall_slots = stall_slots

    def on_verdict(self, event: VerdictEvent) -> None:
        """A pipeline listener."""
        verdict = event.verdict
        if verdict.gossip_reason in VERDICT_ALERTS:
            alert, message = VERDICT_ALERTS[verdict.gossip_reason]
            self.alerts.warn(alert, message, verdict.detail or verdict.reason)
        elif verdict.reason == "validator_error":
            self.alerts.warn(
                "validator_error", "validating a proof failed unexpectedly (see the error log)"
            )

    async def watch_imports(
        self, source: ChainSource, last_import: Callable[[], float | None]
    ) -> None:
        """Warn while no block was imported for ``stall_slots`` slots (checked once a slot).

        Nothing is expected before the chain has a head (the devnet before genesis).
        """
        started: float | None = None
        while True:
            seconds = source.seconds_per_slot
            await trio.sleep(seconds)
            if source.head() is None:
                continue
            now = source.now()
            if started is None:
                started = now
            since = last_import()
            silent_for = now - (started if since is None else max(since, started))
            if silent_for < self.stall_slots * seconds:
                self.alerts.clear("no_block_imported")
                continue
            self.alerts.warn(
                "no_block_imported",
                "no block imported for %.0f s (%d slots); proofs cannot be judged",
                silent_for,
                int(silent_for // seconds),
            )
