"""Inbound rate limiting: a token bucket and a concurrency cap per (peer, method).

The spec (phase0 ``p2p-interface.md``, *Responding side* and *What is a typical rate limiting
strategy?*) prefers withholding a response until capacity is available over an error, and lets
a responder penalise peers with more than ``MAX_CONCURRENT_REQUESTS`` (2) open requests per
protocol. So a request without a token waits for one when it is due within ``max_wait``;
otherwise it is answered ``ResourceUnavailable`` ("rate limited"); a third concurrent request of
one method is refused (its stream is reset). Default quotas are the ones Lighthouse and Lodestar
apply to the handshake methods.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import Final

import trio

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "MAX_CONCURRENT_REQUESTS",
    "Admission",
    "RateLimit",
    "RateLimiter",
    "TokenBucket",
]

MAX_CONCURRENT_REQUESTS: Final = 2
"""phase0 ``MAX_CONCURRENT_REQUESTS``: open requests per protocol id a peer may have."""


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """``quota`` requests per ``period`` seconds, with a burst of ``quota``."""

    quota: int
    period: float

    def __post_init__(self) -> None:
        if self.quota < 1 or self.period <= 0:
            raise ValueError("a rate limit needs quota >= 1 and period > 0")


DEFAULT_RATE_LIMITS: Final[Mapping[str, RateLimit]] = {
    "status": RateLimit(5, 15.0),
    "goodbye": RateLimit(1, 10.0),
    "ping": RateLimit(2, 10.0),
    "metadata": RateLimit(2, 5.0),
}


class TokenBucket:
    """A token bucket that can also reserve the next token ahead of time."""

    def __init__(self, limit: RateLimit, now: float) -> None:
        self.capacity = float(limit.quota)
        self.rate = limit.quota / limit.period
        self.tokens = self.capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def reserve(self, now: float, max_wait: float) -> float | None:
        """Take a token: the seconds until it is due (0 now), or None if later than ``max_wait``."""
        self._refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        wait = (1 - self.tokens) / self.rate
        if wait > max_wait:
            return None
        self.tokens -= 1
        return wait

    def full(self, now: float) -> bool:
        """Whether the bucket has refilled completely (it can then be forgotten)."""
        self._refill(now)
        return self.tokens >= self.capacity


class Admission(enum.Enum):
    """What to do with an inbound request."""

    SERVE = "serve"
    """Serve it (possibly after a delay)."""
    LIMITED = "limited"
    """Answer ``ResourceUnavailable``: no token within ``max_wait``."""
    REFUSED = "refused"
    """Reset the stream: too many concurrent requests of this method."""


class RateLimiter:
    """Token buckets and in-flight counts keyed by (peer, method).

    Args:
        limits: Quota per method name; methods not listed are not rate limited.
        max_wait: The longest a request is withheld waiting for its token.
        max_concurrent: Open requests per (peer, method) before further ones are refused.
        clock: The time source (trio's clock by default, so ``MockClock`` drives it).
    """

    def __init__(
        self,
        limits: Mapping[str, RateLimit] = DEFAULT_RATE_LIMITS,
        *,
        max_wait: float = 2.0,
        max_concurrent: int = MAX_CONCURRENT_REQUESTS,
        clock: Callable[[], float] = trio.current_time,
    ) -> None:
        self.limits = dict(limits)
        self.max_wait = max_wait
        self.max_concurrent = max_concurrent
        self._clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._inflight: dict[tuple[str, str], int] = {}

    def admit(self, peer: str, method: str) -> tuple[Admission, float]:
        """Decide on a request; SERVE and LIMITED hold a slot until :meth:`release`."""
        key = (peer, method)
        if self._inflight.get(key, 0) >= self.max_concurrent:
            return Admission.REFUSED, 0.0
        delay: float | None = 0.0
        limit = self.limits.get(method)
        if limit is not None:
            now = self._clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(limit, now)
            delay = bucket.reserve(now, self.max_wait)
        self._inflight[key] = self._inflight.get(key, 0) + 1
        if delay is None:
            return Admission.LIMITED, 0.0
        return Admission.SERVE, delay

    def release(self, peer: str, method: str) -> None:
        """End a request admitted with SERVE or LIMITED."""
        key = (peer, method)
        left = self._inflight.get(key, 0) - 1
        if left > 0:
            self._inflight[key] = left
        else:
            self._inflight.pop(key, None)

    def prune(self) -> None:
        """Forget idle peers whose buckets are full again (keeps the tables bounded)."""
        now = self._clock()
        for key in [k for k, b in self._buckets.items() if b.full(now)]:
            if key not in self._inflight:
                del self._buckets[key]
