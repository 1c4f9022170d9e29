"""Generate the ``networking/gossip_execution_proof`` vectors.

Expected outcomes are written here by hand, rule by rule, from p2p-interface.md (pinned commit);
nothing is computed by running the validation code under test. This module computes only bytes:
SSZ encodings, roots, BLS signatures (``MilagroBackend``) and the ``ExecutionProof`` the engine
must receive. Signing roots and the engine input are transcribed from the spec here, not imported
from ``eip8025.signing`` / ``eip8025.verification``, so a bug there cannot hide in the vectors.

Keys: validator ``i`` signs with the private key ``i + 1`` (as pyspec's ``privkeys``); test data.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Final

from eip8025 import profile
from eip8025.bls import G2_POINT_AT_INFINITY, MilagroBackend

from .formats import (
    DECODE_MALFORMED,
    DECODE_TOO_LARGE,
    GOSSIP_HANDLER,
    GOSSIP_TOPIC,
    MESSAGE_PREFIX,
    PAYLOAD_PREFIX,
    RAW_MESSAGE_PREFIX,
    hex_bytes,
    state_to_yaml,
)
from .vector_case import VectorCase

__all__ = ["gossip_cases"]

_BLS: Final = MilagroBackend()
FAR_FUTURE_EPOCH: Final = profile.FAR_FUTURE_EPOCH
SLOTS_PER_EPOCH: Final = profile.MINIMAL.SLOTS_PER_EPOCH
DEPOSIT_CHAIN_ID: Final = profile.MINIMAL_CONFIG.deposit_chain_id
SLOT: Final = 20
EPOCH: Final = SLOT // SLOTS_PER_EPOCH  # 2
DOMAIN_BEACON_PROPOSER: Final = bytes.fromhex("00000000")

# Reasons (GossipReason values; envelope rejects carry the failed check).
ALREADY_PROCESSED: Final = "already_processed"
PROVER_ALREADY_SEEN: Final = "prover_already_seen"
BLOCK_NOT_SEEN: Final = "block_not_seen"
BLOCK_INVALID: Final = "block_invalid"
PAYLOAD_UNAVAILABLE: Final = "payload_unavailable"
PROOF_TYPE_ALREADY_VERIFIED: Final = "proof_type_already_verified"
PROOF_INVALID: Final = "proof_invalid"
ENGINE_UNAVAILABLE: Final = "engine_unavailable"
BLOCK_ROOT_MISMATCH: Final = "envelope_invalid:block_root_mismatch"
INDEX_OUT_OF_RANGE: Final = "envelope_invalid:validator_index_out_of_range"
PROOF_SIZE: Final = "envelope_invalid:proof_size"
UNSUPPORTED_PROOF_TYPE: Final = "envelope_invalid:unsupported_proof_type"
INACTIVE_VALIDATOR: Final = "envelope_invalid:inactive_validator"
BAD_SIGNATURE: Final = "envelope_invalid:bad_signature"


def _label(text: str) -> bytes:
    return hashlib.sha256(b"eip8025 vectors: " + text.encode()).digest()


BLOCK_A: Final = _label("block A")
BLOCK_B: Final = _label("block B")
BLOCK_INVALID_ROOT: Final = _label("block that failed validation")
BLOCK_FOREIGN_PAYLOAD: Final = _label("block holding another block's payload")
GENESIS_VALIDATORS_ROOT: Final = _label("genesis_validators_root")
OTHER_GENESIS_VALIDATORS_ROOT: Final = _label("another chain's genesis_validators_root")
PREVIOUS_VERSION: Final = bytes.fromhex("07000001")
CURRENT_VERSION: Final = bytes.fromhex("08000001")
COMMITMENTS: Final = (b"\xc0" + bytes(47), b"\xa5" + _label("commitment") + bytes(15))
"""The bid's ``blob_kzg_commitments`` (opaque 48-byte values; only their versioned hashes count)."""


def privkey(validator_index: int) -> int:
    """The test private key of a validator (``index + 1``)."""
    return validator_index + 1


def _validator(
    index: int, activation_epoch: int, exit_epoch: int, slashed: bool = False
) -> profile.Validator:
    return profile.Validator(
        pubkey=_BLS.sk_to_pk(privkey(index)),
        withdrawal_credentials=b"\x01" + bytes(11) + bytes([index]) * 20,
        effective_balance=32_000_000_000,
        slashed=slashed,
        activation_eligibility_epoch=0,
        activation_epoch=activation_epoch,
        exit_epoch=exit_epoch,
        withdrawable_epoch=FAR_FUTURE_EPOCH if exit_epoch == FAR_FUTURE_EPOCH else exit_epoch + 256,
    )


