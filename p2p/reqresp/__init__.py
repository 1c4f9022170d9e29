"""eth2 req/resp (``ssz_snappy``) for the handshake: Status, MetaData, Ping and Goodbye.

Real consensus clients keep a connection only to peers that answer these (Lodestar, Lighthouse
and Prysm exchange Status on connection, ping every 10-20 s and disconnect peers on another fork
digest). Layers, bottom up: :mod:`.framing` (uvarint, snappy frames, exact stream reader),
:mod:`.codec` (requests and response chunks), :mod:`.messages` (the SSZ containers),
:mod:`.protocol` (protocol ids, one request over a stream), :mod:`.ratelimit`, and the service
(:class:`ReqResp`: handlers, client calls, per-peer handshake and state).

Usage::

    source = StaticStatusSource(StatusV2(...), MetaDataV3(seq_number=1))
    reqresp = ReqResp(node.host, source)
    async with node.running(), reqresp.running():
        ...
        reqresp.peers.connected()   # PeerState of every connected peer
"""

from eip8025_p2p.reqresp.codec import (
    ResponseChunk,
    ResultCode,
    decode_request,
    decode_response_chunk,
    encode_error_chunk,
    encode_request,
    encode_success_chunk,
)
from eip8025_p2p.reqresp.config import ReqRespConfig
from eip8025_p2p.reqresp.errors import (
    CodecError,
    InvalidResponse,
    ProtocolNotSupported,
    ReqRespError,
    RequestError,
    RequestTimeout,
    ResponseError,
    StreamFailed,
)
from eip8025_p2p.reqresp.framing import MAX_PAYLOAD_SIZE, SizeBounds
from eip8025_p2p.reqresp.messages import (
    GOODBYE_BANNED,
    GOODBYE_BANNED_IP,
    GOODBYE_CLIENT_SHUTDOWN,
    GOODBYE_FAULT,
    GOODBYE_IRRELEVANT_NETWORK,
    GOODBYE_SCORE_TOO_LOW,
    GOODBYE_TOO_MANY_PEERS,
    GOODBYE_UNABLE_TO_VERIFY_NETWORK,
    MetaDataV2,
    MetaDataV3,
    StatusV1,
    StatusV2,
    goodbye_reason_name,
)
from eip8025_p2p.reqresp.peers import PeerState, PeerTable
from eip8025_p2p.reqresp.protocol import (
    ALL_METHODS,
    GOODBYE_V1,
    METADATA_V2,
    METADATA_V3,
    PING_V1,
    RESP_TIMEOUT,
    STATUS_V1,
    STATUS_V2,
    TTFB_TIMEOUT,
    Method,
    Timeouts,
    send_request,
)
from eip8025_p2p.reqresp.ratelimit import (
    DEFAULT_RATE_LIMITS,
    MAX_CONCURRENT_REQUESTS,
    RateLimit,
    RateLimiter,
)
from eip8025_p2p.reqresp.service import ReqResp
from eip8025_p2p.reqresp.source import StaticStatusSource, StatusSource

__all__ = [
    "ALL_METHODS",
    "DEFAULT_RATE_LIMITS",
    "GOODBYE_BANNED",
    "GOODBYE_BANNED_IP",
    "GOODBYE_CLIENT_SHUTDOWN",
    "GOODBYE_FAULT",
    "GOODBYE_IRRELEVANT_NETWORK",
    "GOODBYE_SCORE_TOO_LOW",
    "GOODBYE_TOO_MANY_PEERS",
    "GOODBYE_UNABLE_TO_VERIFY_NETWORK",
    "GOODBYE_V1",
    "MAX_CONCURRENT_REQUESTS",
    "MAX_PAYLOAD_SIZE",
    "METADATA_V2",
    "METADATA_V3",
    "PING_V1",
    "RESP_TIMEOUT",
    "STATUS_V1",
    "STATUS_V2",
    "TTFB_TIMEOUT",
    "CodecError",
    "InvalidResponse",
    "MetaDataV2",
    "MetaDataV3",
    "Method",
    "PeerState",
    "PeerTable",
    "ProtocolNotSupported",
    "RateLimit",
    "RateLimiter",
    "ReqResp",
    "ReqRespConfig",
    "ReqRespError",
    "RequestError",
    "RequestTimeout",
    "ResponseChunk",
    "ResponseError",
    "ResultCode",
    "SizeBounds",
    "StaticStatusSource",
    "StatusSource",
    "StatusV1",
    "StatusV2",
    "StreamFailed",
    "Timeouts",
    "decode_request",
    "decode_response_chunk",
    "encode_error_chunk",
    "encode_request",
    "encode_success_chunk",
    "goodbye_reason_name",
    "send_request",
]
