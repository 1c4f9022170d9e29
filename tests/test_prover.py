"""The honest-prover flow: request, sign, self-validate (with the FakeProofEngine test double)."""

from __future__ import annotations

from eip8025.gossip import GossipIgnore, GossipReason, validate_execution_proof_gossip
from eip8025.prover import ProverIdentity, produce_signed_proofs

from .factories import make_world, privkey


def test_prover_produces_valid_signed_proofs_and_marks_them_seen() -> None:
    world = make_world()
    outcomes = produce_signed_proofs(
        world.state,
        world.payload,
        world.engine,
        world.engine,
        [1, 2, 5],
        ProverIdentity(3, privkey(3)),
        seen=world.seen,
        store=world.store,
    )
    assert [o.error for o in outcomes] == [None, None, None]
    assert world.store.is_proof_verified(world.root)
    echoed = outcomes[0].signed
    assert echoed is not None
    try:
        validate_execution_proof_gossip(world.seen, world.store, echoed, world.engine)
    except GossipIgnore as exc:  # 2026-10 checks the stored type first, 2026-08 the prover
        assert exc.reason in {
            GossipReason.PROOF_TYPE_ALREADY_VERIFIED,
            GossipReason.PROVER_ALREADY_SEEN,
        }
    else:
        raise AssertionError("our own proof echoed back must be ignored")


def test_prover_reports_engine_outage_and_bad_key_per_type() -> None:
    world = make_world()
    world.engine.down = True
    outcomes = produce_signed_proofs(
        world.state,
        world.payload,
        world.engine,
        world.engine,
        [1],
        ProverIdentity(3, privkey(3)),
        seen=world.seen,
        store=world.store,
    )
    assert outcomes[0].signed is None and "proof generation failed" in (outcomes[0].error or "")
    world.engine.down = False
    wrong_key = produce_signed_proofs(
        world.state,
        world.payload,
        world.engine,
        world.engine,
        [2],
        ProverIdentity(3, privkey(4)),
        seen=world.seen,
        store=world.store,
    )
    assert wrong_key[0].signed is None
    assert wrong_key[0].error == "self-validation: envelope_invalid:bad_signature"
    unsupported = produce_signed_proofs(
        world.state,
        world.payload,
        world.engine,
        world.engine,
        [4],
        ProverIdentity(3, privkey(3)),
        seen=world.seen,
        store=world.store,
    )
    assert unsupported[0].error == "self-validation: unsupported_proof_type"
