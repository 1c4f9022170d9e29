"""Runner of ``fork_choice/execution_proof_acceptance`` cases (format: ``vectors/README.md``).

The policy is the core's :class:`~eip8025.acceptance.AcceptancePolicy` built from ``policy.yaml``;
proofs go into an :class:`~eip8025.store.ExecutionProofStore` with its ``store_proof``, pruning is
its ``prune``, and the fork-choice hook is the labelled test double
:class:`~eip8025.testing.RecordingForkChoiceSink`, which only records the calls.
"""

from __future__ import annotations

from typing import Any, Final

from eip8025.acceptance import AcceptancePolicy, PolicyError
from eip8025.bls import MilagroBackend
from eip8025.chain import InMemoryChainView
from eip8025.config import ProofTypeInfo, ProofTypeRegistry
from eip8025.profiles import SpecProfile
from eip8025.store import ExecutionProofStore
from eip8025.testing import RecordingForkChoiceSink
from eip8025.verification import SpecContext
from eip8025_spec_tests.errors import CaseFailure
from eip8025_spec_tests.formats import (
    config_for_preset,
    field,
    hex_bytes,
    only_keys,
    parse_bytes,
    run_steps,
)
from eip8025_spec_tests.layout import Case, read_yaml

__all__ = ["load_policy", "run_execution_proof_acceptance"]

OPAQUE_PROOF_DATA: Final = b"\x01"
"""``proof_data`` of the stored envelopes: the vectors model already-verified proofs, whose bytes
the store never reads."""

_STEP_KEYS: Final = {
    "proof": ("proof", "stored", "payload_proven", "comment"),
    "prune": ("prune", "pruned", "comment"),
    "checks": ("checks", "comment"),
}


def load_policy(document: Any) -> AcceptancePolicy:
    """Build the policy a ``policy.yaml`` document describes.

    Raises:
        CaseFailure: The document is malformed or describes a policy the core refuses.
    """
    only_keys(
        document,
        ("threshold", "proof_types", "min_el_guests", "min_zkvms", "registry"),
        "policy.yaml",
    )
    entries = []
    for i, entry in enumerate(field(document, "registry", list, "policy.yaml")):
        where = f"policy.yaml registry[{i}]"
        only_keys(entry, ("id", "name", "el_guest", "zkvm"), where)
        try:
            entries.append(
                ProofTypeInfo(
                    field(entry, "id", int, where),
                    field(entry, "name", str, where),
                    field(entry, "el_guest", str, where),
                    field(entry, "zkvm", str, where),
                )
            )
        except ValueError as exc:
            raise CaseFailure(f"malformed vector: {where}: {exc}") from None
    proof_types = field(document, "proof_types", list, "policy.yaml")
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in proof_types):
        raise CaseFailure("malformed vector: policy.yaml proof_types must be integers")
    try:
        return AcceptancePolicy(
            threshold=field(document, "threshold", int, "policy.yaml"),
            proof_types=frozenset(proof_types),
            registry=ProofTypeRegistry(entries),
            min_el_guests=field(document, "min_el_guests", int, "policy.yaml"),
            min_zkvms=field(document, "min_zkvms", int, "policy.yaml"),
        )
    except (PolicyError, ValueError) as exc:
        raise CaseFailure(f"malformed vector: policy.yaml: {exc}") from None


def _int_list(value: Any, where: str) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise CaseFailure(f"malformed vector: {where} must be a list of integers")
    return value


