"""``ChainInfo``: what a beacon node's genesis, spec and fork schedule say about its chain.

Built once per connection from ``/eth/v1/beacon/genesis``, ``/eth/v1/config/spec`` and
``/eth/v1/config/fork_schedule``; pure (no I/O). It gives the :class:`~eip8025.config.SpecConfig`
of the chain (preset from ``PRESET_BASE`` and ``SLOTS_PER_EPOCH``, ``deposit_chain_id`` from
``DEPOSIT_CHAIN_ID``), the slot duration (``SLOT_DURATION_MS``, or ``SECONDS_PER_SLOT`` on nodes
that predate it), the state's ``Fork`` at an epoch, whether an epoch is Gloas, and the p2p fork
digest: ``compute_fork_data_root(version, genesis_validators_root)[:4]`` before Fulu, and from
``FULU_FORK_EPOCH`` on the Fulu ``compute_fork_digest`` that XORs in the hash of
``get_blob_parameters(epoch)`` (consensus-specs ``specs/fulu/beacon-chain.md``; ``BLOB_SCHEDULE``,
else ``(ELECTRA_FORK_EPOCH, MAX_BLOBS_PER_BLOCK_ELECTRA)``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from eip8025.config import MAINNET_CONFIG, Preset, SpecConfig
from eip8025.containers import FAR_FUTURE_EPOCH, ENRForkID, Fork
from eip8025.profiles import SpecProfile
from eip8025.signing import compute_fork_digest
from eip8025_p2p.beacon.errors import BeaconDataError
from eip8025_p2p.beacon.models import Genesis, json_bytes, json_uint

__all__ = ["ChainInfo"]


def _uint(spec: Mapping[str, Any], key: str) -> int | None:
    if key not in spec:
        return None
    try:
        return json_uint(spec[key])
    except ValueError:
        raise BeaconDataError(f"config/spec: {key} is not a uint64: {spec[key]!r:.40}") from None


def _epoch(spec: Mapping[str, Any], key: str) -> int | None:
    """A fork epoch; None when absent or ``FAR_FUTURE_EPOCH`` (not scheduled)."""
    value = _uint(spec, key)
    return None if value is None or value == FAR_FUTURE_EPOCH else value


def _blob_schedule(spec: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    entries = spec.get("BLOB_SCHEDULE", [])
    try:
        return tuple(
            (json_uint(entry["EPOCH"]), json_uint(entry["MAX_BLOBS_PER_BLOCK"]))
            for entry in entries
        )
    except (KeyError, TypeError, ValueError):
        raise BeaconDataError(f"config/spec: malformed BLOB_SCHEDULE {entries!r:.80}") from None


def _fork_names(spec: Mapping[str, Any]) -> dict[bytes, str]:
    names: dict[bytes, str] = {}
    for key, value in spec.items():
        if key.endswith("_FORK_VERSION") and isinstance(value, str):
            name = key.removesuffix("_FORK_VERSION").lower()
            try:
                names[json_bytes(value, 4)] = "phase0" if name == "genesis" else name
            except ValueError:
                continue
    return names


@dataclasses.dataclass(frozen=True)
class ChainInfo:
    """The chain a beacon node follows (see the module docstring)."""

    genesis_time: int
    genesis_validators_root: bytes
    genesis_fork_version: bytes
    preset: Preset
    deposit_chain_id: int
    slot_duration_ms: int
    forks: tuple[Fork, ...]
    fulu_fork_epoch: int | None
    gloas_fork_epoch: int | None
    blob_schedule: tuple[tuple[int, int], ...]
    electra_blob_parameters: tuple[int, int] | None
    fork_names: Mapping[bytes, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_api(
        cls, genesis: Genesis, spec: Mapping[str, Any], forks: tuple[Fork, ...]
    ) -> ChainInfo:
        """Build from the three responses.

        Raises:
            BeaconDataError: A value the follower needs is missing or malformed.
        """
        preset_name = spec.get("PRESET_BASE")
        slots_per_epoch = _uint(spec, "SLOTS_PER_EPOCH")
        chain_id = _uint(spec, "DEPOSIT_CHAIN_ID")
        slot_ms = _uint(spec, "SLOT_DURATION_MS")
        if slot_ms is None:
            seconds = _uint(spec, "SECONDS_PER_SLOT")
            slot_ms = None if seconds is None else seconds * 1000
        if not isinstance(preset_name, str) or slots_per_epoch is None or not slots_per_epoch:
            raise BeaconDataError("config/spec: PRESET_BASE and SLOTS_PER_EPOCH are required")
        if chain_id is None or not slot_ms:
            raise BeaconDataError(
                "config/spec: DEPOSIT_CHAIN_ID and SLOT_DURATION_MS (or SECONDS_PER_SLOT) "
                "are required"
            )
        fulu = _epoch(spec, "FULU_FORK_EPOCH")
        electra = _epoch(spec, "ELECTRA_FORK_EPOCH")
        max_blobs = _uint(spec, "MAX_BLOBS_PER_BLOCK_ELECTRA")
        electra_params = None if electra is None or max_blobs is None else (electra, max_blobs)
        schedule = _blob_schedule(spec)
        if fulu is not None and electra_params is None and not schedule:
            raise BeaconDataError(
                "config/spec: a Fulu chain needs BLOB_SCHEDULE or ELECTRA_FORK_EPOCH and "
                "MAX_BLOBS_PER_BLOCK_ELECTRA for its fork digest"
            )
        return cls(
            genesis_time=genesis.genesis_time,
            genesis_validators_root=genesis.genesis_validators_root,
            genesis_fork_version=genesis.genesis_fork_version,
            preset=Preset(name=preset_name.strip("'\""), SLOTS_PER_EPOCH=slots_per_epoch),
            deposit_chain_id=chain_id,
            slot_duration_ms=slot_ms,
            forks=tuple(sorted(forks, key=lambda fork: fork.epoch)),
            fulu_fork_epoch=fulu,
            gloas_fork_epoch=_epoch(spec, "GLOAS_FORK_EPOCH"),
            blob_schedule=schedule,
            electra_blob_parameters=electra_params,
            fork_names=_fork_names(spec),
        )

    @property
    def seconds_per_slot(self) -> float:
        """The slot duration in seconds."""
        return self.slot_duration_ms / 1000

    @property
    def slots_per_epoch(self) -> int:
        """``SLOTS_PER_EPOCH``."""
        return self.preset.SLOTS_PER_EPOCH

    def spec_config(
        self, base: SpecConfig = MAINNET_CONFIG, profile: SpecProfile | str | None = None
    ) -> SpecConfig:
        """``base`` (proof-type policy) with this chain's preset, chain id and ``profile``."""
        config = dataclasses.replace(
            base, preset=self.preset, deposit_chain_id=self.deposit_chain_id
        )
        return config if profile is None else config.with_profile(profile)

    def epoch_at(self, slot: int) -> int:
        """``compute_epoch_at_slot``."""
        return slot // self.slots_per_epoch

    def start_slot(self, epoch: int) -> int:
        """``compute_start_slot_at_epoch``."""
        return epoch * self.slots_per_epoch

    def slot_at_time(self, unix_time: float) -> int:
        """The wall-clock slot at ``unix_time`` (0 before genesis)."""
        return max(0, int((unix_time - self.genesis_time) * 1000) // self.slot_duration_ms)

    def fork_at(self, epoch: int) -> Fork:
        """``state.fork`` of a state in ``epoch``: the last scheduled fork at or before it."""
        current = self.forks[0]
        for fork in self.forks:
            if fork.epoch <= epoch:
                current = fork
        return current

    def fork_name(self, epoch: int) -> str:
        """The fork's name (from the spec's ``*_FORK_VERSION`` keys) or its version in hex."""
        version = self.fork_at(epoch).current_version
        return self.fork_names.get(version, "0x" + version.hex())

    def is_gloas(self, epoch: int) -> bool:
        """True from ``GLOAS_FORK_EPOCH`` on (payload envelopes exist)."""
        return self.gloas_fork_epoch is not None and epoch >= self.gloas_fork_epoch

    def blob_parameters(self, epoch: int) -> tuple[int, int] | None:
        """Fulu ``get_blob_parameters(epoch)`` as ``(epoch, max_blobs)``; None before Fulu."""
        if self.fulu_fork_epoch is None or epoch < self.fulu_fork_epoch:
            return None
        for entry_epoch, max_blobs in sorted(self.blob_schedule, reverse=True):
            if epoch >= entry_epoch:
                return entry_epoch, max_blobs
        if self.electra_blob_parameters is None:
            raise BeaconDataError(f"no blob parameters for epoch {epoch}")
        return self.electra_blob_parameters

    def fork_digest(self, epoch: int) -> bytes:
        """The p2p fork digest at ``epoch`` (Fulu ``compute_fork_digest``; see the module)."""
        version = self.fork_at(epoch).current_version
        return compute_fork_digest(
            version, self.genesis_validators_root, self.blob_parameters(epoch)
        )

    def enr_fork_id(self, epoch: int) -> ENRForkID:
        """The ENR ``eth2`` field at ``epoch``: digest and the next scheduled fork, if any."""
        upcoming = [f for f in self.forks if epoch < f.epoch != FAR_FUTURE_EPOCH]
        current = self.fork_at(epoch)
        return ENRForkID(
            fork_digest=self.fork_digest(epoch),
            next_fork_version=upcoming[0].current_version if upcoming else current.current_version,
            next_fork_epoch=upcoming[0].epoch if upcoming else FAR_FUTURE_EPOCH,
        )
