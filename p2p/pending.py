"""A bounded queue of execution proofs waiting for their beacon block or execution payload.

Gossip validation has to answer ACCEPT / IGNORE / REJECT while the message is in hand, but a proof
can legitimately arrive before the block it proves (``BLOCK_NOT_SEEN``) or before that block's
payload (``PAYLOAD_UNAVAILABLE``). The topic adapter answers IGNORE (so the message is not
forwarded unvalidated), parks the raw message here, and revalidates it when the block or payload
arrives; see :mod:`eip8025_p2p.gossip_topic` for the whole flow.

Everything here is plain data and arithmetic: no event loop, no clock of its own (callers pass
``now``), so it is tested without a network. Entries are bounded four ways, by count and by bytes:
per beacon block, per forwarding peer (count only) and in total. A full queue *refuses* the new
entry rather than evicting an older one: eviction would let a peer flush honest entries by sending
junk for made-up block roots, while refusal costs at most the refused message (and the per-peer
bound keeps one peer from filling the queue). Entries expire ``ttl`` seconds after they were first
queued; putting an entry back after a revalidation keeps its original deadline.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Hashable, Iterator

__all__ = ["AddResult", "PendingLimits", "PendingProof", "PendingProofQueue"]

MiB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class PendingLimits:
    """Bounds of :class:`PendingProofQueue` (bytes are compressed gossip payload bytes)."""

    max_per_block: int = 16
    max_bytes_per_block: int = 24 * MiB
    max_per_peer: int = 32
    max_total: int = 128
    max_total_bytes: int = 96 * MiB
    ttl: float = 12.0
    """Seconds an entry may wait (one mainnet slot)."""

    def __post_init__(self) -> None:
        values = dataclasses.astuple(self)
        if any(v <= 0 for v in values):
            raise ValueError(f"pending-queue limits must be positive: {self}")


@dataclasses.dataclass(frozen=True)
class PendingProof:
    """One parked gossip message (its payload is kept compressed, exactly as received)."""

    msg_id: bytes
    data: bytes
    beacon_block_root: bytes
    proof_type: int
    forwarder: Hashable
    """The peer that sent it to us (penalised if it later turns out invalid)."""
    deadline: float
    reason: str
    """``block_not_seen`` or ``payload_unavailable`` when it was parked."""

    @property
    def size(self) -> int:
        """Bytes charged against the byte bounds."""
        return len(self.data)


class AddResult(enum.Enum):
    """What :meth:`PendingProofQueue.add` did."""

    ADDED = "added"
    DUPLICATE = "duplicate"
    BLOCK_FULL = "block_full"
    PEER_FULL = "peer_full"
    TOTAL_FULL = "total_full"

    @property
    def queued(self) -> bool:
        """True if the entry is (now or already) in the queue."""
        return self in (AddResult.ADDED, AddResult.DUPLICATE)


class PendingProofQueue:
    """Proofs waiting for a block root, bounded per block, per peer and in total."""

    def __init__(self, limits: PendingLimits | None = None) -> None:
        self.limits = limits or PendingLimits()
        self._by_root: dict[bytes, dict[bytes, PendingProof]] = {}
        self._root_bytes: dict[bytes, int] = {}
        self._per_peer: dict[Hashable, int] = {}
        self._ids: dict[bytes, bytes] = {}  # msg_id -> root
        self.total_bytes = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def __iter__(self) -> Iterator[PendingProof]:
        for entries in self._by_root.values():
            yield from entries.values()

    def roots(self) -> list[bytes]:
        """Block roots that have waiting proofs."""
        return list(self._by_root)

    def count(self, beacon_block_root: bytes) -> int:
        """Proofs waiting for one block."""
        return len(self._by_root.get(beacon_block_root, {}))

    def deadline_for(self, now: float) -> float:
        """The deadline a proof queued at ``now`` gets."""
        return now + self.limits.ttl

    def add(self, entry: PendingProof) -> AddResult:
        """Queue ``entry`` unless a bound would be exceeded."""
        limits = self.limits
        if entry.msg_id in self._ids:
            return AddResult.DUPLICATE
        root = entry.beacon_block_root
        entries = self._by_root.get(root, {})
        if (
            len(entries) >= limits.max_per_block
            or self._root_bytes.get(root, 0) + entry.size > limits.max_bytes_per_block
        ):
            return AddResult.BLOCK_FULL
        if self._per_peer.get(entry.forwarder, 0) >= limits.max_per_peer:
            return AddResult.PEER_FULL
        if len(self._ids) >= limits.max_total or (
            self.total_bytes + entry.size > limits.max_total_bytes
        ):
            return AddResult.TOTAL_FULL
        self._by_root.setdefault(root, {})[entry.msg_id] = entry
        self._root_bytes[root] = self._root_bytes.get(root, 0) + entry.size
        self._per_peer[entry.forwarder] = self._per_peer.get(entry.forwarder, 0) + 1
        self._ids[entry.msg_id] = root
        self.total_bytes += entry.size
        return AddResult.ADDED

    def _remove(self, entry: PendingProof) -> None:
        root = entry.beacon_block_root
        entries = self._by_root[root]
        del entries[entry.msg_id]
        if entries:
            self._root_bytes[root] -= entry.size
        else:
            del self._by_root[root]
            del self._root_bytes[root]
        remaining = self._per_peer[entry.forwarder] - 1
        if remaining:
            self._per_peer[entry.forwarder] = remaining
        else:
            del self._per_peer[entry.forwarder]
        del self._ids[entry.msg_id]
        self.total_bytes -= entry.size

    def take(self, beacon_block_root: bytes) -> list[PendingProof]:
        """Remove and return every proof waiting for ``beacon_block_root`` (oldest first)."""
        entries = list(self._by_root.get(beacon_block_root, {}).values())
        for entry in entries:
            self._remove(entry)
        return entries

    def expire(self, now: float) -> list[PendingProof]:
        """Remove and return every proof whose deadline is at or before ``now``."""
        expired = [entry for entry in self if entry.deadline <= now]
        for entry in expired:
            self._remove(entry)
        return expired

    def discard_roots(self, roots: list[bytes]) -> list[PendingProof]:
        """Remove and return the proofs of the given blocks (e.g. pruned by finalization)."""
        dropped: list[PendingProof] = []
        for root in roots:
            dropped += self.take(root)
        return dropped

    def next_deadline(self) -> float | None:
        """The earliest deadline in the queue, or None when it is empty."""
        return min((entry.deadline for entry in self), default=None)
