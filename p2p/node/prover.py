"""The prover role of a node: for each new payload, prove, sign, then publish or submit.

Proof types are grouped by the validator key that signs them (round-robin over the keys).
Proving and signing run in a worker thread (:func:`eip8025.prover.sign_execution_proofs`), with
the node's :class:`~eip8025.signing_protection.SigningProtection`: what a key signed is recorded
(in the datadir, when there is one) before the signature exists, a key never signs two different
proofs for one (block, type), and a (block, type) a key already signed - before a restart, say -
is not proven again. Each signed proof then either

* goes through :meth:`~eip8025_p2p.pipeline.ProofPipeline.publish`, which validates it exactly
  once, like a received proof, stores it and broadcasts it on gossip; or
* with ``--submit-to URL``, is POSTed to that beacon node's API (:mod:`.submitter`), which
  validates, stores and gossips it - zkboost's way.

A proof published while no peer is in our mesh of the topic would reach nobody: a restarted
prover that dials no one itself (it waits to be redialled, with backoff, by the nodes that know
it) is ready at once and would lose its first proofs. So the prover holds its signed proofs of a
block (not yet validated, stored or sent) until a peer is in the mesh, at most ``publish_wait``
seconds after they are signed (default one slot, at least :data:`MIN_PUBLISH_WAIT`), and then
hands each to the pipeline once. If no peer comes, it publishes anyway (with no subscribed peer at
all, the topic's ``no_gossip_peers`` alert says that nobody receives it).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Final

import trio

from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.engine import ProofEngineError
from eip8025.prover import ProofGenerator, ProverIdentity, sign_execution_proofs
from eip8025.signing_protection import SigningProtection
from eip8025.verification import SpecContext
from eip8025_p2p.encoding import encode_execution_proof
from eip8025_p2p.gossip_topic import ExecutionProofTopic
from eip8025_p2p.host import GossipNode
from eip8025_p2p.metrics import NodeMetrics
from eip8025_p2p.node.events import NodeEvent, PublishedEvent
from eip8025_p2p.node.faults import forge_proofs
from eip8025_p2p.node.peering import REDIAL_MAX_BACKOFF, wait_for_topic_peer
from eip8025_p2p.node.source import ChainBlock
from eip8025_p2p.node.submitter import ProofSubmitter
from eip8025_p2p.pipeline import Outcome, ProofPipeline

__all__ = ["MIN_PUBLISH_WAIT", "ProverService"]

logger = logging.getLogger(__name__)

MIN_PUBLISH_WAIT: Final = 2 * REDIAL_MAX_BACKOFF
"""Seconds, the default hold's floor: a node that lost us redials at most ``REDIAL_MAX_BACKOFF``
after its last failed dial, so twice that lets one dial fail while we start (one 2 s devnet slot
was too short: a 6-minute soak still saw a restarted prover publish to nobody)."""


class ProverService:
    """Proves the configured types of every imported block (see the module docstring)."""

    def __init__(
        self,
        *,
        name: str,
        keys: Sequence[ProverIdentity],
        proof_types: Sequence[int],
        generator: ProofGenerator,
        ctx: SpecContext,
        pipeline: ProofPipeline,
        topic: ExecutionProofTopic,
        metrics: NodeMetrics,
        emit: Callable[[NodeEvent], None],
        protection: SigningProtection,
        node: GossipNode,
        publish_wait: float,
        submitter: ProofSubmitter | None = None,
        byzantine: bool = False,
    ) -> None:
        self.name = name
        self.generator = generator
        self.ctx = ctx
        self.pipeline = pipeline
        self.topic = topic
        self.metrics = metrics
        self.emit = emit
        self.byzantine = byzantine
        self.protection = protection
        self.submitter = submitter
        self.node = node
        self.publish_wait = publish_wait
        self.held = 0
        """Signed proofs waiting for a peer in the topic mesh right now."""
        groups: dict[int, list[int]] = {}
        for i, proof_type in enumerate(proof_types):
            groups.setdefault(i % len(keys), []).append(proof_type)
        self.assignments = [(keys[i], tuple(types)) for i, types in sorted(groups.items())]

    async def prove(self, block: ChainBlock) -> None:
        """Prove, sign and publish every assigned type of ``block``."""
        payload_envelope = block.payload_envelope
        if payload_envelope is None:  # not proven before its payload is known
            return
        for identity, assigned in self.assignments:
            if self.byzantine:
                await self._publish_forged(block, assigned, identity)
                continue
            types = self._not_yet_signed(block.root, assigned, identity.validator_index)
            if not types:
                continue
            started = time.perf_counter()
            sign = functools.partial(
                sign_execution_proofs,
                block.state,
                payload_envelope,
                self.generator,
                types,
                identity,
                ctx=self.ctx,
                protection=self.protection,
            )
            outcomes = await trio.to_thread.run_sync(sign)
            elapsed = time.perf_counter() - started
            signed = []
            for outcome in outcomes:
                if outcome.signed is None:
                    logger.warning(
                        "slot %d proof type %d: %s", block.slot, outcome.proof_type, outcome.error
                    )
                    self._published(
                        block.slot, outcome.proof_type, identity, "error", outcome.error
                    )
                    continue
                self.metrics.generation_seconds.labels(str(outcome.proof_type)).observe(elapsed)
                signed.append(outcome.signed)
            if self.submitter is not None:
                await self._submit(block, signed, identity, self.submitter)
                continue
            deadline = trio.current_time() + self.publish_wait
            for proof in signed:
                await self._publish(block, proof, identity, deadline)

    async def _publish(
        self,
        block: ChainBlock,
        proof: SignedExecutionProofEnvelopeBase,
        identity: ProverIdentity,
        deadline: float,
    ) -> None:
        proof_type = proof.message.proof_type
        encode = functools.partial(encode_execution_proof, proof, self.ctx.profile)
        size = len(await trio.to_thread.run_sync(encode))
        if not self.topic.fits(size):
            message = (
                f"its gossip RPC of {self.topic.rpc_size(size)} bytes exceeds the "
                f"{self.topic.max_rpc_size}-byte bound (--max-gossip-rpc-size; js-libp2p peers "
                f"such as Lodestar drop larger RPCs); proof data {len(proof.message.proof_data)} "
                "bytes"
            )
            logger.warning(
                "slot %d proof type %d not published: %s", block.slot, proof_type, message
            )
            self._published(block.slot, proof_type, identity, "too_large", message)
            return
        await self._wait_for_mesh_peer(block.slot, proof_type, deadline)
        verdict = await self.pipeline.publish(proof)
        if verdict.outcome is not Outcome.ACCEPT and not verdict.parked:
            logger.warning(
                "own proof of type %d for slot %d not published: %s",
                proof_type,
                block.slot,
                verdict.reason,
            )
        self._published(block.slot, proof_type, identity, verdict.outcome.value)

    async def _wait_for_mesh_peer(self, slot: int, proof_type: int, deadline: float) -> None:
        """Hold a signed proof until a peer is in our topic mesh, at most until ``deadline``."""
        topic = self.topic.topic
        if self.node.router.mesh.get(topic) or trio.current_time() >= deadline:
            return
        started = trio.current_time()
        self.held += 1
        try:
            found = await wait_for_topic_peer(self.node, topic, deadline)
        finally:
            self.held -= 1
        logger.info(
            "slot %d proof type %d: held %.1f s for a gossip peer; %s",
            slot,
            proof_type,
            trio.current_time() - started,
            "one is in the mesh" if found else "none came, publishing anyway",
        )

    async def _submit(
        self,
        block: ChainBlock,
        proofs: list[SignedExecutionProofEnvelopeBase],
        identity: ProverIdentity,
        submitter: ProofSubmitter,
    ) -> None:
        if not proofs:
            return
        results = await submitter.submit(proofs)
        for proof, result in zip(proofs, results, strict=True):
            proof_type = proof.message.proof_type
            if result.result == "submitted":
                logger.info(
                    "slot %d proof type %d: submitted to %s", block.slot, proof_type, submitter.url
                )
            else:
                logger.warning(
                    "slot %d proof type %d: %s by %s after %d attempt(s): %s",
                    block.slot,
                    proof_type,
                    result.result,
                    submitter.url,
                    result.attempts,
                    result.message,
                )
            self._published(block.slot, proof_type, identity, result.result, result.message)

    def _not_yet_signed(
        self, root: bytes, types: tuple[int, ...], validator_index: int
    ) -> tuple[int, ...]:
        """The types this key has not signed for ``root`` (a restarted node resumes a slot)."""
        signed = self.protection.signed_envelope_root
        return tuple(t for t in types if signed(validator_index, root, t) is None)

    async def _publish_forged(
        self, block: ChainBlock, types: tuple[int, ...], identity: ProverIdentity
    ) -> None:
        forge = functools.partial(forge_proofs, block, types, identity, self.generator, self.ctx)
        try:
            forged = await trio.to_thread.run_sync(forge)
        except ProofEngineError as exc:
            for proof_type in types:
                self._published(block.slot, proof_type, identity, "error", str(exc))
            return
        for signed in forged:
            await self.topic.publish_raw(encode_execution_proof(signed, self.ctx.profile))
            self._published(block.slot, signed.message.proof_type, identity, "forged")

    def _published(
        self,
        slot: int,
        proof_type: int,
        identity: ProverIdentity,
        result: str,
        error: str | None = None,
    ) -> None:
        self.metrics.proofs_published.labels(str(proof_type), result).inc()
        self.emit(
            PublishedEvent(
                name=self.name,
                slot=slot,
                proof_type=proof_type,
                validator_index=identity.validator_index,
                result=result,
                error=error,
            )
        )
