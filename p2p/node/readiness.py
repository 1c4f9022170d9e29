"""The ``ready`` event: what a started node tells its operator (and the devnet) about itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eip8025_p2p.node.events import ReadyEvent

if TYPE_CHECKING:
    from eip8025_p2p.node.node import ProofNode

__all__ = ["ready_event"]


def ready_event(node: ProofNode, missing: list[str]) -> ReadyEvent:
    """``node``'s identity, addresses, URLs, roles and policy.

    ``missing``: static peers not in the mesh when the wait ended.
    """
    config = node.config
    server = node.metrics_server
    roles = [
        role
        for role, on in (
            ("stateless-validation", config.stateless_validation),
            ("proof-generation", config.proof_generation),
        )
        if on
    ]
    beacon_node = getattr(node.source, "url", None)
    return ReadyEvent(
        name=config.name,
        peer_id=node.node.peer_id.to_base58(),
        enr=node.enr().to_text(),
        multiaddr=str(node.node.addrs[0]),
        listen=f"{config.listen_ip}:{node.node.tcp_port}",
        metrics=None
        if server is None
        else f"http://{config.metrics_address}:{server.port}/metrics",
        api=None if node.api is None else node.api.url,
        roles=roles,
        byzantine=config.byzantine,
        proof_types=list(config.proof_types),
        generate_proof_types=list(config.proven_types),
        validators=[k.validator_index for k in config.validator_keys],
        policy=node.policy.description,
        spec_profile=node.ctx.profile.name,
        fork_digest="0x" + node.fork_digest.hex(),
        missing_peers=missing,
        beacon_node=beacon_node if isinstance(beacon_node, str) else None,
    )