VALIDATORS: Final = (
    *(_validator(i, 0, FAR_FUTURE_EPOCH) for i in range(8)),
    _validator(8, EPOCH + 1, FAR_FUTURE_EPOCH),  # 8: pending (activates next epoch)
    _validator(9, 0, EPOCH),  # 9: exited at the current epoch
    _validator(10, EPOCH, FAR_FUTURE_EPOCH),  # 10: activated at the current epoch
    _validator(11, 0, EPOCH + 1),  # 11: exits next epoch, still active
    _validator(12, 0, FAR_FUTURE_EPOCH, slashed=True),  # 12: slashed, not yet exited: active
)
PENDING, EXITED, JUST_ACTIVATED, LAST_ACTIVE_EPOCH, SLASHED_ACTIVE = 8, 9, 10, 11, 12


def _execution_requests() -> profile.ExecutionRequests:
    return profile.ExecutionRequests(
        deposits=(
            profile.DepositRequest(
                pubkey=_BLS.sk_to_pk(1000),
                withdrawal_credentials=b"\x02" + bytes(11) + b"\x11" * 20,
                amount=32_000_000_000,
                signature=b"\x99" * 96,
                index=7,
            ),
        ),
        withdrawals=(),
        consolidations=(),
        builder_deposits=(),
        builder_exits=(),
    )


def _payload(beacon_block_root: bytes) -> profile.ExecutionPayloadEnvelope:
    """The (accepted) payload envelope of a block; its fields feed the engine's public input."""
    label = beacon_block_root.hex()[:8]
    payload = profile.ExecutionPayload(
        parent_hash=_label(f"parent hash {label}"),
        fee_recipient=b"\x42" * 20,
        state_root=_label(f"state root {label}"),
        receipts_root=_label(f"receipts root {label}"),
        logs_bloom=bytes(256),
        prev_randao=_label(f"randao {label}"),
        block_number=1_000 + SLOT,
        gas_limit=60_000_000,
        gas_used=21_000,
        timestamp=1_700_000_000 + 6 * SLOT,
        extra_data=b"eip8025 vectors",
        base_fee_per_gas=7,
        block_hash=_label(f"block hash {label}"),
        transactions=(b"\x02\xf8\x6c" + b"\x01" * 16,),
        withdrawals=(
            profile.Withdrawal(index=3, validator_index=5, address=b"\x33" * 20, amount=1_000),
        ),
        blob_gas_used=2 * 131_072,
        excess_blob_gas=0,
        block_access_list=b"\xc0",
        slot_number=SLOT,
    )
    return profile.ExecutionPayloadEnvelope(
        payload=payload,
        execution_requests=_execution_requests(),
        builder_index=3,
        beacon_block_root=beacon_block_root,
        parent_beacon_block_root=_label("parent beacon block"),
    )


@dataclasses.dataclass(frozen=True)
class _State:
    """The post-state every block of a case shares (``state.yaml``)."""

    fork: profile.Fork

    @property
    def bid(self) -> profile.ExecutionPayloadBid:
        reference = _payload(BLOCK_A)
        return profile.ExecutionPayloadBid(
            parent_block_hash=reference.payload.parent_hash,
            parent_block_root=reference.parent_beacon_block_root,
            block_hash=reference.payload.block_hash,
            prev_randao=reference.payload.prev_randao,
            fee_recipient=reference.payload.fee_recipient,
            gas_limit=reference.payload.gas_limit,
            builder_index=reference.builder_index,
            slot=SLOT,
            value=1_000_000,
            execution_payment=0,
            blob_kzg_commitments=COMMITMENTS,
            execution_requests_root=_execution_requests().hash_tree_root(),
        )

    def to_yaml(self) -> dict[str, Any]:
        return state_to_yaml(SLOT, self.fork, GENESIS_VALIDATORS_ROOT, VALIDATORS, self.bid)


DEFAULT_STATE: Final = _State(
    profile.Fork(previous_version=PREVIOUS_VERSION, current_version=CURRENT_VERSION, epoch=1)
)
FORK_EPOCH_STATE: Final = _State(
    profile.Fork(previous_version=PREVIOUS_VERSION, current_version=CURRENT_VERSION, epoch=EPOCH)
)


