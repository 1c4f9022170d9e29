"""The eth2 ``ssz_snappy`` req/resp encoding (phase0 ``p2p-interface.md``).

::

    request         ::= <uvarint length of the SSZ bytes> | <snappy frames>
    response_chunk  ::= <result byte> | <uvarint length> | <snappy frames>

A success chunk (result 0) carries the response type; an error chunk (1 InvalidRequest,
2 ServerError, 3 ResourceUnavailable, or a client-specific 128..255) carries an
``ErrorMessage`` (``List[byte, 256]``). Results 4..127 are reserved and rejected. A request
must be followed by the end of the stream: any byte after it is invalid input (an empty payload
may be followed by the stream identifier, which is all an empty snappy stream holds).

Both a whole-buffer form (:func:`decode_request`, :func:`decode_response_chunk`) and a stream
form (:func:`read_request`, :func:`read_result`, :func:`read_chunk_payload`) exist; they run the
same decoder (:mod:`.framing`).
"""

from __future__ import annotations

import dataclasses
import enum

from eip8025_p2p.reqresp.errors import CodecError
from eip8025_p2p.reqresp.framing import (
    SNAPPY_STREAM_IDENTIFIER,
    SizeBounds,
    StreamReader,
    compress_frames,
    decode_from_bytes,
    decode_from_stream,
    encode_uvarint,
    payload_decoder,
)
from eip8025_p2p.reqresp.messages import ERROR_MESSAGE_BOUNDS, MAX_ERROR_MESSAGE_SIZE

__all__ = [
    "ResponseChunk",
    "ResultCode",
    "decode_request",
    "decode_response_chunk",
    "encode_error_chunk",
    "encode_payload",
    "encode_request",
    "encode_success_chunk",
    "error_text",
    "is_error_code",
    "read_chunk_payload",
    "read_request",
    "read_result",
]


class ResultCode(enum.IntEnum):
    """The result byte of a response chunk (codes 128..255 are client-specific errors)."""

    SUCCESS = 0
    INVALID_REQUEST = 1
    SERVER_ERROR = 2
    RESOURCE_UNAVAILABLE = 3


def is_error_code(code: int) -> bool:
    """Whether ``code`` is a valid error result (1, 2, 3 or 128..255)."""
    return code in (1, 2, 3) or 128 <= code <= 255


def _check_result(code: int) -> int:
    if not 0 <= code <= 255:
        raise CodecError(f"result byte {code} out of range")
    if code != ResultCode.SUCCESS and not is_error_code(code):
        raise CodecError(f"reserved result code {code}")
    return code


@dataclasses.dataclass(frozen=True)
class ResponseChunk:
    """One decoded response chunk: the result byte and its payload (SSZ or ErrorMessage)."""

    result: int
    payload: bytes

    @property
    def ok(self) -> bool:
        """Whether the chunk is a success."""
        return self.result == ResultCode.SUCCESS


def encode_payload(ssz_bytes: bytes) -> bytes:
    """``uvarint(len) | snappy frames``."""
    return encode_uvarint(len(ssz_bytes)) + compress_frames(ssz_bytes)


def encode_request(ssz_bytes: bytes) -> bytes:
    """An encoded request (the same layout as a payload)."""
    return encode_payload(ssz_bytes)


def encode_success_chunk(ssz_bytes: bytes) -> bytes:
    """A success response chunk."""
    return bytes([ResultCode.SUCCESS]) + encode_payload(ssz_bytes)


def encode_error_chunk(code: int, message: str | bytes) -> bytes:
    """An error response chunk; the message is cut to the 256 bytes of ``ErrorMessage``."""
    if not is_error_code(code):
        raise ValueError(f"{code} is not an error result code")
    raw = message.encode() if isinstance(message, str) else message
    return bytes([code]) + encode_payload(raw[:MAX_ERROR_MESSAGE_SIZE])


def error_text(payload: bytes) -> str:
    """An ``ErrorMessage`` as text (any bytes are valid; undecodable ones are replaced)."""
    return payload.decode("utf-8", errors="replace")


def decode_request(data: bytes, bounds: SizeBounds) -> bytes:
    """The SSZ bytes of a whole encoded request; trailing bytes are a :class:`CodecError`."""
    ssz_bytes, used = decode_from_bytes(payload_decoder(bounds), data)
    rest = data[used:]
    if rest and not (not ssz_bytes and rest == SNAPPY_STREAM_IDENTIFIER):
        raise CodecError(f"{len(rest)} trailing bytes after the request")
    return ssz_bytes


def decode_response_chunk(data: bytes, bounds: SizeBounds) -> tuple[ResponseChunk, int]:
    """Decode the chunk at the start of ``data``; return it and the bytes it used.

    ``bounds`` apply to a success payload; error payloads use the ``ErrorMessage`` bounds.
    """
    if not data:
        raise CodecError("empty response")
    result = _check_result(data[0])
    expected = bounds if result == ResultCode.SUCCESS else ERROR_MESSAGE_BOUNDS
    payload, used = decode_from_bytes(payload_decoder(expected), data[1:])
    return ResponseChunk(result, payload), used + 1


async def read_request(reader: StreamReader, bounds: SizeBounds) -> bytes:
    """Read a request's SSZ bytes, then require the end of the stream."""
    ssz_bytes = await decode_from_stream(payload_decoder(bounds), reader)
    if await reader.at_eof():
        return ssz_bytes
    # an empty payload may come with the stream identifier (all an empty snappy stream holds)
    identifier = SNAPPY_STREAM_IDENTIFIER
    tail_ok = not ssz_bytes and await reader.read_exactly(len(identifier)) == identifier
    if tail_ok and await reader.at_eof():
        return ssz_bytes
    raise CodecError("trailing bytes after the request")


async def read_result(reader: StreamReader) -> int:
    """Read and validate a chunk's result byte (the first byte, for ``TTFB_TIMEOUT``)."""
    return _check_result((await reader.read_exactly(1))[0])


async def read_chunk_payload(reader: StreamReader, result: int, bounds: SizeBounds) -> bytes:
    """Read the payload after a result byte (``bounds`` apply to success payloads)."""
    expected = bounds if result == ResultCode.SUCCESS else ERROR_MESSAGE_BOUNDS
    return await decode_from_stream(payload_decoder(expected), reader)
