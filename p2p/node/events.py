"""What a node reports, one typed event per line: written by the node, read by the devnet.

Each event is a frozen dataclass; :meth:`NodeEvent.to_json` gives the JSON object a node prints
(``{"event": <kind>, ...fields}``) and :func:`event_from_json` reads one back, so the node and
the devnet share one definition instead of spelling dictionary keys in two files.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, TypeVar

__all__ = [
    "AcceptedEvent",
    "BlockEvent",
    "DoneEvent",
    "GenesisEvent",
    "NodeEvent",
    "PublishedEvent",
    "ReadyEvent",
    "RestoredEvent",
    "VerdictReport",
    "event_from_json",
]

_E = TypeVar("_E", bound="NodeEvent")


@dataclasses.dataclass(frozen=True)
class NodeEvent:
    """Base of every event: ``kind`` names it on the wire."""

    kind: ClassVar[str] = ""
    name: str

    def to_json(self) -> dict[str, Any]:
        """The JSON object of this event (``event`` first)."""
        return {"event": self.kind, **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls: type[_E], data: dict[str, Any]) -> _E:
        """Read an event of this kind (unknown keys are ignored; missing ones are an error).

        Raises:
            ValueError: A required field is missing.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in names})
        except TypeError as exc:
            raise ValueError(f"malformed {cls.kind} event: {exc}") from None


@dataclasses.dataclass(frozen=True)
class ReadyEvent(NodeEvent):
    """The node listens and its static peers are in its gossip mesh (or the wait timed out)."""

    kind: ClassVar[str] = "ready"
    peer_id: str
    enr: str
    multiaddr: str
    listen: str
    metrics: str | None
    api: str | None
    """The Beacon API's URL (``--http-port``)."""
    roles: list[str]
    byzantine: bool
    proof_types: list[int]
    generate_proof_types: list[int]
    validators: list[int]
    policy: str
    spec_profile: str
    fork_digest: str
    missing_peers: list[str]
    beacon_node: str | None = None
    """The followed beacon node's URL (``--beacon-node``); None on the devnet chain."""


@dataclasses.dataclass(frozen=True)
class RestoredEvent(NodeEvent):
    """The node resumed from its data directory."""

    kind: ClassVar[str] = "restored"
    proofs: int
    """Verified proofs in the store."""
    blocks: int
    """Blocks with ``Seen`` marks."""
    accepted: int
    """Payloads that already met the policy (never announced again)."""
    finalized_slot: int


@dataclasses.dataclass(frozen=True)
class GenesisEvent(NodeEvent):
    """The slot clock started."""

    kind: ClassVar[str] = "genesis"
    genesis_time: int
    seconds_per_slot: int
    first_slot: int
    last_slot: int | None


@dataclasses.dataclass(frozen=True)
class BlockEvent(NodeEvent):
    """A block (and its payload) was imported."""

    kind: ClassVar[str] = "block"
    slot: int
    root: str
    delay: float
    """Seconds after the slot's start."""
    released: int
    """Proofs that had waited for it."""


@dataclasses.dataclass(frozen=True)
class VerdictReport(NodeEvent):
    """A validation verdict (received, released from the pending queue, or our own)."""

    kind: ClassVar[str] = "verdict"
    slot: int | None
    proof_type: int | None
    outcome: str
    reason: str
    stored: bool
    parked: bool = False


@dataclasses.dataclass(frozen=True)
class PublishedEvent(NodeEvent):
    """Our own proof: generated, signed and validated (``result`` is the verdict's outcome)."""

    kind: ClassVar[str] = "published"
    slot: int
    proof_type: int
    validator_index: int
    result: str
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class AcceptedEvent(NodeEvent):
    """A payload met the k-of-n policy on this node (stateless validators)."""

    kind: ClassVar[str] = "accepted"
    slot: int
    root: str
    proof_types: list[int]
    latency: float
    """Seconds from the slot's start."""
    since_block: float | None
    """Seconds from this node's import of the block."""


@dataclasses.dataclass(frozen=True)
class DoneEvent(NodeEvent):
    """The node stopped; the main numbers of its run."""

    kind: ClassVar[str] = "done"
    received: int
    verdicts: dict[str, int]
    rejects: dict[str, int]
    stored: int
    published: int
    pending_expired: int
    pending_released: int
    payloads_accepted: int
    peers: int
    api: dict[str, int] = dataclasses.field(default_factory=dict)
    """Beacon API counters (empty without ``--http-port``)."""


_KINDS: dict[str, type[NodeEvent]] = {
    cls.kind: cls
    for cls in (
        ReadyEvent,
        RestoredEvent,
        GenesisEvent,
        BlockEvent,
        VerdictReport,
        PublishedEvent,
        AcceptedEvent,
        DoneEvent,
    )
}


def event_from_json(data: Any) -> NodeEvent | None:
    """The event a JSON object describes; None for an object of another kind.

    Raises:
        ValueError: An event of a known kind with a missing field.
    """
    if not isinstance(data, dict):
        return None
    cls = _KINDS.get(str(data.get("event")))
    return None if cls is None else cls.from_json(data)
