"""The Beacon API server: Starlette routes served by hypercorn's trio worker.

:class:`ApiServer` binds the routes to a node (:class:`~eip8025_p2p.api.backend.ApiBackend`),
feeds the event stream from the node's pipeline, and runs hypercorn inside the node's nursery
(``await nursery.start(server.serve)`` returns once it listens; :attr:`ApiServer.url` is then
known, also for port 0). Errors are beacon-APIs error objects, unknown paths included.
"""

from __future__ import annotations

import logging
from typing import Any

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from eip8025.acceptance import AcceptanceRecord
from eip8025_p2p.api.backend import ApiBackend
from eip8025_p2p.api.config import ApiConfig
from eip8025_p2p.api.errors import ApiError, error_response
from eip8025_p2p.api.events import (
    BLOCK,
    EXECUTION_PAYLOAD_PROVEN,
    EXECUTION_PROOF,
    EventBroker,
    block_event,
    event_stream,
    proven_event,
    verdict_event,
)
from eip8025_p2p.api.node_routes import NodeRoutes
from eip8025_p2p.api.proofs import ProofRoutes
from eip8025_p2p.pipeline import VerdictEvent

__all__ = ["ApiServer"]

logger = logging.getLogger(__name__)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.status >= 500:
        logger.warning("%s %s: %d %s", request.method, request.url.path, exc.status, exc.message)
    return error_response(exc.status, exc.message, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = None if exc.headers is None else dict(exc.headers)
    return error_response(exc.status_code, str(exc.detail), headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal server error")


class ApiServer:
    """One node's Beacon API (see the module docstring)."""

    def __init__(self, backend: ApiBackend, config: ApiConfig) -> None:
        self.backend = backend
        self.config = config
        self.broker = EventBroker(queue=config.sse_queue, max_clients=config.max_sse_clients)
        self.proofs = ProofRoutes(backend, config)
        self.node = NodeRoutes(backend)
        self.url: str | None = None
        self.app = Starlette(
            routes=[
                Route("/eth/v1/beacon/execution_proofs", self.proofs.submit, methods=["POST"]),
                Route("/eth/v1/beacon/execution_proofs/{block_id}", self.proofs.get),
                Route("/eth/v1/node/identity", self.node.identity),
                Route("/eth/v1/node/peers", self.node.peers),
                Route("/eth/v1/node/health", self.node.health),
                Route("/eth/v1/node/syncing", self.node.syncing),
                Route("/eth/v1/node/version", self.node.version),
                Route("/eth/v2/node/version", self.node.version_v2),
                Route("/eth/v1/events", self._events),
            ],
            exception_handlers={
                ApiError: _api_error,
                HTTPException: _http_error,
                Exception: _internal_error,
            },
        )
        pipeline = backend.pipeline
        pipeline.listeners.append(self._on_verdict)
        pipeline.acceptance_listeners.append(self._on_proven)

    async def _events(self, request: Request) -> Response:
        return await event_stream(request, self.broker, self.config.sse_keepalive)

    def _on_verdict(self, event: VerdictEvent) -> None:
        if self.broker.subscribers:
            chain = self.backend.pipeline.store.chain
            self.broker.publish(EXECUTION_PROOF, verdict_event(event, chain))

    def _on_proven(self, record: AcceptanceRecord) -> None:
        self.broker.publish(EXECUTION_PAYLOAD_PROVEN, proven_event(record))

    def on_block(self, slot: int, root: bytes) -> None:
        """The node imported a block (the ``block`` event)."""
        self.broker.publish(BLOCK, block_event(slot, root))

    def counters(self) -> dict[str, int]:
        """API counters: requests, proofs by result, busy / slow / malformed uploads, streams."""
        return {
            **self.proofs.counters,
            "event_subscribers": self.broker.subscribers,
            "event_subscribers_dropped": self.broker.dropped_subscribers,
        }

    def _hypercorn_config(self) -> HypercornConfig:
        config = HypercornConfig()
        config.bind = [f"{self.config.address}:{self.config.port}"]
        config.read_timeout = self.config.read_timeout
        config.accesslog = None
        config.errorlog = logging.getLogger("hypercorn.error")
        config.graceful_timeout = 1.0
        return config

    async def serve(self, *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        """Listen and serve until cancelled; ``task_status.started(url)`` once listening.

        Raises:
            OSError: The address is taken or cannot be bound.
        """
        async with trio.open_nursery() as nursery:
            app: Any = self.app
            binds = await nursery.start(serve, app, self._hypercorn_config())
            self.url = binds[0]
            task_status.started(self.url)