def signing_root(
    state: _State,
    envelope: profile.ExecutionProofEnvelope,
    *,
    domain_type: bytes = profile.DOMAIN_EXECUTION_PROOF,
    genesis_validators_root: bytes = GENESIS_VALIDATORS_ROOT,
    fork_version: bytes | None = None,
) -> bytes:
    """``compute_signing_root(envelope, get_domain(state, domain_type, epoch_of(state.slot)))``."""
    if fork_version is None:
        fork = state.fork
        fork_version = fork.previous_version if fork.epoch > EPOCH else fork.current_version
    fork_data_root = profile.ForkData(
        current_version=fork_version, genesis_validators_root=genesis_validators_root
    ).hash_tree_root()
    domain = domain_type + fork_data_root[:28]
    return profile.SigningData(
        object_root=envelope.hash_tree_root(), domain=domain
    ).hash_tree_root()


def execution_proof_root(
    envelope: profile.ExecutionProofEnvelope, payload: profile.ExecutionPayloadEnvelope
) -> bytes:
    """``hash_tree_root`` of the ``ExecutionProof`` ``get_execution_proof`` builds."""
    request = profile.SSZNewPayloadRequest(
        execution_payload=payload.payload,
        versioned_hashes=tuple(
            profile.VERSIONED_HASH_VERSION_KZG + hashlib.sha256(c).digest()[1:] for c in COMMITMENTS
        ),
        parent_beacon_block_root=payload.parent_beacon_block_root,
        execution_requests=payload.execution_requests,
    )
    public_input = profile.PublicInput(
        new_payload_request_root=request.hash_tree_root(),
        successful_validation=True,
        chain_id=DEPOSIT_CHAIN_ID,
        schema_id=profile.STATELESS_INPUT_SCHEMA_ID,
    )
    return profile.ExecutionProof(
        proof_data=envelope.proof_data,
        proof_type=envelope.proof_type,
        public_input=public_input,
    ).hash_tree_root()


def proof_data(proof_type: int, variant: int = 0) -> bytes:
    """Opaque proof bytes (the engine is mocked; only their identity matters)."""
    return f"opaque test proof: type {proof_type}, variant {variant}".encode()


class _GossipCase:
    """Builds one case: its steps, files and the bookkeeping the engine input needs."""

    def __init__(
        self, suite: str, name: str, description: str, state: _State = DEFAULT_STATE
    ) -> None:
        self.case = VectorCase("networking", GOSSIP_HANDLER, suite, name)
        self.description = description
        self.state = state
        self.steps: list[dict[str, Any]] = []
        self.payloads: dict[bytes, profile.ExecutionPayloadEnvelope] = {}

    # -- inputs ---------------------------------------------------------------------------------

    def block(self, root: bytes, *, valid: bool = True, comment: str | None = None) -> None:
        step: dict[str, Any] = {"block": hex_bytes(root)}
        if not valid:
            step["valid"] = False
        self._append(step, comment)

    def payload(
        self,
        root: bytes,
        envelope: profile.ExecutionPayloadEnvelope | None = None,
        *,
        comment: str | None = None,
    ) -> None:
        envelope = _payload(root) if envelope is None else envelope
        name = PAYLOAD_PREFIX + hex_bytes(envelope.hash_tree_root())
        self.case.add_ssz(name, envelope.encode_bytes())
        self.payloads[root] = envelope
        self._append({"payload": name, "beacon_block_root": hex_bytes(root)}, comment)

    def chain(self, *roots: bytes) -> None:
        """Each block seen, consensus-valid, with its payload available."""
        for root in roots:
            self.block(root)
            self.payload(root)

    def envelope(
        self, proof_type: int, *, root: bytes = BLOCK_A, variant: int = 0, data: bytes | None = None
    ) -> profile.ExecutionProofEnvelope:
        return profile.ExecutionProofEnvelope(
            proof_data=proof_data(proof_type, variant) if data is None else data,
            proof_type=proof_type,
            beacon_block_root=root,
        )

    def sign(
        self,
        envelope: profile.ExecutionProofEnvelope,
        validator_index: int,
        *,
        key_of: int | None = None,
        signature: bytes | None = None,
        **domain: Any,
    ) -> profile.SignedExecutionProofEnvelope:
        if signature is None:
            key = privkey(validator_index if key_of is None else key_of)
            signature = _BLS.sign(key, signing_root(self.state, envelope, **domain))
        return profile.SignedExecutionProofEnvelope(
            message=envelope, validator_index=validator_index, signature=signature
        )

    def signed(
        self, proof_type: int, validator_index: int = 0, **envelope: Any
    ) -> profile.SignedExecutionProofEnvelope:
        return self.sign(self.envelope(proof_type, **envelope), validator_index)

    # -- messages -------------------------------------------------------------------------------

    def send(
        self,
        message: profile.SignedExecutionProofEnvelope | bytes,
        expected: str,
        reason: str | None = None,
        *,
        verdict: str | None = None,
        store: bool = False,
        equivalent: Sequence[str] = (),
        comment: str | None = None,
    ) -> None:
        """Add a message step; ``verdict`` given means the message reaches the proof engine."""
        if isinstance(message, bytes):
            raw = message
            name = RAW_MESSAGE_PREFIX + hex_bytes(hashlib.sha256(raw).digest())
        else:
            raw = message.encode_bytes()
            if len(raw) > profile.MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE:
                name = RAW_MESSAGE_PREFIX + hex_bytes(hashlib.sha256(raw).digest())
            else:
                name = MESSAGE_PREFIX + hex_bytes(message.hash_tree_root())
        self.case.add_ssz(name, raw)
        step: dict[str, Any] = {"message": name}
        if verdict is not None:
            if isinstance(message, bytes):
                raise ValueError("undecodable bytes never reach the proof engine")
            payload = self.payloads[message.message.beacon_block_root]
            step["proof_engine"] = {
                "verdict": verdict,
                "execution_proof_root": hex_bytes(execution_proof_root(message.message, payload)),
            }
        step["expected"] = expected
        if (reason is None) != (expected == "valid"):
            raise ValueError(f"{self.case.name}: reason {reason!r} with outcome {expected}")
        if reason is not None:
            step["reason"] = reason
        if equivalent:
            step["equivalent_reasons"] = list(equivalent)
        if store:
            step["store"] = True
        self._append(step, comment)

    def valid(
        self,
        message: profile.SignedExecutionProofEnvelope,
        *,
        store: bool = False,
        comment: str | None = None,
    ) -> None:
        self.send(message, "valid", verdict="valid", store=store, comment=comment)

    def checks(self, execution_proofs: dict[bytes, list[int]], comment: str | None = None) -> None:
        """The complete ``store.execution_proofs``: stored proof types per block root."""
        entries = [
            {"beacon_block_root": hex_bytes(root), "proof_types": sorted(types)}
            for root, types in execution_proofs.items()
        ]
        self._append({"checks": {"execution_proofs": entries}}, comment)

    def _append(self, step: dict[str, Any], comment: str | None) -> None:
        if comment is not None:
            step["comment"] = comment
        self.steps.append(step)

    def build(self) -> VectorCase:
        self.case.add_yaml(
            "meta",
            {
                "description": self.description,
                "topic": GOSSIP_TOPIC,
                "bls_setting": 1,
                "privkeys": [privkey(i) for i in range(len(VALIDATORS))],
            },
        )
        self.case.add_yaml("state", self.state.to_yaml(), flow_leaves=False)
        self.case.add_yaml("steps", self.steps)
        return self.case


