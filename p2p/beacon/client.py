"""``BeaconApiClient``: the standard Beacon API of a beacon node, over ``httpx`` on trio.

Each method is one beacon-APIs endpoint and returns typed values (:mod:`.models`, the core's SSZ
containers). Failures map onto the package's errors: no connection, a timeout or a 5xx answer is
:class:`BeaconNodeUnavailable` (try again later); another HTTP error is :class:`BeaconApiError`;
a body without the beacon-APIs shape is :class:`BeaconDataError`. A 404 for a block, header or
payload envelope is ``None`` (not known to the node).

Endpoints (beacon-APIs paths): ``/eth/v1/beacon/genesis``, ``/eth/v1/config/spec``,
``/eth/v1/config/fork_schedule``, ``/eth/v1/beacon/headers/{block_id}``,
``/eth/v2/beacon/blocks/{block_id}``, ``/eth/v1/beacon/execution_payload_envelopes/{block_id}``
(Gloas, ``apis/beacon/execution_payload/envelope_get.yaml``),
``/eth/v1/beacon/states/{state_id}/finality_checkpoints``,
``/eth/v1/beacon/states/{state_id}/validators``, ``/eth/v1/node/{identity,peers,syncing}`` and
the event stream ``/eth/v1/events``.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from types import TracebackType
from typing import Any, Final

import httpx
import trio

from eip8025.chain import ValidatorView
from eip8025.containers import Fork, SignedExecutionPayloadEnvelope
from eip8025_p2p.beacon.errors import (
    BeaconApiError,
    BeaconDataError,
    BeaconNodeTimeout,
    BeaconNodeUnavailable,
)
from eip8025_p2p.beacon.events import SseMessage, sse_messages
from eip8025_p2p.beacon.models import (
    BeaconPeer,
    BlockInfo,
    FinalityCheckpoints,
    Genesis,
    HeaderInfo,
    NodeIdentityInfo,
    SyncingStatus,
    parse_block,
    parse_envelope,
    parse_finality,
    parse_fork_schedule,
    parse_genesis,
    parse_header,
    parse_identity,
    parse_peers,
    parse_syncing,
    parse_validators,
)

__all__ = ["BeaconApiClient", "BlockId"]

logger = logging.getLogger(__name__)

BlockId = str | bytes | int
"""``head``, ``genesis``, ``finalized``, a slot, or a block root (bytes or ``0x`` hex)."""

DEFAULT_TIMEOUT: Final = 10.0


def _block_id(block_id: BlockId) -> str:
    if isinstance(block_id, bytes):
        return "0x" + block_id.hex()
    return str(block_id)


class BeaconApiClient:
    """An async client of one beacon node's API (see the module docstring).

    Use it as an async context manager (``async with BeaconApiClient(url) as client``) or call
    :meth:`aclose`.

    Args:
        url: The beacon node's base URL, e.g. ``http://127.0.0.1:5052``.
        timeout: Seconds per request (connect, read, write); the event stream has no read
            timeout (the follower watches it for silence itself).
        transport: An ``httpx`` transport to use instead of the network (tests).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=self.url,
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json"},
            transport=transport,
        )
        self.eip8282_fields_filled = 0
        """Envelopes whose ``execution_requests`` lacked the EIP-8282 lists (read as empty)."""

    async def __aenter__(self) -> BeaconApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # -- plumbing --------------------------------------------------------------------------

    async def get_json(
        self, path: str, *, params: Sequence[tuple[str, str]] = (), missing_ok: bool = False
    ) -> Any:
        """GET ``path`` and return its parsed JSON body (``None`` on 404 with ``missing_ok``).

        Raises:
            BeaconNodeUnavailable: No answer, or a 5xx answer.
            BeaconApiError: Another HTTP error.
            BeaconDataError: The body is not JSON.
        """
        try:
            response = await self._http.get(path, params=list(params))
        except httpx.TimeoutException as exc:
            raise BeaconNodeTimeout(f"GET {path}: {_describe(exc)}") from None
        except httpx.HTTPError as exc:
            raise BeaconNodeUnavailable(f"GET {path}: {_describe(exc)}") from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise _http_error(path, response.status_code, response.content)
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise BeaconDataError(f"GET {path}: the body is not JSON ({exc})") from None

    async def _data(self, path: str, *, missing_ok: bool = False) -> Any:
        body = await self.get_json(path, missing_ok=missing_ok)
        if body is None:
            return None
        if not isinstance(body, dict) or "data" not in body:
            raise BeaconDataError(f"GET {path}: the body has no 'data' member")
        return body["data"]

    # -- beacon ----------------------------------------------------------------------------

    async def genesis(self) -> Genesis:
        """``/eth/v1/beacon/genesis``; a 404 (genesis not yet known) is unavailability."""
        data = await self._data("/eth/v1/beacon/genesis", missing_ok=True)
        if data is None:
            raise BeaconNodeUnavailable("the beacon node does not know its genesis yet")
        return parse_genesis(data)

    async def header(self, block_id: BlockId) -> HeaderInfo | None:
        """``/eth/v1/beacon/headers/{block_id}``; None if the node does not know the block."""
        data = await self._data(f"/eth/v1/beacon/headers/{_block_id(block_id)}", missing_ok=True)
        return None if data is None else parse_header(data)

    async def block(self, block_id: BlockId) -> BlockInfo | None:
        """``/eth/v2/beacon/blocks/{block_id}`` (JSON); None if the node does not know it."""
        path = f"/eth/v2/beacon/blocks/{_block_id(block_id)}"
        body = await self.get_json(path, missing_ok=True)
        return None if body is None else parse_block(body)

    async def payload_envelope(self, block_id: BlockId) -> SignedExecutionPayloadEnvelope | None:
        """Gloas ``/eth/v1/beacon/execution_payload_envelopes/{block_id}``; None on 404."""
        path = f"/eth/v1/beacon/execution_payload_envelopes/{_block_id(block_id)}"
        data = await self._data(path, missing_ok=True)
        if data is None:
            return None
        envelope, filled = parse_envelope(data)
        if filled:
            self.eip8282_fields_filled += 1
        return envelope

    async def finality_checkpoints(self, state_id: str = "head") -> FinalityCheckpoints:
        """``/eth/v1/beacon/states/{state_id}/finality_checkpoints``."""
        data = await self._data(f"/eth/v1/beacon/states/{state_id}/finality_checkpoints")
        return parse_finality(data)

    async def validators(self, state_id: str) -> tuple[ValidatorView, ...] | None:
        """The whole registry of ``/eth/v1/beacon/states/{state_id}/validators`` by index.

        None if the node does not have that state (404).
        """
        data = await self._data(f"/eth/v1/beacon/states/{state_id}/validators", missing_ok=True)
        return None if data is None else parse_validators(data)

    # -- config ----------------------------------------------------------------------------

    async def spec(self) -> dict[str, Any]:
        """``/eth/v1/config/spec``: the config, preset and constants (values as sent)."""
        data = await self._data("/eth/v1/config/spec")
        if not isinstance(data, dict):
            raise BeaconDataError("GET /eth/v1/config/spec: 'data' is not an object")
        return data

    async def fork_schedule(self) -> tuple[Fork, ...]:
        """``/eth/v1/config/fork_schedule``: every fork, past and future."""
        return parse_fork_schedule(await self._data("/eth/v1/config/fork_schedule"))

    # -- node ------------------------------------------------------------------------------

    async def identity(self) -> NodeIdentityInfo:
        """``/eth/v1/node/identity``."""
        return parse_identity(await self._data("/eth/v1/node/identity"))

    async def peers(self) -> tuple[BeaconPeer, ...]:
        """``/eth/v1/node/peers``."""
        return parse_peers(await self._data("/eth/v1/node/peers"))

    async def syncing(self) -> SyncingStatus:
        """``/eth/v1/node/syncing``."""
        return parse_syncing(await self._data("/eth/v1/node/syncing"))

    # -- events ----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def events(
        self, topics: Sequence[str]
    ) -> AsyncIterator[AsyncGenerator[SseMessage | None, None]]:
        """Open ``/eth/v1/events?topics=a&topics=b``; yield its messages (None: a comment).

        Opening waits at most the request timeout for the node's answer (some nodes never
        answer a topic they do not know); reading the stream has no timeout.

        Raises:
            BeaconNodeTimeout: No answer within the request timeout.
            BeaconNodeUnavailable: No connection, a 5xx, or the stream broke while being read.
            BeaconApiError: The node refused the subscription (400: an unknown topic).
        """
        path = "/eth/v1/events"
        timeout = httpx.Timeout(self.timeout, read=None)
        request = self._http.build_request(
            "GET",
            path,
            params=[("topics", topic) for topic in topics],
            headers={"Accept": "text/event-stream"},
            timeout=timeout,
        )
        response = None
        with trio.move_on_after(self.timeout):
            try:
                response = await self._http.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise BeaconNodeUnavailable(f"GET {path}: {_describe(exc)}") from None
        if response is None:
            raise BeaconNodeTimeout(f"GET {path}?topics={','.join(topics)}: no answer")
        try:
            if response.status_code != 200:
                body = await response.aread()
                raise _http_error(path, response.status_code, body)
            yield _guarded(sse_messages(response.aiter_lines()), path)
        finally:
            await response.aclose()


async def _guarded(
    messages: AsyncIterator[SseMessage | None], path: str
) -> AsyncGenerator[SseMessage | None, None]:
    try:
        async for message in messages:
            yield message
    except httpx.HTTPError as exc:
        raise BeaconNodeUnavailable(f"{path}: the event stream broke: {_describe(exc)}") from None


def _describe(exc: httpx.HTTPError) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _http_error(path: str, status: int, body: bytes) -> BeaconApiError | BeaconNodeUnavailable:
    message = body[:200].decode("utf-8", "replace")
    try:
        parsed = json.loads(body)
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
            message = parsed["message"]
    except ValueError:
        pass
    if status >= 500 or status in (408, 429):
        return BeaconNodeUnavailable(f"GET {path}: HTTP {status}: {message}")
    return BeaconApiError(status, message, f"GET {path}")
