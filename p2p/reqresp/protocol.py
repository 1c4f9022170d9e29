"""Protocol ids, the requesting side of one interaction, and the responder's write helpers.

One stream per request (phase0 ``p2p-interface.md``, *Req/Resp interaction*): the requester
negotiates the protocol id (offering several versions, best first: multistream-select picks the
first the peer supports), writes the request, closes its write side and reads one response
chunk. Deadlines: opening and writing within ``open`` seconds, the first response byte within
``TTFB_TIMEOUT`` (5 s), the rest of the chunk within ``RESP_TIMEOUT`` (10 s). The spec
deprecated those two constants (consensus-specs #3767, removed from the configs in #4532) but
clients still apply these values (Lodestar: 5 s / 10 s), so a peer slower than that is treated
as not answering. A timed-out or invalid response resets the stream.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Final, Protocol

import trio
from libp2p.custom_types import TProtocol
from libp2p.peer.id import ID
from libp2p.protocol_muxer.exceptions import MultiselectClientError

from eip8025_p2p.reqresp.codec import (
    ResultCode,
    encode_error_chunk,
    encode_request,
    encode_success_chunk,
    error_text,
    read_chunk_payload,
    read_result,
)
from eip8025_p2p.reqresp.errors import (
    CodecError,
    InvalidResponse,
    ProtocolNotSupported,
    RequestTimeout,
    ResponseError,
    StreamFailed,
)
from eip8025_p2p.reqresp.framing import SizeBounds, StreamReader
from eip8025_p2p.reqresp.messages import (
    UINT64_BOUNDS,
    MetaDataV2,
    MetaDataV3,
    StatusV1,
    StatusV2,
    size_bounds,
)

__all__ = [
    "ALL_METHODS",
    "GOODBYE_V1",
    "METADATA_V2",
    "METADATA_V3",
    "PING_V1",
    "PROTOCOL_PREFIX",
    "RESP_TIMEOUT",
    "STATUS_V1",
    "STATUS_V2",
    "TTFB_TIMEOUT",
    "Method",
    "Stream",
    "StreamOpener",
    "Timeouts",
    "abort_stream",
    "send_request",
    "write_error",
    "write_success",
]

logger = logging.getLogger(__name__)

PROTOCOL_PREFIX: Final = "/eth2/beacon_chain/req"
TTFB_TIMEOUT: Final = 5.0
"""Seconds to the first response byte (the former phase0 ``TTFB_TIMEOUT``)."""
RESP_TIMEOUT: Final = 10.0
"""Seconds for the rest of a response chunk, and for reading a whole request."""


@dataclasses.dataclass(frozen=True)
class Method:
    """One versioned req/resp method with ``ssz_snappy`` encoding.

    Attributes:
        name: The message name (``status``, ``ping``, ...).
        version: The schema version.
        request: Size bounds of the request, or None when the request has no content.
        response: Size bounds of a success response.
    """

    name: str
    version: int
    request: SizeBounds | None
    response: SizeBounds

    @property
    def protocol_id(self) -> TProtocol:
        """``/eth2/beacon_chain/req/<name>/<version>/ssz_snappy``."""
        return TProtocol(f"{PROTOCOL_PREFIX}/{self.name}/{self.version}/ssz_snappy")

    @property
    def label(self) -> str:
        """``name/vN`` for logs."""
        return f"{self.name}/v{self.version}"


STATUS_V1: Final = Method("status", 1, size_bounds(StatusV1), size_bounds(StatusV1))
STATUS_V2: Final = Method("status", 2, size_bounds(StatusV2), size_bounds(StatusV2))
GOODBYE_V1: Final = Method("goodbye", 1, UINT64_BOUNDS, UINT64_BOUNDS)
PING_V1: Final = Method("ping", 1, UINT64_BOUNDS, UINT64_BOUNDS)
METADATA_V2: Final = Method("metadata", 2, None, size_bounds(MetaDataV2))
METADATA_V3: Final = Method("metadata", 3, None, size_bounds(MetaDataV3))
ALL_METHODS: Final = (STATUS_V1, STATUS_V2, GOODBYE_V1, PING_V1, METADATA_V2, METADATA_V3)


@dataclasses.dataclass(frozen=True)
class Timeouts:
    """Requester deadlines in seconds."""

    open: float = 5.0
    """Opening the stream, negotiating the protocol and writing the request."""
    ttfb: float = TTFB_TIMEOUT
    resp: float = RESP_TIMEOUT


class Stream(Protocol):
    """The stream operations used here (py-libp2p's ``INetStream`` provides them)."""

    async def read(self, n: int | None = None) -> bytes:
        """Read up to ``n`` bytes."""
        ...

    async def write(self, data: bytes) -> None:
        """Write all of ``data``."""
        ...

    async def close(self) -> None:
        """Close the write side (py-libp2p: and release the stream)."""
        ...

    async def reset(self) -> None:
        """Abort the stream in both directions."""
        ...

    def get_protocol(self) -> TProtocol | None:
        """The negotiated protocol id."""
        ...


class StreamOpener(Protocol):
    """Opens negotiated streams (py-libp2p's ``IHost``)."""

    async def new_stream(self, peer_id: ID, protocol_ids: Sequence[TProtocol]) -> Stream:
        """A stream to ``peer_id`` on the first protocol id the peer supports."""
        ...


async def abort_stream(stream: Stream) -> None:
    """Reset a stream, ignoring failures and surviving cancellation."""
    with trio.CancelScope(shield=True), trio.move_on_after(1.0):
        try:
            await stream.reset()
        except Exception:  # the stream may already be gone
            logger.debug("stream reset failed", exc_info=True)


async def _finish(stream: Stream) -> None:
    """Close a stream after a complete interaction (best effort)."""
    with trio.move_on_after(1.0):
        try:
            await stream.close()
        except Exception:
            logger.debug("stream close failed", exc_info=True)


async def _close_write(stream: Stream) -> None:
    """Half-close: py-libp2p's ``NetStream.close_write`` when present, else ``close``."""
    close_write = getattr(stream, "close_write", None)
    if callable(close_write):
        await close_write()
    else:
        await stream.close()


async def _open(opener: StreamOpener, peer_id: ID, methods: Sequence[Method]) -> Stream:
    try:
        return await opener.new_stream(peer_id, [m.protocol_id for m in methods])
    except Exception as exc:  # py-libp2p raises StreamFailure, SwarmException, ...
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        if isinstance(cause, MultiselectClientError):
            names = ", ".join(m.protocol_id for m in methods)
            raise ProtocolNotSupported(f"peer supports none of {names}") from exc
        raise StreamFailed(f"cannot open a stream: {exc!r}") from exc


async def send_request(
    opener: StreamOpener,
    peer_id: ID,
    methods: Sequence[Method],
    request: Callable[[Method], bytes | None],
    timeouts: Timeouts = Timeouts(),
) -> tuple[Method, bytes]:
    """One request with a single-chunk response; return the method used and the SSZ bytes.

    Args:
        opener: The host.
        peer_id: The peer.
        methods: Versions of one method, preferred first (e.g. ``[STATUS_V2, STATUS_V1]``).
        request: The request's SSZ bytes for the negotiated method (None: no content).
        timeouts: The deadlines.

    Raises:
        RequestError: :class:`ResponseError` (error result), :class:`RequestTimeout`,
            :class:`InvalidResponse`, :class:`ProtocolNotSupported` or :class:`StreamFailed`.
    """
    try:
        with trio.fail_after(timeouts.open):
            stream = await _open(opener, peer_id, methods)
    except trio.TooSlowError:
        raise RequestTimeout("open", timeouts.open) from None
    by_id = {m.protocol_id: m for m in methods}
    method = by_id.get(stream.get_protocol() or TProtocol(""))
    if method is None:
        await abort_stream(stream)
        raise StreamFailed(f"negotiated an unexpected protocol {stream.get_protocol()!r}")
    try:
        payload = request(method)
    except BaseException:
        await abort_stream(stream)
        raise
    stage, deadline = "open", timeouts.open
    try:
        with trio.fail_after(deadline):
            if payload is not None:
                await stream.write(encode_request(payload))
            await _close_write(stream)
        reader = StreamReader(stream)
        stage, deadline = "ttfb", timeouts.ttfb
        with trio.fail_after(deadline):
            result = await read_result(reader)
        stage, deadline = "resp", timeouts.resp
        with trio.fail_after(deadline):
            body = await read_chunk_payload(reader, result, method.response)
    except trio.TooSlowError:
        await abort_stream(stream)
        raise RequestTimeout(stage, deadline) from None
    except CodecError as exc:
        await abort_stream(stream)
        raise InvalidResponse(f"{method.label}: {exc}") from exc
    except Exception as exc:  # py-libp2p stream errors (reset, closed, connection gone)
        await abort_stream(stream)
        raise StreamFailed(f"{method.label}: {exc!r}") from exc
    await _finish(stream)
    if result != ResultCode.SUCCESS:
        raise ResponseError(result, error_text(body))
    return method, body


async def write_success(stream: Stream, ssz_bytes: bytes) -> None:
    """Send one success chunk and close the stream."""
    await stream.write(encode_success_chunk(ssz_bytes))
    await _finish(stream)


async def write_error(stream: Stream, code: int, message: str) -> None:
    """Send one error chunk and close the stream (failures are logged, not raised)."""
    try:
        await stream.write(encode_error_chunk(code, message))
    except Exception:
        logger.debug("could not send error chunk %d", code, exc_info=True)
        await abort_stream(stream)
        return
    await _finish(stream)
