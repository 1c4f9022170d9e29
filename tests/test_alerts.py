"""Trouble is visible at the default log level: one rate-limited WARNING line and a metric."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import trio
from prometheus_client import Histogram
from trio.testing import MockClock

from eip8025.containers import ExecutionProofBase
from eip8025.testing import FakeProofEngine
from eip8025.verification import get_execution_proof
from eip8025_p2p.alerts import Alerts
from eip8025_p2p.metrics import InstrumentedProofEngine
from eip8025_p2p.node.watchdog import Watchdog
from tests.gossip_support import MAKER, network

LOGGER = "eip8025.test.alerts"


def test_one_line_per_interval_and_every_occurrence_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    alerts = Alerts(logging.getLogger(LOGGER), interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert alerts.warn("engine_unavailable", "engine down: %s", "refused")
        assert not alerts.warn("engine_unavailable", "engine down: %s", "refused")
        assert not alerts.warn("engine_unavailable", "engine down: %s", "refused")
        assert alerts.warn("no_gossip_peers", "nobody listens")  # another alert: its own line
        now[0] += 61
        assert alerts.warn("engine_unavailable", "engine down: %s", "refused")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "engine down: refused",
        "nobody listens",
        "engine down: refused (2 more since the last report)",
    ]
    assert alerts.counts == {"engine_unavailable": 4, "no_gossip_peers": 1}
    alerts.clear("no_gossip_peers")
    assert alerts.warn("no_gossip_peers", "nobody listens")  # the condition ended: logged again


async def test_an_engine_outage_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    async with network(1) as (peer,):
        alerts = Alerts(logging.getLogger(LOGGER))
        peer.pipeline.listeners.append(Watchdog(alerts).on_verdict)
        peer.engine.down = True
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            for proof_type in (1, 2, 3):
                verdict = await peer.pipeline.publish(MAKER.signed(1, proof_type, proof_type))
                assert verdict.reason == "engine_unavailable"
        assert alerts.counts == {"engine_unavailable": 3}
        assert len(caplog.records) == 1
        assert "gave no verdict" in caplog.records[0].getMessage()


def test_a_slow_engine_is_reported() -> None:
    now = [0.0]

    class SlowEngine(FakeProofEngine):
        """**Test double**: every verification takes 3 s of the fake clock."""

        def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
            now[0] += 3.0
            return super().verify_execution_proof(execution_proof)

    alerts = Alerts(logging.getLogger(LOGGER))
    histogram = Histogram("t_verify_seconds", "test", ["proof_type"], registry=None)
    engine = InstrumentedProofEngine(
        SlowEngine(), histogram, alerts=alerts, slow_after=2.0, clock=lambda: now[0]
    )
    proof = MAKER.signed(1, 1, 0)
    block = MAKER.chain.block(1)
    execution_proof = get_execution_proof(
        block.state, proof.message, block.payload_envelope, ctx=MAKER.ctx
    )
    assert engine.verify_execution_proof(execution_proof)
    assert alerts.counts == {"engine_slow": 1}


async def test_publishing_with_no_peer_is_reported() -> None:
    async with network(1) as (peer,):
        await peer.pipeline.publish(MAKER.signed(1, 1, 0))
        assert peer.topic.alerts.counts.get("no_gossip_peers") == 1
    async with network(2) as (sender, _):
        await sender.pipeline.publish(MAKER.signed(1, 2, 1))
        assert "no_gossip_peers" not in sender.topic.alerts.counts


class QuietChain:
    """**Test double** chain source: a head, trio's clock, 2-second slots."""

    seconds_per_slot = 2.0

    def head(self) -> object:
        return object()

    def now(self) -> float:
        return trio.current_time()


async def test_no_block_imported_is_reported(mock_clock: MockClock) -> None:
    mock_clock.autojump_threshold = 0
    alerts = Alerts(logging.getLogger(LOGGER))
    source: Any = QuietChain()
    imports: list[float] = []
    with trio.move_on_after(20):  # mock time: ten slots
        await Watchdog(alerts).watch_imports(source, lambda: max(imports, default=None))
    assert alerts.counts["no_block_imported"] >= 4
    count = alerts.counts["no_block_imported"]

    async def import_every_slot() -> None:
        while True:
            imports.append(trio.current_time())
            await trio.sleep(2)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(import_every_slot)
        with trio.move_on_after(20):
            await Watchdog(alerts).watch_imports(source, lambda: max(imports, default=None))
        nursery.cancel_scope.cancel()
    assert alerts.counts["no_block_imported"] == count  # blocks arrive: nothing more
