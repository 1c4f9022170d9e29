"""``HttpProofEngine``: :class:`eip8025.engine.ProofEngine` over a proof node's HTTP API.

The API is zkboost's "Proof Node API" (v0.7; :mod:`eip8025_p2p.proof_node_api` lists the wire
details), served by zkboost itself or by our :mod:`eip8025_p2p.proof_node`.

**Synchronous on purpose.** The core calls engines synchronously; network adapters call them from
worker threads (``trio.to_thread.run_sync``). Requests go through one pooled ``httpx.Client`` with
explicit timeouts. Waiting for a proof (:meth:`HttpProofEngine.get_proof`) subscribes to the node's
SSE stream; that part is the trio-native :func:`wait_for_proof`, which ``get_proof`` runs in a
private ``trio.run`` on the calling (worker) thread, so the wait has one exact deadline. Trio code
can ``await wait_for_proof(...)`` directly.

**What a verdict is.** Only a ``200`` answer ``{"status": "VALID"|"INVALID"}`` is a verdict.
Everything else - connection refused, timeouts, ``4xx``/``5xx``, a malformed body, a proof type the
node does not serve - raises :class:`~eip8025.engine.ProofEngineUnavailable`, which gossip turns
into IGNORE, never REJECT: our node's trouble is never evidence against the peer.

**The public input is not on the wire.** The node is given only ``new_payload_request_root``,
the proof type and the proof bytes; it derives the rest of the public input itself (zkboost checks
the proof's public values against ``StatelessValidatorOutput(root, successful_validation=true)``
and its own chain config). So this engine is configured with the ``chain_id`` / ``schema_id`` the
node proves for, and :meth:`~HttpProofEngine.verify_execution_proof` returns False, without asking,
for a proof whose ``public_input`` differs from that (other chain, other schema, or
``successful_validation`` false): the node cannot attest such a statement, so the proof is not
valid for this node. Likewise :meth:`~HttpProofEngine.get_proof` rebuilds the public input from
the same configuration.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import TracebackType
from typing import Any, Final

import httpx
import trio

from eip8025.engine import ProofAttributes, ProofEngineError, ProofEngineUnavailable
from eip8025.profile import (
    DEFAULT_REGISTRY,
    MAX_PROOF_SIZE,
    STATELESS_INPUT_SCHEMA_ID,
    ExecutionProof,
    ProofTypeRegistry,
    PublicInput,
    SpecConfig,
    SSZNewPayloadRequest,
)
from eip8025.verification import get_public_input

from .proof_node_api import (
    PATH_PROOF_REQUESTS,
    PATH_PROOFS,
    PATH_VERIFICATIONS,
    ProofEvent,
    SSEParser,
    WireError,
    format_root,
    parse_root,
)

__all__ = [
    "HttpProofEngine",
    "ProofGenerationFailed",
    "download_proof",
    "open_proof_events",
    "wait_for_proof",
]

DEFAULT_CONNECT_TIMEOUT: Final = 2.0
DEFAULT_VERIFY_TIMEOUT: Final = 10.0
DEFAULT_REQUEST_TIMEOUT: Final = 10.0
DEFAULT_PROOF_WAIT_TIMEOUT: Final = 60.0
_OCTET_STREAM: Final = "application/octet-stream"
_MAX_ERROR_BODY: Final = 4096


class ProofGenerationFailed(ProofEngineError):
    """The node reported ``proof_failure`` for the proof being waited for.

    Attributes:
        reason: zkboost ``FailureReason`` (``proving_error``, ``proving_timeout``, ...).
        error: The node's human-readable message.
    """

    def __init__(self, reason: str, error: str) -> None:
        super().__init__(f"proof generation failed ({reason}): {error}")
        self.reason = reason
        self.error = error


def _unavailable(base_url: str, what: str, exc: BaseException) -> ProofEngineUnavailable:
    kind = type(exc).__name__
    detail = str(exc) or kind
    return ProofEngineUnavailable(f"proof node {base_url}: {what}: {kind}: {detail}")


def _error_message(status: int, body: bytes) -> str:
    """Zkboost client ``error_for_status``: the JSON ``message`` if there is one, else the text."""
    text = body[:_MAX_ERROR_BODY].decode("utf-8", "replace")
    try:
        message = json.loads(text).get("message")
    except (ValueError, AttributeError):
        message = None
    return f"HTTP {status}: {message if isinstance(message, str) else text.strip()}"


@contextmanager
def _transport_errors(base_url: str, what: str) -> Iterator[None]:
    """Map every httpx failure (connect, timeout, protocol, ...) to ProofEngineUnavailable."""
    try:
        yield
    except httpx.HTTPError as exc:
        raise _unavailable(base_url, what, exc) from exc
    except (OSError, trio.BrokenResourceError) as exc:
        raise _unavailable(base_url, what, exc) from exc


# ---------------------------------------------------------------------------------------------
# Async (trio) helpers: SSE subscription and proof download
# ---------------------------------------------------------------------------------------------


class ProofEventStream:
    """An open SSE subscription; iterate it for :class:`ProofEvent` values."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self._parser = SSEParser()

    def __aiter__(self) -> ProofEventStream:
        return self

    async def __anext__(self) -> ProofEvent:
        """The next event; unknown event names are skipped (forward compatibility).

        Raises:
            StopAsyncIteration: The node closed the stream.
            WireError: A ``proof_complete``/``proof_failure`` payload is malformed.
        """
        async for line in self._lines:
            message = self._parser.feed(line)
            if message is None:
                continue
            event, data = message
            if event not in ("proof_complete", "proof_failure"):
                continue
            return ProofEvent.from_sse(event, data)
        raise StopAsyncIteration


