"""eth2 gossip parameters and the bounds our patches use (``mesh_params``, ``rpc_size``, ...)."""

from __future__ import annotations

import dataclasses
from typing import Final

from libp2p.custom_types import TProtocol
from libp2p.pubsub.gossipsub import PROTOCOL_ID_V11, PROTOCOL_ID_V12
from libp2p.pubsub.score import ScoreParams, TopicScoreParams

from eip8025_p2p.encoding import MAX_COMPRESSED_EXECUTION_PROOF_SIZE

__all__ = [
    "GOSSIP_PROTOCOLS",
    "IDONTWANT_HEARTBEATS",
    "IDONTWANT_MIN_SIZE",
    "IDONTWANT_PROTOCOLS",
    "MAX_GOSSIP_RPC_SIZE",
    "PATCHES",
    "RECENT_DELIVERY_WINDOW",
    "RPC_FRAMING_SLACK",
    "GossipParams",
    "eth2_score_params",
]

MiB: Final = 1024 * 1024

PATCHES: Final = (
    "mesh_params",
    "spam_limit",
    "subscription_limit",
    "rpc_size",
    "outbound_queue",
    "anonymous_publish",
    "message_id",
    "equivocation",
    "recent_deliveries",
    "pending_replay",
    "idontwant",
    "validator_safety",
    "validation_outcomes",
    "scoring",
    "score_retention",
    "graylist_ban",
    "graylist_gate",
    "oversize_penalty",
    "dead_streams",
    "inbound_slots",
    "large_sends",
    "flood_publish",
    "yamux_credit",
)
"""The patch names of the module docstring's table (one test each)."""

RPC_FRAMING_SLACK: Final = 64 * 1024
"""Room for protobuf framing, the topic string and the signed peer record py-libp2p attaches."""
MAX_GOSSIP_RPC_SIZE: Final = MAX_COMPRESSED_EXECUTION_PROOF_SIZE + RPC_FRAMING_SLACK
"""Inbound RPC limit and outbound RPC size limit (one max-size proof fits in one RPC)."""

GOSSIP_PROTOCOLS: Final = (TProtocol(PROTOCOL_ID_V12), TProtocol(PROTOCOL_ID_V11))
IDONTWANT_PROTOCOLS: Final = frozenset({TProtocol(PROTOCOL_ID_V12)})
"""meshsub 1.2 (IDONTWANT) preferred, 1.1 accepted; 1.0 (no scoring / PX) is not offered."""

IDONTWANT_MIN_SIZE: Final = 1024
"""Messages at least this large are announced with IDONTWANT on receipt (go-libp2p: 1 KiB)."""
IDONTWANT_HEARTBEATS: Final = 3
"""Heartbeats a received IDONTWANT id is honoured (go-libp2p keeps them 3 heartbeats)."""

RECENT_DELIVERY_WINDOW: Final = 60.0
"""Seconds of ``recent_message_deliveries`` history kept (all adaptive gossip ever reads)."""


def eth2_score_params() -> ScoreParams:
    """Score parameters that make REJECTs count (``scoring`` patch).

    py-libp2p's score is ``sum(weight * min(counter, cap))`` per topic with the invalid-message
    term (P4) subtracted; there are no mesh-delivery terms and one parameter set for all topics. We
    use only P4: honest peers stay at 0, each REJECT costs 10 and decays by 0.3 % per heartbeat
    (half-life ~230 heartbeats, ~160 s at 0.7 s). py-libp2p applies ``publish_threshold`` to
    messages it *sends* (and to what its stock ``push_msg`` receives), ``gossip_threshold`` to
    gossip, and ``graylist_threshold`` to GRAFTs; :class:`Eth2Pubsub` additionally skips the RPCs
    of graylisted peers unparsed and bans them (``graylist_gate``, ``graylist_ban``). An oversize
    RPC counts as one invalid message on each eth2 topic (``oversize_penalty``); 17 invalid
    messages in a row take a peer below the graylist threshold.
    """
    return ScoreParams(
        p4_invalid_messages=TopicScoreParams(weight=10.0, cap=1000.0, decay=0.997),
        gossip_threshold=-40.0,
        publish_threshold=-80.0,
        graylist_threshold=-160.0,
        accept_px_threshold=0.0,
    )


@dataclasses.dataclass(frozen=True)
class GossipParams:
    """eth2 gossipsub parameters (phase0 p2p-interface.md) plus our py-libp2p bounds."""

    d: int = 8
    d_low: int = 6
    d_high: int = 12
    heartbeat_interval: float = 0.7
    fanout_ttl: int = 60
    mcache_len: int = 6
    mcache_gossip: int = 3
    seen_ttl: int = 385
    """550 heartbeats of 0.7 s (eth2 ``seen_ttl``)."""
    prune_backoff: int = 60
    unsubscribe_backoff: int = 10
    max_rpc_size: int = MAX_GOSSIP_RPC_SIZE
    max_subscriptions_per_peer: int = 1024
    outbound_queue_rpcs: int = 1024
    outbound_queue_bytes: int = 64 * MiB
    publish_backpressure_timeout: float = 10.0
    max_idontwant_messages: int = 1000
    flood_publish: bool = True
    """Our own messages go to every topic peer, not only the mesh (``flood_publish``)."""
    large_message_size: int = 64 * 1024
    """Messages at least this large are serialized once, each send checked (``large_sends``)."""
    large_send_parallel: int = 16
    """Peers a large message is written to at the same time (measured: fewer is slower here)."""
    min_forward_hold: float = 0.0
    """A large forwarded message is held at least this long after it arrived (``large_sends``).
    Measured: 0.25 s removes the 300 KiB duplicates of a loaded 10-node full mesh but adds
    ~0.4 s per message in a mesh of 3 connections per node, so the default is 0."""
    max_forward_hold: float = 0.25
    """At most this many seconds a large forwarded message is held (``large_sends``): the cost
    per hop where nobody else sends it."""
    large_send_timeout: float = 10.0
    """Seconds to wait for one write of a large message before moving on to the next peer."""
    score_params: ScoreParams = dataclasses.field(default_factory=eth2_score_params)
    retain_score: float = 3600.0
    """Seconds a departed peer's score is kept (gossipsub v1.1 ``RetainScore``)."""
    ban_duration: float = 600.0
    """Seconds a peer that fell below the graylist threshold is disconnected for (0: no bans)."""
    stream_reopens: int = 3
    """Gossip sessions re-opened per peer within ``stream_reopen_window`` after a dead stream."""
    stream_reopen_window: float = 60.0

    def __post_init__(self) -> None:
        if not self.d_low <= self.d <= self.d_high:
            raise ValueError("gossip degrees must satisfy d_low <= d <= d_high")
        if self.max_rpc_size < MAX_GOSSIP_RPC_SIZE:
            raise ValueError(f"max_rpc_size must allow a max-size proof ({MAX_GOSSIP_RPC_SIZE})")
        if self.outbound_queue_bytes < self.max_rpc_size:
            raise ValueError("outbound_queue_bytes must hold at least one max-size RPC")
        if self.large_send_parallel < 1:
            raise ValueError("large_send_parallel must be at least 1")
        if not 0 <= self.min_forward_hold <= self.max_forward_hold:
            raise ValueError("forward holds must satisfy 0 <= min_forward_hold <= max_forward_hold")
        if self.retain_score < 0 or self.ban_duration < 0 or self.stream_reopen_window < 0:
            raise ValueError("retain_score, ban_duration and stream_reopen_window must be >= 0")
