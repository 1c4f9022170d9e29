"""The ``execution_proof`` gossip topic on py-libp2p: validation, storing, pending proofs, counters.

:class:`ExecutionProofTopic` is the :class:`~eip8025_p2p.libp2p_patches.Eth2TopicValidator` of
``/eth2/{fork_digest}/execution_proof/ssz_snappy``. For every message that reaches it (duplicates
and graylisted peers are dropped earlier by :class:`~eip8025_p2p.libp2p_patches.Eth2Pubsub`):

1. decode with the size checks of :mod:`eip8025_p2p.encoding` (failure: REJECT);
2. run the core :func:`~eip8025.gossip.validate_execution_proof_gossip` in a worker thread
   (hashing, BLS and the proof engine never block the event loop); at most
   ``max_concurrent_validations`` threads at once (a :class:`trio.CapacityLimiter`), and at most
   ``max_queued_validations`` messages / ``max_queued_bytes`` waiting (beyond: IGNORE
   ``throttled``);
3. ACCEPT: Pubsub forwards the message, then :meth:`on_forwarded` stores it with
   :func:`~eip8025.forkchoice.on_validated_execution_proof`; IGNORE and REJECT drop it, and only
   REJECT scores the forwarder. Anything unexpected is an IGNORE, logged and counted
   (``validator_errors``); nothing a peer sends can raise out of :meth:`validate`.

Concurrency. The core mutates ``Seen`` and the store with check-then-act sequences, so validations
of proofs for the *same* beacon block are serialised (a lock per block root); different blocks
validate in parallel. Between an ACCEPT and its storing, the (block, proof type) pair is reserved so
a concurrent proof of the same type is IGNOREd as the spec's "valid proof already known".
:meth:`prune` waits for running validations to finish before it prunes ``Seen`` and the store.

Proofs that arrive before their block or payload. gossipsub needs the verdict now, but the spec
answers ``BLOCK_NOT_SEEN`` / ``PAYLOAD_UNAVAILABLE`` with IGNORE. We answer IGNORE (so the
unvalidated message is not forwarded and nobody is penalised) and park the raw message in a bounded
:class:`~eip8025_p2p.pending.PendingProofQueue`. When the host reports the block or payload
(:meth:`on_block_imported`, :meth:`on_payload_imported`), the parked messages of that block are
validated again; an ACCEPT is stored and **re-published by us** (the message-id is unchanged, so
peers that already hold it drop it as a duplicate and the rest of the network gets it); a REJECT
penalises the peer that sent it; an IGNORE for the same reason parks it again with its original
deadline. Entries still waiting at their deadline (``PendingLimits.ttl``) are dropped as IGNORE
``pending_expired``. A refused (queue full) or expired message is removed from the seen cache, so a
later copy is validated afresh; likewise after ``ENGINE_UNAVAILABLE`` (the core rolls back its own
``Seen`` marks for the same reason).

Counters (:class:`GossipCounters`) are plain data: verdicts by (outcome, reason, proof type) plus
scalar counters, for a metrics endpoint to export.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from typing import Final

import trio
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2

from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.engine import ProofEngine
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import (
    GossipIgnore,
    GossipReason,
    GossipReject,
    Seen,
    validate_execution_proof_gossip,
)
from eip8025.store import ExecutionProofStore

from .encoding import (
    GossipDecodeError,
    compute_message_id,
    decode_execution_proof,
    encode_execution_proof,
    execution_proof_topic,
)
from .libp2p_patches import Eth2Pubsub, ValidationResult
from .pending import AddResult, PendingLimits, PendingProof, PendingProofQueue

__all__ = [
    "ExecutionProofTopic",
    "GossipCounters",
    "GossipEvent",
    "TopicConfig",
]

logger = logging.getLogger(__name__)

MiB: Final = 1024 * 1024
PENDING_REASONS: Final = frozenset({GossipReason.BLOCK_NOT_SEEN, GossipReason.PAYLOAD_UNAVAILABLE})
"""IGNORE reasons whose proofs wait in the pending queue."""
RETRYABLE_REASONS: Final = frozenset({GossipReason.ENGINE_UNAVAILABLE})
"""IGNORE reasons after which a later copy of the same message is validated again."""


@dataclasses.dataclass(frozen=True)
class TopicConfig:
    """Bounds of the topic adapter."""

    max_concurrent_validations: int = 2
    """Worker threads validating at once (decode, hashing, BLS, proof engine)."""
    max_queued_validations: int = 256
    max_queued_bytes: int = 128 * MiB
    pending: PendingLimits = dataclasses.field(default_factory=PendingLimits)


@dataclasses.dataclass
class GossipCounters:
    """Plain counters of one topic adapter (export them as they are).

    ``outcomes`` counts every verdict, first validations and revalidations of pending proofs
    alike, keyed by ``(outcome, reason, proof_type)``: outcome ``accept`` / ``ignore`` /
    ``reject``; reason ``accepted`` or a core label such as ``envelope_invalid:bad_signature``, or
    one of ours (``decode_error``, ``throttled``, ``validator_error``, ``pending_expired``,
    ``pending_full``); proof type ``None`` when the message did not decode.
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
    throttled: int = 0
    validator_errors: int = 0
    outcomes: dict[tuple[str, str, int | None], int] = dataclasses.field(default_factory=dict)

    def record(self, outcome: ValidationResult, reason: str, proof_type: int | None) -> None:
        """Count one verdict."""
        key = (outcome.value, reason, proof_type)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def count(
        self,
        outcome: ValidationResult | str | None = None,
        reason: str | None = None,
        proof_type: int | None = None,
    ) -> int:
        """Sum of verdicts matching the given labels (None matches anything)."""
        wanted = outcome.value if isinstance(outcome, ValidationResult) else outcome
        return sum(
            n
            for (o, r, t), n in self.outcomes.items()
            if (wanted is None or o == wanted)
            and (reason is None or r == reason)
            and (proof_type is None or t == proof_type)
        )

    def snapshot(self) -> dict[str, object]:
        """A copy as plain Python values."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class GossipEvent:
    """One verdict, for listeners (benchmarks, logs)."""

    msg_id: bytes
    outcome: ValidationResult
    reason: str
    proof_type: int | None
    beacon_block_root: bytes | None
    stored: bool = False


@dataclasses.dataclass(frozen=True)
class _Verdict:
    result: ValidationResult
    reason: str
    envelope: SignedExecutionProofEnvelopeBase | None = None
    gossip_reason: GossipReason | None = None

    @property
    def proof_type(self) -> int | None:
        return None if self.envelope is None else self.envelope.message.proof_type


_ACCEPTED = "accepted"


class _RootLocks:
    """One lock per beacon block root, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[bytes, tuple[trio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, root: bytes) -> AsyncIterator[None]:
        lock, users = self._locks.get(root, (trio.Lock(), 0))
        self._locks[root] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[root]
            if users == 1:
                del self._locks[root]
            else:
                self._locks[root] = (lock, users - 1)


class ExecutionProofTopic:
    """The ``execution_proof`` topic of one node (see the module docstring)."""

    def __init__(
        self,
        pubsub: Eth2Pubsub,
        fork_digest: bytes,
        store: ExecutionProofStore,
        seen: Seen,
        proof_engine: ProofEngine,
        config: TopicConfig | None = None,
    ) -> None:
        self.pubsub = pubsub
        self.topic = execution_proof_topic(fork_digest)
        self.store = store
        self.seen = seen
        self.proof_engine = proof_engine
        self.config = config or TopicConfig()
        self.counters = GossipCounters()
        self.pending = PendingProofQueue(self.config.pending)
        self.listeners: list[Callable[[GossipEvent], None]] = []
        self._limiter = trio.CapacityLimiter(self.config.max_concurrent_validations)
        self._root_locks = _RootLocks()
        self._reserved: set[tuple[bytes, int]] = set()
        self._accepted: dict[bytes, SignedExecutionProofEnvelopeBase] = {}
        self._queued = 0
        self._queued_bytes = 0
        self._active = 0
        self._idle = trio.Event()
        self._idle.set()
        self._gate_open = trio.Event()
        self._gate_open.set()
        self._changed = trio.Event()
        self._nursery: trio.Nursery | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ExecutionProofTopic]:
        """Register the validator, subscribe, and run the pending-queue timer."""
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            self.pubsub.set_eth2_validator(self.topic, self)
            await self.pubsub.subscribe(self.topic)
            nursery.start_soon(self._expire_pending)
            try:
                yield self
            finally:
                self.pubsub.remove_eth2_validator(self.topic)
                self._nursery = None
                nursery.cancel_scope.cancel()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once ``predicate()`` holds (re-checked after every verdict or store)."""
        while not predicate():
            await self._changed.wait()

    def _notify(self, event: GossipEvent | None = None) -> None:
        if event is not None:
            for listener in list(self.listeners):
                try:
                    listener(event)
                except Exception:
                    logger.exception("gossip listener %r failed", listener)
        self._changed.set()
        self._changed = trio.Event()

    # -- the validator (called by Eth2Pubsub) ------------------------------------------------

    async def validate(
        self, forwarder: ID, msg: rpc_pb2.Message, msg_id: bytes
    ) -> ValidationResult:
        """Gossip validation of one received message (never raises)."""
        self.counters.received += 1
        try:
            return await self._validate_message(forwarder, bytes(msg.data), msg_id)
        except Exception:
            self.counters.validator_errors += 1
            logger.exception("execution_proof validation failed unexpectedly; IGNORE")
            self._finish(msg_id, _Verdict(ValidationResult.IGNORE, "validator_error"))
            return ValidationResult.IGNORE

    async def on_forwarded(self, forwarder: ID, msg: rpc_pb2.Message, msg_id: bytes) -> None:
        """Store an ACCEPTed proof once Pubsub has forwarded it."""
        envelope = self._accepted.pop(msg_id, None)
        if envelope is not None:
            self._store(msg_id, envelope)

    async def _validate_message(
        self, forwarder: ID, data: bytes, msg_id: bytes
    ) -> ValidationResult:
        config = self.config
        if (
            self._queued >= config.max_queued_validations
            or self._queued_bytes + len(data) > config.max_queued_bytes
        ):
            self.counters.throttled += 1
            self.pubsub.forget_seen(msg_id)
            self._finish(msg_id, _Verdict(ValidationResult.IGNORE, "throttled"))
            return ValidationResult.IGNORE
        self._queued += 1
        self._queued_bytes += len(data)
        try:
            verdict = await self._check(data)
        finally:
            self._queued -= 1
            self._queued_bytes -= len(data)
        if verdict.result is ValidationResult.ACCEPT:
            assert verdict.envelope is not None
            self._accepted[msg_id] = verdict.envelope
        elif verdict.gossip_reason in PENDING_REASONS:
            self._park(msg_id, data, forwarder, verdict)
        elif verdict.gossip_reason in RETRYABLE_REASONS:
            self.pubsub.forget_seen(msg_id)
        self._finish(msg_id, verdict)
        return verdict.result

    def _finish(self, msg_id: bytes, verdict: _Verdict) -> None:
        self.counters.record(verdict.result, verdict.reason, verdict.proof_type)
        root = None if verdict.envelope is None else verdict.envelope.message.beacon_block_root
        self._notify(GossipEvent(msg_id, verdict.result, verdict.reason, verdict.proof_type, root))

    async def _check(self, data: bytes) -> _Verdict:
        """Decode and run the core validation off the event loop."""
        while not self._gate_open.is_set():
            await self._gate_open.wait()
        if self._active == 0:
            self._idle = trio.Event()
        self._active += 1
        try:
            return await self._check_now(data)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def _check_now(self, data: bytes) -> _Verdict:
        try:
            envelope = await trio.to_thread.run_sync(
                decode_execution_proof, data, self.store.ctx.profile, limiter=self._limiter
            )
        except GossipDecodeError as exc:
            logger.debug("undecodable execution_proof message: %s", exc)
            return _Verdict(ValidationResult.REJECT, "decode_error")
        root = envelope.message.beacon_block_root
        key = (root, envelope.message.proof_type)
        async with self._root_locks.hold(root):
            if key in self._reserved:
                reason = GossipReason.PROOF_TYPE_ALREADY_VERIFIED
                return _Verdict(ValidationResult.IGNORE, reason.value, envelope, reason)
            try:
                await trio.to_thread.run_sync(
                    validate_execution_proof_gossip,
                    self.seen,
                    self.store,
                    envelope,
                    self.proof_engine,
                    limiter=self._limiter,
                )
            except GossipIgnore as exc:
                return _Verdict(ValidationResult.IGNORE, exc.label, envelope, exc.reason)
            except GossipReject as exc:
                return _Verdict(ValidationResult.REJECT, exc.label, envelope, exc.reason)
            self._reserved.add(key)
            return _Verdict(ValidationResult.ACCEPT, _ACCEPTED, envelope)

    def _store(self, msg_id: bytes, envelope: SignedExecutionProofEnvelopeBase) -> None:
        message = envelope.message
        self._reserved.discard((message.beacon_block_root, message.proof_type))
        if on_validated_execution_proof(self.store, envelope):
            self.counters.stored += 1
            stored = True
        else:
            self.counters.store_refused += 1
            stored = False
        self._notify(
            GossipEvent(
                msg_id,
                ValidationResult.ACCEPT,
                _ACCEPTED,
                message.proof_type,
                message.beacon_block_root,
                stored=stored,
            )
        )

    # -- pending proofs ----------------------------------------------------------------------

    def _park(self, msg_id: bytes, data: bytes, forwarder: ID, verdict: _Verdict) -> None:
        assert verdict.envelope is not None
        entry = PendingProof(
            msg_id=msg_id,
            data=data,
            beacon_block_root=verdict.envelope.message.beacon_block_root,
            proof_type=verdict.envelope.message.proof_type,
            forwarder=forwarder,
            deadline=self.pending.deadline_for(trio.current_time()),
            reason=verdict.reason,
        )
        self._requeue(entry)

    def _requeue(self, entry: PendingProof) -> None:
        result = self.pending.add(entry)
        if result is AddResult.ADDED:
            self.counters.pending_queued += 1
        elif not result.queued:
            self.counters.pending_refused += 1
            self.counters.record(ValidationResult.IGNORE, "pending_full", entry.proof_type)
            self.pubsub.forget_seen(entry.msg_id)
            logger.debug("pending queue refused a proof (%s)", result.value)
        self._notify()

    def on_block_imported(self, beacon_block_root: bytes) -> int:
        """Revalidate proofs waiting for this block (call after adding it to the chain view).

        Returns the number of proofs scheduled.
        """
        nursery = self._nursery
        if nursery is None:
            return 0
        entries = self.pending.take(beacon_block_root)
        for entry in entries:
            self.counters.pending_released += 1
            nursery.start_soon(self._revalidate, entry)
        return len(entries)

    def on_payload_imported(self, beacon_block_root: bytes) -> int:
        """Revalidate proofs waiting for this block's payload (same as a block import)."""
        return self.on_block_imported(beacon_block_root)

    async def _revalidate(self, entry: PendingProof) -> None:
        try:
            verdict = await self._check(entry.data)
            if verdict.result is ValidationResult.ACCEPT:
                assert verdict.envelope is not None
                exclude = entry.forwarder if isinstance(entry.forwarder, ID) else None
                try:
                    await self.pubsub.publish_validated(self.topic, entry.data, exclude=exclude)
                    self.counters.republished += 1
                finally:
                    self._store(entry.msg_id, verdict.envelope)
            elif verdict.result is ValidationResult.REJECT:
                if isinstance(entry.forwarder, ID):
                    self.pubsub.penalize(entry.forwarder, self.topic)
            elif verdict.gossip_reason in PENDING_REASONS:
                self._requeue(entry)
            elif verdict.gossip_reason in RETRYABLE_REASONS:
                self.pubsub.forget_seen(entry.msg_id)
            self._finish(entry.msg_id, verdict)
        except Exception:
            self.counters.validator_errors += 1
            logger.exception("revalidating a pending execution proof failed; IGNORE")
            self._finish(entry.msg_id, _Verdict(ValidationResult.IGNORE, "validator_error"))

    async def _expire_pending(self) -> None:
        """Drop pending proofs at their deadline (IGNORE ``pending_expired``)."""
        while True:
            deadline = self.pending.next_deadline()
            with trio.move_on_at(deadline if deadline is not None else float("inf")):
                await self._changed.wait()
                continue
            for entry in self.pending.expire(trio.current_time()):
                self.counters.pending_expired += 1
                self.pubsub.forget_seen(entry.msg_id)
                self.counters.record(ValidationResult.IGNORE, "pending_expired", entry.proof_type)
                self._notify(
                    GossipEvent(
                        entry.msg_id,
                        ValidationResult.IGNORE,
                        "pending_expired",
                        entry.proof_type,
                        entry.beacon_block_root,
                    )
                )

    # -- publishing --------------------------------------------------------------------------

    async def publish(self, envelope: SignedExecutionProofEnvelopeBase) -> ValidationResult:
        """Validate our own proof like a received one, then store and publish it.

        ACCEPT: published and stored. IGNORE for a missing block / payload: parked and published
        when it arrives. Any other IGNORE or REJECT: not published (the result says why).
        """
        data = encode_execution_proof(envelope, self.store.ctx.profile)
        msg_id = compute_message_id(self.topic, data)
        my_id = self.pubsub.my_id
        verdict = await self._check(data)
        if verdict.result is ValidationResult.ACCEPT:
            assert verdict.envelope is not None
            try:
                await self.pubsub.publish_validated(self.topic, data)
                self.counters.published += 1
            finally:
                self._store(msg_id, verdict.envelope)
        elif verdict.gossip_reason in PENDING_REASONS:
            self.pubsub.mark_seen(msg_id)
            self._park(msg_id, data, my_id, verdict)
        self._finish(msg_id, verdict)
        return verdict.result

    async def publish_raw(self, data: bytes) -> bytes:
        """Publish a payload as it is, without validating it (tests, benchmarks, tooling)."""
        self.counters.published += 1
        return await self.pubsub.publish_validated(self.topic, data)

    # -- finalization ------------------------------------------------------------------------

    async def prune(self, finalized_slot: int) -> list[bytes]:
        """Drop everything below ``finalized_slot`` from the store, ``Seen`` and pending queue.

        Waits for running validations first (the core mutates ``Seen`` from worker threads).
        """
        gate = trio.Event()
        self._gate_open = gate
        try:
            while self._active:
                await self._idle.wait()
            roots = self.store.prune(finalized_slot)
            self.seen.prune(roots)
            for entry in self.pending.discard_roots(roots):
                self.pubsub.forget_seen(entry.msg_id)
            return roots
        finally:
            gate.set()
