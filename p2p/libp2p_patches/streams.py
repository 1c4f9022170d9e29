"""The inbound gossip stream, one RPC frame at a time (``graylist_gate``, ``oversize_penalty``).

py-libp2p's ``Pubsub.continuously_read_stream`` reads a varint-framed RPC, parses it, verifies the
signed peer record it carries and spawns one ``push_msg`` task per message, whoever sent it; the
graylist is first consulted in ``push_msg``, after all that work. A frame whose length prefix
exceeds ``max_inbound_rpc_size`` makes it reset the stream, and nothing counts against the
sender.

:class:`GatedStream` wraps the peer's inbound pubsub stream before py-libp2p reads it. It reads
each frame's length prefix itself and asks ``admit(length)`` whether the frame may be read:
frames of a graylisted peer are skipped unparsed (their bytes read and dropped). An oversize
prefix is reported to ``oversize(length)`` (a penalty) and then handed on unchanged, so
py-libp2p resets the stream as before. Admitted frames pass through byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import trio
from libp2p.abc import INetStream
from libp2p.custom_types import TProtocol
from libp2p.utils.varint import decode_uvarint

__all__ = ["GatedStream"]

DISCARD_CHUNK: Final = 64 * 1024
MAX_VARINT_BYTES: Final = 10


class GatedStream(INetStream):
    """A peer's inbound pubsub stream that yields only admitted RPC frames (see module doc)."""

    def __init__(
        self,
        stream: INetStream,
        max_frame: int,
        admit: Callable[[int], bool],
        oversize: Callable[[int], None],
        timed_frame_size: int = 64 * 1024,
    ) -> None:
        self.stream = stream
        self.muxed_conn = stream.muxed_conn
        self.metric_send_channel = stream.metric_send_channel
        self.max_frame = max_frame
        self._admit = admit
        self._oversize = oversize
        self._prefix = b""
        self._body_left = 0
        self._frame_started = 0.0
        self.skipped_frames = 0
        self.timed_frame_size = timed_frame_size
        self.last_frame_seconds = 0.0
        """Seconds from the length prefix to the last byte of the last admitted frame of at least
        ``timed_frame_size`` bytes (``large_sends``)."""
        self._timed = False

    async def read(self, n: int | None = None) -> bytes:
        """Up to ``n`` bytes of the admitted frames (a frame's prefix, then its body)."""
        if not self._prefix and not self._body_left:
            await self._next_frame()
        if self._prefix:
            size = len(self._prefix) if n is None else min(n, len(self._prefix))
            chunk, self._prefix = self._prefix[:size], self._prefix[size:]
            return chunk
        if not self._body_left:
            return b""
        chunk = await self.stream.read(self._body_left if n is None else min(n, self._body_left))
        self._body_left = self._body_left - len(chunk) if chunk else 0
        if not self._body_left and self._timed:
            self.last_frame_seconds = trio.current_time() - self._frame_started
            self._timed = False
        return chunk

    async def _next_frame(self) -> None:
        """Skip frames ``admit`` refuses; stop at an admitted, oversize or malformed prefix."""
        while True:
            prefix = b""
            for _ in range(MAX_VARINT_BYTES):
                byte = await self.stream.read(1)
                if not byte:  # end of stream: py-libp2p reports the short read
                    self._prefix = prefix
                    return
                prefix += byte
                if not byte[0] & 0x80:
                    break
            else:  # over-long varint: py-libp2p raises its ParseError on these bytes
                self._prefix = prefix
                return
            length = decode_uvarint(prefix)
            if length > self.max_frame:
                self._oversize(length)
                self._prefix = prefix  # py-libp2p raises MessageTooLarge and resets the stream
                return
            if self._admit(length):
                self._prefix, self._body_left = prefix, length
                self._frame_started = trio.current_time()
                self._timed = length >= self.timed_frame_size
                return
            self.skipped_frames += 1
            await self._discard(length)

    async def _discard(self, length: int) -> None:
        while length > 0:
            chunk = await self.stream.read(min(length, DISCARD_CHUNK))
            if not chunk:
                return
            length -= len(chunk)

    async def write(self, data: bytes) -> None:
        """Write to the underlying stream."""
        await self.stream.write(data)

    async def close(self) -> None:
        """Close the underlying stream."""
        await self.stream.close()

    async def reset(self) -> None:
        """Reset the underlying stream."""
        await self.stream.reset()

    def get_protocol(self) -> TProtocol | None:
        """The underlying stream's protocol."""
        return self.stream.get_protocol()

    def set_protocol(self, protocol_id: TProtocol) -> None:
        """Set the underlying stream's protocol."""
        self.stream.set_protocol(protocol_id)

    def get_remote_address(self) -> tuple[str, int] | None:
        """The underlying stream's remote address."""
        return self.stream.get_remote_address()
