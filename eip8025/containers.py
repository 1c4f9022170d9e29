"""The containers and values every spec profile shares, and the bases of those it does not.

* The consensus containers EIP-8025 builds on - phase0 through Gloas, as of consensus-specs master
  :data:`GLOAS_BASE_COMMIT` - and their constants. Gloas ``NewPayloadRequest`` is not here: it
  became an SSZ container only with #5619, so it belongs to the profiles (2026-08 has the EIP-8025
  ``SSZNewPayloadRequest`` in its place).
* The EIP-8025 definitions both pinned texts state identically: ``PublicInput``, ``ProofType`` and
  the constants of :data:`UNCHANGED_SINCE_2026_08`. A later text that changes one of them defines
  its own in its profile module instead of importing it from here.
* Abstract bases of the containers the profiles define differently (``ProofData`` is a
  ``ProgressiveByteList`` in 2026-08 and a ``ByteList[MAX_PROOF_SIZE]`` in 2026-10), so code that
  only reads fields can be typed once: :class:`ExecutionProofBase`,
  :class:`ExecutionProofEnvelopeBase`, :class:`SignedExecutionProofEnvelopeBase`,
  :class:`NewPayloadRequestBase`. They hold no fields at run time; each profile's class declares
  the fields with its own SSZ types.

Nothing here depends on a profile; the profiles (:mod:`eip8025.profiles`) import from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final

from eip8025.ssz.container import Container, ProgressiveContainer
from eip8025.ssz.sedes import List, ProgressiveByteList, ProgressiveList
from eip8025.ssz.types import (
    Boolean,
    ByteList,
    Bytes4,
    Bytes20,
    Bytes32,
    Bytes48,
    Bytes96,
    ByteVector,
    Uint8,
    Uint16,
    Uint64,
    Uint256,
)

__all__ = [
    "BASE_SSZ_TYPES",
    "BLS_PUBKEY_LENGTH",
    "BLS_SIGNATURE_LENGTH",
    "DOMAIN_EXECUTION_PROOF",
    "EXECUTION_PROOF_TOPIC_NAME",
    "FAR_FUTURE_EPOCH",
    "GLOAS_BASE_COMMIT",
    "MAX_BLOB_COMMITMENTS_PER_BLOCK",
    "MAX_PROOF_SIZE",
    "MESSAGE_DOMAIN_INVALID_SNAPPY",
    "MESSAGE_DOMAIN_VALID_SNAPPY",
    "SPEC_SUPPORTED_PROOF_TYPES",
    "STATELESS_INPUT_SCHEMA_ID",
    "UNCHANGED_SINCE_2026_08",
    "VERSIONED_HASH_VERSION_KZG",
    "BeaconBlockHeader",
    "BuilderDepositRequest",
    "BuilderExitRequest",
    "Checkpoint",
    "ConsolidationRequest",
    "DepositRequest",
    "ENRForkID",
    "ExecutionPayload",
    "ExecutionPayloadBid",
    "ExecutionPayloadEnvelope",
    "ExecutionProofBase",
    "ExecutionProofEnvelopeBase",
    "ExecutionRequests",
    "Fork",
    "ForkData",
    "NewPayloadRequestBase",
    "PublicInput",
    "SignedExecutionPayloadEnvelope",
    "SignedExecutionProofEnvelopeBase",
    "SigningData",
    "Validator",
    "VersionedHashes",
    "Withdrawal",
    "WithdrawalRequest",
    "max_compressed_len",
]

GLOAS_BASE_COMMIT: Final = "75d8c925"
"""consensus-specs master commit whose phase0 ... Gloas containers the profiles build on."""

# ---------------------------------------------------------------------------------------------
# Custom types (phase0 ... Gloas, EIP-8025)
# ---------------------------------------------------------------------------------------------

Slot = Uint64
Epoch = Uint64
ValidatorIndex = Uint64
BuilderIndex = Uint64
WithdrawalIndex = Uint64
Gwei = Uint64
Root = Bytes32
Hash32 = Bytes32
Version = Bytes4
DomainType = Bytes4
Domain = Bytes32
BLSPubkey = Bytes48
BLSSignature = Bytes96
ExecutionAddress = Bytes20
KZGCommitment = Bytes48
VersionedHash = Bytes32

ProofType = Uint8
"""EIP-8025 ``ProofType(Uint8)``: proof system + guest program + version (both profiles)."""

# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

BLS_PUBKEY_LENGTH: Final = 48
BLS_SIGNATURE_LENGTH: Final = 96
FAR_FUTURE_EPOCH: Final = 2**64 - 1
GENESIS_EPOCH: Final = 0
VERSIONED_HASH_VERSION_KZG: Final = b"\x01"
MAX_BLOB_COMMITMENTS_PER_BLOCK: Final = 4096  # same in the mainnet and minimal presets
MAX_EXTRA_DATA_BYTES: Final = 32
BYTES_PER_LOGS_BLOOM: Final = 256

MESSAGE_DOMAIN_INVALID_SNAPPY: Final = bytes.fromhex("00000000")
"""phase0 p2p: message-id domain of gossip messages that fail snappy decompression."""
MESSAGE_DOMAIN_VALID_SNAPPY: Final = bytes.fromhex("01000000")
"""phase0 p2p: message-id domain of gossip messages that decompress."""

# ---------------------------------------------------------------------------------------------
# Gloas and earlier containers used by EIP-8025
# ---------------------------------------------------------------------------------------------

LogsBloom = Annotated[bytes, ByteVector(BYTES_PER_LOGS_BLOOM)]
ExtraData = Annotated[bytes, ByteList(MAX_EXTRA_DATA_BYTES)]
Transaction = Annotated[bytes, ProgressiveByteList()]
BlockAccessList = Annotated[bytes, ProgressiveByteList()]


class Fork(Container):
    """phase0 ``Fork``."""

    previous_version: Version
    current_version: Version
    epoch: Epoch


class ForkData(Container):
    """phase0 ``ForkData``."""

    current_version: Version
    genesis_validators_root: Root


class ENRForkID(Container):
    """phase0 p2p ``ENRForkID`` (the ENR ``eth2`` field)."""

    fork_digest: Bytes4
    next_fork_version: Version
    next_fork_epoch: Epoch


class SigningData(Container):
    """phase0 ``SigningData``."""

    object_root: Root
    domain: Domain


class Checkpoint(Container):
    """phase0 ``Checkpoint``."""

    epoch: Epoch
    root: Root


class BeaconBlockHeader(Container):
    """phase0 ``BeaconBlockHeader``."""

    slot: Slot
    proposer_index: ValidatorIndex
    parent_root: Root
    state_root: Root
    body_root: Root


class Validator(Container):
    """phase0 ``Validator``."""

    pubkey: BLSPubkey
    withdrawal_credentials: Bytes32
    effective_balance: Gwei
    slashed: Boolean
    activation_eligibility_epoch: Epoch
    activation_epoch: Epoch
    exit_epoch: Epoch
    withdrawable_epoch: Epoch


class Withdrawal(Container):
    """Capella ``Withdrawal``."""

    index: WithdrawalIndex
    validator_index: ValidatorIndex
    address: ExecutionAddress
    amount: Gwei


class DepositRequest(Container):
    """Electra ``DepositRequest``."""

    pubkey: BLSPubkey
    withdrawal_credentials: Bytes32
    amount: Gwei
    signature: BLSSignature
    index: Uint64


class WithdrawalRequest(Container):
    """Electra ``WithdrawalRequest``."""

    source_address: ExecutionAddress
    validator_pubkey: BLSPubkey
    amount: Gwei


class ConsolidationRequest(Container):
    """Electra ``ConsolidationRequest``."""

    source_address: ExecutionAddress
    source_pubkey: BLSPubkey
    target_pubkey: BLSPubkey


class BuilderDepositRequest(Container):
    """Gloas (EIP-8282) ``BuilderDepositRequest``."""

    pubkey: BLSPubkey
    withdrawal_credentials: Bytes32
    amount: Gwei
    signature: BLSSignature


class BuilderExitRequest(Container):
    """Gloas (EIP-8282) ``BuilderExitRequest``."""

    source_address: ExecutionAddress
    pubkey: BLSPubkey


Transactions = Annotated[tuple[bytes, ...], ProgressiveList(ProgressiveByteList())]
Withdrawals = Annotated[tuple[Withdrawal, ...], ProgressiveList(Withdrawal)]
DepositRequests = Annotated[tuple[DepositRequest, ...], ProgressiveList(DepositRequest)]
WithdrawalRequests = Annotated[tuple[WithdrawalRequest, ...], ProgressiveList(WithdrawalRequest)]
ConsolidationRequests = Annotated[
    tuple[ConsolidationRequest, ...], ProgressiveList(ConsolidationRequest)
]
BuilderDepositRequests = Annotated[
    tuple[BuilderDepositRequest, ...], ProgressiveList(BuilderDepositRequest)
]
BuilderExitRequests = Annotated[tuple[BuilderExitRequest, ...], ProgressiveList(BuilderExitRequest)]
BlobKZGCommitments = Annotated[tuple[bytes, ...], ProgressiveList(ByteVector(48))]


class ExecutionPayload(ProgressiveContainer, active_fields=(1,) * 19):
    """Gloas ``ExecutionPayload`` (EIP-7688 progressive container)."""

    parent_hash: Hash32
    fee_recipient: ExecutionAddress
    state_root: Bytes32
    receipts_root: Bytes32
    logs_bloom: LogsBloom
    prev_randao: Bytes32
    block_number: Uint64
    gas_limit: Uint64
    gas_used: Uint64
    timestamp: Uint64
    extra_data: ExtraData
    base_fee_per_gas: Uint256
    block_hash: Hash32
    transactions: Transactions
    withdrawals: Withdrawals
    blob_gas_used: Uint64
    excess_blob_gas: Uint64
    block_access_list: BlockAccessList
    slot_number: Uint64


class ExecutionRequests(ProgressiveContainer, active_fields=(1,) * 5):
    """Gloas ``ExecutionRequests`` (EIP-7688 progressive container, EIP-8282 builder requests)."""

    deposits: DepositRequests
    withdrawals: WithdrawalRequests
    consolidations: ConsolidationRequests
    builder_deposits: BuilderDepositRequests
    builder_exits: BuilderExitRequests


class ExecutionPayloadBid(ProgressiveContainer, active_fields=(1,) * 12):
    """Gloas ``ExecutionPayloadBid``."""

    parent_block_hash: Hash32
    parent_block_root: Root
    block_hash: Hash32
    prev_randao: Bytes32
    fee_recipient: ExecutionAddress
    gas_limit: Uint64
    builder_index: BuilderIndex
    slot: Slot
    value: Gwei
    execution_payment: Gwei
    blob_kzg_commitments: BlobKZGCommitments
    execution_requests_root: Root


class ExecutionPayloadEnvelope(ProgressiveContainer, active_fields=(1,) * 5):
    """Gloas ``ExecutionPayloadEnvelope``."""

    payload: ExecutionPayload
    execution_requests: ExecutionRequests
    builder_index: BuilderIndex
    beacon_block_root: Root
    parent_beacon_block_root: Root


class SignedExecutionPayloadEnvelope(Container):
    """Gloas ``SignedExecutionPayloadEnvelope``."""

    message: ExecutionPayloadEnvelope
    signature: BLSSignature


VersionedHashes = Annotated[tuple[bytes, ...], List(ByteVector(32), MAX_BLOB_COMMITMENTS_PER_BLOCK)]
"""Deneb ``VersionedHashes``: ``List[VersionedHash, MAX_BLOB_COMMITMENTS_PER_BLOCK]`` (bounded; the
EL spec hashes a progressive list, consensus-specs #5643 would make the CL's progressive too - a
profile for that text would define its own)."""


BASE_SSZ_TYPES: Final[dict[str, type[Container]]] = {
    cls.__name__: cls
    for cls in (
        Fork,
        ForkData,
        ENRForkID,
        SigningData,
        Checkpoint,
        BeaconBlockHeader,
        Validator,
        Withdrawal,
        DepositRequest,
        WithdrawalRequest,
        ConsolidationRequest,
        BuilderDepositRequest,
        BuilderExitRequest,
        ExecutionPayload,
        ExecutionRequests,
        ExecutionPayloadBid,
        ExecutionPayloadEnvelope,
        SignedExecutionPayloadEnvelope,
    )
}
"""The phase0 ... Gloas containers by spec name (``ssz_static`` handlers of every profile)."""


def max_compressed_len(n: int) -> int:
    """phase0 p2p ``max_compressed_len``: the snappy worst case for ``n`` uncompressed bytes."""
    return 32 + n + n // 6


# ---------------------------------------------------------------------------------------------
# EIP-8025 definitions both pinned texts state identically
# ---------------------------------------------------------------------------------------------

MAX_PROOF_SIZE: Final = 4_194_304
"""``Uint64(4194304)`` (4 MiB), beacon-chain.md *Execution* constants."""
STATELESS_INPUT_SCHEMA_ID: Final = 0x1501
"""``Uint16(0x1501)``: Amsterdam fork (0x15), schema revision 0x01."""
DOMAIN_EXECUTION_PROOF: Final = bytes.fromhex("0F000000")
"""``DomainType('0x0F000000')``."""
EXECUTION_PROOF_TOPIC_NAME: Final = "execution_proof"
"""p2p-interface.md global topic: ``/eth2/{fork_digest}/execution_proof/ssz_snappy``."""
SPEC_SUPPORTED_PROOF_TYPES: Final = frozenset({1, 2, 3})
"""``get_supported_proof_types()`` as both texts return it (provisional assignments)."""
UNCHANGED_SINCE_2026_08: Final = (
    "MAX_PROOF_SIZE",
    "STATELESS_INPUT_SCHEMA_ID",
    "DOMAIN_EXECUTION_PROOF",
    "EXECUTION_PROOF_TOPIC_NAME",
    "SPEC_SUPPORTED_PROOF_TYPES",
    "PublicInput",
    "ProofType",
)
"""What this module states for every profile (the ENR key ``eproof`` is in the p2p layer)."""


class PublicInput(ProgressiveContainer, active_fields=(1,) * 4):
    """EIP-8025 ``PublicInput``: what a proof commits to (43 bytes serialized)."""

    new_payload_request_root: Root
    successful_validation: Boolean
    chain_id: Uint64
    schema_id: Uint16


# ---------------------------------------------------------------------------------------------
# Bases of the containers each profile defines with its own field types
# ---------------------------------------------------------------------------------------------


class ExecutionProofBase(Container):
    """What every profile's ``ExecutionProof`` has (fields typed for readers only)."""

    if TYPE_CHECKING:
        proof_data: bytes
        proof_type: int
        public_input: PublicInput


class ExecutionProofEnvelopeBase(Container):
    """What every profile's ``ExecutionProofEnvelope`` has."""

    if TYPE_CHECKING:
        proof_data: bytes
        proof_type: int
        beacon_block_root: bytes


class SignedExecutionProofEnvelopeBase(Container):
    """What every profile's ``SignedExecutionProofEnvelope`` has."""

    if TYPE_CHECKING:
        message: ExecutionProofEnvelopeBase
        validator_index: int
        signature: bytes


class NewPayloadRequestBase(ProgressiveContainer):
    """What every profile's new-payload request container has."""

    if TYPE_CHECKING:
        execution_payload: ExecutionPayload
        versioned_hashes: tuple[bytes, ...]
        parent_beacon_block_root: bytes
        execution_requests: ExecutionRequests
