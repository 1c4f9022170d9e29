"""The beacon node's event stream: a server-sent-events parser and the typed events we follow.

``GET /eth/v1/events?topics=...`` (beacon-APIs ``apis/eventstream/index.yaml``) is a
``text/event-stream``: ``event:`` and ``data:`` lines, a blank line ends an event, lines starting
with ``:`` are comments (servers may send them as keepalives). :func:`sse_messages` turns lines
into :class:`SseMessage` values (``None`` for a comment, so a reader can tell that the stream is
alive); :func:`parse_event` turns the topics we follow into typed events, with the JSON shapes of
the YAML's examples: ``head``, ``block``, ``finalized_checkpoint``, ``chain_reorg`` and the Gloas
``execution_payload`` (a ``SignedExecutionPayloadEnvelope`` imported by fork choice).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any, Final

from eip8025_p2p.beacon.errors import BeaconDataError
from eip8025_p2p.beacon.models import json_bytes, json_uint

__all__ = [
    "BLOCK",
    "CHAIN_REORG",
    "EXECUTION_PAYLOAD",
    "FINALIZED_CHECKPOINT",
    "HEAD",
    "BeaconEvent",
    "BlockEvent",
    "ChainReorgEvent",
    "ExecutionPayloadEvent",
    "FinalizedCheckpointEvent",
    "HeadEvent",
    "SseMessage",
    "parse_event",
    "sse_messages",
]

HEAD: Final = "head"
BLOCK: Final = "block"
FINALIZED_CHECKPOINT: Final = "finalized_checkpoint"
CHAIN_REORG: Final = "chain_reorg"
EXECUTION_PAYLOAD: Final = "execution_payload"
"""Gloas: "a ``SignedExecutionPayloadEnvelope`` ... successfully imported on the fork-choice
``on_execution_payload_envelope`` handler"."""


@dataclasses.dataclass(frozen=True)
class SseMessage:
    """One server-sent event: its ``event`` name (``message`` if none was sent) and data."""

    event: str
    data: str


@dataclasses.dataclass(frozen=True)
class HeadEvent:
    """``head``: fork choice selected a new head block."""

    slot: int
    block: bytes
    state: bytes


@dataclasses.dataclass(frozen=True)
class BlockEvent:
    """``block``: a block was imported by fork choice."""

    slot: int
    block: bytes


@dataclasses.dataclass(frozen=True)
class FinalizedCheckpointEvent:
    """``finalized_checkpoint``: the finalized checkpoint changed."""

    block: bytes
    state: bytes
    epoch: int


@dataclasses.dataclass(frozen=True)
class ChainReorgEvent:
    """``chain_reorg``: the node reorganised its chain."""

    slot: int
    depth: int
    old_head_block: bytes
    new_head_block: bytes


@dataclasses.dataclass(frozen=True)
class ExecutionPayloadEvent:
    """``execution_payload`` (Gloas): a payload envelope was imported for ``block_root``."""

    slot: int
    builder_index: int
    block_hash: bytes
    block_root: bytes


BeaconEvent = (
    HeadEvent | BlockEvent | FinalizedCheckpointEvent | ChainReorgEvent | ExecutionPayloadEvent
)


async def sse_messages(lines: AsyncIterable[str]) -> AsyncIterator[SseMessage | None]:
    """Parse ``text/event-stream`` lines; yield a message per event and ``None`` per comment."""
    event = ""
    data: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield SseMessage(event or "message", "\n".join(data))
            event, data = "", []
            continue
        if line.startswith(":"):
            yield None
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        # ``id`` and ``retry`` are not used: a reconnect catches up from the head instead.


def _fields(message: SseMessage) -> Mapping[str, Any]:
    try:
        data = json.loads(message.data)
    except json.JSONDecodeError as exc:
        raise BeaconDataError(f"{message.event} event: not JSON ({exc})") from None
    if not isinstance(data, Mapping):
        raise BeaconDataError(f"{message.event} event: expected a JSON object")
    return data


def parse_event(message: SseMessage) -> BeaconEvent | None:
    """The typed event of a message, or None for a topic the follower does not handle.

    Raises:
        BeaconDataError: A followed topic whose data lacks a field or has a malformed one.
    """
    topic = message.event
    if topic not in (HEAD, BLOCK, FINALIZED_CHECKPOINT, CHAIN_REORG, EXECUTION_PAYLOAD):
        return None
    d = _fields(message)
    try:
        if topic == HEAD:
            return HeadEvent(
                json_uint(d["slot"]), json_bytes(d["block"], 32), json_bytes(d["state"], 32)
            )
        if topic == BLOCK:
            return BlockEvent(json_uint(d["slot"]), json_bytes(d["block"], 32))
        if topic == FINALIZED_CHECKPOINT:
            return FinalizedCheckpointEvent(
                json_bytes(d["block"], 32), json_bytes(d["state"], 32), json_uint(d["epoch"])
            )
        if topic == CHAIN_REORG:
            return ChainReorgEvent(
                json_uint(d["slot"]),
                json_uint(d["depth"]),
                json_bytes(d["old_head_block"], 32),
                json_bytes(d["new_head_block"], 32),
            )
        return ExecutionPayloadEvent(
            json_uint(d["slot"]),
            json_uint(d["builder_index"]),
            json_bytes(d["block_hash"], 32),
            json_bytes(d["block_root"], 32),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise BeaconDataError(f"{topic} event: malformed ({type(exc).__name__}: {exc})") from None
