"""Proof generation: generate and sign (with the FakeProofEngine test double); nothing validates.

Validation of our own proofs happens once, in the pipeline (``tests/test_pipeline.py``).
"""

from __future__ import annotations

import pytest

from eip8025.gossip import GossipReject, validate_execution_proof_gossip
from eip8025.prover import ProverIdentity, sign_execution_proofs
from eip8025.verification import verify_execution_proof_envelope
from tests.factories import make_world, privkey


def test_prover_signs_valid_proofs_without_validating_them() -> None:
    world = make_world()
    outcomes = sign_execution_proofs(
        world.state,
        world.payload,
        world.engine,
        [1, 2, 5],
        ProverIdentity(3, privkey(3)),
        ctx=world.ctx,
    )
    assert [o.error for o in outcomes] == [None, None, None]
    assert world.engine.generate_calls == 3
    assert world.engine.verify_calls == 0
    assert not world.seen.execution_proof_provers  # nothing was marked: not validated here
    for outcome in outcomes:
        assert outcome.signed is not None
        assert outcome.signed.validator_index == 3
        verify_execution_proof_envelope(world.state, outcome.signed, world.payload, ctx=world.ctx)
        validate_execution_proof_gossip(world.seen, world.store, outcome.signed, world.engine)


def test_prover_reports_generation_failures_per_type() -> None:
    world = make_world()
    world.engine.provable_proof_types = frozenset({1})
    outcomes = sign_execution_proofs(
        world.state,
        world.payload,
        world.engine,
        [1, 2],
        ProverIdentity(3, privkey(3)),
        ctx=world.ctx,
    )
    assert outcomes[0].signed is not None
    assert outcomes[0].error is None
    assert outcomes[1].signed is None
    assert "does not prove type 2" in (outcomes[1].error or "")
    world.engine.down = True
    (down,) = sign_execution_proofs(
        world.state, world.payload, world.engine, [1], ProverIdentity(3, privkey(3)), ctx=world.ctx
    )
    assert down.signed is None
    assert "proof generation failed" in (down.error or "")


def test_a_wrong_key_signs_a_proof_validation_rejects() -> None:
    world = make_world()
    (outcome,) = sign_execution_proofs(
        world.state, world.payload, world.engine, [2], ProverIdentity(3, privkey(4)), ctx=world.ctx
    )
    assert outcome.signed is not None
    # a proof signed with another validator's key must be rejected
    with pytest.raises(GossipReject) as caught:
        validate_execution_proof_gossip(world.seen, world.store, outcome.signed, world.engine)
    assert caught.value.label == "envelope_invalid:bad_signature"
