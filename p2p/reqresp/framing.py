"""The byte layer of ``ssz_snappy``: protobuf uvarints, snappy frames and an exact stream reader.

Decoding is written once, without I/O, as generators that ``yield`` how many bytes they need
next and receive exactly that many (:func:`payload_decoder`). :func:`decode_from_bytes` drives
one over a buffer, :func:`decode_from_stream` over a py-libp2p stream through
:class:`StreamReader`, so in-memory and network decoding cannot disagree.

Limits (phase0 ``p2p-interface.md``, *SSZ-snappy encoding strategy*, and google/snappy
``framing_format.txt``): the length prefix is at most 10 bytes and within the type's bounds and
``MAX_PAYLOAD_SIZE``; at most ``max_compressed_len(n)`` bytes of frames are read after it; every
data chunk carries at most 65,536 uncompressed bytes and a valid masked CRC-32C; the
uncompressed length a compressed chunk announces is checked before it is decompressed.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Generator
from typing import Final, Protocol, TypeVar

import cramjam
from libp2p.network.stream.exceptions import StreamEOF

from eip8025.containers import max_compressed_len
from eip8025_p2p.reqresp.errors import CodecError

__all__ = [
    "MAX_PAYLOAD_SIZE",
    "MAX_VARINT_BYTES",
    "SNAPPY_STREAM_IDENTIFIER",
    "Decoder",
    "Readable",
    "SizeBounds",
    "StreamReader",
    "compress_frames",
    "decode_from_bytes",
    "decode_from_stream",
    "encode_uvarint",
    "frames_decoder",
    "payload_decoder",
    "uvarint_decoder",
]

T = TypeVar("T")

Decoder = Generator[int, bytes, T]
"""A sans-I/O decoder: yields the number of bytes it needs, is sent exactly that many."""

MAX_PAYLOAD_SIZE: Final = 10 * 2**20
"""phase0 ``MAX_PAYLOAD_SIZE``: the largest uncompressed payload of any request or chunk."""
MAX_VARINT_BYTES: Final = 10
"""The longest allowed length prefix (enough for any ``Uint64``)."""
SNAPPY_STREAM_IDENTIFIER: Final = b"\xff\x06\x00\x00sNaPpY"
"""The snappy framing format's stream identifier chunk (type 0xff, length 6, ``sNaPpY``)."""

_MAX_CHUNK_DATA: Final = 65536
_CRC_SIZE: Final = 4
_MAX_COMPRESSED_CHUNK: Final = _CRC_SIZE + max_compressed_len(_MAX_CHUNK_DATA)
_COMPRESSED, _UNCOMPRESSED, _PADDING, _IDENTIFIER = 0x00, 0x01, 0xFE, 0xFF


@dataclasses.dataclass(frozen=True)
class SizeBounds:
    """The SSZ size bounds of a type (spec: *What are SSZ type size bounds?*)."""

    min: int
    max: int

    @classmethod
    def fixed(cls, size: int) -> SizeBounds:
        """Bounds of a fixed-size type."""
        return cls(size, size)

    def check(self, length: int) -> None:
        """Raise :class:`CodecError` unless ``length`` is within the bounds and the payload cap."""
        if length > MAX_PAYLOAD_SIZE:
            raise CodecError(f"length prefix {length} exceeds MAX_PAYLOAD_SIZE")
        if not self.min <= length <= self.max:
            raise CodecError(
                f"length prefix {length} outside the type bounds [{self.min}, {self.max}]"
            )


def encode_uvarint(value: int) -> bytes:
    """Protobuf unsigned varint of a ``Uint64``."""
    if not 0 <= value < 2**64:
        raise ValueError("a uvarint holds a Uint64")
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def compress_frames(data: bytes) -> bytes:
    """Snappy framing format of ``data`` (only the stream identifier when ``data`` is empty)."""
    if not data:
        return SNAPPY_STREAM_IDENTIFIER
    return bytes(cramjam.snappy.compress(data))


def uvarint_decoder() -> Decoder[int]:
    """Decode a uvarint of at most :data:`MAX_VARINT_BYTES` bytes into a ``Uint64``."""
    value = 0
    for index in range(MAX_VARINT_BYTES):
        byte = (yield 1)[0]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if value >= 2**64:
                raise CodecError("length prefix does not fit a Uint64")
            return value
    raise CodecError(f"length prefix longer than {MAX_VARINT_BYTES} bytes")


