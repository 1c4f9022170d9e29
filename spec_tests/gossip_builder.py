"""Builds ``networking/gossip_execution_proof`` cases: chain, state, messages, expectations.

The scenarios (:mod:`.gen_gossip` and one module per spec profile) write the expected outcomes by
hand, rule by rule, from each profile's p2p-interface.md; nothing is computed by running the
validation code under test. This module computes only bytes: SSZ encodings, roots, BLS signatures
(``MilagroBackend``) and the ``ExecutionProof`` the engine must receive, with the profile's
container types. Signing roots and the engine input are transcribed from the spec here, not
imported from ``eip8025.signing`` / ``eip8025.verification``, so a bug there cannot hide in the
vectors.

Keys: validator ``i`` signs with the private key ``i + 1`` (as pyspec's ``privkeys``); test data.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Final

from ssz.exceptions import SerializationError

from eip8025 import containers
from eip8025.bls import MilagroBackend
from eip8025.config import MINIMAL, MINIMAL_CONFIG
from eip8025.containers import ExecutionProofEnvelopeBase, SignedExecutionProofEnvelopeBase
from eip8025.profiles import SpecProfile
from eip8025_spec_tests.formats import (
    GOSSIP_HANDLER,
    GOSSIP_TOPIC,
    MESSAGE_PREFIX,
    PAYLOAD_PREFIX,
    RAW_MESSAGE_PREFIX,
    hex_bytes,
    state_to_yaml,
)
from eip8025_spec_tests.vector_case import VectorCase

__all__ = ["GossipCase", "Scenario", "payload_envelope"]

_BLS: Final = MilagroBackend()
Scenario = Callable[[SpecProfile], "GossipCase"]
"""A scenario builds one case for a spec profile."""
FAR_FUTURE_EPOCH: Final = containers.FAR_FUTURE_EPOCH
SLOTS_PER_EPOCH: Final = MINIMAL.SLOTS_PER_EPOCH
DEPOSIT_CHAIN_ID: Final = MINIMAL_CONFIG.deposit_chain_id
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
ENVELOPE_UNSUPPORTED_PROOF_TYPE: Final = "envelope_invalid:unsupported_proof_type"
INACTIVE_VALIDATOR: Final = "envelope_invalid:inactive_validator"
BAD_SIGNATURE: Final = "envelope_invalid:bad_signature"
PROOF_DATA_EMPTY: Final = "proof_data_empty"
UNSUPPORTED_PROOF_TYPE: Final = "unsupported_proof_type"


def label(text: str) -> bytes:
    """A 32-byte test value named by ``text``."""
    return hashlib.sha256(b"eip8025 vectors: " + text.encode()).digest()


BLOCK_A: Final = label("block A")
BLOCK_B: Final = label("block B")
BLOCK_INVALID_ROOT: Final = label("block that failed validation")
BLOCK_FOREIGN_PAYLOAD: Final = label("block holding another block's payload")
GENESIS_VALIDATORS_ROOT: Final = label("genesis_validators_root")
OTHER_GENESIS_VALIDATORS_ROOT: Final = label("another chain's genesis_validators_root")
PREVIOUS_VERSION: Final = bytes.fromhex("07000001")
CURRENT_VERSION: Final = bytes.fromhex("08000001")
COMMITMENTS: Final = (b"\xc0" + bytes(47), b"\xa5" + label("commitment") + bytes(15))
"""The bid's ``blob_kzg_commitments`` (opaque 48-byte values; only their versioned hashes count)."""


def privkey(validator_index: int) -> int:
    """The test private key of a validator (``index + 1``)."""
    return validator_index + 1


