"""The responding side of the service: one handler per served method.

For each inbound stream (phase0 ``p2p-interface.md``, *Responding side*): admission by the rate
limiter (a third concurrent request of a method is reset), the request read and validated within
``RESP_TIMEOUT`` (invalid input is answered ``InvalidRequest``), an over-quota request answered
``ResourceUnavailable`` or withheld until its token is due, then the single response chunk, and
the follow-ups (a Goodbye ends the connection, a foreign fork digest gets Goodbye(2), a newer
MetaData sequence number in a Ping fetches the MetaData). Nothing escapes a handler: an
unexpected error is answered ``ServerError``, a broken stream is reset.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import trio
from libp2p.abc import INetStream
from libp2p.peer.id import ID
from ssz.exceptions import DeserializationError

from eip8025_p2p.reqresp.codec import ResultCode, read_request
from eip8025_p2p.reqresp.errors import CodecError
from eip8025_p2p.reqresp.framing import StreamReader
from eip8025_p2p.reqresp.messages import (
    MetaDataV2,
    MetaDataV3,
    StatusV1,
    StatusV2,
    decode_uint64,
    encode_uint64,
    goodbye_reason_name,
)
from eip8025_p2p.reqresp.peers import short_id
from eip8025_p2p.reqresp.protocol import Method, abort_stream, write_error, write_success
from eip8025_p2p.reqresp.ratelimit import Admission
from eip8025_p2p.reqresp.requester import describe_status

if TYPE_CHECKING:
    from eip8025_p2p.reqresp.service import ReqResp

__all__ = ["Responder"]

logger = logging.getLogger(__name__)


class Responder:
    """Serves the handshake methods for a :class:`~eip8025_p2p.reqresp.ReqResp`."""

    def __init__(self, service: ReqResp) -> None:
        self.service = service

    async def serve(self, method: Method, stream: INetStream) -> None:
        """The stream handler of ``method``: never raises (except cancellation)."""
        try:
            peer_id = stream.muxed_conn.peer_id
        except AttributeError:  # a stream without a connection (closed meanwhile)
            await abort_stream(stream)
            return
        key = peer_id.to_base58()
        admission, delay = self.service.limiter.admit(key, method.name)
        if admission is Admission.REFUSED:
            logger.warning(
                "%s from %s refused: too many concurrent", method.label, short_id(peer_id)
            )
            await abort_stream(stream)
            return
        try:
            await self._serve_admitted(method, stream, peer_id, admission, delay)
        except Exception as exc:  # noqa: BLE001 - a stream handler never raises into libp2p
            logger.warning("serving %s to %s failed: %r", method.label, short_id(peer_id), exc)
            await abort_stream(stream)
        finally:
            self.service.limiter.release(key, method.name)

    async def _serve_admitted(
        self, method: Method, stream: INetStream, peer_id: ID, admission: Admission, delay: float
    ) -> None:
        started = trio.current_time()
        payload = b""
        if method.request is not None:
            try:
                with trio.fail_after(self.service.config.timeouts.resp):
                    payload = await read_request(StreamReader(stream), method.request)
            except CodecError as exc:
                logger.warning(
                    "invalid %s request from %s: %s", method.label, short_id(peer_id), exc
                )
                await write_error(stream, ResultCode.INVALID_REQUEST, str(exc))
                return
            except trio.TooSlowError:
                logger.warning("%s request from %s timed out", method.label, short_id(peer_id))
                await abort_stream(stream)
                return
        if admission is Admission.LIMITED:
            logger.warning("%s from %s rate limited", method.label, short_id(peer_id))
            await write_error(stream, ResultCode.RESOURCE_UNAVAILABLE, "rate limited")
            return
        if delay > 0:
            await trio.sleep(delay)
        try:
            response, detail = self._answer(method, peer_id, payload)
        except (CodecError, DeserializationError) as exc:
            logger.warning("invalid %s request from %s: %s", method.label, short_id(peer_id), exc)
            await write_error(stream, ResultCode.INVALID_REQUEST, str(exc))
            return
        except Exception as exc:
            logger.warning(
                "%s handler failed for %s: %r", method.label, short_id(peer_id), exc, exc_info=True
            )
            await write_error(stream, ResultCode.SERVER_ERROR, "internal error")
            return
        await write_success(stream, response)
        elapsed = (trio.current_time() - started) * 1000
        logger.info(
            "%s served to %s in %.1f ms%s", method.label, short_id(peer_id), elapsed, detail
        )
        self._after_request(method, peer_id)

    def _answer(self, method: Method, peer_id: ID, payload: bytes) -> tuple[bytes, str]:
        """Our response's SSZ bytes and a log detail; records what the request told us."""
        state = self.service.ensure_peer(peer_id)
        if method.name == "status":
            theirs: StatusV1 | StatusV2 = (
                StatusV2.decode_bytes(payload)
                if method.version == 2
                else StatusV1.decode_bytes(payload)
            )
            ours = self.service.source.local_status()
            response = ours.encode_bytes() if method.version == 2 else ours.v1().encode_bytes()
            if state is not None:
                self.service.record_status(state, theirs, method.version)
            return response, f"; peer {describe_status(theirs)}"
        if method.name == "ping":
            seq = decode_uint64(payload)
            if state is not None:
                state.pings_received += 1
                state.seq_number = seq
            ours_seq = self.service.source.local_metadata().seq_number
            return encode_uint64(ours_seq), f"; peer seq {seq}"
        if method.name == "metadata":
            ours_md = self.service.source.local_metadata()
            body: MetaDataV2 | MetaDataV3 = ours_md if method.version == 3 else ours_md.v2()
            return body.encode_bytes(), ""
        if method.name == "goodbye":
            reason = decode_uint64(payload)
            if state is not None:
                state.goodbye_received = reason
            return encode_uint64(0), f"; reason {reason} ({goodbye_reason_name(reason)})"
        raise CodecError(f"no handler for {method.label}")

    def _after_request(self, method: Method, peer_id: ID) -> None:
        """Follow-ups of a served request: disconnect on Goodbye or a foreign fork digest."""
        state = self.service.peers.get(peer_id)
        if method.name == "goodbye":
            if state is not None:
                state.leaving = True
                state.cancel_scope.cancel()  # no more pings to a peer that is leaving
            self.service.spawn(functools.partial(self.service.hang_up_later, peer_id))
        elif method.name == "status" and state is not None:
            self.service.handshake.check_status(state)
        elif method.name == "ping" and state is not None:
            self.service.handshake.check_seq_number(state)