_SCENARIOS: list[Callable[[], _GossipCase]] = []


def _scenario(function: Callable[[], _GossipCase]) -> Callable[[], _GossipCase]:
    _SCENARIOS.append(function)
    return function


def gossip_cases() -> list[VectorCase]:
    """Every ``networking/gossip_execution_proof`` case, in a fixed order."""
    return [scenario().build() for scenario in _SCENARIOS]


# =============================================================================================
# valid
# =============================================================================================


@_scenario
def _valid_proof_stored() -> _GossipCase:
    c = _GossipCase("valid", "valid_proof_stored", "A valid proof is accepted, then stored.")
    c.chain(BLOCK_A)
    c.checks({}, comment="gossip validation alone never writes store.execution_proofs")
    c.valid(c.signed(1), store=True)
    c.checks({BLOCK_A: [1]})
    return c


@_scenario
def _valid_each_supported_proof_type() -> _GossipCase:
    c = _GossipCase(
        "valid",
        "valid_each_supported_proof_type",
        "One prover's proofs of each supported type (1, 2, 3) are distinct prover keys.",
    )
    c.chain(BLOCK_A)
    for proof_type in (1, 2, 3):
        c.valid(c.signed(proof_type, 0), store=True)
    c.checks({BLOCK_A: [1, 2, 3]})
    return c