@asynccontextmanager
async def open_proof_events(
    client: httpx.AsyncClient, new_payload_request_root: bytes | None = None
) -> AsyncIterator[ProofEventStream]:
    """Subscribe to ``GET /v1/execution_proof_requests`` (optionally filtered to one root).

    The context is entered once the node has answered ``200``: from then on, every event the node
    publishes reaches the stream (zkboost and our node register the subscriber before answering;
    with a root filter both also replay ``proof_complete`` for proofs already cached).

    Raises:
        ProofEngineUnavailable: Connection failure or a non-200 answer.
    """
    params = {}
    if new_payload_request_root is not None:
        params["new_payload_request_root"] = format_root(new_payload_request_root)
    base = str(client.base_url)
    with _transport_errors(base, "subscribe"):
        async with client.stream(
            "GET", PATH_PROOF_REQUESTS, params=params, headers={"accept": "text/event-stream"}
        ) as response:
            if response.status_code != 200:
                body = await _read_capped(response, _MAX_ERROR_BODY)
                raise ProofEngineUnavailable(
                    f"proof node {base}: subscribe: {_error_message(response.status_code, body)}"
                )
            yield ProofEventStream(response)


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    chunks = bytearray()
    async for chunk in response.aiter_bytes():
        chunks += chunk
        if len(chunks) > limit:
            break
    return bytes(chunks[:limit])


async def download_proof(
    client: httpx.AsyncClient,
    new_payload_request_root: bytes,
    proof_type_name: str,
    *,
    max_size: int = MAX_PROOF_SIZE,
) -> bytes | None:
    """``GET /v1/execution_proofs/{root}/{type}``: the proof bytes, or None on ``404``.

    Raises:
        ProofEngineUnavailable: Any other failure, or a body larger than ``max_size``.
    """
    base = str(client.base_url)
    url = f"{PATH_PROOFS}/{format_root(new_payload_request_root)}/{proof_type_name}"
    with _transport_errors(base, "download proof"):
        async with client.stream("GET", url) as response:
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                body = await _read_capped(response, _MAX_ERROR_BODY)
                raise ProofEngineUnavailable(
                    f"proof node {base}: download proof: "
                    f"{_error_message(response.status_code, body)}"
                )
            data = await _read_capped(response, max_size + 1)
    if not 0 < len(data) <= max_size:
        raise ProofEngineUnavailable(
            f"proof node {base}: download proof: proof of {len(data)} bytes is outside "
            f"1..{max_size}"
        )
    return data


