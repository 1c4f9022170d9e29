"""EIP-8025 optional execution proofs: the pure core (no network, no event loop).

Data flows one way: wire bytes -> ``profile.SignedExecutionProofEnvelope.decode_bytes`` ->
:func:`validate_execution_proof_gossip` (checks, signature, proof engine) ->
:func:`on_validated_execution_proof` (store) -> the acceptance policy -> :class:`ForkChoiceSink`.
Which spec text is implemented is configuration: :class:`SpecConfig` carries a
:class:`SpecProfile` (default :data:`DEFAULT_PROFILE`, ``2026-10``).
"""

from eip8025.acceptance import AcceptancePolicy, AcceptanceRecord, ForkChoiceSink, PolicyError
from eip8025.bls import BLSBackend, MilagroBackend, PyEccBackend, default_backend, get_backend
from eip8025.chain import (
    BeaconStateView,
    ChainView,
    InMemoryChainView,
    StaticStateView,
    ValidatorView,
    is_active_validator,
)
from eip8025.config import (
    MAINNET_CONFIG,
    MINIMAL_CONFIG,
    ProofTypeInfo,
    ProofTypeRegistry,
    SpecConfig,
    load_config,
)
from eip8025.containers import (
    DOMAIN_EXECUTION_PROOF,
    MAX_PROOF_SIZE,
    STATELESS_INPUT_SCHEMA_ID,
    PublicInput,
)
from eip8025.engine import ProofEngine, ProofEngineError, ProofEngineUnavailable
from eip8025.forkchoice import on_execution_proof, on_validated_execution_proof
from eip8025.gossip import (
    GossipError,
    GossipIgnore,
    GossipReason,
    GossipReject,
    Seen,
    validate_execution_proof_gossip,
)
from eip8025.native import install_merkleizer as _install_merkleizer
from eip8025.profiles import DEFAULT_PROFILE, PROFILES, SpecProfile, get_profile
from eip8025.signing import (
    compute_domain,
    compute_fork_data_root,
    compute_signing_root,
    get_domain,
    get_execution_proof_envelope_signature,
)
from eip8025.store import ExecutionProofStore
from eip8025.verification import (
    EnvelopeCheck,
    EnvelopeInvalid,
    SpecContext,
    get_execution_proof,
    get_supported_proof_types,
    process_execution_proof,
    verify_execution_proof_envelope,
)

# Merkleize with the native SHA-256 (raises ImportError if the C extension is missing).
_install_merkleizer()

__all__ = [
    "DEFAULT_PROFILE",
    "DOMAIN_EXECUTION_PROOF",
    "MAINNET_CONFIG",
    "MAX_PROOF_SIZE",
    "MINIMAL_CONFIG",
    "PROFILES",
    "STATELESS_INPUT_SCHEMA_ID",
    "AcceptancePolicy",
    "AcceptanceRecord",
    "BLSBackend",
    "BeaconStateView",
    "ChainView",
    "EnvelopeCheck",
    "EnvelopeInvalid",
    "ExecutionProofStore",
    "ForkChoiceSink",
    "GossipError",
    "GossipIgnore",
    "GossipReason",
    "GossipReject",
    "InMemoryChainView",
    "MilagroBackend",
    "PolicyError",
    "ProofEngine",
    "ProofEngineError",
    "ProofEngineUnavailable",
    "ProofTypeInfo",
    "ProofTypeRegistry",
    "PublicInput",
    "PyEccBackend",
    "Seen",
    "SpecConfig",
    "SpecContext",
    "SpecProfile",
    "StaticStateView",
    "ValidatorView",
    "compute_domain",
    "compute_fork_data_root",
    "compute_signing_root",
    "default_backend",
    "get_backend",
    "get_domain",
    "get_execution_proof",
    "get_execution_proof_envelope_signature",
    "get_profile",
    "get_supported_proof_types",
    "is_active_validator",
    "load_config",
    "on_execution_proof",
    "on_validated_execution_proof",
    "process_execution_proof",
    "validate_execution_proof_gossip",
    "verify_execution_proof_envelope",
]
