"""The devnet's account of each slot, kept from the verifiers' events.

Per slot and proof type: which verifiers saw a proof, stored it, rejected it; how many proofs
arrived before their block; when each verifier reached k-of-n. A slot is *settled* once every
verifier has a final verdict (stored or rejected) on every online prover's proof.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from eip8025_p2p.node import AcceptedEvent, NodeEvent, VerdictReport

__all__ = ["Ledger", "SlotState"]


@dataclasses.dataclass
class SlotState:
    """What the verifiers reported about one slot."""

    slot: int
    root: str
    seen: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    valid: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    rejected: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    early: int = 0
    accepted: dict[str, AcceptedEvent] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The slot in the summary JSON."""
        return {
            "root": self.root,
            "accepted": {name: e.to_json() for name, e in self.accepted.items()},
            "valid": {str(t): sorted(v) for t, v in self.valid.items()},
            "rejected": {str(t): sorted(v) for t, v in self.rejected.items()},
            "early": self.early,
        }


class Ledger:
    """Slot states of one devnet, fed with the verifiers' events."""

    def __init__(self, verifiers: list[str], online_types: list[int]) -> None:
        self.verifiers = verifiers
        self.online_types = online_types
        self.slots: dict[int, SlotState] = {}
        self.problems: list[str] = []

    def expect(self, slot: int, root: bytes) -> None:
        """Track ``slot``, whose block has ``root``."""
        self.slots[slot] = SlotState(slot, "0x" + root.hex())

    def record(self, name: str, event: NodeEvent) -> None:
        """A verifier's event (other events are not the ledger's)."""
        if not isinstance(event, (VerdictReport, AcceptedEvent)) or name not in self.verifiers:
            return
        state = None if event.slot is None else self.slots.get(event.slot)
        if state is None:
            return
        if isinstance(event, AcceptedEvent):
            state.accepted[name] = event
            if event.root != state.root:
                self.problems.append(f"{name} accepted slot {event.slot} with a foreign root")
            return
        proof_type = event.proof_type
        if proof_type is None:
            return
        state.seen.setdefault(proof_type, set()).add(name)
        if event.stored:
            state.valid.setdefault(proof_type, set()).add(name)
        if event.outcome == "reject":
            state.rejected.setdefault(proof_type, set()).add(name)
        if event.reason == "block_not_seen":
            state.early += 1

    def settled(self, state: SlotState) -> bool:
        """Every verifier has a final verdict (stored or rejected) on every online proof type.

        Acceptance lines come before the verdict line that completes them (same pipe), so a
        settled slot's acceptances are all known.
        """
        wanted = len(self.verifiers)
        return all(
            len(state.valid.get(t, set()) | state.rejected.get(t, set())) >= wanted
            for t in self.online_types
        )

    def latencies(self) -> list[float]:
        """Every acceptance latency (seconds from slot start)."""
        return [e.latency for s in self.slots.values() for e in s.accepted.values()]

    def early(self) -> int:
        """Proofs that arrived before their block, over all slots and verifiers."""
        return sum(s.early for s in self.slots.values())

    def counted(self, proof_types: set[int]) -> list[tuple[str, int]]:
        """``(verifier, slot)`` of every acceptance that counted one of ``proof_types``."""
        return [
            (name, s.slot)
            for s in self.slots.values()
            for name, e in s.accepted.items()
            if proof_types & set(e.proof_types)
        ]