async def wait_for_proof(
    client: httpx.AsyncClient,
    new_payload_request_root: bytes,
    proof_type_name: str,
    *,
    timeout: float,
    max_size: int = MAX_PROOF_SIZE,
) -> bytes:
    """Wait (at most ``timeout`` seconds) for a requested proof and return its bytes.

    Subscribes to the root's events *first*, then tries the download, so a proof completing in
    between is never missed; then waits for its ``proof_complete`` (download) or ``proof_failure``.

    Raises:
        ProofGenerationFailed: The node reported ``proof_failure`` for this root and type.
        ProofEngineUnavailable: Timeout, connection failure, malformed stream, or the proof was
            evicted from the node's cache before it could be downloaded.
    """
    base = str(client.base_url)
    try:
        with trio.fail_after(timeout):
            async with open_proof_events(client, new_payload_request_root) as events:
                data = await download_proof(
                    client, new_payload_request_root, proof_type_name, max_size=max_size
                )
                if data is not None:
                    return data
                with _transport_errors(base, "event stream"):
                    async for event in events:
                        if (
                            event.new_payload_request_root != new_payload_request_root
                            or event.proof_type != proof_type_name
                        ):
                            continue
                        if not event.is_complete:
                            raise ProofGenerationFailed(event.reason or "", event.error or "")
                        data = await download_proof(
                            client, new_payload_request_root, proof_type_name, max_size=max_size
                        )
                        if data is None:
                            raise ProofEngineUnavailable(
                                f"proof node {base}: proof was evicted before download"
                            )
                        return data
    except trio.TooSlowError:
        raise ProofEngineUnavailable(
            f"proof node {base}: no {proof_type_name} proof for "
            f"{format_root(new_payload_request_root)} within {timeout:g} s"
        ) from None
    except WireError as exc:
        raise ProofEngineUnavailable(f"proof node {base}: malformed event: {exc}") from None
    raise ProofEngineUnavailable(f"proof node {base}: event stream ended")


# ---------------------------------------------------------------------------------------------
# The synchronous engine
# ---------------------------------------------------------------------------------------------


