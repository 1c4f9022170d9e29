"""Follow a real beacon node through the standard Beacon API (``eip8025 node --beacon-node URL``).

* :class:`BeaconFollower` (:mod:`.follower`): keeps a chain view current from a beacon node's
  event stream, reconnecting with backoff, catching up, handling reorgs and finality; reports to
  :class:`FollowerCallbacks`; gives :class:`FollowerStatus`, the fork digest and
  :class:`StatusMessage` (req/resp Status values).
* :class:`ChainTracker`, :class:`FollowedBlock`, :class:`Reorg` (:mod:`.tracker`): the blocks,
  head and finality held, and the state view built for each block.
* :class:`ChainInfo` (:mod:`.chaininfo`): the chain's spec config, forks and fork digests.
* :class:`BeaconApiClient` (:mod:`.client`): the endpoints, typed (:mod:`.models`,
  :mod:`.events`), over ``httpx`` on trio.
* :class:`BeaconNodeError` (:mod:`.errors`): the root of every error here.
"""

from eip8025_p2p.beacon.chaininfo import ChainInfo
from eip8025_p2p.beacon.client import BeaconApiClient, BlockId
from eip8025_p2p.beacon.errors import (
    BeaconApiError,
    BeaconDataError,
    BeaconNodeError,
    BeaconNodeTimeout,
    BeaconNodeUnavailable,
    ChainMismatch,
)
from eip8025_p2p.beacon.events import (
    BeaconEvent,
    BlockEvent,
    ChainReorgEvent,
    ExecutionPayloadEvent,
    FinalizedCheckpointEvent,
    HeadEvent,
    SseMessage,
    parse_event,
    sse_messages,
)
from eip8025_p2p.beacon.follower import BeaconFollower
from eip8025_p2p.beacon.models import (
    BeaconPeer,
    BlockInfo,
    FinalityCheckpoints,
    Genesis,
    HeaderInfo,
    NodeIdentityInfo,
    SyncingStatus,
)
from eip8025_p2p.beacon.status import (
    FollowerCallbacks,
    FollowerConfig,
    FollowerStatus,
    StatusMessage,
)
from eip8025_p2p.beacon.tracker import ChainTracker, Changes, FollowedBlock, Reorg
from eip8025_p2p.beacon.validators import ValidatorRegistry

__all__ = [
    "BeaconApiClient",
    "BeaconApiError",
    "BeaconDataError",
    "BeaconEvent",
    "BeaconFollower",
    "BeaconNodeError",
    "BeaconNodeTimeout",
    "BeaconNodeUnavailable",
    "BeaconPeer",
    "BlockEvent",
    "BlockId",
    "BlockInfo",
    "ChainInfo",
    "ChainMismatch",
    "ChainReorgEvent",
    "ChainTracker",
    "Changes",
    "ExecutionPayloadEvent",
    "FinalityCheckpoints",
    "FinalizedCheckpointEvent",
    "FollowedBlock",
    "FollowerCallbacks",
    "FollowerConfig",
    "FollowerStatus",
    "Genesis",
    "HeadEvent",
    "HeaderInfo",
    "NodeIdentityInfo",
    "Reorg",
    "SseMessage",
    "StatusMessage",
    "SyncingStatus",
    "ValidatorRegistry",
    "parse_event",
    "sse_messages",
]
