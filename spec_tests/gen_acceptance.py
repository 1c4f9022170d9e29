"""Generate the ``fork_choice/execution_proof_acceptance`` vectors.

Each case feeds already-verified proofs (beacon block root, slot, proof type) to the proof store
under a k-of-n policy and states, step by step, whether the proof is stored and whether the
"payload proven" hook fires at that step (with the proof types stored at that moment, in arrival
order). Expected values are written by hand; nothing here runs the policy under test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, Final

from eip8025.config import DEFAULT_REGISTRY as _DEFAULT_REGISTRY
from eip8025.config import ProofTypeInfo
from eip8025_spec_tests.formats import ACCEPTANCE_HANDLER, hex_bytes
from eip8025_spec_tests.vector_case import VectorCase

__all__ = ["acceptance_cases"]


def _root(label: str) -> bytes:
    return hashlib.sha256(b"eip8025 vectors: " + label.encode()).digest()


A: Final = _root("block A")
B: Final = _root("block B")
C: Final = _root("block C")

DEFAULT_REGISTRY: Final = tuple(_DEFAULT_REGISTRY)
DEFAULT_TYPES: Final = (1, 2, 3, 5, 6)


def _registry_yaml(entries: Iterable[ProofTypeInfo]) -> list[dict[str, Any]]:
    return [{"id": e.id, "name": e.name, "el_guest": e.el_guest, "zkvm": e.zkvm} for e in entries]


class _AcceptanceCase:
    def __init__(
        self,
        suite: str,
        name: str,
        description: str,
        *,
        threshold: int = 3,
        proof_types: Iterable[int] = DEFAULT_TYPES,
        min_el_guests: int = 1,
        min_zkvms: int = 1,
        registry: Iterable[ProofTypeInfo] = DEFAULT_REGISTRY,
    ) -> None:
        self.case = VectorCase("fork_choice", ACCEPTANCE_HANDLER, suite, name)
        self.description = description
        self.policy = {
            "threshold": threshold,
            "proof_types": sorted(proof_types),
            "min_el_guests": min_el_guests,
            "min_zkvms": min_zkvms,
            "registry": _registry_yaml(registry),
        }
        self.steps: list[dict[str, Any]] = []

    def proof(
        self,
        root: bytes,
        slot: int,
        proof_type: int,
        *,
        stored: bool = True,
        proven: list[int] | None = None,
        comment: str | None = None,
    ) -> None:
        """A verified proof; ``proven`` = the types the hook reports if it fires at this step."""
        step: dict[str, Any] = {
            "proof": {"beacon_block_root": hex_bytes(root), "slot": slot, "proof_type": proof_type},
            "stored": stored,
        }
        if proven is not None:
            step["payload_proven"] = {
                "beacon_block_root": hex_bytes(root),
                "slot": slot,
                "proof_types": proven,
            }
        self._append(step, comment)

    def proofs(self, root: bytes, slot: int, proof_types: Iterable[int]) -> None:
        """Several stored proofs at which the hook does not fire."""
        for proof_type in proof_types:
            self.proof(root, slot, proof_type)

    def prune(self, finalized_slot: int, pruned: list[bytes], comment: str | None = None) -> None:
        step = {
            "prune": {"finalized_slot": finalized_slot},
            "pruned": sorted(hex_bytes(r) for r in pruned),
        }
        self._append(step, comment)

    def checks(self, blocks: dict[bytes, tuple[list[int], bool]]) -> None:
        """Stored proof types (ascending) and whether the block is proven, per block."""
        entries = [
            {"beacon_block_root": hex_bytes(root), "proof_types": sorted(types), "proven": proven}
            for root, (types, proven) in blocks.items()
        ]
        self._append({"checks": {"blocks": entries}}, None)

    def _append(self, step: dict[str, Any], comment: str | None) -> None:
        if comment is not None:
            step["comment"] = comment
        self.steps.append(step)

    def build(self) -> VectorCase:
        self.case.add_yaml("meta", {"description": self.description})
        self.case.add_yaml("policy", self.policy)
        self.case.add_yaml("steps", self.steps)
        return self.case


_SCENARIOS: list[Callable[[], _AcceptanceCase]] = []


def _scenario(function: Callable[[], _AcceptanceCase]) -> Callable[[], _AcceptanceCase]:
    _SCENARIOS.append(function)
    return function


def acceptance_cases() -> list[VectorCase]:
    """Every ``fork_choice/execution_proof_acceptance`` case, in a fixed order."""
    return [scenario().build() for scenario in _SCENARIOS]


# =============================================================================================
# k_of_n
# =============================================================================================


@_scenario
def _default_3_of_5() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "k_of_n",
        "3_of_5_fires_on_third_type",
        "The default 3-of-5 policy over types 1, 2, 3, 5, 6 fires once, at the third distinct "
        "type; the fourth and fifth types are stored without firing again.",
    )
    c.proofs(A, 20, [1, 2])
    c.proof(A, 20, 5, proven=[1, 2, 5])
    c.proofs(A, 20, [3, 6])
    c.checks({A: ([1, 2, 3, 5, 6], True)})
    return c


@_scenario
def _duplicates_do_not_count() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "k_of_n",
        "duplicate_types_do_not_count",
        "A second proof of an already stored type (from any prover) is not stored and does "
        "not count towards k.",
    )
    c.proof(A, 20, 1)
    c.proof(A, 20, 1, stored=False)
    c.proof(A, 20, 2)
    c.proof(A, 20, 2, stored=False)
    c.proof(A, 20, 1, stored=False)
    c.checks({A: ([1, 2], False)})
    c.proof(A, 20, 6, proven=[1, 2, 6])
    return c


@_scenario
def _types_outside_policy() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "k_of_n",
        "types_outside_the_policy_do_not_count",
        "3-of-3 over {1, 2, 3}: stored proofs of types 4, 5, 6 do not count. The hook reports "
        "every type stored at that moment, in arrival order, counted or not.",
        proof_types=(1, 2, 3),
    )
    c.proofs(A, 20, [4, 5, 6, 1, 2])
    c.checks({A: ([1, 2, 4, 5, 6], False)})
    c.proof(A, 20, 3, proven=[4, 5, 6, 1, 2, 3])
    return c


@_scenario
def _one_of_one() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "k_of_n",
        "1_of_1",
        "1-of-1 over {7}: only a type-7 proof fires.",
        threshold=1,
        proof_types=(7,),
    )
    c.proof(A, 20, 1)
    c.proof(A, 20, 7, proven=[1, 7])
    return c


@_scenario
def _five_of_five() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "k_of_n",
        "5_of_5",
        "5-of-5 over the default types fires only at the fifth distinct type.",
        threshold=5,
    )
    c.proofs(A, 20, [6, 5, 3, 2])
    c.proof(A, 20, 1, proven=[6, 5, 3, 2, 1])
    return c


@_scenario
def _custom_registry() -> _AcceptanceCase:
    registry = (
        ProofTypeInfo(10, "alpha-vm1", "alpha", "vm1"),
        ProofTypeInfo(11, "beta-vm2", "beta", "vm2"),
        ProofTypeInfo(12, "gamma-vm3", "gamma", "vm3"),
    )
    c = _AcceptanceCase(
        "k_of_n",
        "2_of_3_custom_registry",
        "2-of-3 over a registry given in the vector (ids 10, 11, 12).",
        threshold=2,
        proof_types=(10, 11, 12),
        registry=registry,
    )
    c.proof(A, 20, 12)
    c.proof(A, 20, 10, proven=[12, 10])
    c.proof(A, 20, 11)
    return c


# =============================================================================================
# diversity
# =============================================================================================


@_scenario
def _min_el_guests() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "diversity",
        "min_el_guests_2",
        "3-of-5 with at least 2 EL guests: three ethrex types (1, 2, 3) do not fire; a reth "
        "type (6) does.",
        min_el_guests=2,
    )
    c.proofs(A, 20, [1, 2, 3])
    c.checks({A: ([1, 2, 3], False)})
    c.proof(A, 20, 6, proven=[1, 2, 3, 6])
    return c


@_scenario
def _min_zkvms() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "diversity",
        "min_zkvms_3",
        "3-of-5 with at least 3 zkVMs: four types on SP1 and ZisK only do not fire; an "
        "OpenVM type (1) does.",
        min_zkvms=3,
    )
    c.proofs(A, 20, [2, 5, 3, 6])
    c.proof(A, 20, 1, proven=[2, 5, 3, 6, 1])
    return c


@_scenario
def _both_minimums() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "diversity",
        "min_el_guests_2_and_min_zkvms_3",
        "3-of-5 with 2 EL guests and 3 zkVMs: ethrex on three zkVMs is not enough; reth on SP1 "
        "completes it.",
        min_el_guests=2,
        min_zkvms=3,
    )
    c.proofs(A, 20, [1, 2, 3])
    c.proof(A, 20, 5, proven=[1, 2, 3, 5])
    return c


# =============================================================================================
# multiple_blocks
# =============================================================================================


@_scenario
def _interleaved() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "multiple_blocks",
        "interleaved_blocks_fire_independently",
        "Proofs for two blocks interleave; each block fires once, when it has three types.",
    )
    c.proof(A, 20, 1)
    c.proof(B, 21, 1)
    c.proof(B, 21, 2)
    c.proof(A, 20, 2)
    c.proof(B, 21, 3, proven=[1, 2, 3])
    c.proof(A, 20, 6, proven=[1, 2, 6])
    c.proof(B, 21, 5)
    c.checks({A: ([1, 2, 6], True), B: ([1, 2, 3, 5], True)})
    return c


# =============================================================================================
# pruning
# =============================================================================================


@_scenario
def _prune_proven_block() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "pruning",
        "prune_drops_proven_block",
        "Finalizing past a proven block drops its proofs and acceptance; a later proof for it "
        "is refused and the hook does not fire again.",
    )
    c.proofs(A, 20, [1, 2])
    c.proof(A, 20, 3, proven=[1, 2, 3])
    c.prune(21, [A])
    c.checks({A: ([], False)})
    c.proof(A, 20, 5, stored=False)
    c.proof(A, 20, 1, stored=False)
    c.checks({A: ([], False)})
    return c


@_scenario
def _prune_keeps_at_or_above() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "pruning",
        "prune_keeps_blocks_at_or_above_finalized_slot",
        "prune(24) drops the block at slot 16 and keeps the one at slot 24, which still "
        "collects proofs and fires.",
    )
    c.proofs(A, 16, [1, 2])
    c.proofs(B, 24, [1, 2])
    c.prune(24, [A])
    c.proof(B, 24, 3, proven=[1, 2, 3])
    c.proof(A, 16, 3, stored=False)
    c.checks({A: ([], False), B: ([1, 2, 3], True)})
    return c


@_scenario
def _prune_unproven_block() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "pruning",
        "prune_unproven_block_never_fires",
        "A block pruned before reaching k never fires, whatever arrives later.",
    )
    c.proofs(A, 20, [1, 2])
    c.prune(22, [A])
    c.proof(A, 20, 3, stored=False)
    c.proof(A, 20, 5, stored=False)
    c.proof(A, 20, 6, stored=False)
    c.checks({A: ([], False)})
    return c


@_scenario
def _prune_monotonic() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "pruning",
        "finalized_slot_never_decreases",
        "A prune with an older finalized slot changes nothing: slot 20 stays refused.",
    )
    c.proofs(A, 20, [1])
    c.prune(24, [A])
    c.prune(16, [])
    c.proof(A, 20, 2, stored=False)
    c.proof(C, 24, 1, comment="slot 24 is at the finalized slot: stored")
    c.checks({A: ([], False), C: ([1], False)})
    return c


@_scenario
def _prune_before_proofs() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "pruning",
        "prune_before_any_proof_refuses_older_slots",
        "With nothing stored, prune drops nothing but refuses proofs below the finalized slot.",
    )
    c.prune(24, [])
    c.proof(A, 23, 1, stored=False)
    c.proofs(B, 24, [1, 2])
    c.proof(B, 24, 3, proven=[1, 2, 3])
    return c


@_scenario
def _prune_at_block_slot() -> _AcceptanceCase:
    c = _AcceptanceCase(
        "pruning",
        "prune_at_the_block_slot_keeps_it",
        "prune(slot of the block) keeps the block: only slots below the finalized slot go.",
    )
    c.proofs(A, 20, [1, 2])
    c.prune(20, [])
    c.proof(A, 20, 3, proven=[1, 2, 3])
    c.prune(21, [A])
    return c
