"""The deterministic devnet chain source and the fork digest helper."""

from __future__ import annotations

import hashlib

from eip8025 import config as cfg
from eip8025 import containers
from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import Seen, validate_execution_proof_gossip
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.signing import (
    compute_fork_data_root,
    compute_fork_digest,
    get_execution_proof_envelope_signature,
)
from eip8025.store import ExecutionProofStore
from eip8025.testing import FakeProofEngine, fake_proof_data
from eip8025.verification import SpecContext, get_execution_proof
from eip8025_p2p.devchain import DevnetChain, DevnetSpec, interop_privkey

# First interop validator key, as every eth2 client's interop/mock-genesis derives it.
INTEROP_KEY_0 = 0x25295F0D1D592A90B333E26E85149708208E9F8E8BC18F6C77BD62F8AD7A6866


def test_interop_keys() -> None:
    assert interop_privkey(0) == INTEROP_KEY_0


def test_chain_is_deterministic_and_linked() -> None:
    spec = DevnetSpec(validator_count=4)
    a, b = DevnetChain(spec), DevnetChain(spec)
    assert a.genesis_validators_root == b.genesis_validators_root
    assert a.block(5).root == b.block(5).root
    assert a.block(5).header.parent_root == a.block(4).root
    assert a.block(5).payload_envelope.beacon_block_root == a.block(5).root
    assert a.block(5).payload_envelope.payload.parent_hash == (
        a.block(4).payload_envelope.payload.block_hash
    )
    other = DevnetChain(DevnetSpec(validator_count=4, seed="another"))
    assert other.block(5).root != a.block(5).root
    # a cold request far ahead derives iteratively (no recursion limit)
    assert DevnetChain(spec).block(1500).slot == 1500


def test_block_payload_round_trips_and_proof_validates() -> None:
    chain = DevnetChain(DevnetSpec(validator_count=4))
    view = InMemoryChainView()
    block = chain.import_block(view, 3)
    encoded = block.payload_envelope.encode_bytes()
    assert containers.ExecutionPayloadEnvelope.decode_bytes(encoded) == block.payload_envelope
    config = cfg.MINIMAL_CONFIG
    ctx = SpecContext(config=config, bls=default_backend())
    store = ExecutionProofStore(view, ctx)
    placeholder = PROFILE.ExecutionProofEnvelope(
        proof_data=b"\x00", proof_type=1, beacon_block_root=block.root
    )
    public_input = get_execution_proof(
        block.state, placeholder, block.payload_envelope, ctx=ctx
    ).public_input
    request_root = block.new_payload_request(PROFILE).hash_tree_root()
    assert public_input.new_payload_request_root == request_root
    envelope = placeholder.copy_with(proof_data=fake_proof_data(public_input, 1))
    signature = get_execution_proof_envelope_signature(
        block.state, envelope, interop_privkey(2), preset=config.preset, bls=ctx.bls
    )
    signed = PROFILE.SignedExecutionProofEnvelope(
        message=envelope, validator_index=2, signature=signature
    )
    validate_execution_proof_gossip(Seen(), store, signed, FakeProofEngine())
    assert on_validated_execution_proof(store, signed)


def test_fork_digest_pre_and_post_fulu() -> None:
    gvr = b"\x11" * 32
    version = b"\x07\x00\x00\x01"
    base = compute_fork_data_root(version, gvr)
    assert compute_fork_digest(version, gvr, None) == base[:4]
    mask = hashlib.sha256((0).to_bytes(8, "little") + (9).to_bytes(8, "little")).digest()
    expected = bytes(x ^ y for x, y in zip(base[:4], mask[:4], strict=True))
    assert compute_fork_digest(version, gvr, (0, 9)) == expected
