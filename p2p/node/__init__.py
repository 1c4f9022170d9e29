"""``eip8025 node``: one EIP-8025 node on the devnet chain.

``config`` (flags, checks, keys, peers), ``control`` (genesis / stop from an orchestrator),
``clock`` (slot schedule on an injectable clock), ``peering`` (static peers), ``prover`` (the
prover role), ``faults`` (byzantine fault injection), ``events`` (typed JSON-line events, read
back by the devnet), ``node`` (:class:`DevnetNode`, the composition root).
"""

from .clock import SlotSchedule, TrioUnixClock, UnixClock
from .config import (
    NODE_KEY_FILE,
    NodeConfig,
    NodeConfigError,
    build_proof_engine,
    check_node_config,
    find_validator_index,
    load_node_key,
    parse_peer,
    spec_config,
)
from .control import Control, StdinControl
from .events import (
    AcceptedEvent,
    BlockEvent,
    DoneEvent,
    GenesisEvent,
    NodeEvent,
    PublishedEvent,
    ReadyEvent,
    RestoredEvent,
    VerdictReport,
    event_from_json,
)
from .node import PRUNE_DEPTH, DevnetNode, run_with_signals

__all__ = [
    "NODE_KEY_FILE",
    "PRUNE_DEPTH",
    "AcceptedEvent",
    "BlockEvent",
    "Control",
    "DevnetNode",
    "DoneEvent",
    "GenesisEvent",
    "NodeConfig",
    "NodeConfigError",
    "NodeEvent",
    "PublishedEvent",
    "ReadyEvent",
    "RestoredEvent",
    "SlotSchedule",
    "StdinControl",
    "TrioUnixClock",
    "UnixClock",
    "VerdictReport",
    "build_proof_engine",
    "check_node_config",
    "event_from_json",
    "find_validator_index",
    "load_node_key",
    "parse_peer",
    "run_with_signals",
    "spec_config",
]
