"""Trouble that must be visible at the default log level, without flooding it.

:class:`Alerts` gives each kind of trouble (an ``alert`` key such as ``engine_unavailable`` or
``no_mesh_peers``) one WARNING line at most every ``interval`` seconds - the first occurrence
is always logged, later ones within the interval are counted and reported with the next line -
and counts every occurrence for metrics (``eip8025_alerts_total{alert}``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["Alerts"]


class Alerts:
    """Rate-limited WARNING lines and per-alert counters (see the module docstring)."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self.counts: dict[str, int] = {}
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self._lock = threading.Lock()  # proof engines report from worker threads

    def warn(self, alert: str, message: str, *args: object) -> bool:
        """Count ``alert``; log ``message % args`` unless it was logged within the interval.

        Returns:
            True if a line was written.
        """
        with self._lock:
            self.counts[alert] = self.counts.get(alert, 0) + 1
            now = self.clock()
            last = self._last.get(alert)
            if last is not None and now - last < self.interval:
                self._suppressed[alert] = self._suppressed.get(alert, 0) + 1
                return False
            self._last[alert] = now
            suppressed = self._suppressed.pop(alert, 0)
        if suppressed:
            message += f" ({suppressed} more since the last report)"
        self.logger.warning(message, *args)
        return True

    def clear(self, alert: str) -> None:
        """The condition ended: the next occurrence is logged at once."""
        with self._lock:
            self._last.pop(alert, None)
            self._suppressed.pop(alert, None)
