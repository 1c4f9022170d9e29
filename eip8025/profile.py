"""The spec profile: every wire type, constant and configurable id of the EIP-8025 text we target.

This is the only module that knows what the spec says about types and values. Everything else
imports from here, so following a spec change (e.g. consensus-specs #5593 turning ``ProofData`` into
a bounded ``ByteList``) means writing a second profile module, not editing code across the package.

Pinned text: consensus-specs ``specs/_features/eip8025/`` at :data:`SPEC_COMMIT` (right after PR
#5566, 2026-08-28), built on the Gloas containers of master :data:`GLOAS_BASE_COMMIT` (2026-08-19).

The proof-type registry, the set of accepted proof types and the ``k``-of-``n`` defaults are
configuration (:class:`ProofTypeRegistry`, :class:`SpecConfig`); nothing else in the package spells
a proof-type id or a threshold.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Final

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
    uint8,
    uint64,
)

__all__ = [
    "BLS_PUBKEY_LENGTH",
    "BLS_SIGNATURE_LENGTH",
    "DEFAULT_ACCEPTANCE_THRESHOLD",
    "DEFAULT_ACCEPTED_PROOF_TYPES",
    "DEFAULT_REGISTRY",
    "DOMAIN_EXECUTION_PROOF",
    "EXECUTION_PROOF_TOPIC_NAME",
    "FAR_FUTURE_EPOCH",
    "GLOAS_BASE_COMMIT",
    "MAINNET",
    "MAINNET_CONFIG",
    "MAX_BLOB_COMMITMENTS_PER_BLOCK",
    "MAX_PROOF_SIZE",
    "MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE",
    "MESSAGE_DOMAIN_INVALID_SNAPPY",
    "MESSAGE_DOMAIN_VALID_SNAPPY",
    "MINIMAL",
    "MINIMAL_CONFIG",
    "PROFILE_NAME",
    "SPEC_COMMIT",
    "SPEC_SUPPORTED_PROOF_TYPES",
    "STATELESS_INPUT_SCHEMA_ID",
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
    "ExecutionProof",
    "ExecutionProofEnvelope",
    "ExecutionRequests",
    "Fork",
    "ForkData",
    "Preset",
    "ProofTypeInfo",
    "ProofTypeRegistry",
    "PublicInput",
    "SSZNewPayloadRequest",
    "SignedExecutionPayloadEnvelope",
    "SignedExecutionProofEnvelope",
    "SigningData",
    "SpecConfig",
    "Validator",
    "Withdrawal",
    "WithdrawalRequest",
    "load_config",
    "max_compressed_len",
    "preset_by_name",
]

# ---------------------------------------------------------------------------------------------
# Pinned spec text
# ---------------------------------------------------------------------------------------------

PROFILE_NAME: Final = "eip8025-c63ce15"
SPEC_COMMIT: Final = "c63ce15bfeca90b8bef4008b31c194ef67394a70"
"""consensus-specs commit of ``specs/_features/eip8025/`` (right after PR #5566)."""
GLOAS_BASE_COMMIT: Final = "75d8c925"
"""consensus-specs master commit whose Gloas containers the EIP-8025 text builds on."""

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
"""EIP-8025 ``ProofType(Uint8)``: proof system + guest program + version."""
ProofData = Annotated[bytes, ProgressiveByteList()]
"""EIP-8025 ``ProofData(ProgressiveList[Byte])`` (EIP-7916): opaque proof bytes, no type bound."""

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

MAX_PROOF_SIZE: Final = 4_194_304
"""``Uint64(4194304)`` (4 MiB), beacon-chain.md *Execution* constants."""
STATELESS_INPUT_SCHEMA_ID: Final = 0x1501
"""``Uint16(0x1501)``: Amsterdam fork (0x15), schema revision 0x01."""
DOMAIN_EXECUTION_PROOF: Final = bytes.fromhex("0F000000")
"""``DomainType('0x0F000000')``."""
MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE: Final = 4_194_449
"""p2p-interface.md type-specific SSZ bound of a ``SignedExecutionProofEnvelope``."""

MESSAGE_DOMAIN_INVALID_SNAPPY: Final = bytes.fromhex("00000000")
"""phase0 p2p: message-id domain of gossip messages that fail snappy decompression."""
MESSAGE_DOMAIN_VALID_SNAPPY: Final = bytes.fromhex("01000000")
"""phase0 p2p: message-id domain of gossip messages that decompress."""
EXECUTION_PROOF_TOPIC_NAME: Final = "execution_proof"
"""p2p-interface.md global topic: ``/eth2/{fork_digest}/execution_proof/ssz_snappy``."""

SPEC_SUPPORTED_PROOF_TYPES: Final = frozenset({1, 2, 3})
"""``get_supported_proof_types()`` as the pinned text returns it (provisional assignments)."""

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


# ---------------------------------------------------------------------------------------------
# EIP-8025 containers (beacon-chain.md at SPEC_COMMIT)
# ---------------------------------------------------------------------------------------------

VersionedHashes = Annotated[tuple[bytes, ...], List(ByteVector(32), MAX_BLOB_COMMITMENTS_PER_BLOCK)]
"""``VersionedHashes``: the CL's bounded ``List[VersionedHash, MAX_BLOB_COMMITMENTS_PER_BLOCK]``."""


class SSZNewPayloadRequest(ProgressiveContainer, active_fields=(1,) * 4):
    """EIP-8025 ``SSZNewPayloadRequest``."""

    execution_payload: ExecutionPayload
    versioned_hashes: VersionedHashes
    parent_beacon_block_root: Root
    execution_requests: ExecutionRequests


class PublicInput(ProgressiveContainer, active_fields=(1,) * 4):
    """EIP-8025 ``PublicInput``: what a proof commits to (43 bytes serialized)."""

    new_payload_request_root: Root
    successful_validation: Boolean
    chain_id: Uint64
    schema_id: Uint16


class ExecutionProof(Container):
    """EIP-8025 ``ExecutionProof``: what the proof engine verifies."""

    proof_data: ProofData
    proof_type: ProofType
    public_input: PublicInput


class ExecutionProofEnvelope(Container):
    """EIP-8025 ``ExecutionProofEnvelope``: what a prover signs."""

    proof_data: ProofData
    proof_type: ProofType
    beacon_block_root: Root


class SignedExecutionProofEnvelope(Container):
    """EIP-8025 ``SignedExecutionProofEnvelope``: the ``execution_proof`` gossip message."""

    message: ExecutionProofEnvelope
    validator_index: ValidatorIndex
    signature: BLSSignature


# Sedes kept for callers that need to hash bare values of these types.
PROOF_TYPE_SEDES: Final = uint8
VALIDATOR_INDEX_SEDES: Final = uint64

# ---------------------------------------------------------------------------------------------
# Presets and configuration
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Preset:
    """The preset values EIP-8025 code depends on."""

    name: str
    SLOTS_PER_EPOCH: int


MAINNET: Final = Preset(name="mainnet", SLOTS_PER_EPOCH=32)
MINIMAL: Final = Preset(name="minimal", SLOTS_PER_EPOCH=8)
_PRESETS: Final = {p.name: p for p in (MAINNET, MINIMAL)}


def max_compressed_len(n: int) -> int:
    """phase0 p2p ``max_compressed_len``: the snappy worst case for ``n`` uncompressed bytes."""
    return 32 + n + n // 6


def preset_by_name(name: str) -> Preset:
    """Return the ``mainnet`` or ``minimal`` preset; ValueError names the valid ones otherwise."""
    try:
        return _PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {sorted(_PRESETS)}") from None


@dataclasses.dataclass(frozen=True)
class ProofTypeInfo:
    """One registry entry: a proof type id and what it names."""

    id: int
    name: str
    el_guest: str
    zkvm: str

    def __post_init__(self) -> None:
        if not 0 <= self.id <= 255:
            raise ValueError(f"proof type id {self.id} is not a Uint8")
        if not (self.name and self.el_guest and self.zkvm):
            raise ValueError(f"proof type {self.id}: name, el_guest and zkvm must be non-empty")


class ProofTypeRegistry:
    """Proof type id -> :class:`ProofTypeInfo`. Ids and names are unique."""

    def __init__(self, entries: Iterable[ProofTypeInfo]) -> None:
        self._by_id: dict[int, ProofTypeInfo] = {}
        self._by_name: dict[str, ProofTypeInfo] = {}
        for entry in entries:
            if entry.id in self._by_id:
                raise ValueError(f"proof type id {entry.id} is registered twice")
            if entry.name in self._by_name:
                raise ValueError(f"proof type name {entry.name!r} is registered twice")
            self._by_id[entry.id] = entry
            self._by_name[entry.name] = entry

    def __contains__(self, proof_type: object) -> bool:
        return proof_type in self._by_id

    def __iter__(self) -> Any:
        return iter(sorted(self._by_id.values(), key=lambda e: e.id))

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, proof_type: int) -> ProofTypeInfo:
        """Return the entry for an id; KeyError with a clear message if it is unknown."""
        try:
            return self._by_id[proof_type]
        except KeyError:
            raise KeyError(f"proof type {proof_type} is not in the registry") from None

    def by_name(self, name: str) -> ProofTypeInfo:
        """Return the entry for a name such as ``ethrex-sp1``."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"proof type name {name!r} is not in the registry") from None

    def with_overrides(self, entries: Iterable[ProofTypeInfo]) -> ProofTypeRegistry:
        """Return a registry where ``entries`` replace or extend the current ones (by id)."""
        merged = dict(self._by_id)
        for entry in entries:
            merged[entry.id] = entry
        return ProofTypeRegistry(merged.values())


DEFAULT_REGISTRY: Final = ProofTypeRegistry(
    [
        ProofTypeInfo(1, "ethrex-openvm", "ethrex", "openvm"),
        ProofTypeInfo(2, "ethrex-sp1", "ethrex", "sp1"),
        ProofTypeInfo(3, "ethrex-zisk", "ethrex", "zisk"),
        ProofTypeInfo(4, "reth-openvm", "reth", "openvm"),
        ProofTypeInfo(5, "reth-sp1", "reth", "sp1"),
        ProofTypeInfo(6, "reth-zisk", "reth", "zisk"),
        ProofTypeInfo(7, "zesu-zisk", "zesu", "zisk"),
    ]
)
"""Provisional proof-type assignments (ids as the zkboost / Lighthouse devnets use them)."""

DEFAULT_ACCEPTED_PROOF_TYPES: Final = (1, 2, 3, 5, 6)
"""The five proof types a node accepts by default: the spec's provisional {1, 2, 3} (ethrex on
OpenVM, SP1 and ZisK) plus reth on SP1 and ZisK, so the set spans two EL guests and three zkVMs
and a bug in one guest or one zkVM cannot by itself supply three of the five."""
DEFAULT_ACCEPTANCE_THRESHOLD: Final = 3
"""``k`` of the default ``k``-of-``n`` acceptance policy (``n`` = len(accepted types))."""


@dataclasses.dataclass(frozen=True)
class SpecConfig:
    """Runtime configuration: preset, chain config values and the proof-type policy inputs.

    Attributes:
        preset: ``mainnet`` or ``minimal`` preset values.
        deposit_chain_id: ``DEPOSIT_CHAIN_ID`` (the ``chain_id`` of every ``PublicInput``).
        registry: The proof-type registry.
        supported_proof_types: What ``get_supported_proof_types()`` returns on this node.
        acceptance_threshold: ``k`` of the ``k``-of-``n`` acceptance policy.
        min_el_guests: Diversity constraint: distinct EL guests among accepted proofs.
        min_zkvms: Diversity constraint: distinct zkVMs among accepted proofs.
    """

    preset: Preset = MAINNET
    deposit_chain_id: int = 1
    registry: ProofTypeRegistry = DEFAULT_REGISTRY
    supported_proof_types: frozenset[int] = frozenset(DEFAULT_ACCEPTED_PROOF_TYPES)
    acceptance_threshold: int = DEFAULT_ACCEPTANCE_THRESHOLD
    min_el_guests: int = 1
    min_zkvms: int = 1

    def spec_exact(self) -> SpecConfig:
        """This config with the pinned text's own supported set {1, 2, 3}."""
        return dataclasses.replace(self, supported_proof_types=SPEC_SUPPORTED_PROOF_TYPES)


