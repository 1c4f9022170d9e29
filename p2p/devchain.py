"""A deterministic devnet chain: the chain source of standalone nodes (no beacon node needed).

Every node derives the same chain from ``(seed, slot)``: genesis with ``N`` interop validators
(keys derived as the eth2 interop scheme does), then one Gloas-shaped block and payload envelope per
slot. Blocks are real ``BeaconBlockHeader`` roots whose ``body_root`` commits to the slot's
``ExecutionPayloadBid``; payload envelopes are real ``ExecutionPayloadEnvelope`` values with
deterministic pseudo-random transactions, withdrawals and blob commitments. There is no state
transition: the per-block state view is the genesis registry at that slot, which is all EIP-8025
validation reads. The chain is exposed through :class:`~eip8025.chain.InMemoryChainView`, so a
beacon-node-backed source can replace it behind the same protocol.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from typing import Final

from eip8025.bls import CURVE_ORDER, BLSBackend, default_backend
from eip8025.chain import InMemoryChainView, StaticStateView, ValidatorView
from eip8025.config import MINIMAL_CONFIG, SpecConfig
from eip8025.containers import (
    FAR_FUTURE_EPOCH,
    BeaconBlockHeader,
    ExecutionPayload,
    ExecutionPayloadBid,
    ExecutionPayloadEnvelope,
    ExecutionRequests,
    Fork,
    NewPayloadRequestBase,
    Validator,
    Withdrawal,
)
from eip8025.profiles import SpecProfile
from eip8025.signing import compute_fork_digest
from eip8025.ssz.sedes import ProgressiveList
from eip8025.verification import get_new_payload_request

__all__ = [
    "BUILDER_INDEX_SELF_BUILD",
    "DevBlock",
    "DevnetChain",
    "DevnetSpec",
    "interop_privkey",
    "self_built_block",
]

DEVNET_PREVIOUS_FORK_VERSION = bytes.fromhex("06000001")
"""Fulu version of the minimal config; the devnet starts in Gloas at epoch 0."""
DEVNET_FORK_VERSION = bytes.fromhex("07000001")
"""Gloas version of the minimal config."""
DEVNET_BLOB_PARAMETERS = (0, 9)
"""``get_blob_parameters`` of the devnet (empty BLOB_SCHEDULE, Electra at epoch 0: 9 blobs)."""


_BLOCK_CACHE = 256


BUILDER_INDEX_SELF_BUILD: Final = 2**64 - 1
"""Gloas ``BUILDER_INDEX_SELF_BUILD`` (``UINT64_MAX``): the proposer builds its own payload."""


def self_built_block(
    *,
    slot: int,
    proposer_index: int,
    parent_root: bytes,
    state_root: bytes,
    payload: ExecutionPayload,
    requests: ExecutionRequests,
    commitments: tuple[bytes, ...],
) -> tuple[BeaconBlockHeader, ExecutionPayloadEnvelope]:
    """The header and payload envelope of a self-built block carrying ``payload``.

    The block's body stands in as its bid (the header's ``body_root`` is the bid's root): enough
    for every check EIP-8025 makes, which reads the payload through the envelope.
    """
    bid = ExecutionPayloadBid(
        parent_block_hash=payload.parent_hash,
        parent_block_root=parent_root,
        block_hash=payload.block_hash,
        prev_randao=payload.prev_randao,
        fee_recipient=payload.fee_recipient,
        gas_limit=payload.gas_limit,
        builder_index=BUILDER_INDEX_SELF_BUILD,
        slot=slot,
        value=0,
        execution_payment=0,
        blob_kzg_commitments=commitments,
        execution_requests_root=requests.hash_tree_root(),
    )
    header = BeaconBlockHeader(
        slot=slot,
        proposer_index=proposer_index,
        parent_root=parent_root,
        state_root=state_root,
        body_root=bid.hash_tree_root(),
    )
    envelope = ExecutionPayloadEnvelope(
        payload=payload,
        execution_requests=requests,
        builder_index=BUILDER_INDEX_SELF_BUILD,
        beacon_block_root=header.hash_tree_root(),
        parent_beacon_block_root=parent_root,
    )
    return header, envelope


def interop_privkey(index: int) -> int:
    """eth2 interop private key ``i``: ``int_le(sha256(uint256_le(i))) mod r``."""
    digest = hashlib.sha256(index.to_bytes(32, "little")).digest()
    return int.from_bytes(digest, "little") % CURVE_ORDER


@dataclasses.dataclass(frozen=True)
class DevnetSpec:
    """Parameters every node of one devnet shares."""

    seed: str = "eip8025-devnet"
    validator_count: int = 64
    genesis_time: int = 1_700_000_000
    seconds_per_slot: int = 6
    config: SpecConfig = MINIMAL_CONFIG


@dataclasses.dataclass(frozen=True)
class DevBlock:
    """One slot of the devnet chain."""

    slot: int
    root: bytes
    header: BeaconBlockHeader
    state: StaticStateView
    payload_envelope: ExecutionPayloadEnvelope

    def new_payload_request(self, profile: SpecProfile) -> NewPayloadRequestBase:
        """The profile's new-payload request that provers prove for this block."""
        return get_new_payload_request(
            self.state.bid_blob_kzg_commitments, self.payload_envelope, profile=profile
        )


