"""Runner of ``networking/gossip_execution_proof`` cases (format: ``vectors/README.md``).

Every check is the project's own code: message files (gossip payloads) are decoded with the p2p
wire decoder :func:`eip8025_p2p.encoding.decode_execution_proof`, validated with
:func:`eip8025.gossip.validate_execution_proof_gossip` against an
:class:`~eip8025.store.ExecutionProofStore` over an :class:`~eip8025.chain.InMemoryChainView`, and
accepted proofs are stored with :func:`eip8025.forkchoice.on_validated_execution_proof`. Only the
proof engine is a test double (:class:`~.vector_engine.VectorProofEngine`), answering with the
verdict the vector scripts for each message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, cast

from eip8025.bls import MilagroBackend
from eip8025.chain import InMemoryChainView, StaticStateView
from eip8025.containers import ExecutionPayloadEnvelope, SignedExecutionProofEnvelopeBase
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import GossipIgnore, GossipReject, Seen, validate_execution_proof_gossip
from eip8025.profiles import SpecProfile
from eip8025.store import ExecutionProofStore
from eip8025.verification import SpecContext
from eip8025_p2p.encoding import (
    GossipDecodeError,
    decode_execution_proof,
    snappy_uncompressed_length,
)
from eip8025_spec_tests.errors import CaseFailure, CaseSkip
from eip8025_spec_tests.formats import (
    DECODE_ERRORS,
    DECODE_MALFORMED,
    DECODE_TOO_LARGE,
    GOSSIP_TOPIC,
    OUTCOMES,
    config_for_preset,
    field,
    hex_bytes,
    only_keys,
    parse_bytes,
    run_steps,
    state_from_yaml,
)
from eip8025_spec_tests.layout import Case, read_snappy, read_yaml
from eip8025_spec_tests.vector_engine import VERDICTS, VectorProofEngine, Verdict

__all__ = ["decode_message", "run_gossip_execution_proof"]

_STEP_KEYS: Final = {
    "block": ("block", "valid", "comment"),
    "payload": ("payload", "beacon_block_root", "comment"),
    "message": (
        "message",
        "proof_engine",
        "expected",
        "reason",
        "equivalent_reasons",
        "store",
        "comment",
    ),
    "checks": ("checks", "comment"),
}


def decode_message(payload: bytes, profile: SpecProfile) -> SignedExecutionProofEnvelopeBase | str:
    """Decode a gossip payload with the p2p decoder, or return the REJECT reason label.

    A vector's message file is the topic's gossip payload itself (ssz_snappy: snappy block
    compression of the SSZ bytes), so it goes through
    :func:`eip8025_p2p.encoding.decode_execution_proof` unchanged. That decoder enforces the
    profile's p2p bound ``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE`` before decompressing (in
    2026-08 ``ProofData`` is an unbounded progressive list, so the SSZ type alone accepts any
    length; in 2026-10 the type bounds it too). The label says which way decoding failed:
    ``too_large`` when the payload announces more SSZ bytes than the bound, else ``malformed``.
    """
    try:
        return decode_execution_proof(payload, profile)
    except GossipDecodeError:
        bound = profile.max_signed_execution_proof_envelope_size
        try:
            too_large = snappy_uncompressed_length(payload) > bound
        except GossipDecodeError:
            too_large = False
        return DECODE_TOO_LARGE if too_large else DECODE_MALFORMED


def _result(outcome: str, reasons: list[str | None]) -> str:
    named = [r for r in reasons if r is not None]
    return f"{outcome} ({' or '.join(named)})" if named else outcome


class _GossipCase:
    """The node under test: chain view, proof store, ``Seen`` and the scripted engine."""

    def __init__(self, case: Case, profile: SpecProfile, state: StaticStateView) -> None:
        self.path = case.path
        self.state = state
        self.profile = profile
        ctx = SpecContext(config=config_for_preset(case.preset, profile), bls=MilagroBackend())
        self.chain = InMemoryChainView()
        self.store = ExecutionProofStore(self.chain, ctx)
        self.seen = Seen()
        self.engine = VectorProofEngine()

    def file(self, name: str, where: str) -> Path:
        if not name or "/" in name or name.startswith("."):
            raise CaseFailure(f"malformed vector: {where} names the file {name!r}")
        return self.path / f"{name}.ssz_snappy"

    def block(self, step: dict[str, Any], where: str) -> None:
        root = parse_bytes(step["block"], 32, f"{where}.block")
        valid = field(step, "valid", bool, where, default=True)
        self.chain.add_block(root, self.state if valid else None)

    def payload(self, step: dict[str, Any], where: str) -> None:
        name = field(step, "payload", str, where)
        root = parse_bytes(step.get("beacon_block_root"), 32, f"{where}.beacon_block_root")
        try:
            envelope = ExecutionPayloadEnvelope.decode_bytes(read_snappy(self.file(name, where)))
        except DECODE_ERRORS as exc:
            raise CaseFailure(
                f"malformed vector: {where}: {name} does not decode ({exc})"
            ) from None
        self.chain.payloads[root] = envelope

    def message(self, step: dict[str, Any], where: str) -> None:
        name = field(step, "message", str, where)
        where = f"{where} ({name})"
        expected = field(step, "expected", str, where)
        if expected not in OUTCOMES:
            raise CaseFailure(f"malformed vector: {where}.expected {expected!r} not in {OUTCOMES}")
        accepted_reasons = _accepted_reasons(step, expected, where)
        verdict, engine_root = _engine_script(step, where)
        store_it = field(step, "store", bool, where, default=False)
        if store_it and expected != "valid":
            raise CaseFailure(f"malformed vector: {where} stores a message that is not valid")

        self.engine.script(verdict)
        outcome, reason, signed = self._validate(self.file(name, where).read_bytes())

        calls = [hex_bytes(root) for root in self.engine.calls]
        expected_calls = [] if engine_root is None else [engine_root]
        engine_note = "" if calls == expected_calls else f"; proof-engine calls {calls or 'none'}"
        if outcome != expected or reason not in accepted_reasons:
            raise CaseFailure(
                f"{where}: expected {_result(expected, accepted_reasons)}, "
                f"got {_result(outcome, [reason])}{engine_note}"
            )
        if engine_root is None and calls:
            raise CaseFailure(
                f"{where}: the proof engine was called for ExecutionProof {calls} but the vector "
                "expects validation to end before it"
            )
        if calls != expected_calls:
            raise CaseFailure(
                f"{where}: expected one proof-engine call for ExecutionProof {engine_root}, "
                f"got {calls or 'none'}"
            )
        if store_it and (signed is None or not on_validated_execution_proof(self.store, signed)):
            raise CaseFailure(f"{where}: the accepted proof was not stored")

    def _validate(
        self, raw: bytes
    ) -> tuple[str, str | None, SignedExecutionProofEnvelopeBase | None]:
        decoded = decode_message(raw, self.profile)
        if isinstance(decoded, str):
            return "reject", decoded, None
        try:
            validate_execution_proof_gossip(self.seen, self.store, decoded, self.engine)
        except GossipIgnore as exc:
            return "ignore", exc.label, decoded
        except GossipReject as exc:
            return "reject", exc.label, decoded
        return "valid", None, decoded

    def checks(self, step: dict[str, Any], where: str) -> None:
        checks = field(step, "checks", dict, where)
        only_keys(checks, ("execution_proofs",), f"{where}.checks")
        expected: dict[str, list[int]] = {}
        for i, entry in enumerate(field(checks, "execution_proofs", list, f"{where}.checks")):
            entry_where = f"{where}.checks.execution_proofs[{i}]"
            only_keys(entry, ("beacon_block_root", "proof_types"), entry_where)
            root = parse_bytes(entry.get("beacon_block_root"), 32, entry_where)
            expected[hex_bytes(root)] = field(entry, "proof_types", list, entry_where)
        actual = {
            hex_bytes(root): sorted(by_type)
            for root, by_type in self.store.execution_proofs.items()
            if by_type
        }
        if actual != expected:
            raise CaseFailure(f"{where}: store.execution_proofs is {actual}, expected {expected}")


def _accepted_reasons(step: dict[str, Any], expected: str, where: str) -> list[str | None]:
    if expected == "valid":
        if "reason" in step or "equivalent_reasons" in step:
            raise CaseFailure(f"malformed vector: {where} gives a reason for a valid message")
        return [None]
    reasons: list[str | None] = [field(step, "reason", str, where)]
    for other in field(step, "equivalent_reasons", list, where, default=[]):
        if not isinstance(other, str):
            raise CaseFailure(f"malformed vector: {where}.equivalent_reasons holds {other!r}")
        reasons.append(other)
    return reasons


def _engine_script(step: dict[str, Any], where: str) -> tuple[Verdict | None, str | None]:
    if "proof_engine" not in step:
        return None, None
    engine = field(step, "proof_engine", dict, where)
    only_keys(engine, ("verdict", "execution_proof_root"), f"{where}.proof_engine")
    verdict = field(engine, "verdict", str, f"{where}.proof_engine")
    if verdict not in VERDICTS:
        raise CaseFailure(f"malformed vector: {where}.proof_engine.verdict {verdict!r}")
    root = parse_bytes(
        engine.get("execution_proof_root"), 32, f"{where}.proof_engine.execution_proof_root"
    )
    return cast(Verdict, verdict), hex_bytes(root)


def run_gossip_execution_proof(case: Case, profile: SpecProfile) -> None:
    """Run one ``networking/gossip_execution_proof`` case under ``profile``.

    Raises:
        CaseFailure: The core disagrees with the vector, or the vector is malformed.
        CaseSkip: The case needs something this runner does not do (reason given).
    """
    meta = read_yaml(case.path / "meta.yaml")
    only_keys(meta, ("description", "topic", "bls_setting", "privkeys"), "meta.yaml")
    topic = field(meta, "topic", str, "meta.yaml")
    if topic != GOSSIP_TOPIC:
        raise CaseFailure(f"malformed vector: topic {topic!r}, expected {GOSSIP_TOPIC!r}")
    if field(meta, "bls_setting", int, "meta.yaml", default=0) == 2:
        raise CaseSkip("bls_setting 2 (BLS switched off) is not supported: signatures are real")
    node = _GossipCase(case, profile, state_from_yaml(read_yaml(case.path / "state.yaml")))
    run_steps(
        read_yaml(case.path / "steps.yaml"),
        {kind: (getattr(node, kind), keys) for kind, keys in _STEP_KEYS.items()},
    )
