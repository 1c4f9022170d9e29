"""Runtime configuration: spec profile, preset, chain values and the proof-type policy inputs.

The proof-type registry, the set of accepted proof types and the ``k``-of-``n`` defaults are
configuration (:class:`ProofTypeRegistry`, :class:`SpecConfig`); nothing else in the package spells
a proof-type id or a threshold. The spec profile (:mod:`eip8025.profiles`) is part of the config, so
one setting - ``spec_profile`` here, ``--spec-profile`` on every command - selects the wire types,
the envelope checks and the gossip rule order everywhere.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from eip8025.errors import ConfigError
from eip8025.profiles import DEFAULT_PROFILE, SpecProfile, get_profile

__all__ = [
    "DEFAULT_ACCEPTANCE_THRESHOLD",
    "DEFAULT_ACCEPTED_PROOF_TYPES",
    "DEFAULT_REGISTRY",
    "MAINNET",
    "MAINNET_CONFIG",
    "MINIMAL",
    "MINIMAL_CONFIG",
    "Preset",
    "ProofTypeInfo",
    "ProofTypeRegistry",
    "SpecConfig",
    "load_config",
    "preset_by_name",
]


@dataclasses.dataclass(frozen=True)
class Preset:
    """The preset values EIP-8025 code depends on."""

    name: str
    SLOTS_PER_EPOCH: int


MAINNET: Final = Preset(name="mainnet", SLOTS_PER_EPOCH=32)
MINIMAL: Final = Preset(name="minimal", SLOTS_PER_EPOCH=8)
_PRESETS: Final = {p.name: p for p in (MAINNET, MINIMAL)}


def preset_by_name(name: str) -> Preset:
    """Return the ``mainnet`` or ``minimal`` preset; ValueError names the valid ones otherwise."""
    try:
        return _PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown preset {name!r}; choose one of {sorted(_PRESETS)}") from None


@dataclasses.dataclass(frozen=True)
class ProofTypeInfo:
    """One registry entry: a proof type id and what it names."""

    id: int
    name: str
    el_guest: str
    zkvm: str

    def __post_init__(self) -> None:
        if not 0 <= self.id <= 255:
            raise ConfigError(f"proof type id {self.id} is not a Uint8")
        if not (self.name and self.el_guest and self.zkvm):
            raise ConfigError(f"proof type {self.id}: name, el_guest and zkvm must be non-empty")


class ProofTypeRegistry:
    """Proof type id -> :class:`ProofTypeInfo`. Ids and names are unique."""

    def __init__(self, entries: Iterable[ProofTypeInfo]) -> None:
        self._by_id: dict[int, ProofTypeInfo] = {}
        self._by_name: dict[str, ProofTypeInfo] = {}
        for entry in entries:
            if entry.id in self._by_id:
                raise ConfigError(f"proof type id {entry.id} is registered twice")
            if entry.name in self._by_name:
                raise ConfigError(f"proof type name {entry.name!r} is registered twice")
            self._by_id[entry.id] = entry
            self._by_name[entry.name] = entry

    def __contains__(self, proof_type: object) -> bool:
        return proof_type in self._by_id

    def __iter__(self) -> Iterator[ProofTypeInfo]:
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
"""Provisional proof-type assignments, ids and names as zkboost >= 0.10 and Lighthouse #10080 use
them (zkboost <= 0.9 counted from 0; Prysm #17490 names only the spec's 1-3)."""

DEFAULT_ACCEPTED_PROOF_TYPES: Final = (1, 2, 3, 5, 6)
"""The five proof types a node accepts by default: the spec's provisional {1, 2, 3} (ethrex on
OpenVM, SP1 and ZisK) plus reth on SP1 and ZisK, so the set spans two EL guests and three zkVMs
and a bug in one guest or one zkVM cannot by itself supply three of the five."""
DEFAULT_ACCEPTANCE_THRESHOLD: Final = 3
"""``k`` of the default ``k``-of-``n`` acceptance policy (``n`` = len(accepted types))."""


@dataclasses.dataclass(frozen=True)
class SpecConfig:
    """Runtime configuration: spec profile, preset, chain values and the proof-type policy inputs.

    Attributes:
        profile: The spec text the node implements (wire types, checks, gossip rule order).
        preset: ``mainnet`` or ``minimal`` preset values.
        deposit_chain_id: ``DEPOSIT_CHAIN_ID`` (the ``chain_id`` of every ``PublicInput``).
        registry: The proof-type registry.
        supported_proof_types: What ``get_supported_proof_types()`` returns on this node.
        acceptance_threshold: ``k`` of the ``k``-of-``n`` acceptance policy.
        min_el_guests: Diversity constraint: distinct EL guests among accepted proofs.
        min_zkvms: Diversity constraint: distinct zkVMs among accepted proofs.
    """

    profile: SpecProfile = DEFAULT_PROFILE
    preset: Preset = MAINNET
    deposit_chain_id: int = 1
    registry: ProofTypeRegistry = DEFAULT_REGISTRY
    supported_proof_types: frozenset[int] = frozenset(DEFAULT_ACCEPTED_PROOF_TYPES)
    acceptance_threshold: int = DEFAULT_ACCEPTANCE_THRESHOLD
    min_el_guests: int = 1
    min_zkvms: int = 1

    def __post_init__(self) -> None:
        """Refuse values no policy or chain can use (the one place a config is validated).

        Whether ``k`` types of the set can ever be accepted is the acceptance policy's check
        (:class:`~eip8025.acceptance.AcceptancePolicy`, ``PolicyError``).

        Raises:
            ConfigError: A chain id outside ``uint64``, a proof type outside ``uint8`` or not in
                the registry, an empty supported set, or a threshold / minimum below 1.
        """
        if not 0 <= self.deposit_chain_id < 2**64:
            raise ConfigError(f"deposit_chain_id {self.deposit_chain_id} is not a uint64")
        if not self.supported_proof_types:
            raise ConfigError("supported_proof_types is empty")
        for proof_type in sorted(self.supported_proof_types):
            if not 0 <= proof_type <= 255:
                raise ConfigError(f"proof type {proof_type} is not a uint8")
        for name in ("acceptance_threshold", "min_el_guests", "min_zkvms"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")

    def spec_exact(self) -> SpecConfig:
        """This config with the profile's own supported set (``get_supported_proof_types()``)."""
        return dataclasses.replace(
            self, supported_proof_types=self.profile.spec_supported_proof_types
        )

    def with_profile(self, profile: SpecProfile | str) -> SpecConfig:
        """This config under another spec profile (a name or a :class:`SpecProfile`)."""
        if isinstance(profile, str):
            profile = get_profile(profile)
        return dataclasses.replace(self, profile=profile)


MAINNET_CONFIG: Final = SpecConfig(preset=MAINNET, deposit_chain_id=1)
MINIMAL_CONFIG: Final = SpecConfig(preset=MINIMAL, deposit_chain_id=5)

_KEYS: Final = frozenset(
    {
        "spec_profile",
        "preset",
        "deposit_chain_id",
        "proof_types",
        "supported_proof_types",
        "acceptance_threshold",
        "min_el_guests",
        "min_zkvms",
    }
)


def load_config(source: Mapping[str, Any] | str | Path) -> SpecConfig:
    """Build a :class:`SpecConfig` from a mapping or a JSON file.

    Recognised keys: ``spec_profile`` (a profile name, default the newest), ``preset``
    ("mainnet"|"minimal"), ``deposit_chain_id``, ``proof_types`` (registry overrides: list of
    ``{id, name, el_guest, zkvm}``), ``supported_proof_types`` (list of ids),
    ``acceptance_threshold``, ``min_el_guests``, ``min_zkvms``. Unknown keys are an error, so a
    typo never silently falls back to a default.

    Raises:
        ConfigError: On an unreadable file, unknown keys or malformed values (the message
            names the key).
    """
    if isinstance(source, (str, Path)):
        try:
            with open(source, encoding="utf-8") as handle:
                data: Any = json.load(handle)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{source}: not a readable JSON file ({exc})") from None
    else:
        data = source
    if not isinstance(data, Mapping):
        raise ConfigError("a config is a JSON object")
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"unknown config keys: {sorted(unknown)}")
    profile = get_profile(str(data.get("spec_profile", DEFAULT_PROFILE.name)))
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
            raise ConfigError(
                f"proof_types: each entry needs id, name, el_guest, zkvm ({exc})"
            ) from None
    supported = base.supported_proof_types
    if "supported_proof_types" in data:
        value = data["supported_proof_types"]
        if not isinstance(value, list):
            raise ConfigError("supported_proof_types: expected a list of proof type ids")
        supported = frozenset(_integer(data, "supported_proof_types", item) for item in value)
    return SpecConfig(
        profile=profile,
        preset=preset,
        deposit_chain_id=_get_int(data, "deposit_chain_id", base.deposit_chain_id),
        registry=registry,
        supported_proof_types=supported,
        acceptance_threshold=_get_int(data, "acceptance_threshold", base.acceptance_threshold),
        min_el_guests=_get_int(data, "min_el_guests", base.min_el_guests),
        min_zkvms=_get_int(data, "min_zkvms", base.min_zkvms),
    )


def _get_int(data: Mapping[str, Any], key: str, default: int) -> int:
    return _integer(data, key, data.get(key, default))


def _integer(data: Mapping[str, Any], key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected an integer, got {value!r}")
    return value
