"""A prover never signs two different proofs for one (validator, block, proof type)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eip8025.prover import ProverIdentity, sign_execution_proofs
from eip8025.signing_protection import MemorySigningProtection, SigningProtection
from eip8025_p2p.storage import NodeStorage
from tests.factories import SLOT, make_world, privkey


def open_storage(tmp_path: Path) -> NodeStorage:
    world = make_world()
    return NodeStorage(tmp_path / "state.sqlite3", profile=world.ctx.profile, chain="test")


@pytest.fixture(params=["memory", "sqlite"])
def protection(request: pytest.FixtureRequest, tmp_path: Path) -> SigningProtection:
    if request.param == "memory":
        return MemorySigningProtection()
    return open_storage(tmp_path)


def test_the_same_envelope_may_be_signed_again_a_different_one_is_refused(
    protection: SigningProtection,
) -> None:
    world = make_world()
    prover = ProverIdentity(3, privkey(3))

    def sign() -> list[str | None]:
        outcomes = sign_execution_proofs(
            world.state,
            world.payload,
            world.engine,
            [1, 2],
            prover,
            ctx=world.ctx,
            protection=protection,
        )
        return [o.error for o in outcomes]

    assert sign() == [None, None]
    assert protection.signed_envelope_root(3, world.root, 1) is not None
    assert sign() == [None, None]  # deterministic proofs: the same envelopes, signed again
    original = world.engine.generate_proof
    world.engine.generate_proof = lambda public_input, proof_type: (  # type: ignore[method-assign]
        original(public_input, proof_type) + b"\x01"  # a different proof of the same block
    )
    errors = sign()
    assert all(e is not None and "refused to sign" in e for e in errors)
    other = ProverIdentity(4, privkey(4))  # another validator may sign it
    (fresh,) = sign_execution_proofs(
        world.state, world.payload, world.engine, [1], other, ctx=world.ctx, protection=protection
    )
    assert fresh.signed is not None


def test_the_record_survives_a_restart_and_is_pruned_at_finality(tmp_path: Path) -> None:
    storage = open_storage(tmp_path)
    assert storage.record_signing(3, b"\xaa" * 32, 1, b"\x01" * 32, SLOT)
    storage.close()
    reopened = open_storage(tmp_path)
    assert reopened.signed_envelope_root(3, b"\xaa" * 32, 1) == b"\x01" * 32
    assert not reopened.record_signing(3, b"\xaa" * 32, 1, b"\x02" * 32, SLOT)
    assert reopened.record_signing(3, b"\xaa" * 32, 1, b"\x01" * 32, SLOT)
    reopened.prune(SLOT + 1)
    assert reopened.signed_envelope_root(3, b"\xaa" * 32, 1) is None
    reopened.close()
