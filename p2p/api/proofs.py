"""``/eth/v1/beacon/execution_proofs``: provers submit proofs; anyone reads a block's proofs.

``POST`` follows beacon-APIs #569: the body is the SSZ serialization of
``ProgressiveList[SignedExecutionProofEnvelope]`` (``application/octet-stream``; a zkboost
``List`` of at most 4 has the same bytes). Every proof goes through the node's pipeline exactly
like a gossip message - the gossip rules, then stored, then broadcast on the topic - and the
answer says which failed:

- 200: every proof was accepted, was already known (``already_processed``,
  ``proof_type_already_verified``) or waits for its block in the pending queue;
- 400 ``IndexedErrorMessage``: a malformed list, or proofs that broke a rule (each failure names
  its rule; the good proofs of the list are still accepted and broadcast);
- 503 ``IndexedErrorMessage``: proofs the node could not judge (proof engine down, queue full,
  another chain id configured), or no chain yet, or too many uploads at once (``Retry-After``);
- 408 / 413 / 415: body too slow, too large (bytes or proofs), or not ``application/octet-stream``.

``GET /eth/v1/beacon/execution_proofs/{block_id}`` (ours; #569's latest text has only the POST)
returns the stored ``ExecutionProofEnvelope`` values of a block, JSON or SSZ by ``Accept``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Final

import trio
from ssz.exceptions import DeserializationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from eip8025.api_json import to_api_json
from eip8025.containers import ExecutionProofEnvelopeBase, SignedExecutionProofEnvelopeBase
from eip8025.gossip import GossipReason
from eip8025.profiles import SpecProfile
from eip8025.ssz import ProgressiveList, split_variable_elements
from eip8025_p2p.api.backend import ApiBackend
from eip8025_p2p.api.config import ApiConfig
from eip8025_p2p.api.errors import ApiError, indexed_error_response
from eip8025_p2p.pipeline import API, Outcome, Verdict

__all__ = ["ProofRoutes", "decode_proof_list"]

SSZ: Final = "application/octet-stream"
ALREADY_KNOWN: Final = frozenset(
    {GossipReason.ALREADY_PROCESSED, GossipReason.PROOF_TYPE_ALREADY_VERIFIED}
)
"""IGNOREs that mean "we have this already": success for a submitter."""
NOT_JUDGED: Final = frozenset(
    {
        GossipReason.ENGINE_UNAVAILABLE,
        GossipReason.CHAIN_ID_MISMATCH,
        GossipReason.STATE_UNAVAILABLE,
    }
)
NOT_JUDGED_LABELS: Final = frozenset({"throttled", "validator_error", "pending_full"})

Decoded = SignedExecutionProofEnvelopeBase | str
"""A decoded proof, or why its bytes did not decode."""


def decode_proof_list(body: bytes | memoryview, profile: SpecProfile) -> list[Decoded]:
    """Split the list, then decode each proof on its own (a bad one does not hide the others).

    Raises:
        DeserializationError: The list's offsets are malformed.
    """
    decoded: list[Decoded] = []
    bound = profile.max_signed_execution_proof_envelope_size
    for part in split_variable_elements(body):
        if len(part) > bound:
            decoded.append(f"{len(part)} bytes exceed the envelope bound {bound}")
            continue
        try:
            decoded.append(profile.SignedExecutionProofEnvelope.decode_bytes(part))
        except (DeserializationError, ValueError, TypeError) as exc:
            decoded.append(f"invalid SSZ SignedExecutionProofEnvelope: {exc}")
    return decoded


def _counts_as_success(verdict: Verdict) -> bool:
    if verdict.outcome is Outcome.ACCEPT or verdict.parked:
        return True
    return verdict.outcome is Outcome.IGNORE and verdict.gossip_reason in ALREADY_KNOWN


def _not_judged(verdict: Verdict) -> bool:
    return verdict.gossip_reason in NOT_JUDGED or verdict.reason in NOT_JUDGED_LABELS


class ProofRoutes:
    """The two handlers, bound to a node and the API's bounds."""

    def __init__(self, backend: ApiBackend, config: ApiConfig) -> None:
        self.backend = backend
        self.config = config
        self.profile = backend.pipeline.profile
        self.body_bound = config.max_body_bytes(
            self.profile.max_signed_execution_proof_envelope_size
        )
        self.uploads = trio.Semaphore(config.max_concurrent_uploads)
        self.counters: dict[str, int] = {}

    def _count(self, key: str, n: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + n

    async def submit(self, request: Request) -> Response:
        """``POST /eth/v1/beacon/execution_proofs``."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != SSZ:
            raise ApiError(415, f"the body must be SSZ ({SSZ}), not {content_type or 'untyped'}")
        if self.backend.sync_status() is None:
            raise ApiError(503, "the node has no chain yet and cannot judge proofs")
        try:
            self.uploads.acquire_nowait()
        except trio.WouldBlock:
            self._count("busy")
            raise ApiError(
                503,
                f"{self.config.max_concurrent_uploads} uploads in progress; retry",
                {"Retry-After": "1"},
            ) from None
        try:
            body = await self._read_body(request)
            return await self._judge(body)
        finally:
            self.uploads.release()

    async def _read_body(self, request: Request) -> bytearray:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.body_bound:
            raise ApiError(413, f"body of {declared} bytes exceeds {self.body_bound}")
        body = bytearray()
        with trio.move_on_after(self.config.body_timeout) as scope:
            async for chunk in request.stream():
                body += chunk
                if len(body) > self.body_bound:
                    raise ApiError(413, f"body exceeds {self.body_bound} bytes")
        if scope.cancelled_caught:
            self._count("slow")
            raise ApiError(408, f"body not received within {self.config.body_timeout:g} s")
        return body

    async def _judge(self, body: bytearray) -> Response:
        decode = functools.partial(decode_proof_list, memoryview(body), self.profile)
        try:
            decoded = await trio.to_thread.run_sync(decode)
        except DeserializationError as exc:
            self._count("malformed")
            raise ApiError(
                400, f"invalid SSZ list of SignedExecutionProofEnvelope: {exc}"
            ) from None
        if len(decoded) > self.config.max_proofs_per_request:
            raise ApiError(
                413, f"{len(decoded)} proofs; at most {self.config.max_proofs_per_request}"
            )
        self._count("requests")
        self._count("proofs", len(decoded))
        verdicts: list[Verdict | None] = [None] * len(decoded)

        async def judge(index: int, signed: SignedExecutionProofEnvelopeBase) -> None:
            verdicts[index] = await self.backend.pipeline.submit_envelope(signed, API)

        async with trio.open_nursery() as nursery:
            for index, item in enumerate(decoded):
                if not isinstance(item, str):
                    nursery.start_soon(judge, index, item)
        return self._answer(decoded, verdicts)

    def _answer(self, decoded: Sequence[Decoded], verdicts: Sequence[Verdict | None]) -> Response:
        failures: list[tuple[int, str]] = []
        unjudged: list[tuple[int, str]] = []
        for index, (item, verdict) in enumerate(zip(decoded, verdicts, strict=True)):
            if verdict is None:
                failures.append((index, f"[REJECT] decode_error: {item}"))
            elif _not_judged(verdict):
                unjudged.append((index, verdict.describe()))
            elif not _counts_as_success(verdict):
                failures.append((index, verdict.describe()))
            elif verdict.outcome is Outcome.ACCEPT:
                self._count("accepted")
            else:
                self._count("parked" if verdict.parked else "known")
        self._count("failed", len(failures))
        self._count("unjudged", len(unjudged))
        if unjudged:
            message = f"{len(unjudged)} of {len(decoded)} proofs could not be judged; retry"
            return indexed_error_response(503, message, sorted(unjudged + failures))
        if failures:
            message = f"{len(failures)} of {len(decoded)} proofs failed validation"
            return indexed_error_response(400, message, failures)
        return Response(status_code=200)

    async def get(self, request: Request) -> Response:
        """``GET /eth/v1/beacon/execution_proofs/{block_id}``."""
        block_id = request.path_params["block_id"]
        try:
            ref = self.backend.resolve_block(block_id)
        except ValueError as exc:
            raise ApiError(400, f"invalid block id {block_id!r}: {exc}") from None
        if ref is None:
            raise ApiError(404, f"block {block_id} not found")
        store = self.backend.pipeline.store
        proof_types = list(store.execution_proofs.get(ref.root, {}))
        envelopes = await trio.to_thread.run_sync(self._load, ref.root, proof_types)
        if SSZ in request.headers.get("accept", ""):
            cls = self.profile.ExecutionProofEnvelope
            data = ProgressiveList(cls).serialize(envelopes)
            return Response(data, media_type=SSZ)
        body = {
            "execution_optimistic": False,
            "finalized": ref.finalized,
            "data": [to_api_json(envelope) for envelope in envelopes],
        }
        return JSONResponse(body)

    def _load(self, root: bytes, proof_types: list[int]) -> list[ExecutionProofEnvelopeBase]:
        archive = self.backend.pipeline.store.archive
        loaded = []
        for proof_type in sorted(proof_types):
            try:
                loaded.append(archive.load_proof(root, proof_type))
            except KeyError:  # pruned meanwhile
                continue
        return loaded