MAINNET_CONFIG: Final = SpecConfig(preset=MAINNET, deposit_chain_id=1)
MINIMAL_CONFIG: Final = SpecConfig(preset=MINIMAL, deposit_chain_id=5)


def load_config(source: Mapping[str, Any] | str | Path) -> SpecConfig:
    """Build a :class:`SpecConfig` from a mapping or a JSON file.

    Recognised keys: ``preset`` ("mainnet"|"minimal"), ``deposit_chain_id``, ``proof_types``
    (registry overrides: list of ``{id, name, el_guest, zkvm}``), ``supported_proof_types``
    (list of ids), ``acceptance_threshold``, ``min_el_guests``, ``min_zkvms``. Unknown keys are an
    error, so a typo never silently falls back to a default.

    Raises:
        ValueError: On unknown keys or malformed values (message names the key).
    """
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8") as handle:
            data: Mapping[str, Any] = json.load(handle)
    else:
        data = source
    known = {
        "preset",
        "deposit_chain_id",
        "proof_types",
        "supported_proof_types",
        "acceptance_threshold",
        "min_el_guests",
        "min_zkvms",
    }
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown config keys: {sorted(unknown)}")
    preset = preset_by_name(str(data.get("preset", "mainnet")))
    base = MAINNET_CONFIG if preset is MAINNET else MINIMAL_CONFIG
    registry = base.registry
    if "proof_types" in data:
        try:
            registry = registry.with_overrides(
                ProofTypeInfo(int(e["id"]), str(e["name"]), str(e["el_guest"]), str(e["zkvm"]))
                for e in data["proof_types"]
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(
                f"proof_types: each entry needs id, name, el_guest, zkvm ({exc})"
            ) from None
    supported = base.supported_proof_types
    if "supported_proof_types" in data:
        supported = frozenset(int(t) for t in data["supported_proof_types"])
    return SpecConfig(
        preset=preset,
        deposit_chain_id=int(data.get("deposit_chain_id", base.deposit_chain_id)),
        registry=registry,
        supported_proof_types=supported,
        acceptance_threshold=int(data.get("acceptance_threshold", base.acceptance_threshold)),
        min_el_guests=int(data.get("min_el_guests", base.min_el_guests)),
        min_zkvms=int(data.get("min_zkvms", base.min_zkvms)),
    )
