"""``eip8025 node``: one EIP-8025 node, on the devnet chain or beside a real beacon node.

``config`` (flags, checks, keys, peers), ``source`` (where the chain comes from:
``devnet_source`` or ``beacon_source``), ``control`` (genesis / stop from an orchestrator),
``clock`` (slot schedule on an injectable clock), ``peering`` (static peers, a beacon node's
peers), ``prover`` (the prover role) and ``submitter`` (POST to a beacon node), ``faults``
(byzantine fault injection), ``watchdog`` (alerts), ``events`` (typed JSON-line events, read
back by the devnet), ``api_view`` (the node as the Beacon API sees it), ``node``
(:class:`ProofNode`, the composition root).
"""

from eip8025_p2p.node.beacon_source import BeaconSource
from eip8025_p2p.node.clock import SlotSchedule, TrioUnixClock, UnixClock
from eip8025_p2p.node.config import (
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
from eip8025_p2p.node.control import Control, StdinControl
from eip8025_p2p.node.devnet_source import PRUNE_DEPTH, DevnetSource
from eip8025_p2p.node.events import (
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
from eip8025_p2p.node.node import ProofNode, run_with_signals
from eip8025_p2p.node.source import ChainBlock, ChainSink, ChainSource

__all__ = [
    "NODE_KEY_FILE",
    "PRUNE_DEPTH",
    "AcceptedEvent",
    "BeaconSource",
    "BlockEvent",
    "ChainBlock",
    "ChainSink",
    "ChainSource",
    "Control",
    "DevnetSource",
    "DoneEvent",
    "GenesisEvent",
    "NodeConfig",
    "NodeConfigError",
    "NodeEvent",
    "ProofNode",
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
