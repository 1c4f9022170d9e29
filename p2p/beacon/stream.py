"""Read an event stream with a silence watchdog: the reading half of the follower.

:func:`read_stream` hands each message to the follower while a reader task keeps the socket
drained into a bounded channel, so a handler that is busy fetching blocks does not lose the
stream and a silent stream does not block forever: after ``silence`` seconds without a message
or comment it calls ``on_silence`` (which decides between "the chain is quiet" and "the stream
stalled", raising to reconnect) and goes on reading. It returns only by raising: the stream's
own failure, :class:`BeaconNodeUnavailable` when the node closes it, or whatever a callback
raised.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import NoReturn

import trio

from eip8025_p2p.beacon.errors import BeaconNodeError, BeaconNodeUnavailable
from eip8025_p2p.beacon.events import SseMessage

__all__ = ["read_stream"]


async def read_stream(
    messages: AsyncGenerator[SseMessage | None, None],
    *,
    handle: Callable[[SseMessage], Awaitable[None]],
    on_silence: Callable[[float], Awaitable[None]],
    silence: float,
    buffer: int,
) -> NoReturn:
    """Handle ``messages`` until the stream fails (see the module docstring).

    Raises:
        BeaconNodeError: The stream broke or ended, or a callback raised one.
    """
    send, receive = trio.open_memory_channel[SseMessage | None](buffer)
    failures: list[BeaconNodeError] = []

    async def pump() -> None:
        async with send, contextlib.aclosing(messages):
            try:
                async for message in messages:
                    await send.send(message)
            except BeaconNodeError as exc:
                failures.append(exc)

    error: BeaconNodeError | None = None
    async with trio.open_nursery() as nursery:
        nursery.start_soon(pump)
        try:
            await _handle_all(receive, failures, handle, on_silence, silence)
        except BeaconNodeError as exc:
            error = exc
        nursery.cancel_scope.cancel()
    assert error is not None
    raise error


async def _handle_all(
    receive: trio.MemoryReceiveChannel[SseMessage | None],
    failures: list[BeaconNodeError],
    handle: Callable[[SseMessage], Awaitable[None]],
    on_silence: Callable[[float], Awaitable[None]],
    silence: float,
) -> NoReturn:
    while True:
        message: SseMessage | None = None
        with trio.move_on_after(silence) as waited:
            try:
                message = await receive.receive()
            except trio.EndOfChannel:
                if failures:
                    raise failures[0] from None
                raise BeaconNodeUnavailable("the beacon node closed the event stream") from None
        if waited.cancelled_caught:
            await on_silence(silence)
        elif message is not None:
            await handle(message)
