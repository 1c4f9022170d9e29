"""How an orchestrator drives a node: the genesis time, and stopping it."""

from __future__ import annotations

import logging
import os

import trio

__all__ = ["Control", "StdinControl"]

logger = logging.getLogger(__name__)


class Control:
    """How an orchestrator drives a node: it sets the genesis time and may stop the node."""

    def __init__(self) -> None:
        self.genesis: int | None = None
        self._genesis_known = trio.Event()
        self.stop = trio.Event()

    async def run(self) -> None:
        """Feed the control (a task of the node's nursery; nothing to do here)."""

    def set_genesis(self, genesis_time: int) -> None:
        """Start the slot clock at ``genesis_time`` (unix seconds; first call wins)."""
        if self.genesis is None:
            self.genesis = genesis_time
            self._genesis_known.set()

    async def wait_genesis(self) -> int:
        """The genesis time, once the controller has set it."""
        await self._genesis_known.wait()
        assert self.genesis is not None
        return self.genesis


class StdinControl(Control):
    """Control lines on stdin: ``genesis <t>`` once, then ``stop``; end of input also stops."""

    async def run(self) -> None:
        """Read stdin until ``stop`` or end of input."""
        stream = trio.lowlevel.FdStream(os.dup(0))
        buffer = b""
        try:
            while not self.stop.is_set():
                chunk = await stream.receive_some(4096)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    self._handle(line.decode("utf-8", "replace").split())
        finally:
            self.stop.set()
            await stream.aclose()

    def _handle(self, words: list[str]) -> None:
        if words[:1] == ["genesis"] and len(words) == 2 and words[1].isdigit():
            self.set_genesis(int(words[1]))
        elif words[:1] == ["stop"]:
            self.stop.set()
        elif words:
            logger.warning("ignoring unknown control line %r", " ".join(words))
