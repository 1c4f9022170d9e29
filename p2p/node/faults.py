"""Fault injection for devnets: a byzantine prover's invalid proofs with valid signatures.

Never on a real network: ``eip8025 node --byzantine`` exists so a devnet can show that every node
REJECTs such proofs, penalises the sender and still accepts the payload through honest proofs.
"""

from __future__ import annotations

from collections.abc import Sequence

from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.prover import ProofGenerator, ProverIdentity
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.verification import SpecContext, get_public_input
from eip8025_p2p.node.source import ChainBlock

__all__ = ["forge_proofs"]


def forge_proofs(
    block: ChainBlock,
    proof_types: Sequence[int],
    identity: ProverIdentity,
    generator: ProofGenerator,
    ctx: SpecContext,
) -> list[SignedExecutionProofEnvelopeBase]:
    """Real proofs with one byte flipped, validly signed (run it in a worker thread).

    Raises:
        ProofEngineError: The generator cannot prove a type.
    """
    profile = ctx.profile
    request = block.new_payload_request(profile)
    public_input = get_public_input(request.hash_tree_root(), ctx.config.deposit_chain_id)
    forged = []
    for proof_type in proof_types:
        data = bytearray(generator.generate_proof(public_input, proof_type))
        data[len(data) // 2] ^= 0xFF
        envelope = profile.ExecutionProofEnvelope(
            proof_data=bytes(data), proof_type=proof_type, beacon_block_root=block.root
        )
        signature = get_execution_proof_envelope_signature(
            block.state, envelope, identity.privkey, preset=ctx.preset, bls=ctx.bls
        )
        forged.append(
            profile.SignedExecutionProofEnvelope(
                message=envelope, validator_index=identity.validator_index, signature=signature
            )
        )
    return forged