@_scenario
def _valid_not_stored() -> _GossipCase:
    c = _GossipCase(
        "valid",
        "valid_proof_not_stored",
        "Accepted proofs that are not stored leave store.execution_proofs empty.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0))
    c.valid(c.signed(2, 1))
    c.checks({})
    return c


@_scenario
def _valid_active_validator_boundaries() -> _GossipCase:
    c = _GossipCase(
        "valid",
        "active_validator_boundaries",
        "Provers active at the state's epoch: activated this epoch, exiting next epoch, slashed "
        "but not exited (is_active_validator ignores slashing).",
    )
    c.chain(BLOCK_A)
    for index, comment in (
        (JUST_ACTIVATED, "activation_epoch == current epoch"),
        (LAST_ACTIVE_EPOCH, "exit_epoch == current epoch + 1"),
        (SLASHED_ACTIVE, "slashed, exit_epoch far future"),
    ):
        c.valid(c.signed(1, index, variant=index), comment=comment)
    return c


@_scenario
def _valid_two_blocks() -> _GossipCase:
    c = _GossipCase(
        "valid",
        "same_prover_and_type_on_two_blocks",
        "Seen keys are per beacon block: one prover's type-1 proofs for two blocks are both valid.",
    )
    c.chain(BLOCK_A, BLOCK_B)
    c.valid(c.signed(1, 0, root=BLOCK_A), store=True)
    c.valid(c.signed(1, 0, root=BLOCK_B), store=True)
    c.checks({BLOCK_A: [1], BLOCK_B: [1]})
    return c


@_scenario
def _signature_domain_at_fork_epoch() -> _GossipCase:
    c = _GossipCase(
        "valid",
        "signature_domain_at_fork_epoch",
        "state.fork.epoch equals the current epoch: the domain uses fork.current_version, so "
        "a signature under fork.previous_version is rejected.",
        state=FORK_EPOCH_STATE,
    )
    c.chain(BLOCK_A)
    c.send(
        c.sign(c.envelope(1), 0, fork_version=PREVIOUS_VERSION),
        "reject",
        BAD_SIGNATURE,
        comment="signed under fork.previous_version",
    )
    c.valid(c.sign(c.envelope(1), 0), comment="signed under fork.current_version")
    return c


# =============================================================================================
# ignore
# =============================================================================================


@_scenario
def _block_not_seen_then_block_arrives() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "block_not_seen_then_block_arrives",
        "A proof for an unseen block is ignored without being marked seen; once the block and "
        "its payload arrive the same message is valid.",
    )
    message = c.signed(1, 0, root=BLOCK_B)
    c.chain(BLOCK_A)
    c.send(message, "ignore", BLOCK_NOT_SEEN)
    c.block(BLOCK_B)
    c.payload(BLOCK_B)
    c.valid(message, store=True)
    c.checks({BLOCK_B: [1]})
    return c


@_scenario
def _payload_unavailable_then_payload_arrives() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "payload_unavailable_then_payload_arrives",
        "A proof for a valid block whose payload is not available is ignored without being "
        "marked seen; once the payload arrives the same message is valid.",
    )
    message = c.signed(2, 0)
    c.block(BLOCK_A)
    c.send(message, "ignore", PAYLOAD_UNAVAILABLE)
    c.payload(BLOCK_A)
    c.valid(message)
    return c


@_scenario
def _already_processed_resigned() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "already_processed_resigned_by_other_prover",
        "The same ExecutionProofEnvelope signed by another prover has the same proof root: "
        "ignored as already processed, without calling the proof engine.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(2)
    c.valid(c.sign(envelope, 0))
    c.send(c.sign(envelope, 1), "ignore", ALREADY_PROCESSED)
    c.send(c.sign(envelope, 2), "ignore", ALREADY_PROCESSED)
    return c


@_scenario
def _already_processed_after_invalid_proof() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "already_processed_after_invalid_proof",
        "A proof the engine found invalid is marked processed: another prover re-signing the "
        "same envelope is ignored without a second engine call.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(2)
    c.send(c.sign(envelope, 0), "reject", PROOF_INVALID, verdict="invalid")
    c.send(c.sign(envelope, 1), "ignore", ALREADY_PROCESSED)
    return c


@_scenario
def _prover_second_attempt() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "prover_second_attempt_after_valid",
        "After a prover's valid proof for (block, type), its second, different proof for that "
        "key is ignored; other types and other provers are not affected.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0, variant=0), comment="not stored")
    c.send(c.signed(1, 0, variant=1), "ignore", PROVER_ALREADY_SEEN)
    c.valid(c.signed(2, 0, variant=0), comment="other proof type: another prover key")
    c.valid(c.signed(1, 1, variant=1), comment="other prover; type 1 is not stored yet")
    return c


@_scenario
def _prover_second_attempt_after_invalid() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "prover_second_attempt_after_invalid_proof",
        "A prover's first valid *or invalid* proof for (block, type) counts: after an invalid "
        "proof its corrected proof is ignored, while another prover's proof is accepted.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(3, 0, variant=0), "reject", PROOF_INVALID, verdict="invalid")
    c.send(c.signed(3, 0, variant=1), "ignore", PROVER_ALREADY_SEEN)
    c.valid(c.signed(3, 1, variant=1), store=True)
    c.checks({BLOCK_A: [3]})
    return c


