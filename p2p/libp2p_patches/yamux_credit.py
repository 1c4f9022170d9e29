"""Yamux window credit in batches, as go-yamux sends it (``yamux_credit`` patch).

py-libp2p 0.8.1's yamux stream sends a WINDOW_UPDATE after *every* read that consumed bytes
("release on read", its default), even a 1-byte read of a varint length prefix. A 4 MiB gossip
RPC read in 64 KiB pieces costs the receiver ~64 window-update frames (each a yamux frame, a Noise
message and a socket write) and the sender as many frames to read and locks to take. With release
on read off, py-libp2p returns credit only when its go-yamux-style hysteresis asks for it (the
window still grows with the measured round trip, as before); in ``tests/test_transport_patches.py``
that is one update per two reads instead of one per read.

py-libp2p reads this choice from the environment variable ``PY_YAMUX_RELEASE_ON_READ`` at every
read (its documented tuning knob); :func:`batch_yamux_credit` sets it to ``0`` unless the operator
has set it, so it applies to every yamux connection of the process. ``bench/bench_stream.py``
(4 MiB messages over one stream, sender + receiver CPU, median of 5 runs): 31.3 ms per message
with py-libp2p's defaults, 20.2 ms with batched credit, 15.9 ms together with Noise-sized writes
(``large_sends``; 23.9 ms with those writes alone).
"""

from __future__ import annotations

import os
from typing import Final

__all__ = ["YAMUX_RELEASE_ON_READ", "batch_yamux_credit"]

YAMUX_RELEASE_ON_READ: Final = "PY_YAMUX_RELEASE_ON_READ"
"""py-libp2p's variable: ``1`` (its default) credits every read, ``0`` half windows."""


def batch_yamux_credit() -> bool:
    """Turn release-on-read off unless the environment already chose; True if we set it."""
    if YAMUX_RELEASE_ON_READ in os.environ:
        return False
    os.environ[YAMUX_RELEASE_ON_READ] = "0"
    return True