def _chunk_data(header: bytes, body: bytes, remaining: int) -> bytes:
    """The uncompressed bytes of one compressed / uncompressed chunk, CRC checked."""
    if len(body) < _CRC_SIZE:
        raise CodecError("snappy chunk shorter than its checksum")
    if header[0] == _COMPRESSED:
        try:
            announced = cramjam.snappy.decompress_raw_len(body[_CRC_SIZE:])
        except Exception as exc:  # cramjam raises its own error types
            raise CodecError(f"bad snappy block header: {exc}") from exc
    else:
        announced = len(body) - _CRC_SIZE
    if announced > _MAX_CHUNK_DATA:
        raise CodecError(f"snappy chunk of {announced} bytes exceeds 65536")
    if announced > remaining:
        raise CodecError(f"snappy chunk of {announced} bytes overruns the declared length")
    try:  # cramjam's frame decoder checks the masked CRC-32C of the chunk
        data = bytes(cramjam.snappy.decompress(SNAPPY_STREAM_IDENTIFIER + header + body))
    except Exception as exc:
        raise CodecError(f"invalid snappy chunk: {exc}") from exc
    if len(data) != announced:
        raise CodecError("snappy chunk length differs from its header")
    return data


def frames_decoder(length: int) -> Decoder[bytes]:
    """Read snappy frames until ``length`` uncompressed bytes, within ``max_compressed_len``."""
    budget = max_compressed_len(length)
    out = bytearray()
    seen_identifier = False
    while len(out) < length:
        if budget < 4:
            raise CodecError("snappy frames exceed max_compressed_len of the length prefix")
        header = yield 4
        kind, size = header[0], int.from_bytes(header[1:4], "little")
        budget -= 4
        if size > budget:
            raise CodecError("snappy frames exceed max_compressed_len of the length prefix")
        if kind == _IDENTIFIER:
            if header + (yield size) != SNAPPY_STREAM_IDENTIFIER:
                raise CodecError("bad snappy stream identifier")
            seen_identifier = True
        elif not seen_identifier:
            raise CodecError("snappy frames do not start with the stream identifier")
        elif kind in (_COMPRESSED, _UNCOMPRESSED):
            if size > _MAX_COMPRESSED_CHUNK:
                raise CodecError(f"snappy chunk of {size} bytes is too long")
            out += _chunk_data(header, (yield size), length - len(out))
        elif kind >= 0x80:  # padding (0xfe) and skippable chunks (0x80..0xfd)
            if size:
                yield size
        else:
            raise CodecError(f"reserved unskippable snappy chunk type {kind:#04x}")
        budget -= size
    return bytes(out)


def payload_decoder(bounds: SizeBounds) -> Decoder[bytes]:
    """``<uvarint length> | <snappy frames>``: the SSZ bytes, length checked against ``bounds``."""
    length = yield from uvarint_decoder()
    bounds.check(length)
    if length == 0:
        return b""
    return (yield from frames_decoder(length))


def decode_from_bytes(decoder: Decoder[T], data: bytes) -> tuple[T, int]:
    """Run ``decoder`` over ``data``; return its value and the number of bytes it consumed."""
    position = 0
    try:
        need = next(decoder)
        while True:
            if position + need > len(data):
                raise CodecError(f"truncated input: {len(data) - position} of {need} bytes")
            chunk = data[position : position + need]
            position += need
            need = decoder.send(chunk)
    except StopIteration as stop:
        return stop.value, position


class Readable(Protocol):
    """What :class:`StreamReader` needs of a stream (py-libp2p ``INetStream`` has it)."""

    async def read(self, n: int | None = None) -> bytes:
        """Up to ``n`` bytes; may return fewer; raises or returns ``b""`` at end of stream."""
        ...


class StreamReader:
    """Exact reads over a stream whose ``read(n)`` may return fewer bytes than asked."""

    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        self._buffer = bytearray()
        self.received = 0
        """Bytes read from the stream so far."""

    async def _fill(self, n: int) -> bool:
        try:
            chunk = await self._stream.read(n)
        except StreamEOF:
            chunk = b""
        self._buffer += chunk
        self.received += len(chunk)
        return bool(chunk)

    async def read_exactly(self, n: int) -> bytes:
        """Exactly ``n`` bytes; an early end of stream is a :class:`CodecError`."""
        while len(self._buffer) < n:
            if not await self._fill(n - len(self._buffer)):
                raise CodecError(f"unexpected end of stream ({len(self._buffer)} of {n} bytes)")
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    async def at_eof(self) -> bool:
        """Whether the remote closed its write side with nothing left to read."""
        return not self._buffer and not await self._fill(1)


async def decode_from_stream(decoder: Decoder[T], reader: StreamReader) -> T:
    """Run ``decoder`` over a stream, reading only the bytes it asks for."""
    try:
        need = next(decoder)
        while True:
            need = decoder.send(await reader.read_exactly(need))
    except StopIteration as stop:
        return typing.cast(T, stop.value)