@_scenario
def _proof_type_already_verified() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "proof_type_already_verified",
        "Once a valid proof of a type is stored for a block, later proofs of that type are "
        "ignored; other types still pass.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0, variant=0), store=True)
    c.send(c.signed(1, 1, variant=1), "ignore", PROOF_TYPE_ALREADY_VERIFIED)
    c.send(c.signed(1, 2, variant=2), "ignore", PROOF_TYPE_ALREADY_VERIFIED)
    c.valid(c.signed(2, 1, variant=1), store=True)
    c.checks({BLOCK_A: [1, 2]})
    return c


@_scenario
def _proof_type_blocks_only_after_store() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "proof_type_blocks_only_after_store",
        "A valid proof blocks its type only once it is stored: before, a second prover's proof "
        "of the type is valid; after storing, a third is ignored.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0, variant=0), comment="accepted, not (yet) stored")
    c.valid(c.signed(1, 1, variant=1), store=True)
    c.send(c.signed(1, 2, variant=2), "ignore", PROOF_TYPE_ALREADY_VERIFIED)
    c.checks({BLOCK_A: [1]})
    return c


@_scenario
def _same_message_resent() -> _GossipCase:
    c = _GossipCase(
        "ignore",
        "same_message_resent",
        "The identical message arriving again is ignored. Both the proof root and the prover "
        "key are marked; the spec checks the proof root first (already_processed).",
    )
    c.chain(BLOCK_A)
    valid = c.signed(1, 0)
    invalid = c.signed(2, 0)
    c.valid(valid)
    c.send(valid, "ignore", ALREADY_PROCESSED, equivalent=[PROVER_ALREADY_SEEN])
    c.send(invalid, "reject", PROOF_INVALID, verdict="invalid")
    c.send(invalid, "ignore", ALREADY_PROCESSED, equivalent=[PROVER_ALREADY_SEEN])
    return c


# =============================================================================================
# reject
# =============================================================================================


@_scenario
def _block_failed_validation() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "block_failed_validation",
        "A proof for a block that was seen but failed consensus validation is rejected.",
    )
    c.chain(BLOCK_A)
    c.block(BLOCK_INVALID_ROOT, valid=False)
    c.send(c.signed(1, 0, root=BLOCK_INVALID_ROOT), "reject", BLOCK_INVALID)
    c.valid(c.signed(1, 0), comment="nothing was marked for the prover")
    return c


@_scenario
def _envelope_block_root_mismatch() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "envelope_block_root_mismatch",
        "The payload stored for the proof's block names another beacon block root.",
    )
    c.chain(BLOCK_A)
    c.block(BLOCK_FOREIGN_PAYLOAD)
    c.payload(BLOCK_FOREIGN_PAYLOAD, _payload(BLOCK_A), comment="block A's payload envelope")
    c.send(c.signed(1, 0, root=BLOCK_FOREIGN_PAYLOAD), "reject", BLOCK_ROOT_MISMATCH)
    return c


@_scenario
def _envelope_validator_index_boundary() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "envelope_validator_index_out_of_range",
        "validator_index must be < len(state.validators).",
    )
    c.chain(BLOCK_A)
    last = len(VALIDATORS) - 1
    c.send(
        c.sign(c.envelope(1), len(VALIDATORS), key_of=0),
        "reject",
        INDEX_OUT_OF_RANGE,
        comment="index == len(validators)",
    )
    c.send(
        c.sign(c.envelope(1), 2**64 - 1, key_of=0),
        "reject",
        INDEX_OUT_OF_RANGE,
        comment="index 2**64 - 1",
    )
    c.valid(c.signed(1, last), comment="index == len(validators) - 1")
    return c


@_scenario
def _envelope_proof_size() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "envelope_empty_proof_data",
        "Empty proof_data fails 0 < len(proof_data); one byte passes.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0, data=b""), "reject", PROOF_SIZE)
    c.valid(c.signed(1, 0, data=b"\x01"), comment="not marked by the rejected message")
    return c


@_scenario
def _envelope_unsupported_proof_type() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "envelope_unsupported_proof_type",
        "Proof types outside get_supported_proof_types() = {1, 2, 3} are rejected.",
    )
    c.chain(BLOCK_A)
    for proof_type in (0, 4, 5, 255):
        c.send(c.signed(proof_type, 0), "reject", UNSUPPORTED_PROOF_TYPE)
    return c


