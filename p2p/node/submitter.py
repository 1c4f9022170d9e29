"""Submitting signed proofs to a beacon node's API, the way zkboost >= 0.10 does.

``POST {url}/eth/v1/beacon/execution_proofs`` with ``Content-Type: application/octet-stream``
and the SSZ serialization of a list of ``SignedExecutionProofEnvelope`` (beacon-APIs #569; at
most 4 per request, as zkboost sends). Any beacon node that serves #569 will do: ours
(``--http-port``) or another client's.

Each proof ends in one :class:`Submission`: ``submitted`` (200, or not among a 400's failures),
``rejected`` (named in a 400 ``IndexedErrorMessage``: the node judged it invalid; never
retried) or ``failed`` (no answer, or 408 / 429 / 5xx after ``attempts`` tries with exponential
backoff that honours ``Retry-After``; or a 4xx that retrying cannot fix).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any, Final

import httpx
import trio

from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.ssz import ProgressiveList

__all__ = ["ProofSubmitter", "Submission"]

logger = logging.getLogger(__name__)

PATH: Final = "/eth/v1/beacon/execution_proofs"
RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER: Final = 10.0


@dataclasses.dataclass(frozen=True)
class Submission:
    """What became of one submitted proof."""

    result: str
    """``submitted``, ``rejected`` or ``failed``."""
    message: str | None = None
    attempts: int = 1


class ProofSubmitter:
    """Posts signed proofs to one beacon node (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 30.0,
        max_per_request: int = 4,
    ) -> None:
        self.url = url.rstrip("/") + PATH
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
        self.max_per_request = max_per_request

    async def submit(self, proofs: Sequence[SignedExecutionProofEnvelopeBase]) -> list[Submission]:
        """Submit ``proofs`` (in requests of at most ``max_per_request``); one result each."""
        results: list[Submission] = []
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for start in range(0, len(proofs), self.max_per_request):
                batch = proofs[start : start + self.max_per_request]
                results.extend(await self._submit_batch(client, batch))
        return results

    async def _submit_batch(
        self, client: httpx.AsyncClient, batch: Sequence[SignedExecutionProofEnvelopeBase]
    ) -> list[Submission]:
        sedes = ProgressiveList(type(batch[0]))
        body = sedes.serialize(batch)
        headers = {"Content-Type": "application/octet-stream"}
        delay = self.backoff
        problem = "no attempt"
        for attempt in range(1, self.attempts + 1):
            try:
                response = await client.post(self.url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            else:
                if response.status_code == 200:
                    return [Submission("submitted", attempts=attempt)] * len(batch)
                if response.status_code == 400:
                    return self._partial(response, len(batch), attempt)
                problem = f"HTTP {response.status_code}: {_message(response)}"
                if response.status_code not in RETRY_STATUSES:
                    break
                delay = max(delay, _retry_after(response))
            if attempt < self.attempts:
                logger.info("submit to %s: %s; retrying in %.1f s", self.url, problem, delay)
                await trio.sleep(delay)
                delay *= 2
        return [Submission("failed", problem, attempt)] * len(batch)

    def _partial(self, response: httpx.Response, count: int, attempt: int) -> list[Submission]:
        failures: dict[int, str] = {}
        try:
            document: Any = response.json()
            for failure in document.get("failures", []):
                failures[int(failure["index"])] = str(failure["message"])
        except (ValueError, KeyError, TypeError, AttributeError):
            message = f"HTTP 400: {_message(response)}"
            return [Submission("rejected", message, attempt)] * count
        return [
            Submission("rejected", failures[i], attempt)
            if i in failures
            else Submission("submitted", attempts=attempt)
            for i in range(count)
        ]


def _message(response: httpx.Response) -> str:
    try:
        document = response.json()
        return str(document.get("message", document))
    except ValueError:
        return response.text[:200] or response.reason_phrase


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        return 0.0
