"""What the pipeline decides about one proof, and the counters of those decisions.

Plain data: no event loop, no transport. A transport maps :class:`Outcome` to its own terms
(gossipsub's ACCEPT / IGNORE / REJECT, the Beacon API's 200 / 400).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Hashable
from typing import Final

from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.gossip import GossipReason

__all__ = [
    "ACCEPTED",
    "API",
    "LOCAL",
    "Outcome",
    "PipelineCounters",
    "Verdict",
    "VerdictEvent",
]

LOCAL: Final = "local"
"""The source of our own proofs."""
API: Final = "api"
"""The source of proofs submitted through the Beacon API."""
ACCEPTED: Final = "accepted"
"""The reason label of an ACCEPT."""


class Outcome(enum.Enum):
    """gossipsub v1.1 validation outcomes (a transport maps them to its own)."""

    ACCEPT = "accept"
    IGNORE = "ignore"
    REJECT = "reject"


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The decision on one message.

    Attributes:
        outcome: ACCEPT (valid; stored when ``stored``), IGNORE or REJECT.
        reason: ``accepted``, a core label such as ``envelope_invalid:bad_signature``, or one of
            the pipeline's own (``decode_error:*``, ``throttled``, ``validator_error``,
            ``pending_expired``, ``pending_full``, ``pending_unauthenticated:*``).
        gossip_reason: The core's reason, when the core decided.
        envelope: The decoded message (None if it did not decode).
        stored: ACCEPT only: the proof went into the store (False: one of its type was there).
        parked: IGNORE only: the proof waits in the pending queue for its block or payload.
        detail: The rule's text for a core IGNORE / REJECT (for people: API errors, logs).
    """

    outcome: Outcome
    reason: str
    gossip_reason: GossipReason | None = None
    envelope: SignedExecutionProofEnvelopeBase | None = None
    stored: bool = False
    parked: bool = False
    detail: str = ""

    def describe(self) -> str:
        """``[REJECT] label: rule text`` - what a person is told about this verdict."""
        text = f"[{self.outcome.name}] {self.reason}"
        return f"{text}: {self.detail}" if self.detail else text

    @property
    def proof_type(self) -> int | None:
        """The message's proof type (None if it did not decode)."""
        return None if self.envelope is None else self.envelope.message.proof_type

    @property
    def beacon_block_root(self) -> bytes | None:
        """The message's block root (None if it did not decode)."""
        return None if self.envelope is None else self.envelope.message.beacon_block_root


@dataclasses.dataclass(frozen=True)
class VerdictEvent:
    """One verdict, for listeners (node events, metrics, the Beacon API's event stream)."""

    msg_id: bytes
    verdict: Verdict
    source: Hashable
    revalidation: bool = False
    """True for a proof released from the pending queue."""


@dataclasses.dataclass
class PipelineCounters:
    """Plain counters of one pipeline (export them as they are).

    ``outcomes`` counts every verdict, first validations and revalidations of pending proofs
    alike, keyed by ``(outcome, reason, proof_type)``; proof type ``None`` when the message did
    not decode.
    """

    received: int = 0
    published: int = 0
    republished: int = 0
    stored: int = 0
    store_refused: int = 0
    pending_queued: int = 0
    pending_refused: int = 0
    pending_released: int = 0
    pending_expired: int = 0
    pending_unauthenticated: int = 0
    throttled: int = 0
    validator_errors: int = 0
    outcomes: dict[tuple[str, str, int | None], int] = dataclasses.field(default_factory=dict)

    def record(self, verdict: Verdict) -> None:
        """Count one verdict."""
        key = (verdict.outcome.value, verdict.reason, verdict.proof_type)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def count(
        self,
        outcome: Outcome | str | None = None,
        reason: str | None = None,
        proof_type: int | None = None,
    ) -> int:
        """Sum of verdicts matching the given labels (None matches anything)."""
        wanted = outcome.value if isinstance(outcome, Outcome) else outcome
        return sum(
            n
            for (o, r, t), n in self.outcomes.items()
            if (wanted is None or o == wanted)
            and (reason is None or r == reason)
            and (proof_type is None or t == proof_type)
        )

    def scalars(self) -> dict[str, int]:
        """The integer counters by name."""
        return {
            f.name: int(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name != "outcomes"
        }