@_scenario
def _envelope_inactive_validator() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "envelope_inactive_validator",
        "Provers not active at the state's epoch are rejected: not yet activated, and exited "
        "(exit_epoch == current epoch).",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, PENDING), "reject", INACTIVE_VALIDATOR, comment="activation next epoch")
    c.send(c.signed(1, EXITED), "reject", INACTIVE_VALIDATOR, comment="exit_epoch == epoch")
    return c


@_scenario
def _envelope_bad_signature() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "envelope_bad_signature",
        "Signatures that do not verify under the prover's key and DOMAIN_EXECUTION_PROOF are "
        "rejected and mark nothing: the genuine proof of the same prover is valid afterwards.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(1)
    c.send(c.sign(envelope, 0, key_of=1), "reject", BAD_SIGNATURE, comment="validator 1's key")
    c.send(
        c.sign(envelope, 0, genesis_validators_root=OTHER_GENESIS_VALIDATORS_ROOT),
        "reject",
        BAD_SIGNATURE,
        comment="another chain's genesis_validators_root",
    )
    c.send(
        c.sign(envelope, 0, domain_type=DOMAIN_BEACON_PROPOSER),
        "reject",
        BAD_SIGNATURE,
        comment="DOMAIN_BEACON_PROPOSER",
    )
    other = c.sign(c.envelope(1, variant=9), 0)
    c.send(
        c.sign(envelope, 0, signature=other.signature),
        "reject",
        BAD_SIGNATURE,
        comment="signature over another envelope",
    )
    c.send(c.sign(envelope, 0, signature=bytes(96)), "reject", BAD_SIGNATURE, comment="zeros")
    c.send(
        c.sign(envelope, 0, signature=G2_POINT_AT_INFINITY),
        "reject",
        BAD_SIGNATURE,
        comment="G2 point at infinity",
    )
    c.valid(c.sign(envelope, 0), comment="the same envelope, genuinely signed")
    return c


