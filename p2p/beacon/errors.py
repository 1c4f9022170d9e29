"""The errors of the beacon-node follower: one root, :class:`BeaconNodeError`.

* :class:`BeaconNodeUnavailable`: the node cannot be used right now (no connection, a timeout,
  a 5xx answer, a stalled or closed event stream). The follower reconnects with backoff.
  :class:`BeaconNodeTimeout` is the case of a node that took the request and did not answer.
* :class:`BeaconApiError`: the node answered a request with an error object (4xx).
* :class:`BeaconDataError`: the node answered with JSON that is not what beacon-APIs specifies.
* :class:`ChainMismatch`: after a reconnect the node serves another chain (a different genesis);
  the follower stops rather than mix two chains in one view.
"""

from __future__ import annotations

from eip8025.errors import Eip8025Error

__all__ = [
    "BeaconApiError",
    "BeaconDataError",
    "BeaconNodeError",
    "BeaconNodeTimeout",
    "BeaconNodeUnavailable",
    "ChainMismatch",
]


class BeaconNodeError(Eip8025Error):
    """Root of every error of :mod:`eip8025_p2p.beacon` (under the project's ``Eip8025Error``)."""


class BeaconNodeUnavailable(BeaconNodeError):
    """No usable answer now (connection refused or reset, timeout, 5xx, stalled stream)."""


class BeaconNodeTimeout(BeaconNodeUnavailable):
    """The node took the request but gave no answer in time."""


class BeaconApiError(BeaconNodeError):
    """The beacon node answered with an HTTP error (``status``) and its error ``message``."""

    def __init__(self, status: int, message: str, path: str) -> None:
        super().__init__(f"{path}: HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.path = path


class BeaconDataError(BeaconNodeError):
    """A response that does not have the beacon-APIs shape (missing field, bad hex, ...)."""


class ChainMismatch(BeaconNodeError):
    """The beacon node's genesis changed under a running follower (fatal)."""
