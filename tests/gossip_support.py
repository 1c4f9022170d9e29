"""Shared helpers of the gossip tests: real py-libp2p nodes on 127.0.0.1 and signed devnet proofs.

Proofs are made for the deterministic devnet chain (:mod:`eip8025_p2p.devchain`) and verified by a
proof-engine **test double** (:func:`padded_fake_engine`, a :class:`FakeProofEngine` that also
accepts non-zero padding so large test payloads stay incompressible). Nothing here is a real proof.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
import trio

from eip8025 import containers
from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.gossip import Seen
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine, fake_proof_data
from eip8025.verification import SpecContext, get_execution_proof
from eip8025_p2p.devchain import DevnetChain, DevnetSpec, interop_privkey
from eip8025_p2p.encoding import execution_proof_topic
from eip8025_p2p.gossip_topic import ExecutionProofTopic
from eip8025_p2p.host import GossipNode
from eip8025_p2p.libp2p_patches import GossipParams
from eip8025_p2p.pipeline import PipelineConfig, ProofPipeline

SPEC = DevnetSpec(validator_count=8)
PROOF_TYPES = (1, 2, 3, 5, 6)  # the default accepted set of the minimal config


def padded_fake_engine() -> FakeProofEngine:
    """**Test double**: a :class:`FakeProofEngine` that accepts any padding after the fake proof."""
    return FakeProofEngine(any_padding=True)


class ProofMaker:
    """Signed ``SignedExecutionProofEnvelope`` values for devnet blocks (test data)."""

    def __init__(self, chain: DevnetChain) -> None:
        self.chain = chain
        self.ctx = SpecContext(config=chain.spec.config, bls=default_backend())

    def signed(
        self,
        slot: int,
        proof_type: int,
        validator_index: int = 0,
        *,
        size: int = 0,
        bad_signature: bool = False,
    ) -> containers.SignedExecutionProofEnvelopeBase:
        """A valid proof (``size``: total proof bytes, padded with pseudo-random bytes)."""
        block = self.chain.block(slot)
        placeholder = self.ctx.profile.ExecutionProofEnvelope(
            proof_data=b"\x00", proof_type=proof_type, beacon_block_root=block.root
        )
        public_input = get_execution_proof(
            block.state, placeholder, block.payload_envelope, ctx=self.ctx
        ).public_input
        data = fake_proof_data(public_input, proof_type)
        if size > len(data):
            data += pseudo_random(size - len(data), f"{slot}/{proof_type}/{validator_index}")
        envelope = placeholder.copy_with(proof_data=data)
        key = interop_privkey(validator_index + (1 if bad_signature else 0))
        signature = get_execution_proof_envelope_signature(
            block.state, envelope, key, preset=self.ctx.config.preset, bls=self.ctx.bls
        )
        return self.ctx.profile.SignedExecutionProofEnvelope(
            message=envelope, validator_index=validator_index, signature=signature
        )


def pseudo_random(size: int, label: str) -> bytes:
    """Incompressible deterministic bytes (SHA-256 in counter mode)."""
    seed = hashlib.sha256(label.encode()).digest()
    blocks = (size + 31) // 32
    return b"".join(hashlib.sha256(seed + i.to_bytes(8, "little")).digest() for i in range(blocks))[
        :size
    ]


@dataclasses.dataclass
class Peer:
    """One running node with its own chain view, store, ``Seen`` and proof engine."""

    node: GossipNode
    view: InMemoryChainView
    store: ExecutionProofStore
    seen: Seen
    engine: FakeProofEngine
    pipeline: ProofPipeline
    topic: ExecutionProofTopic

    def import_block(self, slot: int) -> bytes:
        block = self.topic_chain.import_block(self.view, slot)
        self.pipeline.on_block(block.root)
        return block.root

    @property
    def topic_chain(self) -> DevnetChain:
        return CHAIN


CHAIN = DevnetChain(SPEC)
MAKER = ProofMaker(CHAIN)


def make_peer(
    index: int,
    *,
    pipeline_config: PipelineConfig | None = None,
    params: GossipParams | None = None,
) -> Peer:
    secret = hashlib.sha256(f"gossip-test-node-{index}".encode()).digest()
    node = GossipNode(secret, params=params)
    view = InMemoryChainView()
    ctx = SpecContext(config=CHAIN.spec.config, bls=default_backend())
    store = ExecutionProofStore(view, ctx)
    seen = Seen()
    engine = padded_fake_engine()
    pipeline = ProofPipeline(
        store,
        seen,
        engine,
        topic=execution_proof_topic(CHAIN.fork_digest),
        config=pipeline_config,
        head_state=lambda: CHAIN.block(0).state,
    )
    topic = ExecutionProofTopic(node.pubsub, CHAIN.fork_digest, pipeline)
    return Peer(node, view, store, seen, engine, pipeline, topic)


@contextlib.asynccontextmanager
async def network(
    count: int,
    links: Sequence[tuple[int, int]] | None = None,
    *,
    slots: Sequence[int] = (1,),
    pipeline_config: PipelineConfig | None = None,
    params: GossipParams | None = None,
    timeout: float = 20.0,
) -> AsyncIterator[list[Peer]]:
    """``count`` running peers, connected as ``links`` (default: full mesh), meshes formed.

    Every peer imports the devnet blocks of ``slots`` before the network starts.
    """
    peers = [make_peer(i, pipeline_config=pipeline_config, params=params) for i in range(count)]
    for peer in peers:
        for slot in slots:
            CHAIN.import_block(peer.view, slot)
    if links is None:
        links = [(a, b) for a in range(count) for b in range(a + 1, count)]
    async with contextlib.AsyncExitStack() as stack:
        for peer in peers:
            await stack.enter_async_context(peer.node.running())
            await stack.enter_async_context(peer.pipeline.running())
            await stack.enter_async_context(peer.topic.running())
        with trio.fail_after(timeout):
            for a, b in links:
                await peers[a].node.connect(peers[b].node.addrs[0])
            for a, b in links:
                topic = peers[a].topic.topic
                await peers[a].node.pubsub.wait_for_mesh(peers[b].node.peer_id, topic, timeout)
                await peers[b].node.pubsub.wait_for_mesh(peers[a].node.peer_id, topic, timeout)
        yield peers


def patched_and_stock(reason: str = "py-libp2p 0.8.1 default breaks eth2 gossip") -> list[Any]:
    """``parametrize`` values of a patch test: ``patched`` (True), then ``unpatched`` (False).

    The stock variant must fail by an assertion: ``xfail(strict=True, raises=AssertionError)``, so
    an upgrade of py-libp2p that fixes the default shows up as an unexpected pass, and a crash of
    the stock object never counts as "still broken".
    """
    stock = pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)
    return [
        pytest.param(True, id="patched"),
        pytest.param(False, id="unpatched", marks=stock),
    ]
