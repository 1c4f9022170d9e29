"""``GET /eth/v1/events``: server-sent events of proof verdicts, proven payloads and blocks.

beacon-APIs #569 defines no EIP-8025 event topic, so these two are ours (README documents their
JSON); ``block`` has the standard beacon-APIs shape:

- ``execution_proof``: every verdict on a proof, received, submitted, our own or released from
  the pending queue;
- ``execution_payload_proven``: a payload met the k-of-n policy on this node (once per payload);
- ``block``: the node imported a block.

Memory is bounded: each subscriber has a queue of ``sse_queue`` events, and a subscriber that
falls that far behind is told so (a ``:`` comment) and disconnected rather than buffered for.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator, Iterator
from typing import Any, Final

import trio
from libp2p.peer.id import ID
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from eip8025.acceptance import AcceptanceRecord
from eip8025.chain import ChainView
from eip8025_p2p.api.errors import ApiError
from eip8025_p2p.pipeline import VerdictEvent

__all__ = [
    "EXECUTION_PAYLOAD_PROVEN",
    "EXECUTION_PROOF",
    "TOPICS",
    "EventBroker",
    "block_event",
    "proven_event",
    "verdict_event",
]

logger = logging.getLogger(__name__)

EXECUTION_PROOF: Final = "execution_proof"
EXECUTION_PAYLOAD_PROVEN: Final = "execution_payload_proven"
BLOCK: Final = "block"
TOPICS: Final = frozenset({EXECUTION_PROOF, EXECUTION_PAYLOAD_PROVEN, BLOCK})

Event = tuple[str, str]
"""(topic, JSON text)."""


def _hex(value: bytes | None) -> str | None:
    return None if value is None else "0x" + value.hex()


def _uint(value: int | None) -> str | None:
    return None if value is None else str(value)


def verdict_event(event: VerdictEvent, chain: ChainView) -> dict[str, Any]:
    """The ``execution_proof`` event of a verdict (``null`` fields: the message did not decode)."""
    verdict = event.verdict
    envelope = verdict.envelope
    root = verdict.beacon_block_root
    state = None if root is None else chain.block_state(root)
    source = event.source
    return {
        "beacon_block_root": _hex(root),
        "slot": _uint(None if state is None else state.slot),
        "proof_type": _uint(verdict.proof_type),
        "validator_index": _uint(None if envelope is None else envelope.validator_index),
        "outcome": verdict.outcome.value,
        "reason": verdict.reason,
        "stored": verdict.stored,
        "parked": verdict.parked,
        "revalidation": event.revalidation,
        "source": "gossip" if isinstance(source, ID) else str(source),
    }


def proven_event(record: AcceptanceRecord) -> dict[str, Any]:
    """The ``execution_payload_proven`` event of a payload that met the policy."""
    return {
        "slot": str(record.slot),
        "beacon_block_root": "0x" + record.beacon_block_root.hex(),
        "proof_types": [str(t) for t in record.proof_types],
    }


def block_event(slot: int, root: bytes) -> dict[str, Any]:
    """The beacon-APIs ``block`` event."""
    return {"slot": str(slot), "block": "0x" + root.hex(), "execution_optimistic": False}


class _Subscriber:
    def __init__(self, topics: frozenset[str], size: int) -> None:
        self.topics = topics
        self.send, self.receive = trio.open_memory_channel[Event](size)
        self.lagged = False


class EventBroker:
    """Fans events out to subscribers, each with a bounded queue (see the module docstring)."""

    def __init__(self, *, queue: int, max_clients: int) -> None:
        self.queue = queue
        self.max_clients = max_clients
        self._subscribers: set[_Subscriber] = set()
        self.dropped_subscribers = 0

    @property
    def subscribers(self) -> int:
        """Connected subscribers."""
        return len(self._subscribers)

    def publish(self, topic: str, data: dict[str, Any]) -> None:
        """Queue an event for every subscriber of ``topic`` (never blocks)."""
        if not self._subscribers:
            return
        text = json.dumps(data, separators=(",", ":"))
        for subscriber in list(self._subscribers):
            if topic not in subscriber.topics:
                continue
            try:
                subscriber.send.send_nowait((topic, text))
            except trio.WouldBlock:
                subscriber.lagged = True
                subscriber.send.close()
                self._subscribers.discard(subscriber)
                self.dropped_subscribers += 1
                logger.warning("event stream subscriber fell %d events behind: dropped", self.queue)
            except trio.ClosedResourceError:
                self._subscribers.discard(subscriber)

    def check_capacity(self) -> None:
        """Refuse a new subscriber when full.

        Raises:
            ApiError: 503, too many subscribers.
        """
        if len(self._subscribers) >= self.max_clients:
            raise ApiError(503, f"at most {self.max_clients} event stream subscribers")

    @contextlib.contextmanager
    def subscribe(self, topics: frozenset[str]) -> Iterator[_Subscriber]:
        """A subscription for the duration of the block."""
        subscriber = _Subscriber(topics, self.queue)
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)
            subscriber.send.close()


def parse_topics(request: Request) -> frozenset[str]:
    """``?topics=a,b`` or ``?topics=a&topics=b``.

    Raises:
        ApiError: 400, no topic or an unknown one.
    """
    values = request.query_params.getlist("topics")
    topics = {topic.strip() for value in values for topic in value.split(",")}
    topics.discard("")
    if not topics:
        raise ApiError(400, "query parameter 'topics' is required")
    unknown = topics - TOPICS
    if unknown:
        raise ApiError(
            400, f"unknown event topics {sorted(unknown)}; this node serves {sorted(TOPICS)}"
        )
    return frozenset(topics)


async def event_stream(request: Request, broker: EventBroker, keepalive: float) -> Response:
    """``GET /eth/v1/events?topics=...`` as ``text/event-stream``."""
    topics = parse_topics(request)
    broker.check_capacity()

    async def stream() -> AsyncIterator[str]:
        # subscribed inside the generator, so the subscription ends whenever the stream does
        with broker.subscribe(topics) as subscriber:
            yield ": subscribed to " + ",".join(sorted(topics)) + "\n\n"
            while True:
                event: Event | None = None
                with trio.move_on_after(keepalive if keepalive > 0 else math.inf):
                    try:
                        event = await subscriber.receive.receive()
                    except trio.EndOfChannel:
                        break
                if event is None:
                    yield ":\n\n"
                    continue
                topic, text = event
                yield f"event: {topic}\ndata: {text}\n\n"
        if subscriber.lagged:
            yield ": fell too far behind; reconnect\n\n"

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
