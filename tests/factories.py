"""Deterministic chain fixtures for core tests (keys are small integers; test data only)."""

from __future__ import annotations

import dataclasses
import hashlib

from eip8025 import config as cfg
from eip8025 import containers
from eip8025.bls import BLSBackend, MilagroBackend
from eip8025.chain import InMemoryChainView, StaticStateView, ValidatorView
from eip8025.gossip import Seen
from eip8025.profiles import SpecProfile
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine, RecordingForkChoiceSink, fake_proof_data
from eip8025.verification import SpecContext, get_execution_proof

N_VALIDATORS = 8
SLOT = 20  # epoch 2 on the minimal preset
BLS = MilagroBackend()


def h(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def privkey(index: int) -> int:
    return 1000 + index


@dataclasses.dataclass
class World:
    """A chain with one valid block + payload, and the objects gossip validation needs."""

    ctx: SpecContext
    chain: InMemoryChainView
    state: StaticStateView
    payload: containers.ExecutionPayloadEnvelope
    store: ExecutionProofStore
    seen: Seen
    engine: FakeProofEngine
    sink: RecordingForkChoiceSink
    root: bytes

    def envelope(
        self, proof_type: int, *, proof_data: bytes | None = None, root: bytes | None = None
    ) -> containers.ExecutionProofEnvelopeBase:
        root = self.root if root is None else root
        placeholder = self.ctx.profile.ExecutionProofEnvelope(
            proof_data=b"\x00", proof_type=proof_type, beacon_block_root=root
        )
        public_input = get_execution_proof(
            self.state, placeholder, self.payload, ctx=self.ctx
        ).public_input
        data = fake_proof_data(public_input, proof_type) if proof_data is None else proof_data
        return placeholder.copy_with(proof_data=data)

    def sign(
        self,
        envelope: containers.ExecutionProofEnvelopeBase,
        validator_index: int,
        *,
        key_index: int | None = None,
        bls: BLSBackend = BLS,
    ) -> containers.SignedExecutionProofEnvelopeBase:
        key = privkey(validator_index if key_index is None else key_index)
        signature = get_execution_proof_envelope_signature(
            self.state, envelope, key, preset=self.ctx.config.preset, bls=bls
        )
        return self.ctx.profile.SignedExecutionProofEnvelope(
            message=envelope, validator_index=validator_index, signature=signature
        )

    def signed(
        self, proof_type: int, validator_index: int = 0, **kw: object
    ) -> containers.SignedExecutionProofEnvelopeBase:
        return self.sign(self.envelope(proof_type, **kw), validator_index)  # type: ignore[arg-type]


def make_payload(root: bytes) -> containers.ExecutionPayloadEnvelope:
    payload = containers.ExecutionPayload(
        parent_hash=h("parent"),
        fee_recipient=b"\x42" * 20,
        state_root=h("state"),
        receipts_root=h("receipts"),
        logs_bloom=bytes(256),
        prev_randao=h("randao"),
        block_number=7,
        gas_limit=30_000_000,
        gas_used=21_000,
        timestamp=1_700_000_000,
        extra_data=b"eip8025",
        base_fee_per_gas=7,
        block_hash=h("block"),
        transactions=(b"\x02\xf8tx",),
        withdrawals=(),
        blob_gas_used=0,
        excess_blob_gas=0,
        block_access_list=b"",
        slot_number=SLOT,
    )
    requests = containers.ExecutionRequests(
        deposits=(), withdrawals=(), consolidations=(), builder_deposits=(), builder_exits=()
    )
    return containers.ExecutionPayloadEnvelope(
        payload=payload,
        execution_requests=requests,
        builder_index=3,
        beacon_block_root=root,
        parent_beacon_block_root=h("parent-block"),
    )


def make_world(
    config: cfg.SpecConfig | None = None,
    *,
    validators: tuple[ValidatorView, ...] | None = None,
    profile: SpecProfile | None = None,
) -> World:
    config = config or dataclasses.replace(cfg.MINIMAL_CONFIG)
    if profile is not None:
        config = config.with_profile(profile)
    ctx = SpecContext(config=config, bls=BLS)
    if validators is None:
        validators = tuple(
            ValidatorView(BLS.sk_to_pk(privkey(i)), 0, containers.FAR_FUTURE_EPOCH)
            for i in range(N_VALIDATORS)
        )
    state = StaticStateView(
        slot=SLOT,
        fork=containers.Fork(
            previous_version=bytes.fromhex("06000001"),
            current_version=bytes.fromhex("07000001"),
            epoch=1,
        ),
        genesis_validators_root=h("genesis"),
        validators=validators,
        bid_blob_kzg_commitments=(b"\xc0" + bytes(47), b"\xaa" * 48),
    )
    root = h("block-20")
    chain = InMemoryChainView()
    chain.add_block(root, state)
    payload = make_payload(root)
    chain.add_payload(payload)
    sink = RecordingForkChoiceSink()
    store = ExecutionProofStore(chain, ctx, sinks=[sink])
    return World(ctx, chain, state, payload, store, Seen(), FakeProofEngine(), sink, root)
