"""The k-of-n acceptance policy: when enough distinct proof types verify, a payload is proven.

A payload (identified by its beacon block root) is *proven* once verified proofs of at least ``k``
distinct proof types from the configured set of ``n`` exist, optionally with at least ``D`` distinct
EL guests and ``Z`` distinct zkVMs among them (per the proof-type registry). Proofs are never
counted per prover: two provers sending the same proof type count once.

A policy that can never be met is refused when it is built, with one clear line
(:class:`PolicyError`), so a misconfigured node fails at start-up rather than never accepting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Protocol

from eip8025.config import ProofTypeRegistry, SpecConfig
from eip8025.errors import Eip8025Error

__all__ = ["AcceptancePolicy", "AcceptanceRecord", "ForkChoiceSink", "PolicyError"]


class PolicyError(Eip8025Error, ValueError):
    """The acceptance policy is impossible or refers to unknown proof types."""


@dataclasses.dataclass(frozen=True)
class AcceptancePolicy:
    """``k``-of-``n`` over configured proof types, with optional diversity constraints."""

    threshold: int
    proof_types: frozenset[int]
    registry: ProofTypeRegistry
    min_el_guests: int = 1
    min_zkvms: int = 1

    def __post_init__(self) -> None:
        n = len(self.proof_types)
        if self.threshold < 1:
            raise PolicyError(f"proof threshold must be at least 1, got {self.threshold}")
        unknown = sorted(t for t in self.proof_types if t not in self.registry)
        if unknown:
            raise PolicyError(f"proof types {unknown} are not in the proof-type registry")
        if self.threshold > n:
            raise PolicyError(
                f"proof threshold {self.threshold} exceeds the {n} accepted proof types "
                f"{sorted(self.proof_types)}: it can never be met"
            )
        if self.min_el_guests < 1 or self.min_zkvms < 1:
            raise PolicyError("diversity minimums must be at least 1")
        guests = {self.registry.get(t).el_guest for t in self.proof_types}
        zkvms = {self.registry.get(t).zkvm for t in self.proof_types}
        if len(guests) < self.min_el_guests or len(zkvms) < self.min_zkvms:
            raise PolicyError(
                f"diversity impossible: accepted proof types span {len(guests)} EL guests and "
                f"{len(zkvms)} zkVMs, policy needs {self.min_el_guests} and {self.min_zkvms}"
            )

    @classmethod
    def from_config(cls, config: SpecConfig) -> AcceptancePolicy:
        """Build the policy a config describes (``n`` = its supported proof types)."""
        return cls(
            threshold=config.acceptance_threshold,
            proof_types=config.supported_proof_types,
            registry=config.registry,
            min_el_guests=config.min_el_guests,
            min_zkvms=config.min_zkvms,
        )

    @property
    def description(self) -> str:
        """E.g. ``3-of-5 over [1, 2, 3, 5, 6]``."""
        text = f"{self.threshold}-of-{len(self.proof_types)} over {sorted(self.proof_types)}"
        if self.min_el_guests > 1 or self.min_zkvms > 1:
            text += f" (>= {self.min_el_guests} EL guests, >= {self.min_zkvms} zkVMs)"
        return text

    def is_satisfied(self, verified_proof_types: Iterable[int]) -> bool:
        """True when the verified types meet the threshold and the diversity minimums."""
        counted = {t for t in verified_proof_types if t in self.proof_types}
        if len(counted) < self.threshold:
            return False
        guests = {self.registry.get(t).el_guest for t in counted}
        zkvms = {self.registry.get(t).zkvm for t in counted}
        return len(guests) >= self.min_el_guests and len(zkvms) >= self.min_zkvms


@dataclasses.dataclass(frozen=True)
class AcceptanceRecord:
    """What the fork-choice hook is told when a payload becomes proven."""

    beacon_block_root: bytes
    slot: int
    proof_types: tuple[int, ...]
    """The verified proof types at the moment the policy was met, in arrival order."""


class ForkChoiceSink(Protocol):
    """Where a host client receives "payload proven" (e.g. to mark the payload valid)."""

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """Called exactly once per beacon block root, when the policy is first met."""
        ...
