"""The per-connection handshake and keep-alive of the req/resp service.

For every new peer, in one task that the peer's disconnection cancels:

1. Status. The dialer must send it on connection (phase0 *Status v1*): on an outbound
   connection we request it at once; on an inbound one we give the peer
   ``inbound_status_grace`` seconds to send its own (answering it records the peer's Status)
   and request it only if it did not. v2 is offered first, v1 is the fallback.
2. A peer on another fork digest gets Goodbye(2, irrelevant network) and is disconnected
   (also when its Status arrives in a request). A peer that cannot answer Status gets
   Goodbye(3, fault) and is disconnected.
3. MetaData (v3, else v2).
4. Ping every ``ping_interval`` (the answer is the peer's MetaData sequence number: a newer one
   than the MetaData we hold triggers a MetaData request), Status again every
   ``status_interval``; ``max_ping_failures`` failed Pings in a row end the connection with
   Goodbye(3).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from typing import TYPE_CHECKING

import trio

from eip8025_p2p.reqresp.errors import RequestError
from eip8025_p2p.reqresp.messages import (
    GOODBYE_FAULT,
    GOODBYE_IRRELEVANT_NETWORK,
    goodbye_reason_name,
)
from eip8025_p2p.reqresp.peers import PeerState, short_id

if TYPE_CHECKING:
    from eip8025_p2p.reqresp.config import ReqRespConfig
    from eip8025_p2p.reqresp.service import ReqResp

__all__ = ["Handshake"]

logger = logging.getLogger(__name__)


class Handshake:
    """Runs the handshake and keep-alive of each peer of a :class:`ReqResp`."""

    def __init__(self, service: ReqResp, config: ReqRespConfig) -> None:
        self.service = service
        self.config = config

    async def run(self, state: PeerState) -> None:
        """The task of one peer: ends on disconnection, Goodbye or an unexpected error."""
        with state.cancel_scope:
            try:
                await self._run(state)
            except Exception as exc:  # noqa: BLE001 - one peer's task must not end the node
                logger.warning("handshake task of %s failed: %r", short_id(state.peer_id), exc)

    async def _run(self, state: PeerState) -> None:
        started = trio.current_time()
        if state.direction == "inbound" and state.status is None:
            with trio.move_on_after(self.config.inbound_status_grace):
                await state.status_received.wait()
        if state.status is None:
            try:
                await self.service.status(state.peer_id)
            except RequestError:
                self.drop(state, GOODBYE_FAULT, "no valid Status")
                return
        if not self.check_status(state):
            return
        with contextlib.suppress(RequestError):  # logged by the requester; pings ask again
            await self.service.metadata(state.peer_id)
        state.handshake_done = True
        self.service.peers.notify()
        logger.info(
            "handshake with %s (%s) complete in %.1f ms: status/v%s metadata/v%s",
            short_id(state.peer_id),
            state.direction,
            (trio.current_time() - started) * 1000,
            state.status_version,
            state.metadata_version,
        )
        await self._keep_alive(state)

    async def _keep_alive(self, state: PeerState) -> None:
        while True:
            try:
                await self.service.ping(state.peer_id)
            except RequestError:
                if state.ping_failures >= self.config.max_ping_failures:
                    self.drop(state, GOODBYE_FAULT, f"{state.ping_failures} failed pings")
                    return
            else:
                self.check_seq_number(state)
            due = (state.status_at or 0.0) + self.config.status_interval
            if trio.current_time() >= due:
                with contextlib.suppress(RequestError):
                    await self.service.status(state.peer_id)
                if not self.check_status(state):
                    return
            await trio.sleep(self.config.ping_interval)

    def check_status(self, state: PeerState) -> bool:
        """Whether the peer's Status is on our fork digest; if not, Goodbye(2) and disconnect."""
        status = state.status
        if status is None:
            return True
        ours = self.service.source.local_status().fork_digest
        if status.fork_digest == ours:
            return True
        self.drop(
            state,
            GOODBYE_IRRELEVANT_NETWORK,
            f"fork digest 0x{status.fork_digest.hex()} is not ours (0x{ours.hex()})",
        )
        return False

    def check_seq_number(self, state: PeerState) -> None:
        """Request the peer's MetaData again when a Ping showed a newer sequence number."""
        metadata = state.metadata
        newer = metadata is None or (state.seq_number or 0) > metadata.seq_number
        if state.handshake_done and newer and not state.metadata_refreshing:
            state.metadata_refreshing = True
            self.service.spawn(functools.partial(self._refresh_metadata, state))

    async def _refresh_metadata(self, state: PeerState) -> None:
        try:
            await self.service.metadata(state.peer_id)
        except RequestError:
            pass
        finally:
            state.metadata_refreshing = False

    def drop(self, state: PeerState, reason: int, why: str) -> None:
        """Goodbye(``reason``) and disconnect, once, outside the peer's own task."""
        if state.leaving:
            return
        state.leaving = True
        logger.warning(
            "dropping %s: %s; goodbye %d (%s)",
            short_id(state.peer_id),
            why,
            reason,
            goodbye_reason_name(reason),
        )
        self.service.spawn(functools.partial(self.service.disconnect, state.peer_id, reason))