class _AcceptanceCase:
    """The store under test and its recording hook."""

    def __init__(self, case: Case, profile: SpecProfile, policy: AcceptancePolicy) -> None:
        ctx = SpecContext(config=config_for_preset(case.preset, profile), bls=MilagroBackend())
        self.sink = RecordingForkChoiceSink()
        self.store = ExecutionProofStore(InMemoryChainView(), ctx, policy=policy, sinks=[self.sink])

    def proof(self, step: dict[str, Any], where: str) -> None:
        proof = field(step, "proof", dict, where)
        only_keys(proof, ("beacon_block_root", "slot", "proof_type"), f"{where}.proof")
        root = parse_bytes(proof.get("beacon_block_root"), 32, f"{where}.proof.beacon_block_root")
        slot = field(proof, "slot", int, f"{where}.proof")
        proof_type = field(proof, "proof_type", int, f"{where}.proof")
        expected_stored = field(step, "stored", bool, where)
        expected_calls = []
        if "payload_proven" in step:
            record = field(step, "payload_proven", dict, where)
            record_where = f"{where}.payload_proven"
            only_keys(record, ("beacon_block_root", "slot", "proof_types"), record_where)
            expected_calls.append(
                (
                    hex_bytes(parse_bytes(record.get("beacon_block_root"), 32, record_where)),
                    field(record, "slot", int, record_where),
                    _int_list(record.get("proof_types"), f"{record_where}.proof_types"),
                )
            )
        before = len(self.sink.records)
        envelope = self.store.ctx.profile.ExecutionProofEnvelope(
            proof_data=OPAQUE_PROOF_DATA, proof_type=proof_type, beacon_block_root=root
        )
        stored = self.store.store_proof(slot, envelope)
        calls = [
            (hex_bytes(r.beacon_block_root), r.slot, list(r.proof_types))
            for r in self.sink.records[before:]
        ]
        if stored != expected_stored:
            raise CaseFailure(f"{where}: store_proof returned {stored}, expected {expected_stored}")
        if calls != expected_calls:
            raise CaseFailure(
                f"{where}: on_payload_proven calls {calls or 'none'}, expected "
                f"{expected_calls or 'none'} (root, slot, proof types)"
            )

    def prune(self, step: dict[str, Any], where: str) -> None:
        prune = field(step, "prune", dict, where)
        only_keys(prune, ("finalized_slot",), f"{where}.prune")
        finalized_slot = field(prune, "finalized_slot", int, f"{where}.prune")
        expected = sorted(
            hex_bytes(parse_bytes(r, 32, f"{where}.pruned"))
            for r in field(step, "pruned", list, where)
        )
        pruned = sorted(hex_bytes(root) for root in self.store.prune(finalized_slot))
        if pruned != expected:
            raise CaseFailure(
                f"{where}: prune({finalized_slot}) dropped {pruned}, expected {expected}"
            )

    def checks(self, step: dict[str, Any], where: str) -> None:
        checks = field(step, "checks", dict, where)
        only_keys(checks, ("blocks",), f"{where}.checks")
        for i, block in enumerate(field(checks, "blocks", list, f"{where}.checks")):
            block_where = f"{where}.checks.blocks[{i}]"
            only_keys(block, ("beacon_block_root", "proof_types", "proven"), block_where)
            root = parse_bytes(block.get("beacon_block_root"), 32, block_where)
            expected_types = _int_list(block.get("proof_types"), f"{block_where}.proof_types")
            expected_proven = field(block, "proven", bool, block_where)
            types = sorted(self.store.proofs(root))
            proven = self.store.is_proof_verified(root)
            if (types, proven) != (expected_types, expected_proven):
                raise CaseFailure(
                    f"{block_where}: block {hex_bytes(root)} has proof types {types} and proven "
                    f"{proven}, expected {expected_types} and {expected_proven}"
                )


def run_execution_proof_acceptance(case: Case, profile: SpecProfile) -> None:
    """Run one ``fork_choice/execution_proof_acceptance`` case under ``profile``.

    Raises:
        CaseFailure: The core disagrees with the vector, or the vector is malformed.
        CaseSkip: The case needs something this runner does not do (reason given).
    """
    meta = read_yaml(case.path / "meta.yaml")
    only_keys(meta, ("description",), "meta.yaml")
    node = _AcceptanceCase(case, profile, load_policy(read_yaml(case.path / "policy.yaml")))
    run_steps(
        read_yaml(case.path / "steps.yaml"),
        {kind: (getattr(node, kind), keys) for kind, keys in _STEP_KEYS.items()},
    )
