"""The node's Beacon API: beacon-APIs #569 proof submission, node endpoints and events.

``server`` (:class:`ApiServer`: Starlette routes on hypercorn's trio worker), ``proofs`` (POST
and GET ``/eth/v1/beacon/execution_proofs``), ``node_routes`` (``/eth/v1/node/*``), ``events``
(``/eth/v1/events``, bounded per subscriber), ``backend`` (what the API asks of a node),
``config`` (bounds), ``errors`` (beacon-APIs error objects).
"""

from eip8025_p2p.api.backend import ApiBackend, BlockRef, NodeIdentity, PeerInfo, SyncStatus
from eip8025_p2p.api.config import ApiConfig
from eip8025_p2p.api.events import EXECUTION_PAYLOAD_PROVEN, EXECUTION_PROOF, TOPICS, EventBroker
from eip8025_p2p.api.proofs import decode_proof_list
from eip8025_p2p.api.server import ApiServer

__all__ = [
    "EXECUTION_PAYLOAD_PROVEN",
    "EXECUTION_PROOF",
    "TOPICS",
    "ApiBackend",
    "ApiConfig",
    "ApiServer",
    "BlockRef",
    "EventBroker",
    "NodeIdentity",
    "PeerInfo",
    "SyncStatus",
    "decode_proof_list",
]
