"""Our proof node: zkboost's "Proof Node API" (v0.7) served over ANY ``ProofEngine``.

A plain ASGI application (:class:`ProofNodeApp`) served by hypercorn's trio worker
(:func:`serve_proof_node`). Endpoints (wire details in :mod:`eip8025_p2p.proof_node_api`):

* ``POST /v1/execution_proof_requests?proof_types=a,b`` - SSZ ``SSZNewPayloadRequest`` body ->
  ``{"new_payload_request_root": "0x.."}``
* ``GET /v1/execution_proof_requests[?new_payload_request_root=0x..]`` - SSE stream of
  ``proof_complete`` / ``proof_failure`` events
* ``GET /v1/execution_proofs/{root}/{proof_type}`` - the proof bytes, ``404`` if not cached
* ``POST /v1/execution_proof_verifications?new_payload_request_root=..&proof_type=..`` - raw proof
  body -> ``{"status": "VALID"}`` or ``{"status": "INVALID"}``
* ``GET /v1/proof_types`` - served types and their capabilities; ``GET /health`` - ``200``

**Generation.** A request is validated (proof type names; SSZ decoding in a worker thread),
answered at once with its root, and queued (bounded; full queue -> ``503``).
``generation_concurrency`` worker tasks take jobs and call the engine's ``request_proofs`` and then
``get_proof`` per type, in worker threads, each call bounded by ``proof_timeout``. A finished proof
goes into a bounded LRU store (count and bytes) and a ``proof_complete`` event is published; any
failure publishes ``proof_failure`` with zkboost's ``reason`` values. Types already cached or in
flight for the same root are not requested again (as zkboost does).

**Verification.** The node builds the public input itself: ``PublicInput(root,
successful_validation=True, chain_id, schema_id)`` from its configuration, and asks the engine in a
worker thread (bounded concurrency; too many waiting -> ``503``). ``True`` -> ``VALID``, ``False``
-> ``INVALID``. An engine that gives no verdict (``ProofEngineError``, timeout) -> ``503``; an
engine crash -> ``500``. zkboost answers ``INVALID`` for any verifier error; we do not, so a
broken engine can never make a client REJECT an honest peer.

**Events.** Every SSE subscriber has a bounded queue; a subscriber that falls behind is dropped
(its stream ends) instead of slowing the node. A subscription filtered by root first replays
``proof_complete`` for that root's cached proofs (zkboost's catch-up). Keep-alive comments are sent
every ``sse_keepalive_interval`` seconds.

**Errors** are JSON ``{"code", "message"}``: ``400`` for a malformed root, unknown proof type name,
duplicate / empty / unconfigured proof types, malformed SSZ; ``404`` for unknown routes, missing
proofs, a verification type the node does not serve; ``405`` wrong method; ``413`` body too large
(proof bodies: ``MAX_PROOF_SIZE``, the limit of a valid proof; request bodies:
``max_request_body``); ``503`` overloaded or engine unavailable.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import json
import logging
import math
import signal
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import hypercorn.config
import hypercorn.trio
import trio

from eip8025.engine import ProofAttributes, ProofEngine, ProofEngineError
from eip8025.profile import (
    DEFAULT_ACCEPTED_PROOF_TYPES,
    DEFAULT_REGISTRY,
    MAX_PROOF_SIZE,
    STATELESS_INPUT_SCHEMA_ID,
    ExecutionProof,
    ProofTypeRegistry,
    PublicInput,
    SSZNewPayloadRequest,
)
from eip8025.verification import get_public_input

from .proof_node_api import (
    PATH_PROOF_REQUESTS,
    PATH_PROOF_TYPES,
    PATH_PROOFS,
    PATH_VERIFICATIONS,
    SSE_KEEPALIVE,
    FailureReason,
    ProofEvent,
    WireError,
    format_root,
    parse_proof_type_names,
    parse_root,
    proof_type_id,
)

if TYPE_CHECKING:
    # mypy reads trio-typing's stubs (installed with libp2p), which name it here.
    from trio_typing import TaskStatus

__all__ = [
    "BACKEND_KINDS",
    "EventHub",
    "ProofNodeApp",
    "ProofNodeConfig",
    "ProofStore",
    "run_proof_node",
    "serve_proof_node",
]

logger = logging.getLogger(__name__)

BACKEND_KINDS: Final = ("ere", "mock", "verifier")
"""zkboost ``BackendKind`` values reported by ``GET /v1/proof_types``."""

Scope = Mapping[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_T = TypeVar("_T")
_to_thread: Callable[..., Awaitable[Any]] = trio.to_thread.run_sync  # stubs predate the kwarg


async def _in_thread(fn: Callable[[], _T], limiter: trio.CapacityLimiter | None = None) -> _T:
    """Run ``fn`` in a worker thread; on cancellation the thread is abandoned, not awaited."""
    result: _T = await _to_thread(fn, abandon_on_cancel=True, limiter=limiter)
    return result


_JSON: Final = b"application/json"
_OCTET_STREAM: Final = b"application/octet-stream"


@dataclasses.dataclass(frozen=True)
class ProofNodeConfig:
    """Configuration of a :class:`ProofNodeApp`.

    Attributes:
        chain_id: ``chain_id`` of every public input this node proves and verifies.
        schema_id: ``schema_id`` of those public inputs.
        registry: Proof type id <-> wire name.
        proof_types: Ids this node serves (request and verify); all must be in ``registry``.
        backend_kind: ``GET /v1/proof_types`` ``kind``: ``ere``, ``mock`` or ``verifier``.
        can_prove: False for a verification-only engine (requests are then refused with ``400``).
        generation_concurrency: Jobs generating at the same time (one worker thread each).
        max_pending_requests: Queued jobs beyond those; more -> ``503``.
        proof_timeout: Seconds for each engine call of a job.
        verification_concurrency: Verifications running at the same time.
        max_pending_verifications: Verifications running or waiting; more -> ``503``.
        verify_timeout: Seconds for one engine verification (then ``503``).
        store_max_entries: Completed proofs kept (LRU).
        store_max_bytes: Total bytes of completed proofs kept (LRU); at least ``MAX_PROOF_SIZE``.
        max_request_body: Largest accepted ``SSZNewPayloadRequest`` body.
        max_subscribers: Concurrent SSE subscribers; more -> ``503``.
        subscriber_queue_size: Events buffered per subscriber before it is dropped.
        sse_keepalive_interval: Seconds between keep-alive comments on an idle stream.
    """

    chain_id: int = 1
    schema_id: int = STATELESS_INPUT_SCHEMA_ID
    registry: ProofTypeRegistry = DEFAULT_REGISTRY
    proof_types: frozenset[int] = frozenset(DEFAULT_ACCEPTED_PROOF_TYPES)
    backend_kind: str = "mock"
    can_prove: bool = True
    generation_concurrency: int = 2
    max_pending_requests: int = 64
    proof_timeout: float = 60.0
    verification_concurrency: int = 4
    max_pending_verifications: int = 64
    verify_timeout: float = 30.0
    store_max_entries: int = 1024
    store_max_bytes: int = 256 * 1024 * 1024
    max_request_body: int = 32 * 1024 * 1024
    max_subscribers: int = 256
    subscriber_queue_size: int = 256
    sse_keepalive_interval: float = 15.0

    def __post_init__(self) -> None:
        if not self.proof_types:
            raise ValueError("proof_types must not be empty")
        unknown = sorted(t for t in self.proof_types if t not in self.registry)
        if unknown:
            raise ValueError(f"proof_types {unknown} are not in the registry")
        if self.backend_kind not in BACKEND_KINDS:
            raise ValueError(f"backend_kind must be one of {BACKEND_KINDS}")
        for name in (
            "generation_concurrency",
            "verification_concurrency",
            "store_max_entries",
            "max_subscribers",
            "subscriber_queue_size",
            "max_request_body",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("max_pending_requests", "max_pending_verifications"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("proof_timeout", "verify_timeout", "sse_keepalive_interval"):
            value = getattr(self, name)
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a positive number of seconds")
        if self.store_max_bytes < MAX_PROOF_SIZE:
            raise ValueError("store_max_bytes must hold at least one MAX_PROOF_SIZE proof")

    def name(self, proof_type: int) -> str:
        """The wire name of a proof type id."""
        return self.registry.get(proof_type).name


# ---------------------------------------------------------------------------------------------
# Completed-proof store and event hub (trio-thread only; no locks needed)
# ---------------------------------------------------------------------------------------------


class ProofStore:
    """Completed proofs keyed by ``(root, proof_type)``, LRU-bounded by count and by bytes."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._items: collections.OrderedDict[tuple[bytes, int], bytes] = collections.OrderedDict()
        self._by_root: dict[bytes, set[int]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def put(self, root: bytes, proof_type: int, data: bytes) -> None:
        """Store a proof (replacing any previous one), evicting least recently used ones.

        Raises:
            ValueError: The proof alone is larger than ``max_bytes``.
        """
        if len(data) > self.max_bytes:
            raise ValueError(f"proof of {len(data)} bytes exceeds the store's {self.max_bytes}")
        self._remove((root, proof_type))
        self._items[(root, proof_type)] = data
        self._by_root.setdefault(root, set()).add(proof_type)
        self.nbytes += len(data)
        while len(self._items) > self.max_entries or self.nbytes > self.max_bytes:
            self._remove(next(iter(self._items)))

    def get(self, root: bytes, proof_type: int) -> bytes | None:
        """A stored proof (marking it recently used), or None."""
        data = self._items.get((root, proof_type))
        if data is not None:
            self._items.move_to_end((root, proof_type))
        return data

    def types_for(self, root: bytes) -> list[int]:
        """Proof types stored for a root, ascending."""
        return sorted(self._by_root.get(root, ()))

    def _remove(self, key: tuple[bytes, int]) -> None:
        data = self._items.pop(key, None)
        if data is None:
            return
        self.nbytes -= len(data)
        types = self._by_root[key[0]]
        types.discard(key[1])
        if not types:
            del self._by_root[key[0]]


class HubFull(Exception):
    """The event hub already has ``max_subscribers`` subscribers."""


@dataclasses.dataclass(eq=False)
class Subscriber:
    """One SSE subscription: an optional root filter and a bounded event queue."""

    root: bytes | None
    send_channel: trio.MemorySendChannel[ProofEvent]
    receive_channel: trio.MemoryReceiveChannel[ProofEvent]
    dropped: bool = False


class EventHub:
    """Fans events out to subscribers without ever waiting on one (slow ones are dropped)."""

    def __init__(self, max_subscribers: int, queue_size: int) -> None:
        self.max_subscribers = max_subscribers
        self.queue_size = queue_size
        self.dropped = 0
        self._subscribers: set[Subscriber] = set()

    def __len__(self) -> int:
        return len(self._subscribers)

    def subscribe(self, root: bytes | None) -> Subscriber:
        """Register a subscriber (events published from now on reach it).

        Raises:
            HubFull: Too many subscribers.
        """
        if len(self._subscribers) >= self.max_subscribers:
            raise HubFull(f"too many event subscribers ({self.max_subscribers})")
        send_channel, receive_channel = trio.open_memory_channel[ProofEvent](self.queue_size)
        subscriber = Subscriber(root, send_channel, receive_channel)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Remove a subscriber and close its queue."""
        self._subscribers.discard(subscriber)
        subscriber.send_channel.close()
        subscriber.receive_channel.close()

    def publish(self, event: ProofEvent) -> None:
        """Queue ``event`` for every matching subscriber; drop those whose queue is full."""
        for subscriber in list(self._subscribers):
            if subscriber.root is not None and subscriber.root != event.new_payload_request_root:
                continue
            try:
                subscriber.send_channel.send_nowait(event)
            except trio.WouldBlock:
                logger.warning("dropping a slow proof event subscriber")
                self.dropped += 1
                subscriber.dropped = True
                self._subscribers.discard(subscriber)
                subscriber.send_channel.close()  # its stream ends after the queued events
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                self._subscribers.discard(subscriber)

    def close_all(self) -> None:
        """End every subscription (server shutdown)."""
        for subscriber in list(self._subscribers):
            self._subscribers.discard(subscriber)
            subscriber.send_channel.close()


# ---------------------------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------------------------


class HttpError(Exception):
    """Answer with a JSON error ``{"code": status, "message": message}``."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


class _Disconnected(Exception):
    """The client went away while we were reading its request."""


@dataclasses.dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    content_type: bytes
    headers: tuple[tuple[bytes, bytes], ...] = ()


def _json_response(value: Any, status: int = 200) -> _Response:
    return _Response(status, json.dumps(value, separators=(",", ":")).encode(), _JSON)


def _error_response(error: HttpError) -> _Response:
    body = {"code": error.status, "message": error.message}
    return dataclasses.replace(_json_response(body, error.status), headers=error.headers)


async def _send_response(send: Send, response: _Response) -> None:
    headers = [
        (b"content-type", response.content_type),
        (b"content-length", str(len(response.body)).encode()),
        *response.headers,
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if bytes(key).lower() == name:
            return bytes(value)
    return None


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The request body; more than ``limit`` bytes -> ``413`` (before reading, if declared)."""
    too_large = (f"request body exceeds the limit of {limit} bytes", ((b"connection", b"close"),))
    declared = _header(scope, b"content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise HttpError(400, "invalid content-length header") from None
        if length > limit:
            raise HttpError(413, *too_large)
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        body += message.get("body", b"")
        if len(body) > limit:
            raise HttpError(413, *too_large)
        if not message.get("more_body", False):
            return bytes(body)


def _query(
    scope: Scope, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, str]:
    """Parse the query string like serde_urlencoded would: missing / duplicate fields are errors."""
    raw = bytes(scope.get("query_string", b"")).decode("latin-1")
    try:
        pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise HttpError(400, f"Failed to deserialize query string: {exc}") from None
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in values:
            raise HttpError(400, f"Failed to deserialize query string: duplicate field `{key}`")
        if key in required or key in optional:
            values[key] = value
    for key in required:
        if key not in values:
            raise HttpError(400, f"Failed to deserialize query string: missing field `{key}`")
    return values


def _root_param(text: str, where: str) -> bytes:
    try:
        return parse_root(text)
    except WireError as exc:
        raise HttpError(400, f"{where}: {exc}") from None


def _decode_request(body: bytes) -> tuple[SSZNewPayloadRequest, bytes]:
    """Decode an ``SSZNewPayloadRequest`` and hash it (CPU-heavy: runs in a worker thread)."""
    request = SSZNewPayloadRequest.decode_bytes(body)
    return request, request.hash_tree_root()


@dataclasses.dataclass(frozen=True)
class _Job:
    root: bytes
    request: SSZNewPayloadRequest
    proof_types: tuple[int, ...]


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


class ProofNodeApp:
    """The proof-node ASGI application over ``engine`` (see the module docstring).

    Background work (the generation workers) runs in :meth:`run`, which the ASGI lifespan protocol
    starts and stops; hypercorn (and :func:`serve_proof_node`) drive it. Everything except the
    engine calls runs in the trio thread.
    """

    def __init__(self, engine: ProofEngine, config: ProofNodeConfig | None = None) -> None:
        self.engine = engine
        self.config = config or ProofNodeConfig()
        cfg = self.config
        self.store = ProofStore(cfg.store_max_entries, cfg.store_max_bytes)
        self.hub = EventHub(cfg.max_subscribers, cfg.subscriber_queue_size)
        self._in_flight: set[tuple[bytes, int]] = set()
        self._jobs_send, self._jobs_receive = trio.open_memory_channel[_Job](
            cfg.max_pending_requests
        )
        self._verify_limiter = trio.CapacityLimiter(cfg.verification_concurrency)
        self._decode_limiter = trio.CapacityLimiter(2)
        self._pending_verifications = 0
        self._running = False
        self._routes: dict[str, dict[str, Callable[[Scope, Receive, Send], Awaitable[Any]]]] = {
            PATH_PROOF_REQUESTS: {"POST": self._post_requests, "GET": self._get_events},
            PATH_VERIFICATIONS: {"POST": self._post_verification},
            PATH_PROOF_TYPES: {"GET": self._get_proof_types},
            "/health": {"GET": self._get_health},
        }

    # -- lifecycle ------------------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Run the generation workers until cancelled (then abandon engine threads, end streams)."""
        try:
            async with trio.open_nursery() as nursery:
                for _ in range(self.config.generation_concurrency):
                    nursery.start_soon(self._generation_worker)
                self._running = True
                task_status.started()
                await trio.sleep_forever()
        finally:
            self._running = False
            self.hub.close_all()

    def close_streams(self) -> None:
        """End every SSE stream (call at shutdown so streaming handlers finish promptly)."""
        self.hub.close_all()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "lifespan.startup":
            return
        async with trio.open_nursery() as nursery:
            await nursery.start(self.run)
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            nursery.cancel_scope.cancel()
        if message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})

    # -- ASGI entry point -----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI 3 entry point."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            handler = self._route(scope)
            await handler(scope, receive, tracking_send)
        except HttpError as error:
            if not started:
                await _send_response(send, _error_response(error))
        except _Disconnected:
            return
        except Exception:
            logger.exception("proof node handler failed")
            if not started:
                await _send_response(send, _error_response(HttpError(500, "internal error")))

    def _route(self, scope: Scope) -> Callable[[Scope, Receive, Send], Awaitable[Any]]:
        path: str = scope["path"]
        method: str = scope["method"]
        methods = self._routes.get(path)
        if methods is None and path.startswith(PATH_PROOFS + "/"):
            methods = {"GET": self._get_proof}
        if methods is None:
            raise HttpError(404, "route not found")
        handler = methods.get(method)
        if handler is None:
            allow = ", ".join(sorted(methods)).encode()
            raise HttpError(405, "method not allowed", ((b"allow", allow),))
        return handler

    # -- handlers -------------------------------------------------------------------------------

    async def _get_health(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _send_response(send, _Response(200, b"", b"text/plain"))

    async def _get_proof_types(self, scope: Scope, receive: Receive, send: Send) -> None:
        cfg = self.config
        listing = [
            {
                "proof_type": cfg.name(t),
                "kind": cfg.backend_kind,
                "can_prove": cfg.can_prove,
                "can_verify": True,
            }
            for t in sorted(cfg.proof_types)
        ]
        await _send_response(send, _json_response({"proof_types": listing}))

    async def _post_requests(self, scope: Scope, receive: Receive, send: Send) -> None:
        cfg = self.config
        query = _query(scope, required=("proof_types",))
        try:
            proof_types = parse_proof_type_names(query["proof_types"], cfg.registry)
        except WireError as exc:
            raise HttpError(400, f"Failed to deserialize query string: {exc}") from None
        if not proof_types:
            raise HttpError(400, "empty proof types in request")
        if len(set(proof_types)) != len(proof_types):
            raise HttpError(400, "duplicate proof types in request")
        for proof_type in proof_types:
            if proof_type not in cfg.proof_types:
                raise HttpError(400, f"no zkVM configured for proof type '{cfg.name(proof_type)}'")
            if not cfg.can_prove:
                raise HttpError(
                    400,
                    f"proof generation not supported for verifier-only zkvm "
                    f"'{cfg.name(proof_type)}'",
                )
        if not self._running:
            raise HttpError(503, "proof node is not running")
        body = await _read_body(scope, receive, cfg.max_request_body)
        try:
            request, root = await _in_thread(
                functools.partial(_decode_request, body), self._decode_limiter
            )
        except Exception as exc:
            raise HttpError(400, f"invalid SSZ body: {exc}") from None

        wanted = tuple(
            t
            for t in proof_types
            if (root, t) not in self.store and (root, t) not in self._in_flight
        )
        if wanted:
            try:
                self._jobs_send.send_nowait(_Job(root, request, wanted))
            except trio.WouldBlock:
                raise HttpError(503, "proof request queue is full") from None
            except (trio.ClosedResourceError, trio.BrokenResourceError):
                raise HttpError(500, "failed to enqueue proof: channel closed") from None
            self._in_flight.update((root, t) for t in wanted)
        await _send_response(send, _json_response({"new_payload_request_root": format_root(root)}))

    async def _get_proof(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = scope["path"][len(PATH_PROOFS) + 1 :].split("/")
        if len(parts) != 2:
            raise HttpError(404, "route not found")
        root = _root_param(parts[0], "Invalid URL")
        try:
            proof_type = proof_type_id(parts[1], self.config.registry)
        except WireError as exc:
            raise HttpError(400, f"Invalid URL: {exc}") from None
        data = self.store.get(root, proof_type)
        if data is None:
            raise HttpError(
                404, f"proof not found for root {format_root(root)} and type {parts[1]}"
            )
        await _send_response(send, _Response(200, data, _OCTET_STREAM))

    async def _post_verification(self, scope: Scope, receive: Receive, send: Send) -> None:
        cfg = self.config
        query = _query(scope, required=("new_payload_request_root", "proof_type"))
        root = _root_param(query["new_payload_request_root"], "Failed to deserialize query string")
        try:
            proof_type = proof_type_id(query["proof_type"], cfg.registry)
        except WireError as exc:
            raise HttpError(400, f"Failed to deserialize query string: {exc}") from None
        if proof_type not in cfg.proof_types:
            raise HttpError(404, f"unknown proof_type: {query['proof_type']}")
        if self._pending_verifications >= cfg.max_pending_verifications:
            raise HttpError(503, "too many verifications in progress")
        self._pending_verifications += 1
        try:
            body = await _read_body(scope, receive, MAX_PROOF_SIZE)
            proof = ExecutionProof(
                proof_data=body,
                proof_type=proof_type,
                public_input=get_public_input(root, cfg.chain_id, cfg.schema_id),
            )
            try:
                with trio.fail_after(cfg.verify_timeout):
                    valid = await _in_thread(
                        functools.partial(self.engine.verify_execution_proof, proof),
                        self._verify_limiter,
                    )
            except trio.TooSlowError:
                raise HttpError(
                    503, f"verification timed out after {cfg.verify_timeout:g} s"
                ) from None
            except ProofEngineError as exc:
                raise HttpError(503, f"proof engine unavailable: {exc}") from None
            except Exception as exc:
                logger.exception("proof engine verification crashed")
                raise HttpError(500, f"proof engine error: {type(exc).__name__}") from None
        finally:
            self._pending_verifications -= 1
        status = "VALID" if valid is True else "INVALID"
        await _send_response(send, _json_response({"status": status}))

    async def _get_events(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = _query(scope, required=(), optional=("new_payload_request_root",))
        root = None
        if "new_payload_request_root" in query:
            root = _root_param(
                query["new_payload_request_root"], "Failed to deserialize query string"
            )
        try:
            subscriber = self.hub.subscribe(root)
        except HubFull as exc:
            raise HttpError(503, str(exc)) from None
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream"),
                        (b"cache-control", b"no-cache"),
                    ],
                }
            )
            # A first comment pushes the headers out even through buffering servers.
            await send({"type": "http.response.body", "body": SSE_KEEPALIVE, "more_body": True})
            if root is not None:  # zkboost's catch-up: proofs completed before subscribing
                for proof_type in self.store.types_for(root):
                    event = ProofEvent.complete(root, self.config.name(proof_type))
                    await send(
                        {"type": "http.response.body", "body": event.to_sse(), "more_body": True}
                    )
            disconnected = False
            async with trio.open_nursery() as nursery:

                async def watch_disconnect() -> None:
                    nonlocal disconnected
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    disconnected = True
                    nursery.cancel_scope.cancel()

                nursery.start_soon(watch_disconnect)
                await self._pump_events(subscriber, send)
                nursery.cancel_scope.cancel()
            if not disconnected:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.hub.unsubscribe(subscriber)

    async def _pump_events(self, subscriber: Subscriber, send: Send) -> None:
        while True:
            with trio.move_on_after(self.config.sse_keepalive_interval):
                try:
                    event = await subscriber.receive_channel.receive()
                except (trio.EndOfChannel, trio.ClosedResourceError):
                    return
                await send(
                    {"type": "http.response.body", "body": event.to_sse(), "more_body": True}
                )
                continue
            await send({"type": "http.response.body", "body": SSE_KEEPALIVE, "more_body": True})

    # -- generation -----------------------------------------------------------------------------

    async def _generation_worker(self) -> None:
        async for job in self._jobs_receive:
            try:
                await self._generate(job)
            finally:
                for proof_type in job.proof_types:
                    self._in_flight.discard((job.root, proof_type))

    def _fail(self, root: bytes, proof_type: int, reason: FailureReason, error: str) -> None:
        logger.warning(
            "proof %s for %s failed (%s): %s",
            self.config.name(proof_type),
            format_root(root),
            reason.value,
            error,
        )
        self._in_flight.discard((root, proof_type))
        self.hub.publish(ProofEvent.failure(root, self.config.name(proof_type), reason, error))

    async def _engine_call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run an engine call in a worker thread, bounded by ``proof_timeout``.

        Raises:
            _JobFailed: With the zkboost failure reason and message.
        """
        timeout = self.config.proof_timeout
        try:
            with trio.fail_after(timeout):
                return await _in_thread(functools.partial(fn, *args))
        except trio.TooSlowError:
            raise _JobFailed(
                FailureReason.PROVING_TIMEOUT, f"proving timed out after {timeout:.02f} seconds"
            ) from None
        except ProofEngineError as exc:
            raise _JobFailed(
                FailureReason.INTERNAL_ERROR, f"proof engine unavailable: {exc}"
            ) from None
        except Exception as exc:
            raise _JobFailed(FailureReason.PROVING_ERROR, f"{type(exc).__name__}: {exc}") from None

    async def _generate(self, job: _Job) -> None:
        cfg = self.config
        try:
            root = await self._engine_call(
                self.engine.request_proofs,
                job.request,
                cfg.chain_id,
                cfg.schema_id,
                ProofAttributes(proof_types=job.proof_types),
            )
            if root != job.root:
                raise _JobFailed(
                    FailureReason.INTERNAL_ERROR,
                    f"engine returned root {root!r} for request {format_root(job.root)}",
                )
        except _JobFailed as failed:
            for proof_type in job.proof_types:
                self._fail(job.root, proof_type, failed.reason, failed.error)
            return
        expected = get_public_input(job.root, cfg.chain_id, cfg.schema_id)
        for proof_type in job.proof_types:
            try:
                proof = await self._engine_call(self.engine.get_proof, job.root, proof_type)
                data = self._check_proof(proof, proof_type, expected)
                self.store.put(job.root, proof_type, data)
            except _JobFailed as failed:
                self._fail(job.root, proof_type, failed.reason, failed.error)
                continue
            self._in_flight.discard((job.root, proof_type))
            self.hub.publish(ProofEvent.complete(job.root, cfg.name(proof_type)))

    @staticmethod
    def _check_proof(proof: Any, proof_type: int, expected: PublicInput) -> bytes:
        if not isinstance(proof, ExecutionProof):
            raise _JobFailed(FailureReason.INTERNAL_ERROR, "engine returned no ExecutionProof")
        if proof.proof_type != proof_type:
            raise _JobFailed(
                FailureReason.INTERNAL_ERROR,
                f"engine returned proof type {proof.proof_type}, not {proof_type}",
            )
        if proof.public_input != expected:
            if not proof.public_input.successful_validation:
                raise _JobFailed(
                    FailureReason.PROVING_ERROR, "the payload failed stateless validation"
                )
            raise _JobFailed(
                FailureReason.INTERNAL_ERROR, "engine's public input differs from the request's"
            )
        if not 0 < len(proof.proof_data) <= MAX_PROOF_SIZE:
            raise _JobFailed(
                FailureReason.PROVING_ERROR,
                f"proof of {len(proof.proof_data)} bytes is outside 1..{MAX_PROOF_SIZE}",
            )
        return bytes(proof.proof_data)


class _JobFailed(Exception):
    def __init__(self, reason: FailureReason, error: str) -> None:
        super().__init__(error)
        self.reason = reason
        self.error = error


# ---------------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------------


def _port_of(bind: str) -> int:
    return int(bind.rpartition(":")[2])


async def serve_proof_node(
    app: ProofNodeApp,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    shutdown_trigger: Callable[[], Awaitable[None]] | None = None,
    graceful_timeout: float = 2.0,
    task_status: TaskStatus[int] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``app`` with hypercorn (trio worker) on ``host:port`` until cancelled or shut down.

    ``task_status.started`` reports the bound port (use ``port=0`` for a free one), so
    ``port = await nursery.start(serve_proof_node, app)`` returns once the port accepts. When
    ``shutdown_trigger`` returns, SSE streams are ended and in-flight requests get
    ``graceful_timeout`` seconds to finish.
    """
    config = hypercorn.config.Config()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    config.graceful_timeout = graceful_timeout
    config.accesslog = None
    config.errorlog = logger

    async def trigger() -> None:
        if shutdown_trigger is None:
            await trio.sleep_forever()
        else:
            await shutdown_trigger()
        app.close_streams()

    serve: Any = hypercorn.trio.serve  # hypercorn's ASGI TypedDicts vs our Mapping-typed app
    async with trio.open_nursery() as nursery:
        binds: list[str] = await nursery.start(
            functools.partial(serve, app, config, shutdown_trigger=trigger)
        )
        task_status.started(_port_of(binds[0]))


def run_proof_node(
    engine: ProofEngine,
    config: ProofNodeConfig,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    on_listening: Callable[[int], None] | None = None,
) -> None:
    """Blocking: serve a proof node until SIGINT / SIGTERM (the CLI's entry point)."""

    async def main() -> None:
        app = ProofNodeApp(engine, config)
        with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:

            async def shutdown() -> None:
                async for _ in signals:
                    return

            async with trio.open_nursery() as nursery:
                bound = await nursery.start(
                    functools.partial(serve_proof_node, app, host, port, shutdown_trigger=shutdown)
                )
                if on_listening is not None:
                    on_listening(bound)

    trio.run(main)
