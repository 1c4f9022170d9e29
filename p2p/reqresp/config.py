"""Settings of the req/resp service."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from eip8025_p2p.reqresp.protocol import Timeouts
from eip8025_p2p.reqresp.ratelimit import DEFAULT_RATE_LIMITS, RateLimit

__all__ = ["ReqRespConfig"]


@dataclasses.dataclass(frozen=True)
class ReqRespConfig:
    """Settings of :class:`ReqResp` (times in seconds).

    Attributes:
        fulu: Serve and request Status v2 and MetaData v3 (preferred over v1 / v2, which are
            always served and used as the fallback). False: behave like a pre-fulu client.
        timeouts: Requester deadlines (open, TTFB, RESP).
        handshake: Run the handshake and ping loop on new connections.
        ping_interval: Seconds between our Pings to a peer.
        status_interval: Seconds between Status refreshes of a peer.
        inbound_status_grace: How long an inbound peer has to send its Status before we ask.
        max_ping_failures: Consecutive failed Pings before Goodbye(3) and disconnect.
        goodbye_timeout: How long to wait for a Goodbye to go out before disconnecting.
        rate_limits: Per-method inbound quotas.
        max_withhold: The longest an over-quota request is withheld before it is answered
            ``ResourceUnavailable``.
        history: Disconnected peers kept in :attr:`PeerTable.history`.
    """

    fulu: bool = True
    timeouts: Timeouts = dataclasses.field(default_factory=Timeouts)
    handshake: bool = True
    ping_interval: float = 15.0
    status_interval: float = 300.0
    inbound_status_grace: float = 5.0
    max_ping_failures: int = 3
    goodbye_timeout: float = 2.0
    rate_limits: Mapping[str, RateLimit] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_RATE_LIMITS)
    )
    max_withhold: float = 2.0
    history: int = 64
