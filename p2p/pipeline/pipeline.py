"""``ProofPipeline``: one owner for a proof's life, whatever transport brought it.

wire bytes -> admit (bounded queue) -> prepare (off the event loop: decompress once, message-id,
decode) -> validate (the core's ``validate_execution_proof_gossip`` of the store's profile, in a
worker thread, one lock per (block, proof type)) -> store (the core store; its archive may be on
disk) -> the fork-choice hook. Proofs that arrive before their block or payload wait in a bounded
pending queue and are validated again when it arrives.

The pipeline knows nothing of libp2p. A transport hands it messages (``admit`` / ``prepare`` /
``validate`` for gossip, whose seen-cache sits between prepare and validate; ``submit`` for an
API) and implements :class:`Transport` so the pipeline can broadcast what it accepted later
(a released pending proof, our own proof), penalise the sender of a proof found invalid later,
and tell the transport's duplicate cache to let a later copy through.

Concurrency. Validations of the same (block, proof type) are serialised: every check-then-act of
the core (``Seen``'s proof root and prover key, "no valid proof known") is per type. Stores are
serialised by one lock and run in a worker thread (a durable archive writes the proof bytes
there); the fork-choice sinks of the store therefore run in that worker thread, and the
pipeline's own ``acceptance_listeners`` are called on the event loop, after the verdict that
completed the policy.
:meth:`on_finalized` waits for running validations before it prunes.

Our own proofs (:meth:`publish`) are validated exactly once, here, like a received one, and only
an ACCEPTed proof is broadcast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from typing import Final

import trio

from eip8025.acceptance import AcceptanceRecord
from eip8025.chain import BeaconStateView
from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.engine import ProofEngine
from eip8025.gossip import GossipIgnore, GossipReason, GossipReject, Seen
from eip8025.gossip import validate_execution_proof_gossip as core_validate
from eip8025.store import ExecutionProofStore
from eip8025_p2p.encoding import PreparedMessage, prepare_envelope, prepare_message
from eip8025_p2p.pipeline.config import PENDING_REASONS, RETRYABLE_REASONS, PipelineConfig
from eip8025_p2p.pipeline.journal import Journal, NullJournal
from eip8025_p2p.pipeline.locks import KeyedLocks, ValidationGate
from eip8025_p2p.pipeline.pending import (
    AddResult,
    PendingProof,
    PendingProofQueue,
    authenticate_early_proof,
)
from eip8025_p2p.pipeline.transport import NoTransport, Transport
from eip8025_p2p.pipeline.verdicts import (
    ACCEPTED,
    LOCAL,
    Outcome,
    PipelineCounters,
    Verdict,
    VerdictEvent,
)

__all__ = ["RESERVED_SHARE", "ProofPipeline"]

logger = logging.getLogger(__name__)

RESERVED_SHARE: Final = 0.25
"""Share of the validation queue (places and bytes) only trusted senders may take."""


class ProofPipeline:
    """Validation, storing and the pending queue of one node (see the module docstring)."""

    def __init__(
        self,
        store: ExecutionProofStore,
        seen: Seen,
        engine: ProofEngine,
        *,
        topic: str,
        config: PipelineConfig | None = None,
        head_state: Callable[[], BeaconStateView | None] = lambda: None,
        journal: Journal | None = None,
    ) -> None:
        """Build a pipeline over a store, its ``Seen`` and a proof engine.

        Args:
            store: The core store (its context carries the spec profile).
            seen: The gossip ``Seen`` state.
            engine: The proof engine (called from worker threads).
            topic: The gossip topic string (message-ids cover it).
            config: Bounds.
            head_state: The state proofs for unknown blocks are authenticated against before
                they may wait (None: they cannot wait).
            journal: Where ``Seen`` marks and invalid provers are recorded durably.
        """
        self.store = store
        self.seen = seen
        self.engine = engine
        self.topic = topic
        self.profile = store.ctx.profile
        self.config = config or PipelineConfig()
        self.head_state = head_state
        self.journal: Journal = journal if journal is not None else NullJournal()
        self.transport: Transport = NoTransport()
        self.counters = PipelineCounters()
        self.pending = PendingProofQueue(self.config.pending)
        self.listeners: list[Callable[[VerdictEvent], None]] = []
        self.acceptance_listeners: list[Callable[[AcceptanceRecord], None]] = []
        self._limiter = trio.CapacityLimiter(self.config.max_concurrent_validations)
        self._locks = KeyedLocks()
        self._store_lock = trio.Lock()
        self._accepted: list[AcceptanceRecord] = []
        store.add_sink(self)
        self._queued = 0
        self._queued_bytes = 0
        self._gate = ValidationGate()
        self._changed = trio.Event()
        self._nursery: trio.Nursery | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ProofPipeline]:
        """Run the pending-queue timer and revalidations; stop them on exit."""
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            nursery.start_soon(self._expire_pending)
            try:
                yield self
            finally:
                self._nursery = None
                nursery.cancel_scope.cancel()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once ``predicate()`` holds (re-checked after every verdict or store)."""
        while not predicate():
            await self._changed.wait()

    def _notify(self, event: VerdictEvent | None = None) -> None:
        if event is not None:
            for listener in list(self.listeners):
                try:
                    listener(event)
                except Exception:
                    logger.exception("verdict listener %r failed", listener)
        self._changed.set()
        self._changed = trio.Event()

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """The store's sink (worker thread): queue the record for the loop-side listeners."""
        self._accepted.append(record)

    def _deliver_acceptances(self) -> None:
        records, self._accepted = self._accepted, []
        for record in records:
            for listener in list(self.acceptance_listeners):
                try:
                    listener(record)
                except Exception:
                    logger.exception("acceptance listener %r failed", listener)

    # -- intake ------------------------------------------------------------------------------

    def admit(self, size: int, *, trusted: bool = False) -> bool:
        """Take a place in the validation queue (False: full; the message is throttled).

        :data:`RESERVED_SHARE` of the places and bytes is kept for ``trusted`` senders (the
        transport's peers with a record of valid deliveries): a flood from unknown senders can
        fill the rest, never that share.
        """
        config = self.config
        self.counters.received += 1
        places, room = config.max_queued_validations, config.max_queued_bytes
        if not trusted:
            places -= int(places * RESERVED_SHARE)
            room -= int(room * RESERVED_SHARE)
        if self._queued >= places or self._queued_bytes + size > room:
            self.counters.throttled += 1
            self.counters.record(Verdict(Outcome.IGNORE, "throttled"))
            return False
        self._queued += 1
        self._queued_bytes += size
        return True

    def release(self, size: int) -> None:
        """Give back a place taken by :meth:`admit`."""
        self._queued -= 1
        self._queued_bytes -= size

    async def prepare(self, data: bytes) -> PreparedMessage:
        """Decompress once, compute the message-id and decode, in a worker thread."""
        return await trio.to_thread.run_sync(
            prepare_message, self.topic, data, self.profile, limiter=self._limiter
        )

    async def submit(self, data: bytes, source: Hashable, *, broadcast: bool = True) -> Verdict:
        """The whole intake for one message of a non-gossip transport (e.g. the Beacon API).

        An ACCEPTed message is stored, then broadcast when ``broadcast``.
        """
        if not self.admit(len(data)):
            return Verdict(Outcome.IGNORE, "throttled")
        try:
            message = await self.prepare(data)
            self.transport.mark_seen(message.msg_id)
            verdict = await self.validate(message, source)
        finally:
            self.release(len(data))
        if verdict.outcome is Outcome.ACCEPT and broadcast:
            await self.transport.broadcast(message, exclude=None)
        return verdict

    async def submit_envelope(
        self, signed: SignedExecutionProofEnvelopeBase, source: Hashable
    ) -> Verdict:
        """The whole intake for a decoded envelope (a Beacon API upload); see :meth:`publish`.

        Subject to the same admission bound as gossip (IGNORE ``throttled`` when full).
        """
        return await self._submit_decoded(signed, source, admit=True)

    async def publish(self, signed: SignedExecutionProofEnvelopeBase) -> Verdict:
        """Validate our own proof once, store it and broadcast it.

        ACCEPT: stored and broadcast. IGNORE for a missing block / payload: parked, broadcast
        when it arrives. Any other IGNORE or REJECT: not broadcast (the verdict says why).
        """
        verdict = await self._submit_decoded(signed, LOCAL, admit=False)
        if verdict.outcome is Outcome.ACCEPT:
            self.counters.published += 1
        return verdict

    async def _submit_decoded(
        self, signed: SignedExecutionProofEnvelopeBase, source: Hashable, *, admit: bool
    ) -> Verdict:
        try:
            message = await trio.to_thread.run_sync(
                prepare_envelope, self.topic, signed, self.profile, limiter=self._limiter
            )
        except ValueError as exc:
            logger.debug("oversized envelope from %s: %s", source, exc)
            return Verdict(Outcome.REJECT, "decode_error:too_large")
        if admit and not self.admit(message.size):
            return Verdict(Outcome.IGNORE, "throttled")
        try:
            self.transport.mark_seen(message.msg_id)  # a copy arriving by gossip is a duplicate
            verdict = await self.validate(message, source)
        finally:
            if admit:
                self.release(message.size)
        if verdict.outcome is Outcome.ACCEPT:
            await self.transport.broadcast(message, exclude=None)
        return verdict

    # -- validation --------------------------------------------------------------------------

    async def validate(self, message: PreparedMessage, source: Hashable) -> Verdict:
        """Decide on one prepared message: store it if valid, park it if early."""
        verdict = await self._judge(message, source, deadline=None)
        self._finish(message, verdict, source, revalidation=False)
        return verdict

    async def _judge(
        self, message: PreparedMessage, source: Hashable, deadline: float | None
    ) -> Verdict:
        envelope = message.envelope
        if envelope is None:
            label = "decode_error:too_large" if message.too_large else "decode_error:malformed"
            logger.debug("undecodable execution_proof message: %s", message.error)
            return Verdict(Outcome.REJECT, label)
        try:
            verdict = await self._check(envelope)
            for _ in range(2):  # the block may arrive while we validate or authenticate
                if verdict.gossip_reason not in PENDING_REASONS:
                    break
                if deadline is None:
                    failed = await self._authenticate(envelope)
                    if failed is not None:
                        self.counters.pending_unauthenticated += 1
                        self.transport.forget(message.msg_id)
                        return dataclasses.replace(
                            verdict, reason=f"pending_unauthenticated:{failed}"
                        )
                    deadline = self.pending.deadline_for(trio.current_time())
                if not self._judgeable(envelope):
                    # no await from this check to queueing: on_block cannot run in between
                    return self._park(message, source, verdict, deadline)
                verdict = await self._check(envelope)
        except Exception:
            self.counters.validator_errors += 1
            logger.exception("execution_proof validation failed unexpectedly; IGNORE")
            return Verdict(Outcome.IGNORE, "validator_error", envelope=envelope)
        if verdict.gossip_reason in RETRYABLE_REASONS:
            self.transport.forget(message.msg_id)
        return verdict

    def _judgeable(self, envelope: SignedExecutionProofEnvelopeBase) -> bool:
        root = envelope.message.beacon_block_root
        chain = self.store.chain
        return chain.is_block_known(root) and chain.payload_envelope(root) is not None

    async def _check(self, envelope: SignedExecutionProofEnvelopeBase) -> Verdict:
        """The core's validation off the loop; an ACCEPT is stored before the lock is released."""
        message = envelope.message
        key = (message.beacon_block_root, message.proof_type)
        async with self._gate.validating(), self._locks.hold(key):
            try:
                await trio.to_thread.run_sync(
                    core_validate,
                    self.seen,
                    self.store,
                    envelope,
                    self.engine,
                    limiter=self._limiter,
                )
            except GossipIgnore as exc:
                return Verdict(Outcome.IGNORE, exc.label, exc.reason, envelope, detail=str(exc))
            except GossipReject as exc:
                if exc.reason is GossipReason.PROOF_INVALID:
                    self._journal_marks(envelope, invalid=True)
                return Verdict(Outcome.REJECT, exc.label, exc.reason, envelope, detail=str(exc))
            self._journal_marks(envelope, invalid=False)
            stored = await self._store(envelope)
            return Verdict(Outcome.ACCEPT, ACCEPTED, envelope=envelope, stored=stored)

    def _journal_marks(self, envelope: SignedExecutionProofEnvelopeBase, *, invalid: bool) -> None:
        message = envelope.message
        root = message.beacon_block_root
        slot = self.seen.block_slots.get(root)
        if slot is None:
            return
        key = (root, message.proof_type, envelope.validator_index)
        self.journal.record_seen(key, message.hash_tree_root(), slot)
        if invalid:
            self.journal.record_invalid_prover(key, slot)

    async def _store(self, envelope: SignedExecutionProofEnvelopeBase) -> bool:
        message = envelope.message
        state = self.store.chain.block_state(message.beacon_block_root)
        if state is None:  # pruned meanwhile
            self.counters.store_refused += 1
            return False
        async with self._store_lock:
            stored = await trio.to_thread.run_sync(
                self.store.store_proof, state.slot, message, limiter=self._limiter
            )
        if stored:
            self.counters.stored += 1
        else:
            self.counters.store_refused += 1
        return stored

    def _finish(
        self, message: PreparedMessage, verdict: Verdict, source: Hashable, *, revalidation: bool
    ) -> None:
        self.counters.record(verdict)
        self._notify(VerdictEvent(message.msg_id, verdict, source, revalidation))
        self._deliver_acceptances()  # after the verdict that completed the policy

    # -- pending proofs ----------------------------------------------------------------------

    def _park(
        self, message: PreparedMessage, source: Hashable, verdict: Verdict, deadline: float
    ) -> Verdict:
        """Queue an (authenticated) early proof until its block or payload arrives."""
        entry = PendingProof(message, source, deadline, verdict.reason)
        result = self.pending.add(entry)
        if result is AddResult.ADDED:
            self.counters.pending_queued += 1
        elif not result.queued:
            self.counters.pending_refused += 1
            self.transport.forget(message.msg_id)
            logger.debug("pending queue refused a proof (%s)", result.value)
            return dataclasses.replace(verdict, reason="pending_full")
        self._changed.set()
        return dataclasses.replace(verdict, parked=True)

    async def _authenticate(self, envelope: SignedExecutionProofEnvelopeBase) -> str | None:
        """See :func:`authenticate_early_proof` (in a worker thread)."""
        state, ctx = self.head_state(), self.store.ctx
        return await trio.to_thread.run_sync(
            authenticate_early_proof, state, envelope, ctx, limiter=self._limiter
        )

    def on_block(self, beacon_block_root: bytes) -> int:
        """Revalidate proofs waiting for this block (call after the chain view has it).

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

    def on_payload(self, beacon_block_root: bytes) -> int:
        """Revalidate proofs waiting for this block's payload (same as a block)."""
        return self.on_block(beacon_block_root)

    async def _revalidate(self, entry: PendingProof) -> None:
        message = entry.message
        verdict = await self._judge(message, entry.source, entry.deadline)
        if verdict.outcome is Outcome.ACCEPT:
            exclude = None if entry.source == LOCAL else entry.source
            await self.transport.broadcast(message, exclude=exclude)
            self.counters.republished += 1
        elif verdict.outcome is Outcome.REJECT:
            self.transport.penalize(entry.source)
        self._finish(message, verdict, entry.source, revalidation=True)

    async def _expire_pending(self) -> None:
        """Drop pending proofs at their deadline (IGNORE ``pending_expired``)."""
        while True:
            deadline = self.pending.next_deadline()
            with trio.move_on_at(deadline if deadline is not None else float("inf")):
                await self._changed.wait()
                continue
            for entry in self.pending.expire(trio.current_time()):
                self.counters.pending_expired += 1
                self.transport.forget(entry.msg_id)
                verdict = Verdict(
                    Outcome.IGNORE, "pending_expired", envelope=entry.message.envelope
                )
                self._finish(entry.message, verdict, entry.source, revalidation=True)

    # -- finalization ------------------------------------------------------------------------

    async def on_finalized(self, finalized_slot: int, dropped_roots: Iterable[bytes] = ()) -> None:
        """Prune everything below ``finalized_slot``: store, ``Seen``, journal, pending queue.

        ``dropped_roots``: blocks the chain view just pruned (their pending proofs go too).
        Waits for running validations first (the core mutates ``Seen`` from worker threads).
        """
        async with self._gate.closed():
            roots = self.store.prune(finalized_slot)
            self.seen.prune(finalized_slot)
            self.journal.prune(finalized_slot)
            for entry in self.pending.discard_roots([*roots, *dropped_roots]):
                self.transport.forget(entry.msg_id)
