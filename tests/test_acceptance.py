"""The k-of-n acceptance policy, the proof store and the fork-choice hook."""

from __future__ import annotations

import dataclasses

import pytest

from eip8025 import config as cfg
from eip8025 import containers
from eip8025.acceptance import AcceptancePolicy, PolicyError
from eip8025.forkchoice import on_execution_proof, on_validated_execution_proof
from eip8025.gossip import GossipIgnore, GossipReason, validate_execution_proof_gossip
from tests.factories import SLOT, World, make_world


def accept(world: World, proof_type: int, validator_index: int = 0) -> None:
    signed = world.signed(proof_type, validator_index)
    validate_execution_proof_gossip(world.seen, world.store, signed, world.engine)
    assert on_validated_execution_proof(world.store, signed)


@pytest.fixture
def world() -> World:
    return make_world()


def test_default_policy_is_3_of_5_across_two_guests_and_three_zkvms() -> None:
    policy = AcceptancePolicy.from_config(cfg.MAINNET_CONFIG)
    assert (policy.threshold, len(policy.proof_types)) == (3, 5)
    assert policy.proof_types == frozenset(cfg.DEFAULT_ACCEPTED_PROOF_TYPES)
    registry = cfg.DEFAULT_REGISTRY
    assert len({registry.get(t).el_guest for t in policy.proof_types}) >= 2
    assert len({registry.get(t).zkvm for t in policy.proof_types}) >= 2


def test_callback_fires_exactly_once_at_the_third_type(world: World) -> None:
    accept(world, 1)
    accept(world, 2)
    assert not world.store.is_proof_verified(world.root)
    assert world.sink.records == []
    accept(world, 5)
    assert world.store.is_proof_verified(world.root)
    [record] = world.sink.records
    assert record.beacon_block_root == world.root
    assert record.proof_types == (1, 2, 5)
    assert record.slot == SLOT


def test_fourth_and_fifth_proofs_after_acceptance_do_not_refire(world: World) -> None:
    for proof_type in (1, 2, 3, 5, 6):
        accept(world, proof_type)
    assert len(world.sink.records) == 1
    assert set(world.store.proofs(world.root)) == {1, 2, 3, 5, 6}


def test_duplicates_from_other_provers_do_not_count(world: World) -> None:
    accept(world, 1, 0)
    accept(world, 2, 0)
    duplicate = world.signed(2, 1, proof_data=world.envelope(2).proof_data + b"\x00")
    with pytest.raises(GossipIgnore) as info:
        validate_execution_proof_gossip(world.seen, world.store, duplicate, world.engine)
    assert info.value.reason is GossipReason.PROOF_TYPE_ALREADY_VERIFIED
    # even stored directly, a second proof of a type is refused and does not count
    assert not world.store.store_proof(SLOT, duplicate.message)
    assert not world.store.is_proof_verified(world.root)


def test_proofs_outside_the_policy_types_do_not_count() -> None:
    config = dataclasses.replace(
        cfg.MINIMAL_CONFIG, supported_proof_types=frozenset({1, 2, 3, 4, 5, 6})
    )
    world = make_world(config)
    policy = AcceptancePolicy(3, frozenset({1, 2, 3}), cfg.DEFAULT_REGISTRY)
    world.store.policy = policy
    for proof_type in (4, 5, 6, 1, 2):
        accept(world, proof_type)
    assert not world.store.is_proof_verified(world.root)
    accept(world, 3)
    assert world.store.is_proof_verified(world.root)


def test_diversity_constraint_needs_a_second_guest() -> None:
    world = make_world()
    world.store.policy = AcceptancePolicy(
        3,
        frozenset(cfg.DEFAULT_ACCEPTED_PROOF_TYPES),
        cfg.DEFAULT_REGISTRY,
        min_el_guests=2,
    )
    for proof_type in (1, 2, 3):  # all ethrex
        accept(world, proof_type)
    assert not world.store.is_proof_verified(world.root)
    accept(world, 6)  # reth
    assert world.store.is_proof_verified(world.root)
    assert world.sink.records[0].proof_types == (1, 2, 3, 6)


def test_pruning_drops_state_and_refuses_old_proofs(world: World) -> None:
    for proof_type in (1, 2, 3):
        accept(world, proof_type)
    assert world.store.is_proof_verified(world.root)
    pruned = world.store.prune(SLOT + 1)
    assert world.seen.prune(SLOT + 1) == 1  # one block dropped from Seen
    assert pruned == [world.root]
    assert not world.store.is_proof_verified(world.root)
    assert world.store.proofs(world.root) == {}
    assert world.root not in world.seen.execution_proof_roots
    assert not any(k[0] == world.root for k in world.seen.execution_proof_provers)
    assert not world.store.store_proof(SLOT, world.envelope(5))
    assert len(world.sink.records) == 1


def test_prune_keeps_blocks_at_or_above_finalized(world: World) -> None:
    accept(world, 1)
    assert world.store.prune(SLOT) == []
    assert set(world.store.proofs(world.root)) == {1}


def test_failing_sink_does_not_break_storing(world: World) -> None:
    class Boom:
        def on_payload_proven(self, record: object) -> None:
            raise RuntimeError("host bug")

    world.store.sinks.insert(0, Boom())
    for proof_type in (1, 2, 3):
        accept(world, proof_type)
    assert len(world.sink.records) == 1


def test_on_execution_proof_spec_handler_verifies_and_stores(world: World) -> None:
    on_execution_proof(world.store, world.signed(1), world.engine)
    assert set(world.store.proofs(world.root)) == {1}
    with pytest.raises(AssertionError):  # only one verified proof per type
        on_execution_proof(world.store, world.signed(1, 1), world.engine)
    with pytest.raises(AssertionError):  # invalid proof is not stored
        on_execution_proof(world.store, world.signed(2, proof_data=b"\x01" * 40), world.engine)
    assert set(world.store.proofs(world.root)) == {1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 6}, "can never be met"),
        ({"threshold": 0}, "at least 1"),
        ({"proof_types": frozenset({1, 2, 99})}, "not in the proof-type registry"),
        ({"proof_types": frozenset({1, 2, 3}), "min_el_guests": 2}, "diversity impossible"),
        ({"min_zkvms": 4}, "diversity impossible"),
    ],
)
def test_impossible_policies_are_refused_with_one_line(kwargs: dict, message: str) -> None:
    args = {
        "threshold": 3,
        "proof_types": frozenset(cfg.DEFAULT_ACCEPTED_PROOF_TYPES),
        "registry": cfg.DEFAULT_REGISTRY,
    } | kwargs
    with pytest.raises(PolicyError, match=message) as info:
        AcceptancePolicy(**args)
    assert "\n" not in str(info.value)


def test_spec_supported_set_cannot_carry_a_3_of_5_policy() -> None:
    config = dataclasses.replace(cfg.MAINNET_CONFIG.spec_exact(), acceptance_threshold=5)
    assert config.supported_proof_types == containers.SPEC_SUPPORTED_PROOF_TYPES
    with pytest.raises(PolicyError, match="can never be met"):
        AcceptancePolicy.from_config(config)
