"""What a spec profile is: the wire types, checks and gossip rule order of one pinned text.

The rest of the package never asks *which* profile it runs: it reads what it needs from the
:class:`SpecProfile` it is handed (through :class:`~eip8025.config.SpecConfig`), e.g.
``ctx.profile.SignedExecutionProofEnvelope`` or ``ctx.profile.validate_execution_proof_gossip``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from eip8025.containers import (
    ExecutionPayloadEnvelope,
    ExecutionProofBase,
    ExecutionProofEnvelopeBase,
    NewPayloadRequestBase,
    SignedExecutionProofEnvelopeBase,
)
from eip8025.ssz.container import Container

if TYPE_CHECKING:
    from eip8025.chain import BeaconStateView
    from eip8025.engine import ProofEngine
    from eip8025.gossip import Seen
    from eip8025.store import ExecutionProofStore
    from eip8025.verification import SpecContext

__all__ = ["EnvelopeVerifier", "GossipValidator", "SpecProfile"]


class EnvelopeVerifier(Protocol):
    """A profile's ``verify_execution_proof_envelope`` behind one call shape.

    The payload envelope is passed to every profile; a text that does not read it (2026-10)
    ignores it.
    """

    def __call__(
        self,
        state: BeaconStateView,
        signed_proof_envelope: SignedExecutionProofEnvelopeBase,
        payload_envelope: ExecutionPayloadEnvelope,
        ctx: SpecContext,
    ) -> None:
        """Raise :class:`~eip8025.verification.EnvelopeInvalid` naming the failed check."""
        ...


class GossipValidator(Protocol):
    """A profile's ``validate_execution_proof_gossip`` (its rules in its order)."""

    def __call__(
        self,
        seen: Seen,
        store: ExecutionProofStore,
        signed_proof_envelope: SignedExecutionProofEnvelopeBase,
        proof_engine: ProofEngine,
    ) -> None:
        """Return to accept; raise ``GossipIgnore`` / ``GossipReject`` otherwise."""
        ...


@dataclasses.dataclass(frozen=True, eq=False)
class SpecProfile:
    """One pinned EIP-8025 text (compared by identity: each profile module makes one).

    Attributes:
        name: What ``--spec-profile`` and the config key ``spec_profile`` say, e.g. ``2026-10``.
        summary: One line for ``--help`` and logs.
        spec_commits: consensus-specs file -> the commit its text is pinned at.
        ExecutionProof: The profile's ``ExecutionProof`` container.
        ExecutionProofEnvelope: Its ``ExecutionProofEnvelope`` (what a prover signs).
        SignedExecutionProofEnvelope: Its gossip message.
        NewPayloadRequest: The container whose root is ``PublicInput.new_payload_request_root``.
        max_signed_execution_proof_envelope_size: The SSZ bound of the gossip message (checked
            before decompressing).
        spec_supported_proof_types: What its ``get_supported_proof_types()`` returns.
        ssz_types: Every container of the text by spec name (``ssz_static`` handlers), the
            Gloas base included.
        verify_execution_proof_envelope: Its envelope checks, in its order.
        validate_execution_proof_gossip: Its gossip rules, in its order.
    """

    name: str
    summary: str
    spec_commits: Mapping[str, str]
    ExecutionProof: type[ExecutionProofBase]
    ExecutionProofEnvelope: type[ExecutionProofEnvelopeBase]
    SignedExecutionProofEnvelope: type[SignedExecutionProofEnvelopeBase]
    NewPayloadRequest: type[NewPayloadRequestBase]
    max_signed_execution_proof_envelope_size: int
    spec_supported_proof_types: frozenset[int]
    ssz_types: Mapping[str, type[Container]]
    verify_execution_proof_envelope: EnvelopeVerifier
    validate_execution_proof_gossip: GossipValidator

    def __repr__(self) -> str:
        return f"SpecProfile({self.name!r})"