@_scenario
def _proof_invalid() -> _GossipCase:
    c = _GossipCase(
        "reject",
        "proof_invalid",
        "The engine's invalid verdict rejects the proof, which is not stored.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0), "reject", PROOF_INVALID, verdict="invalid")
    c.checks({})
    return c


# =============================================================================================
# ordering: which rule decides when several fail (outcome class matters)
# =============================================================================================


@_scenario
def _unknown_block_before_envelope() -> _GossipCase:
    c = _GossipCase(
        "ordering",
        "block_not_seen_before_envelope_checks",
        "A forged proof for an unseen block is ignored (not rejected): the block check comes "
        "before the envelope checks.",
    )
    c.chain(BLOCK_A)
    c.send(c.sign(c.envelope(1, root=BLOCK_B), 0, key_of=1), "ignore", BLOCK_NOT_SEEN)
    c.send(c.signed(7, 0, root=BLOCK_B), "ignore", BLOCK_NOT_SEEN, comment="unsupported type")
    return c


@_scenario
def _invalid_block_before_payload() -> _GossipCase:
    c = _GossipCase(
        "ordering",
        "block_invalid_before_payload_check",
        "A block that failed validation has no payload either: the proof is rejected "
        "(block_invalid), not ignored (payload_unavailable).",
    )
    c.block(BLOCK_INVALID_ROOT, valid=False)
    c.send(c.signed(1, 0, root=BLOCK_INVALID_ROOT), "reject", BLOCK_INVALID)
    return c


@_scenario
def _missing_payload_before_envelope() -> _GossipCase:
    c = _GossipCase(
        "ordering",
        "payload_unavailable_before_envelope_checks",
        "Without the payload, proofs are ignored even when their envelope is invalid.",
    )
    c.block(BLOCK_A)
    c.send(c.sign(c.envelope(1), 0, key_of=1), "ignore", PAYLOAD_UNAVAILABLE, comment="bad sig")
    c.send(c.signed(9, 0), "ignore", PAYLOAD_UNAVAILABLE, comment="unsupported type")
    c.send(c.signed(1, PENDING), "ignore", PAYLOAD_UNAVAILABLE, comment="inactive prover")
    return c


@_scenario
def _verified_type_before_envelope() -> _GossipCase:
    c = _GossipCase(
        "ordering",
        "proof_type_already_verified_before_envelope_checks",
        "Once type 1 is stored, a forged type-1 proof is ignored, not rejected.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0), store=True)
    c.send(
        c.sign(c.envelope(1, variant=1), 1, key_of=2),
        "ignore",
        PROOF_TYPE_ALREADY_VERIFIED,
        comment="bad signature",
    )
    return c


@_scenario
def _prover_seen_before_envelope() -> _GossipCase:
    c = _GossipCase(
        "ordering",
        "prover_already_seen_before_envelope_checks",
        "After validator 0's valid type-1 proof, a forged type-1 proof naming validator 0 is "
        "ignored (prover key seen), not rejected.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0))
    c.send(
        c.sign(c.envelope(1, variant=1), 0, key_of=3),
        "ignore",
        PROVER_ALREADY_SEEN,
        comment="signed with validator 3's key",
    )
    return c


# =============================================================================================
# engine
# =============================================================================================


@_scenario
def _engine_unavailable_then_valid() -> _GossipCase:
    c = _GossipCase(
        "engine",
        "engine_unavailable_then_valid",
        "An engine that gives no verdict makes the proof ignored and marks nothing: the same "
        "message is validated again and accepted once the engine answers.",
    )
    c.chain(BLOCK_A)
    message = c.signed(1, 0)
    c.send(message, "ignore", ENGINE_UNAVAILABLE, verdict="unavailable")
    c.valid(message, store=True)
    c.checks({BLOCK_A: [1]})
    return c


@_scenario
def _engine_unavailable_other_prover() -> _GossipCase:
    c = _GossipCase(
        "engine",
        "engine_unavailable_then_other_prover",
        "After an unavailable engine neither the proof root nor the prover key is marked: the "
        "same envelope from another prover and a new proof from the first are both validated.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(2)
    c.send(c.sign(envelope, 0), "ignore", ENGINE_UNAVAILABLE, verdict="unavailable")
    c.valid(c.sign(envelope, 1), comment="same envelope, other prover")
    c.valid(c.signed(2, 0, variant=1), comment="first prover, new proof")
    return c


@_scenario
def _engine_unavailable_then_invalid() -> _GossipCase:
    c = _GossipCase(
        "engine",
        "engine_unavailable_then_invalid",
        "Unavailable, then invalid on the second arrival (rejected and marked), then ignored.",
    )
    c.chain(BLOCK_A)
    message = c.signed(3, 0)
    c.send(message, "ignore", ENGINE_UNAVAILABLE, verdict="unavailable")
    c.send(message, "reject", PROOF_INVALID, verdict="invalid")
    c.send(message, "ignore", ALREADY_PROCESSED, equivalent=[PROVER_ALREADY_SEEN])
    return c


# =============================================================================================
# size_limits
# =============================================================================================


def _max_proof(extra: int = 0) -> bytes:
    # Opaque and mostly zero, so the snappy file stays small (about 190 KiB for 4 MiB).
    return b"opaque test proof of maximal size".ljust(profile.MAX_PROOF_SIZE + extra, b"\x00")


@_scenario
def _max_proof_size_accepted() -> _GossipCase:
    c = _GossipCase(
        "size_limits",
        "max_proof_size_accepted",
        "proof_data of exactly MAX_PROOF_SIZE bytes: the message is exactly "
        "MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE bytes and valid.",
    )
    c.chain(BLOCK_A)
    message = c.signed(1, 0, data=_max_proof())
    if len(message.encode_bytes()) != profile.MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE:
        raise AssertionError("the maximal message must be exactly the bound")
    c.valid(message, store=True)
    c.checks({BLOCK_A: [1]})
    return c


@_scenario
def _proof_size_over_max() -> _GossipCase:
    c = _GossipCase(
        "size_limits",
        "max_proof_size_plus_one_rejected_at_decode",
        "proof_data of MAX_PROOF_SIZE + 1 bytes makes the message one byte over "
        "MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE: rejected before decoding.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0, data=_max_proof(1)), "reject", DECODE_TOO_LARGE)
    c.valid(c.signed(1, 0), comment="nothing was marked for the prover")
    return c


@_scenario
def _malformed_ssz() -> _GossipCase:
    c = _GossipCase(
        "size_limits",
        "malformed_ssz_rejected_at_decode",
        "Bytes that are not a SignedExecutionProofEnvelope are rejected at decode.",
    )
    c.chain(BLOCK_A)
    good = c.signed(1, 0).encode_bytes()
    outer_fixed, inner_fixed = 108, 37
    malformed = [
        (b"", "empty"),
        (good[:144], "one byte short of the minimal (empty proof) size"),
        ((outer_fixed - 1).to_bytes(4, "little") + good[4:], "message offset 107"),
        (len(good).to_bytes(4, "little") + good[4:], "message offset past the end"),
        (
            good[:outer_fixed] + (inner_fixed + 1).to_bytes(4, "little") + good[outer_fixed + 4 :],
            "proof_data offset 38",
        ),
    ]
    for raw, comment in malformed:
        c.send(raw, "reject", DECODE_MALFORMED, comment=comment)
    c.valid(c.signed(1, 0), comment="the well-formed message")
    return c
