"""A bounded queue of execution proofs waiting for their beacon block or execution payload.

A transport needs the verdict while the message is in hand, but a proof can legitimately arrive
before the block it proves (``BLOCK_NOT_SEEN``) or before that block's payload
(``PAYLOAD_UNAVAILABLE``). The pipeline answers IGNORE (so the message is not forwarded
unvalidated), parks the decoded message here - after checking its signature against the head
state, so only a real validator's proofs wait - and revalidates it when the block or payload
arrives; see :mod:`eip8025_p2p.pipeline.pipeline`.

Everything here is plain data and arithmetic: no event loop, no clock of its own (callers pass
``now``), so it is tested without a network. Entries are bounded per beacon block (count and
bytes), per validator (count: the signer, authenticated before parking - not the forwarding
peer, whose identity costs nothing to change) and in total (count and bytes). A full queue
*refuses* the new entry rather than evicting an older one: eviction would let a validator flush
honest entries, while refusal costs at most the refused message. Entries expire ``ttl`` seconds
after they were first queued; putting an entry back after a revalidation keeps its deadline.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Hashable, Iterable, Iterator

from eip8025.chain import BeaconStateView
from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.verification import (
    EnvelopeCheck,
    EnvelopeInvalid,
    SpecContext,
    verify_active_prover_signature,
)
from eip8025_p2p.encoding import PreparedMessage

__all__ = [
    "AddResult",
    "PendingLimits",
    "PendingProof",
    "PendingProofQueue",
    "authenticate_early_proof",
]

MiB = 1024 * 1024


def authenticate_early_proof(
    state: BeaconStateView | None, envelope: SignedExecutionProofEnvelopeBase, ctx: SpecContext
) -> str | None:
    """Index, activity and signature against the head state: the failed check, or None.

    A proof may wait for its block only if a real validator signed it (the validator's key is
    known from the head state even when the block is not).
    """
    if state is None:
        return "no_head_state"
    if not envelope.validator_index < state.validator_count():
        return EnvelopeCheck.VALIDATOR_INDEX_OUT_OF_RANGE.value
    try:
        verify_active_prover_signature(state, envelope, ctx=ctx)
    except EnvelopeInvalid as exc:
        return exc.check.value
    return None


@dataclasses.dataclass(frozen=True)
class PendingLimits:
    """Bounds of :class:`PendingProofQueue` (bytes: compressed payload + decoded proof data)."""

    max_per_block: int = 16
    max_bytes_per_block: int = 48 * MiB
    max_per_validator: int = 8
    max_total: int = 128
    max_total_bytes: int = 192 * MiB
    ttl: float = 12.0
    """Seconds an entry may wait (one mainnet slot)."""

    def __post_init__(self) -> None:
        values = dataclasses.astuple(self)
        if any(v <= 0 for v in values):
            raise ValueError(f"pending-queue limits must be positive: {self}")


@dataclasses.dataclass(frozen=True)
class PendingProof:
    """One parked message, decoded (revalidation does not decode again)."""

    message: PreparedMessage
    source: Hashable
    """Where it came from (penalised if it later turns out invalid; re-published past it)."""
    deadline: float
    reason: str
    """``block_not_seen`` or ``payload_unavailable`` when it was parked."""

    @property
    def msg_id(self) -> bytes:
        """The message-id."""
        return self.message.msg_id

    @property
    def beacon_block_root(self) -> bytes:
        """The block it waits for."""
        assert self.message.envelope is not None
        return self.message.envelope.message.beacon_block_root

    @property
    def validator_index(self) -> int:
        """The (authenticated) signer."""
        assert self.message.envelope is not None
        return self.message.envelope.validator_index

    @property
    def proof_type(self) -> int:
        """The proof type."""
        assert self.message.envelope is not None
        return self.message.envelope.message.proof_type

    @property
    def size(self) -> int:
        """Bytes charged against the byte bounds: the payload and the decoded proof data."""
        assert self.message.envelope is not None
        return self.message.size + len(self.message.envelope.message.proof_data)


class AddResult(enum.Enum):
    """What :meth:`PendingProofQueue.add` did."""

    ADDED = "added"
    DUPLICATE = "duplicate"
    BLOCK_FULL = "block_full"
    VALIDATOR_FULL = "validator_full"
    TOTAL_FULL = "total_full"

    @property
    def queued(self) -> bool:
        """True if the entry is (now or already) in the queue."""
        return self in (AddResult.ADDED, AddResult.DUPLICATE)


class PendingProofQueue:
    """Proofs waiting for a block root, bounded per block, per validator and in total."""

    def __init__(self, limits: PendingLimits | None = None) -> None:
        self.limits = limits or PendingLimits()
        self._by_root: dict[bytes, dict[bytes, PendingProof]] = {}
        self._root_bytes: dict[bytes, int] = {}
        self._per_validator: dict[int, int] = {}
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
        if self._per_validator.get(entry.validator_index, 0) >= limits.max_per_validator:
            return AddResult.VALIDATOR_FULL
        if len(self._ids) >= limits.max_total or (
            self.total_bytes + entry.size > limits.max_total_bytes
        ):
            return AddResult.TOTAL_FULL
        self._by_root.setdefault(root, {})[entry.msg_id] = entry
        self._root_bytes[root] = self._root_bytes.get(root, 0) + entry.size
        index = entry.validator_index
        self._per_validator[index] = self._per_validator.get(index, 0) + 1
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
        remaining = self._per_validator[entry.validator_index] - 1
        if remaining:
            self._per_validator[entry.validator_index] = remaining
        else:
            del self._per_validator[entry.validator_index]
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

    def discard_roots(self, roots: Iterable[bytes]) -> list[PendingProof]:
        """Remove and return the proofs of the given blocks (e.g. pruned by finalization)."""
        dropped: list[PendingProof] = []
        for root in roots:
            dropped += self.take(root)
        return dropped

    def next_deadline(self) -> float | None:
        """The earliest deadline in the queue, or None when it is empty."""
        return min((entry.deadline for entry in self), default=None)