class HttpProofEngine:
    """:class:`~eip8025.engine.ProofEngine` backed by a proof node's HTTP API (see module doc).

    Thread-safe: one pooled ``httpx.Client`` serves concurrent calls from worker threads. Never call
    it from a thread that is running a trio event loop (it blocks; ``get_proof`` would fail).

    Args:
        base_url: The node, e.g. ``http://127.0.0.1:3000``.
        chain_id: The ``chain_id`` the node proves for (the spec's ``DEPOSIT_CHAIN_ID``).
        schema_id: The stateless-input schema the node proves for.
        registry: Proof type id <-> wire name.
        connect_timeout: Seconds to establish a connection.
        verify_timeout: Seconds for a verification answer (each read / write).
        request_timeout: Seconds for a proof request (upload and answer) and for downloads.
        proof_wait_timeout: Default bound of :meth:`get_proof`'s wait.
        max_connections: Connection pool size.
        transport: Optional httpx transport (tests).
    """

    def __init__(
        self,
        base_url: str,
        *,
        chain_id: int,
        schema_id: int = STATELESS_INPUT_SCHEMA_ID,
        registry: ProofTypeRegistry = DEFAULT_REGISTRY,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        verify_timeout: float = DEFAULT_VERIFY_TIMEOUT,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        proof_wait_timeout: float = DEFAULT_PROOF_WAIT_TIMEOUT,
        max_connections: int = 16,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        for name, value in (
            ("connect_timeout", connect_timeout),
            ("verify_timeout", verify_timeout),
            ("request_timeout", request_timeout),
            ("proof_wait_timeout", proof_wait_timeout),
        ):
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self.base_url = base_url.rstrip("/")
        self.chain_id = chain_id
        self.schema_id = schema_id
        self.registry = registry
        self.connect_timeout = connect_timeout
        self.verify_timeout = verify_timeout
        self.request_timeout = request_timeout
        self.proof_wait_timeout = proof_wait_timeout
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(request_timeout, connect=connect_timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_config(cls, base_url: str, config: SpecConfig, **options: Any) -> HttpProofEngine:
        """An engine for ``config``'s ``deposit_chain_id`` and proof-type registry."""
        return cls(base_url, chain_id=config.deposit_chain_id, registry=config.registry, **options)

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpProofEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------------------------

    def _name(self, proof_type: int) -> str:
        try:
            return self.registry.get(proof_type).name
        except KeyError:
            raise ProofEngineUnavailable(
                f"proof type {proof_type} has no name in the registry; it cannot be sent to "
                f"proof node {self.base_url}"
            ) from None

    def _public_input(self, new_payload_request_root: bytes) -> PublicInput:
        return get_public_input(new_payload_request_root, self.chain_id, self.schema_id)

    def _post_json(
        self, what: str, path: str, params: dict[str, str], body: bytes, timeout: httpx.Timeout
    ) -> dict[str, Any]:
        with _transport_errors(self.base_url, what):
            response = self._client.post(
                path,
                params=params,
                content=body,
                headers={"content-type": _OCTET_STREAM},
                timeout=timeout,
            )
        if response.status_code != 200:
            raise ProofEngineUnavailable(
                f"proof node {self.base_url}: {what}: "
                f"{_error_message(response.status_code, response.content)}"
            )
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ProofEngineUnavailable(
                f"proof node {self.base_url}: {what}: malformed answer {response.content[:200]!r}"
            )
        return answer

    # -- ProofEngine ----------------------------------------------------------------------------

    def verify_execution_proof(self, execution_proof: ExecutionProof) -> bool:
        """``POST /v1/execution_proof_verifications``; True iff the node answers ``VALID``.

        Returns False without a request when the proof's public input is not the one this node
        proves (other ``chain_id`` / ``schema_id``, or ``successful_validation`` false) or its size
        is outside ``1..MAX_PROOF_SIZE`` (never valid, by the envelope rule).

        Raises:
            ProofEngineUnavailable: No verdict (node down, timeout, non-200, malformed answer,
                proof type without a wire name).
        """
        public_input = execution_proof.public_input
        if (
            public_input.chain_id != self.chain_id
            or public_input.schema_id != self.schema_id
            or not public_input.successful_validation
        ):
            return False
        if not 0 < len(execution_proof.proof_data) <= MAX_PROOF_SIZE:
            return False
        params = {
            "new_payload_request_root": format_root(public_input.new_payload_request_root),
            "proof_type": self._name(execution_proof.proof_type),
        }
        timeout = httpx.Timeout(self.verify_timeout, connect=self.connect_timeout)
        answer = self._post_json(
            "verify", PATH_VERIFICATIONS, params, execution_proof.proof_data, timeout
        )
        status = answer.get("status")
        if status == "VALID":
            return True
        if status == "INVALID":
            return False
        raise ProofEngineUnavailable(
            f"proof node {self.base_url}: verify: unexpected status {status!r}"
        )

    def request_proofs(
        self,
        new_payload_request: SSZNewPayloadRequest,
        chain_id: int,
        schema_id: int,
        proof_attributes: ProofAttributes,
    ) -> bytes:
        """``POST /v1/execution_proof_requests``; returns ``hash_tree_root(new_payload_request)``.

        The node's answer must name the same root (checked locally).

        Raises:
            ValueError: No proof types requested.
            ProofEngineUnavailable: ``chain_id``/``schema_id`` are not what the node proves for,
                a proof type has no wire name, or the node failed / refused / disagreed on the root.
        """
        if not proof_attributes.proof_types:
            raise ValueError("request_proofs needs at least one proof type")
        if (chain_id, schema_id) != (self.chain_id, self.schema_id):
            raise ProofEngineUnavailable(
                f"proof node {self.base_url} proves chain_id {self.chain_id} / schema "
                f"{self.schema_id:#06x}, not chain_id {chain_id} / schema {schema_id:#06x}"
            )
        names = ",".join(self._name(t) for t in proof_attributes.proof_types)
        root = new_payload_request.hash_tree_root()
        answer = self._post_json(
            "request proofs",
            PATH_PROOF_REQUESTS,
            {"proof_types": names},
            new_payload_request.encode_bytes(),
            httpx.Timeout(self.request_timeout, connect=self.connect_timeout),
        )
        try:
            remote_root = parse_root(str(answer.get("new_payload_request_root")))
        except WireError as exc:
            raise ProofEngineUnavailable(
                f"proof node {self.base_url}: request proofs: {exc}"
            ) from None
        if remote_root != root:
            raise ProofEngineUnavailable(
                f"proof node {self.base_url} computed root {format_root(remote_root)} for a "
                f"request whose root is {format_root(root)} (a different NewPayloadRequest "
                "container?)"
            )
        return root

    def get_proof(
        self, new_payload_request_root: bytes, proof_type: int, *, timeout: float | None = None
    ) -> ExecutionProof:
        """Wait (at most ``timeout``, default ``proof_wait_timeout``) for a proof and return it.

        Raises:
            ProofGenerationFailed: The node reported ``proof_failure`` for it.
            ProofEngineUnavailable: Timeout or any transport / protocol failure.
        """
        name = self._name(proof_type)
        wait = self.proof_wait_timeout if timeout is None else timeout
        data = trio.run(functools.partial(self._wait_async, new_payload_request_root, name, wait))
        return ExecutionProof(
            proof_data=data,
            proof_type=proof_type,
            public_input=self._public_input(new_payload_request_root),
        )

    async def _wait_async(self, root: bytes, name: str, timeout: float) -> bytes:
        async with httpx.AsyncClient(
            base_url=self.base_url,
            # No read timeout on the stream itself: the whole wait has one trio deadline.
            timeout=httpx.Timeout(None, connect=self.connect_timeout),
            follow_redirects=False,
        ) as client:
            return await wait_for_proof(client, root, name, timeout=timeout)
