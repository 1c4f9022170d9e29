"""Bounds of the Beacon API server (flags ``--http-*`` of ``eip8025 node``)."""

from __future__ import annotations

import dataclasses

__all__ = ["ApiConfig"]


@dataclasses.dataclass(frozen=True)
class ApiConfig:
    """Where the API listens and how much it lets one client take."""

    address: str = "127.0.0.1"
    port: int = 5052
    """0 picks a free port (the node prints the URL)."""
    max_proofs_per_request: int = 8
    """``POST /eth/v1/beacon/execution_proofs``: more is 413 (zkboost sends at most 4)."""
    max_concurrent_uploads: int = 4
    """POSTs being read or judged at once; one more is answered 503 at once (``Retry-After``)."""
    body_timeout: float = 30.0
    """Seconds a client may take to send a POST body (a slow upload is answered 408)."""
    read_timeout: int = 60
    """Seconds hypercorn waits for any bytes on an idle connection before closing it."""
    max_sse_clients: int = 32
    """``/eth/v1/events`` subscribers at once; one more is answered 503."""
    sse_queue: int = 1024
    """Events buffered per subscriber; a subscriber that falls this far behind is dropped."""
    sse_keepalive: float = 15.0
    """Seconds between ``:`` comments on an idle event stream."""

    def max_body_bytes(self, max_envelope_size: int) -> int:
        """The POST body bound: the list's offsets plus that many largest envelopes."""
        return self.max_proofs_per_request * (max_envelope_size + 4)