def _validator(
    index: int, activation_epoch: int, exit_epoch: int, slashed: bool = False
) -> containers.Validator:
    return containers.Validator(
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


def _execution_requests() -> containers.ExecutionRequests:
    return containers.ExecutionRequests(
        deposits=(
            containers.DepositRequest(
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


def payload_envelope(beacon_block_root: bytes) -> containers.ExecutionPayloadEnvelope:
    """The (accepted) payload envelope of a block; its fields feed the engine's public input."""
    name = beacon_block_root.hex()[:8]
    payload = containers.ExecutionPayload(
        parent_hash=label(f"parent hash {name}"),
        fee_recipient=b"\x42" * 20,
        state_root=label(f"state root {name}"),
        receipts_root=label(f"receipts root {name}"),
        logs_bloom=bytes(256),
        prev_randao=label(f"randao {name}"),
        block_number=1_000 + SLOT,
        gas_limit=60_000_000,
        gas_used=21_000,
        timestamp=1_700_000_000 + 6 * SLOT,
        extra_data=b"eip8025 vectors",
        base_fee_per_gas=7,
        block_hash=label(f"block hash {name}"),
        transactions=(b"\x02\xf8\x6c" + b"\x01" * 16,),
        withdrawals=(
            containers.Withdrawal(index=3, validator_index=5, address=b"\x33" * 20, amount=1_000),
        ),
        blob_gas_used=2 * 131_072,
        excess_blob_gas=0,
        block_access_list=b"\xc0",
        slot_number=SLOT,
    )
    return containers.ExecutionPayloadEnvelope(
        payload=payload,
        execution_requests=_execution_requests(),
        builder_index=3,
        beacon_block_root=beacon_block_root,
        parent_beacon_block_root=label("parent beacon block"),
    )


@dataclasses.dataclass(frozen=True)
class State:
    """The post-state every block of a case shares (``state.yaml``)."""

    fork: containers.Fork

    @property
    def bid(self) -> containers.ExecutionPayloadBid:
        reference = payload_envelope(BLOCK_A)
        return containers.ExecutionPayloadBid(
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


DEFAULT_STATE: Final = State(
    containers.Fork(previous_version=PREVIOUS_VERSION, current_version=CURRENT_VERSION, epoch=1)
)
FORK_EPOCH_STATE: Final = State(
    containers.Fork(previous_version=PREVIOUS_VERSION, current_version=CURRENT_VERSION, epoch=EPOCH)
)


def signing_root(
    state: State,
    envelope: ExecutionProofEnvelopeBase,
    *,
    domain_type: bytes = containers.DOMAIN_EXECUTION_PROOF,
    genesis_validators_root: bytes = GENESIS_VALIDATORS_ROOT,
    fork_version: bytes | None = None,
) -> bytes:
    """``compute_signing_root(envelope, get_domain(state, domain_type, epoch_of(state.slot)))``."""
    if fork_version is None:
        fork = state.fork
        fork_version = fork.previous_version if fork.epoch > EPOCH else fork.current_version
    fork_data_root = containers.ForkData(
        current_version=fork_version, genesis_validators_root=genesis_validators_root
    ).hash_tree_root()
    domain = domain_type + fork_data_root[:28]
    return containers.SigningData(
        object_root=envelope.hash_tree_root(), domain=domain
    ).hash_tree_root()


def execution_proof_root(
    profile: SpecProfile,
    envelope: ExecutionProofEnvelopeBase,
    payload: containers.ExecutionPayloadEnvelope,
) -> bytes:
    """``hash_tree_root`` of the ``ExecutionProof`` ``get_execution_proof`` builds."""
    request = profile.NewPayloadRequest(
        execution_payload=payload.payload,
        versioned_hashes=tuple(
            containers.VERSIONED_HASH_VERSION_KZG + hashlib.sha256(c).digest()[1:]
            for c in COMMITMENTS
        ),
        parent_beacon_block_root=payload.parent_beacon_block_root,
        execution_requests=payload.execution_requests,
    )
    public_input = containers.PublicInput(
        new_payload_request_root=request.hash_tree_root(),
        successful_validation=True,
        chain_id=DEPOSIT_CHAIN_ID,
        schema_id=containers.STATELESS_INPUT_SCHEMA_ID,
    )
    return profile.ExecutionProof(
        proof_data=envelope.proof_data,
        proof_type=envelope.proof_type,
        public_input=public_input,
    ).hash_tree_root()


def encode_signed_envelope(signed: SignedExecutionProofEnvelopeBase) -> bytes:
    """SSZ of a ``SignedExecutionProofEnvelope``, transcribed (also past the type's bounds).

    Outer fixed part: offset of ``message`` (108 = 4 + 8 + 96), ``validator_index``,
    ``signature``; then ``message``: offset of ``proof_data`` (37 = 4 + 1 + 32), ``proof_type``,
    ``beacon_block_root``, ``proof_data``.
    """
    message = signed.message
    inner = (
        (37).to_bytes(4, "little")
        + bytes([message.proof_type])
        + message.beacon_block_root
        + message.proof_data
    )
    return (
        (108).to_bytes(4, "little")
        + signed.validator_index.to_bytes(8, "little")
        + signed.signature
        + inner
    )


def proof_data(proof_type: int, variant: int = 0) -> bytes:
    """Opaque proof bytes (the engine is mocked; only their identity matters)."""
    return f"opaque test proof: type {proof_type}, variant {variant}".encode()


class GossipCase:
    """Builds one case: its steps, files and the bookkeeping the engine input needs."""

    def __init__(
        self,
        profile: SpecProfile,
        suite: str,
        name: str,
        description: str,
        state: State = DEFAULT_STATE,
    ) -> None:
        self.profile = profile
        self.case = VectorCase("networking", GOSSIP_HANDLER, suite, name)
        self.description = description
        self.state = state
        self.steps: list[dict[str, Any]] = []
        self.payloads: dict[bytes, containers.ExecutionPayloadEnvelope] = {}

    # -- inputs ---------------------------------------------------------------------------------

    def block(self, root: bytes, *, valid: bool = True, comment: str | None = None) -> None:
        """A block step: seen, with a post-state unless ``valid`` is false."""
        step: dict[str, Any] = {"block": hex_bytes(root)}
        if not valid:
            step["valid"] = False
        self._append(step, comment)

    def payload(
        self,
        root: bytes,
        envelope: containers.ExecutionPayloadEnvelope | None = None,
        *,
        comment: str | None = None,
    ) -> None:
        """A payload step: ``envelope`` (default: the block's own) becomes available."""
        envelope = payload_envelope(root) if envelope is None else envelope
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
    ) -> ExecutionProofEnvelopeBase:
        """The profile's envelope of ``proof_type`` for ``root`` (opaque data by ``variant``)."""
        return self.profile.ExecutionProofEnvelope(
            proof_data=proof_data(proof_type, variant) if data is None else data,
            proof_type=proof_type,
            beacon_block_root=root,
        )

    def sign(
        self,
        envelope: ExecutionProofEnvelopeBase,
        validator_index: int,
        *,
        key_of: int | None = None,
        signature: bytes | None = None,
        **domain: Any,
    ) -> SignedExecutionProofEnvelopeBase:
        """Sign ``envelope``; an envelope over its type's bounds has no root: zero signature."""
        if signature is None:
            key = privkey(validator_index if key_of is None else key_of)
            try:
                root = signing_root(self.state, envelope, **domain)
            except SerializationError:  # e.g. 2026-10 proof_data over ByteList[MAX_PROOF_SIZE]
                signature = bytes(96)
            else:
                signature = _BLS.sign(key, root)
        return self.profile.SignedExecutionProofEnvelope(
            message=envelope, validator_index=validator_index, signature=signature
        )

    def signed(
        self, proof_type: int, validator_index: int = 0, **envelope: Any
    ) -> SignedExecutionProofEnvelopeBase:
        """:meth:`envelope` signed by ``validator_index``."""
        return self.sign(self.envelope(proof_type, **envelope), validator_index)

    # -- messages -------------------------------------------------------------------------------

    def send(
        self,
        message: SignedExecutionProofEnvelopeBase | bytes,
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
            raw = encode_signed_envelope(message)
            if len(raw) > self.profile.max_signed_execution_proof_envelope_size:
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
                "execution_proof_root": hex_bytes(
                    execution_proof_root(self.profile, message.message, payload)
                ),
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
        message: SignedExecutionProofEnvelopeBase,
        *,
        store: bool = False,
        comment: str | None = None,
    ) -> None:
        """A message the engine finds valid and gossip accepts."""
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
        """The finished case with ``meta.yaml``, ``state.yaml`` and ``steps.yaml``."""
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
