"""The chain view: what a host consensus client supplies to the EIP-8025 core.

The spec reads ``store.blocks``, ``store.block_states`` and ``store.payloads`` and, from a block's
state, the validator registry, ``fork``, ``genesis_validators_root``, ``slot`` and
``latest_execution_payload_bid.blob_kzg_commitments``. :class:`ChainView` asks exactly for those, so
a client can answer from its own fork-choice store without building a pyspec ``BeaconState``.

:class:`InMemoryChainView` is a complete implementation backed by dicts; the tests and the
standalone devnet use it, and a beacon-node-backed view can replace it behind the same protocol.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from eip8025.containers import ExecutionPayloadEnvelope, Fork

__all__ = [
    "BeaconStateView",
    "ChainView",
    "InMemoryChainView",
    "StaticStateView",
    "ValidatorView",
    "is_active_validator",
]


@dataclasses.dataclass(frozen=True)
class ValidatorView:
    """The parts of a ``Validator`` EIP-8025 reads."""

    pubkey: bytes
    activation_epoch: int
    exit_epoch: int


def is_active_validator(validator: ValidatorView, epoch: int) -> bool:
    """phase0 ``is_active_validator``: ``activation_epoch <= epoch < exit_epoch``."""
    return validator.activation_epoch <= epoch < validator.exit_epoch


class BeaconStateView(Protocol):
    """Read-only view of the beacon state at a block (``store.block_states[root]``)."""

    @property
    def slot(self) -> int:
        """``state.slot``."""
        ...

    @property
    def fork(self) -> Fork:
        """``state.fork``."""
        ...

    @property
    def genesis_validators_root(self) -> bytes:
        """``state.genesis_validators_root``."""
        ...

    @property
    def bid_blob_kzg_commitments(self) -> Sequence[bytes]:
        """``state.latest_execution_payload_bid.blob_kzg_commitments``."""
        ...

    def validator_count(self) -> int:
        """``len(state.validators)``."""
        ...

    def validator(self, index: int) -> ValidatorView:
        """``state.validators[index]`` (callers check the index against the count first)."""
        ...


class ChainView(Protocol):
    """The fork-choice store lookups EIP-8025 gossip validation needs."""

    def is_block_known(self, beacon_block_root: bytes) -> bool:
        """``beacon_block_root in store.blocks``: the block has been seen."""
        ...

    def block_state(self, beacon_block_root: bytes) -> BeaconStateView | None:
        """``store.block_states.get(root)``: present only if the block passed consensus checks."""
        ...

    def payload_envelope(self, beacon_block_root: bytes) -> ExecutionPayloadEnvelope | None:
        """``store.payloads.get(root)``: the accepted payload envelope, if available."""
        ...


@dataclasses.dataclass(frozen=True)
class StaticStateView:
    """An immutable :class:`BeaconStateView` built from plain values."""

    slot: int
    fork: Fork
    genesis_validators_root: bytes
    validators: tuple[ValidatorView, ...]
    bid_blob_kzg_commitments: tuple[bytes, ...] = ()

    def validator_count(self) -> int:
        """Number of validators."""
        return len(self.validators)

    def validator(self, index: int) -> ValidatorView:
        """The validator at ``index``."""
        return self.validators[index]


class InMemoryChainView:
    """A dict-backed :class:`ChainView` (tests, devnet). Not thread-safe; one owner mutates it."""

    def __init__(self) -> None:
        self.blocks: set[bytes] = set()
        self.block_states: dict[bytes, BeaconStateView] = {}
        self.payloads: dict[bytes, ExecutionPayloadEnvelope] = {}
        self.slots: dict[bytes, int] = {}

    def add_block(
        self, root: bytes, state: BeaconStateView | None, *, slot: int | None = None
    ) -> None:
        """Record a seen block; pass its post-state if it is consensus-valid, else ``None``.

        ``slot`` (default: the state's) lets :meth:`prune` drop the block at finality.
        """
        self.blocks.add(root)
        if state is not None:
            self.block_states[root] = state
            slot = state.slot if slot is None else slot
        if slot is not None:
            self.slots[root] = slot

    def add_payload(self, envelope: ExecutionPayloadEnvelope) -> None:
        """Record the accepted payload envelope of its beacon block."""
        self.payloads[envelope.beacon_block_root] = envelope

    def remove_block(self, root: bytes) -> None:
        """Forget a block (pruning)."""
        self.blocks.discard(root)
        self.block_states.pop(root, None)
        self.payloads.pop(root, None)
        self.slots.pop(root, None)

    def prune(self, finalized_slot: int) -> list[bytes]:
        """Forget every block below ``finalized_slot`` whose slot is known; return the roots."""
        stale = [root for root, slot in self.slots.items() if slot < finalized_slot]
        for root in stale:
            self.remove_block(root)
        return stale

    def is_block_known(self, beacon_block_root: bytes) -> bool:
        """See :meth:`ChainView.is_block_known`."""
        return beacon_block_root in self.blocks

    def block_state(self, beacon_block_root: bytes) -> BeaconStateView | None:
        """See :meth:`ChainView.block_state`."""
        return self.block_states.get(beacon_block_root)

    def payload_envelope(self, beacon_block_root: bytes) -> ExecutionPayloadEnvelope | None:
        """See :meth:`ChainView.payload_envelope`."""
        return self.payloads.get(beacon_block_root)
