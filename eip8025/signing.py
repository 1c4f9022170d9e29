"""Domains and signing roots (phase0 helpers) and the EIP-8025 prover signature.

Functions keep the spec's names and argument order; the ``preset`` they need for epoch arithmetic
is passed explicitly rather than read from a global.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from eip8025.bls import BLSBackend
from eip8025.chain import BeaconStateView
from eip8025.containers import (
    DOMAIN_EXECUTION_PROOF,
    ExecutionProofEnvelopeBase,
    ForkData,
    SigningData,
)
from eip8025.ssz.container import Container

if TYPE_CHECKING:
    from eip8025.config import Preset

__all__ = [
    "compute_domain",
    "compute_epoch_at_slot",
    "compute_fork_data_root",
    "compute_fork_digest",
    "compute_signing_root",
    "get_current_epoch",
    "get_domain",
    "get_execution_proof_envelope_signature",
]


def compute_epoch_at_slot(slot: int, preset: Preset) -> int:
    """Return the epoch number at ``slot``."""
    return slot // preset.SLOTS_PER_EPOCH


def get_current_epoch(state: BeaconStateView, preset: Preset) -> int:
    """Return the current epoch of ``state``."""
    return compute_epoch_at_slot(state.slot, preset)


def compute_fork_data_root(current_version: bytes, genesis_validators_root: bytes) -> bytes:
    """Return ``hash_tree_root(ForkData(current_version, genesis_validators_root))``."""
    return ForkData(
        current_version=current_version, genesis_validators_root=genesis_validators_root
    ).hash_tree_root()


def compute_domain(
    domain_type: bytes,
    fork_version: bytes,
    genesis_validators_root: bytes,
) -> bytes:
    """Return ``domain_type + fork_data_root[:28]``."""
    if len(domain_type) != 4 or len(fork_version) != 4 or len(genesis_validators_root) != 32:
        raise ValueError("domain type / fork version are 4 bytes, genesis_validators_root 32")
    return domain_type + compute_fork_data_root(fork_version, genesis_validators_root)[:28]


def get_domain(
    state: BeaconStateView, domain_type: bytes, epoch: int | None, preset: Preset
) -> bytes:
    """Return the signature domain of ``domain_type`` at ``epoch`` (default: current epoch)."""
    if epoch is None:
        epoch = get_current_epoch(state, preset)
    fork = state.fork
    fork_version = fork.previous_version if epoch < fork.epoch else fork.current_version
    return compute_domain(domain_type, fork_version, state.genesis_validators_root)


def compute_fork_digest(
    fork_version: bytes,
    genesis_validators_root: bytes,
    blob_parameters: tuple[int, int] | None,
) -> bytes:
    """Fulu+ ``compute_fork_digest`` with the fork version and blob parameters passed in.

    Args:
        fork_version: ``compute_fork_version(epoch)`` of the caller's fork schedule.
        genesis_validators_root: The chain's genesis validators root.
        blob_parameters: ``(epoch, max_blobs_per_block)`` of ``get_blob_parameters(epoch)``, or
            None before Fulu (then the digest is the first 4 bytes of the fork data root).
    """
    base_digest = compute_fork_data_root(fork_version, genesis_validators_root)
    if blob_parameters is None:
        return base_digest[:4]
    epoch, max_blobs = blob_parameters
    mask = hashlib.sha256(epoch.to_bytes(8, "little") + max_blobs.to_bytes(8, "little")).digest()
    return bytes(a ^ b for a, b in zip(base_digest[:4], mask[:4], strict=True))


def compute_signing_root(ssz_object: Container, domain: bytes) -> bytes:
    """Return ``hash_tree_root(SigningData(object_root=hash_tree_root(obj), domain=domain))``."""
    return SigningData(object_root=ssz_object.hash_tree_root(), domain=domain).hash_tree_root()


def get_execution_proof_envelope_signature(
    state: BeaconStateView,
    proof_envelope: ExecutionProofEnvelopeBase,
    privkey: int,
    *,
    preset: Preset,
    bls: BLSBackend,
) -> bytes:
    """``get_execution_proof_envelope_signature`` (2026-08 prover.md): DOMAIN_EXECUTION_PROOF.

    (2026-10 removed prover.md; the signature is what ``verify_execution_proof_envelope`` checks.)
    """
    domain = get_domain(
        state, DOMAIN_EXECUTION_PROOF, compute_epoch_at_slot(state.slot, preset), preset
    )
    signing_root = compute_signing_root(proof_envelope, domain)
    return bls.sign(privkey, signing_root)
