"""The requesting side of the service: ``status``, ``metadata``, ``ping`` and ``goodbye``.

Each call offers the newest version first and falls back through multistream-select (Status
v2 then v1, MetaData v3 then v2), records what it learnt in the peer's :class:`PeerState`, and
logs the exchange with its duration (INFO) or its failure (WARNING). At most
``MAX_CONCURRENT_REQUESTS`` requests per method and peer are open at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import trio
from libp2p.abc import IHost
from libp2p.peer.id import ID
from ssz.exceptions import DeserializationError

from eip8025_p2p.reqresp.errors import InvalidResponse, RequestError, StreamFailed
from eip8025_p2p.reqresp.messages import (
    MetaDataV2,
    MetaDataV3,
    StatusV1,
    StatusV2,
    decode_uint64,
    encode_uint64,
    goodbye_reason_name,
)
from eip8025_p2p.reqresp.peers import PeerState, PeerTable, short_id
from eip8025_p2p.reqresp.protocol import (
    GOODBYE_V1,
    METADATA_V2,
    METADATA_V3,
    PING_V1,
    STATUS_V1,
    STATUS_V2,
    Method,
    Timeouts,
    send_request,
)
from eip8025_p2p.reqresp.ratelimit import MAX_CONCURRENT_REQUESTS
from eip8025_p2p.reqresp.source import StatusSource

__all__ = ["Requester", "describe_status"]

logger = logging.getLogger(__name__)


def describe_status(status: StatusV1 | StatusV2) -> str:
    """A one-line summary of a Status for logs."""
    text = (
        f"fork_digest=0x{status.fork_digest.hex()} head_slot={status.head_slot} "
        f"finalized_epoch={status.finalized_epoch}"
    )
    if isinstance(status, StatusV2):
        text += f" earliest_available_slot={status.earliest_available_slot}"
    return text


class Requester:
    """Client calls over a host; the base of :class:`~eip8025_p2p.reqresp.ReqResp`."""

    def __init__(
        self, host: IHost, source: StatusSource, peers: PeerTable, timeouts: Timeouts, fulu: bool
    ) -> None:
        self.host = host
        self.source = source
        self.peers = peers
        self.timeouts = timeouts
        self.fulu = fulu
        self._slots: dict[tuple[ID, str], trio.Semaphore] = {}

    def forget_requests(self, peer_id: ID) -> None:
        """Drop the per-peer request slots (on disconnect)."""
        for key in [k for k in self._slots if k[0] == peer_id]:
            del self._slots[key]

    async def request(
        self,
        peer_id: ID,
        methods: Sequence[Method],
        request: Callable[[Method], bytes | None],
    ) -> tuple[Method, bytes]:
        """One request to a connected peer (see :func:`~.protocol.send_request`)."""
        if not self.host.get_network().get_connections(peer_id):
            raise StreamFailed(f"not connected to {peer_id.to_base58()}")
        key = (peer_id, methods[0].name)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = trio.Semaphore(MAX_CONCURRENT_REQUESTS)
        async with slot:
            return await send_request(self.host, peer_id, methods, request, self.timeouts)

    async def _logged(
        self,
        peer_id: ID,
        methods: Sequence[Method],
        request: Callable[[Method], bytes | None],
    ) -> tuple[Method, bytes, float]:
        started = trio.current_time()
        try:
            method, body = await self.request(peer_id, methods, request)
        except RequestError as exc:
            logger.warning(
                "%s request to %s failed after %.1f ms: %s",
                methods[0].name,
                short_id(peer_id),
                (trio.current_time() - started) * 1000,
                exc,
            )
            raise
        return method, body, trio.current_time() - started

    def record_status(self, state: PeerState, status: StatusV1 | StatusV2, version: int) -> None:
        """Store a peer's Status."""
        state.status = status
        state.status_version = version
        state.status_at = trio.current_time()
        state.status_received.set()
        self.peers.notify()

    async def status(self, peer_id: ID) -> StatusV1 | StatusV2:
        """Exchange Status (v2 if both sides support it, else v1); return the peer's."""
        ours = self.source.local_status()
        methods = [STATUS_V2, STATUS_V1] if self.fulu else [STATUS_V1]
        method, body, elapsed = await self._logged(
            peer_id,
            methods,
            lambda m: ours.encode_bytes() if m.version == 2 else ours.v1().encode_bytes(),
        )
        try:
            theirs = (
                StatusV2.decode_bytes(body) if method.version == 2 else StatusV1.decode_bytes(body)
            )
        except DeserializationError as exc:
            raise InvalidResponse(f"{method.label}: {exc}") from exc
        state = self.peers.get(peer_id)
        if state is not None:
            self.record_status(state, theirs, method.version)
        logger.info(
            "%s exchanged with %s in %.1f ms; peer %s",
            method.label,
            short_id(peer_id),
            elapsed * 1000,
            describe_status(theirs),
        )
        return theirs

    async def metadata(self, peer_id: ID) -> MetaDataV2 | MetaDataV3:
        """Request the peer's MetaData (v3 if supported, else v2)."""
        methods = [METADATA_V3, METADATA_V2] if self.fulu else [METADATA_V2]
        method, body, elapsed = await self._logged(peer_id, methods, lambda m: None)
        try:
            theirs = (
                MetaDataV3.decode_bytes(body)
                if method.version == 3
                else MetaDataV2.decode_bytes(body)
            )
        except DeserializationError as exc:
            raise InvalidResponse(f"{method.label}: {exc}") from exc
        state = self.peers.get(peer_id)
        if state is not None:
            state.metadata = theirs
            state.metadata_version = method.version
            state.seq_number = max(state.seq_number or 0, theirs.seq_number)
            self.peers.notify()
        extra = (
            f" custody_group_count={theirs.custody_group_count}"
            if isinstance(theirs, MetaDataV3)
            else ""
        )
        logger.info(
            "%s from %s in %.1f ms; seq_number=%d attnets=%d syncnets=%d%s",
            method.label,
            short_id(peer_id),
            elapsed * 1000,
            theirs.seq_number,
            sum(theirs.attnets),
            sum(theirs.syncnets),
            extra,
        )
        return theirs

    async def ping(self, peer_id: ID) -> int:
        """Ping with our MetaData sequence number; return the peer's (the RTT is recorded)."""
        ours = self.source.local_metadata().seq_number
        state = self.peers.get(peer_id)
        try:
            _, body, elapsed = await self._logged(peer_id, [PING_V1], lambda m: encode_uint64(ours))
            seq = decode_uint64(body)
        except RequestError:
            if state is not None:
                state.ping_failures += 1
            raise
        if state is not None:
            state.pings_sent += 1
            state.ping_failures = 0
            state.last_ping_rtt = elapsed
            state.last_ping_at = trio.current_time()
            state.seq_number = seq
            self.peers.notify()
        logger.info(
            "ping/v1 with %s: rtt %.1f ms; peer seq_number=%d",
            short_id(peer_id),
            elapsed * 1000,
            seq,
        )
        return seq

    async def goodbye(self, peer_id: ID, reason: int) -> bool:
        """Send Goodbye(``reason``); True if the peer acknowledged it (failures only logged).

        The peer may hang up before it answers, so a missing answer is not an error.
        """
        state = self.peers.get(peer_id)
        if state is not None:
            state.goodbye_sent = reason
            self.peers.notify()
        started = trio.current_time()
        try:
            await self.request(peer_id, [GOODBYE_V1], lambda m: encode_uint64(reason))
        except RequestError as exc:
            logger.info(
                "goodbye/v1 to %s, reason %d (%s): not acknowledged (%s)",
                short_id(peer_id),
                reason,
                goodbye_reason_name(reason),
                exc,
            )
            return False
        logger.info(
            "goodbye/v1 to %s, reason %d (%s): acknowledged in %.1f ms",
            short_id(peer_id),
            reason,
            goodbye_reason_name(reason),
            (trio.current_time() - started) * 1000,
        )
        return True