class DevnetChain:
    """Derives the devnet's genesis and blocks; deterministic in ``(spec.seed, slot)``."""

    def __init__(self, spec: DevnetSpec, bls: BLSBackend | None = None) -> None:
        if spec.validator_count < 1:
            raise ValueError("a devnet needs at least one validator")
        self.spec = spec
        bls = bls or default_backend()
        self.validators = tuple(
            ValidatorView(bls.sk_to_pk(interop_privkey(i)), 0, FAR_FUTURE_EPOCH)
            for i in range(spec.validator_count)
        )
        registry = tuple(
            Validator(
                pubkey=v.pubkey,
                withdrawal_credentials=b"\x01" + bytes(11) + self._rand("wc", i)[:20],
                effective_balance=32 * 10**9,
                slashed=False,
                activation_eligibility_epoch=0,
                activation_epoch=v.activation_epoch,
                exit_epoch=v.exit_epoch,
                withdrawable_epoch=FAR_FUTURE_EPOCH,
            )
            for i, v in enumerate(self.validators)
        )
        self.genesis_validators_root = bytes(
            ProgressiveList(Validator).get_hash_tree_root(registry)
        )
        self.fork = Fork(
            previous_version=DEVNET_PREVIOUS_FORK_VERSION,
            current_version=DEVNET_FORK_VERSION,
            epoch=0,
        )
        self._blocks: dict[int, DevBlock] = {}
        self.fork_digest = compute_fork_digest(
            DEVNET_FORK_VERSION, self.genesis_validators_root, DEVNET_BLOB_PARAMETERS
        )

    def _rand(self, label: str, *parts: int) -> bytes:
        data = self.spec.seed.encode() + label.encode()
        for part in parts:
            data += part.to_bytes(8, "little")
        return hashlib.sha256(data).digest()

    def slot_start(self, slot: int) -> float:
        """Unix time at which ``slot`` starts."""
        return float(self.spec.genesis_time + slot * self.spec.seconds_per_slot)

    def block(self, slot: int) -> DevBlock:
        """The block of ``slot`` (derived iteratively from the nearest cached ancestor)."""
        if slot < 0:
            raise ValueError("slots start at 0")
        if slot not in self._blocks:
            start = max((s for s in self._blocks if s < slot), default=-1) + 1
            for current in range(start, slot + 1):
                parent = self._blocks.get(current - 1)
                self._blocks[current] = self._derive(current, parent)
                while len(self._blocks) > _BLOCK_CACHE:
                    del self._blocks[min(self._blocks)]
        return self._blocks[slot]

    def _derive(self, slot: int, parent: DevBlock | None) -> DevBlock:
        parent_root = parent.root if parent is not None else self._rand("genesis-block")
        parent_hash = (
            parent.payload_envelope.payload.block_hash
            if parent is not None
            else self._rand("genesis-hash")
        )
        r = functools.partial(self._rand, "slot", slot)
        transactions = tuple(
            b"\x02" + self._rand("tx", slot, i) * (1 + i) for i in range(1 + r()[0] % 4)
        )
        withdrawals = tuple(
            Withdrawal(
                index=slot * 4 + i,
                validator_index=(slot + i) % self.spec.validator_count,
                address=self._rand("addr", slot, i)[:20],
                amount=1_000_000 + i,
            )
            for i in range(r()[1] % 3)
        )
        commitments = tuple(
            b"\xc0" + (self._rand("kzg", slot, i) + self._rand("kzg+", slot, i))[:47]
            for i in range(r()[2] % 3)
        )
        payload = ExecutionPayload(
            parent_hash=parent_hash,
            fee_recipient=self._rand("fee", slot)[:20],
            state_root=self._rand("el-state", slot),
            receipts_root=self._rand("receipts", slot),
            logs_bloom=bytes(256),
            prev_randao=self._rand("randao", slot),
            block_number=slot + 1,
            gas_limit=60_000_000,
            gas_used=21_000 * len(transactions),
            timestamp=self.spec.genesis_time + slot * self.spec.seconds_per_slot,
            extra_data=b"eip8025-devnet",
            base_fee_per_gas=7,
            block_hash=self._rand("block-hash", slot),
            transactions=transactions,
            withdrawals=withdrawals,
            blob_gas_used=131_072 * len(commitments),
            excess_blob_gas=0,
            block_access_list=self._rand("bal", slot),
            slot_number=slot,
        )
        requests = ExecutionRequests(
            deposits=(), withdrawals=(), consolidations=(), builder_deposits=(), builder_exits=()
        )
        header, envelope = self_built_block(
            slot=slot,
            proposer_index=slot % self.spec.validator_count,
            parent_root=parent_root,
            state_root=self._rand("cl-state", slot),
            payload=payload,
            requests=requests,
            commitments=commitments,
        )
        root = envelope.beacon_block_root
        state = StaticStateView(
            slot=slot,
            fork=self.fork,
            genesis_validators_root=self.genesis_validators_root,
            validators=self.validators,
            bid_blob_kzg_commitments=commitments,
        )
        return DevBlock(slot, root, header, state, envelope)

    def import_block(self, view: InMemoryChainView, slot: int) -> DevBlock:
        """Add the block of ``slot`` and its payload envelope to ``view``."""
        block = self.block(slot)
        view.add_block(block.root, block.state)
        view.add_payload(block.payload_envelope)
        return block
