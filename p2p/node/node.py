"""``DevnetNode``: the composition root of ``eip8025 node`` on the devnet chain.

It wires the parts and runs the slot clock; each part lives in its own module:

* chain source: :class:`~eip8025_p2p.devchain.DevnetChain` behind an
  :class:`~eip8025.chain.InMemoryChainView` (no beacon node: every node derives the same blocks
  from ``(seed, slot)``); the head state authenticates proofs that arrive before their block;
* proof pipeline: :class:`~eip8025_p2p.pipeline.ProofPipeline` over the core store and ``Seen``,
  behind the gossip topic adapter; with ``--datadir`` the store's proofs and the pipeline's marks
  are in SQLite (:mod:`eip8025_p2p.storage`) and a restarted node resumes from them;
* peering (:mod:`.peering`), the prover role (:mod:`.prover`), orchestration control
  (:mod:`.control`), the slot schedule on an injectable clock (:mod:`.clock`), typed events
  (:mod:`.events`), metrics (:mod:`eip8025_p2p.metrics`).

The slot clock imports the block of slot ``s`` at ``genesis + s * seconds_per_slot + delay``
(a per node and slot arrival delay), then proves it (``--proof-generation``). At start it first
imports the recent blocks it missed (up to ``PRUNE_DEPTH`` slots), so proofs for them can still be
judged; it proves only from the current slot on. Every 8 slots it prunes everything below
``head - PRUNE_DEPTH`` (the devnet has no finality; that stands in for it).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Final

import trio

from eip8025.acceptance import AcceptanceRecord
from eip8025.bls import default_backend
from eip8025.chain import BeaconStateView, InMemoryChainView
from eip8025.containers import FAR_FUTURE_EPOCH, ENRForkID
from eip8025.engine import ChainIdGuard
from eip8025.gossip import Seen
from eip8025.prover import ProofBackend
from eip8025.signing_protection import MemorySigningProtection
from eip8025.store import ExecutionProofStore
from eip8025.verification import SpecContext

from ..alerts import Alerts
from ..api import ApiServer
from ..devchain import DevBlock, DevnetChain
from ..encoding import execution_proof_topic
from ..enr import ENR
from ..gossip_topic import ExecutionProofTopic
from ..host import GossipNode
from ..metrics import InstrumentedProofEngine, MetricsServer, NodeMetrics
from ..pipeline import ProofPipeline, VerdictEvent
from ..storage import STATE_FILE, NodeStorage, NodeStorageError
from .api_view import NodeApiView
from .clock import SlotSchedule, TrioUnixClock, UnixClock
from .config import NodeConfig, NodeConfigError, check_node_config, spec_config
from .control import Control
from .events import (
    AcceptedEvent,
    BlockEvent,
    DoneEvent,
    GenesisEvent,
    NodeEvent,
    ReadyEvent,
    RestoredEvent,
    VerdictReport,
)
from .peering import StaticPeers
from .prover import ProverService
from .submitter import ProofSubmitter
from .watchdog import Watchdog

__all__ = ["PRUNE_DEPTH", "DevnetNode", "run_with_signals"]

logger = logging.getLogger(__name__)

Emit = Callable[[NodeEvent], None]
PRUNE_DEPTH: Final = 16
"""Slots kept below the head (the devnet has no finality; this stands in for it)."""
PRUNE_EVERY: Final = 8


class DevnetNode:
    """One node: gossip host, proof pipeline, store, slot clock, prover, metrics."""

    def __init__(
        self,
        config: NodeConfig,
        engine: ProofBackend,
        emit: Emit,
        *,
        control: Control | None = None,
        clock: Callable[[], UnixClock] = TrioUnixClock,
    ) -> None:
        """Build everything that does not need the network (nothing listens yet).

        Raises:
            NodeConfigError: See :func:`check_node_config`; or an unusable state file.
        """
        self.config = config
        self.policy = check_node_config(config, engine)
        self.emit = emit
        self.control = control
        self._make_clock = clock
        self.metrics = NodeMetrics()
        self.alerts = Alerts(logger)
        self.watchdog = Watchdog(self.alerts)
        self.engine = InstrumentedProofEngine(
            ChainIdGuard(engine), self.metrics.verification_seconds, alerts=self.alerts
        )
        self.ctx = SpecContext(config=spec_config(config), bls=default_backend())
        # The fork digest depends on the registry (seed, validator count), not on genesis time.
        self.devchain = DevnetChain(config.devnet_spec())
        self.fork_digest = self.devchain.fork_digest
        self.view = InMemoryChainView()
        self.storage = self._open_storage()
        self.store = ExecutionProofStore(
            self.view, self.ctx, policy=self.policy, archive=self.storage
        )
        self.seen = Seen()
        self.restored = None if self.storage is None else self._restore(self.storage)
        self.node = GossipNode(config.secret, ip=config.listen_ip, port=config.listen_port)
        self.pipeline = ProofPipeline(
            self.store,
            self.seen,
            self.engine,
            topic=execution_proof_topic(self.fork_digest),
            head_state=self.head_state,
            journal=self.storage,
        )
        self.topic = ExecutionProofTopic(
            self.node.pubsub,
            self.fork_digest,
            self.pipeline,
            max_rpc_size=config.max_gossip_rpc_size,
            alerts=self.alerts,
        )
        self.metrics.attach_alerts(self.alerts)
        self.pipeline.listeners.append(self._on_verdict)
        self.pipeline.listeners.append(self.watchdog.on_verdict)
        self.pipeline.acceptance_listeners.append(self.on_payload_proven)
        self.peers = StaticPeers(self.node, config.peers, alerts=self.alerts)
        self.prover: ProverService | None = None
        if config.proof_generation:
            self.prover = ProverService(
                name=config.name,
                keys=config.validator_keys,
                proof_types=config.proven_types,
                generator=engine,
                ctx=self.ctx,
                pipeline=self.pipeline,
                topic=self.topic,
                metrics=self.metrics,
                emit=emit,
                protection=self.storage or MemorySigningProtection(),
                submitter=None if config.submit_to is None else ProofSubmitter(config.submit_to),
                byzantine=config.byzantine,
            )
        self.chain: DevnetChain | None = None
        self.schedule: SlotSchedule | None = None
        self.clock: UnixClock | None = None
        self.stop = control.stop if control is not None else trio.Event()
        self.accepted: dict[int, float] = {}
        self._imported_at: dict[int, float] = {}
        self._slot_of_root: dict[bytes, int] = {}
        """Blocks scheduled or imported (a proof may name a block before it arrives)."""
        self._head: DevBlock | None = None
        self.metrics_server: MetricsServer | None = None
        self.api: ApiServer | None = None
        if config.http_port is not None:
            self.api = ApiServer(NodeApiView(self), config.api_config())
            self.metrics.attach_api(self.api.counters)

    def _open_storage(self) -> NodeStorage | None:
        if self.config.datadir is None:
            return None
        try:
            return NodeStorage(
                os.path.join(self.config.datadir, STATE_FILE),
                profile=self.ctx.profile,
                chain=self.fork_digest.hex(),
            )
        except NodeStorageError as exc:
            raise NodeConfigError(f"--datadir: {exc}") from None

    def _restore(self, storage: NodeStorage) -> RestoredEvent:
        finalized = storage.finalized_slot
        self.store.finalized_slot = finalized
        blocks = storage.restore_seen(self.seen)
        proofs = sum(len(by_type) for by_type in self.store.execution_proofs.values())
        accepted = len(list(storage.acceptances()))
        return RestoredEvent(
            name=self.config.name,
            proofs=proofs,
            blocks=blocks,
            accepted=accepted,
            finalized_slot=finalized,
        )

    @property
    def head_block(self) -> DevBlock | None:
        """The last imported block (None before the first)."""
        return self._head

    def slot_of_root(self, root: bytes) -> int | None:
        """The slot of a recent (unpruned) block."""
        return self._slot_of_root.get(root)

    def enr(self) -> ENR:
        """This node's ENR: address, ``eth2`` fork id, ``eproof`` (valid while running)."""
        fork_id = ENRForkID(
            fork_digest=self.fork_digest,
            next_fork_version=bytes(4),
            next_fork_epoch=FAR_FUTURE_EPOCH,
        )
        return self.node.enr(fork_id=fork_id)

    def head_state(self) -> BeaconStateView | None:
        """The state of the last imported block (genesis before the first)."""
        if self._head is not None:
            return self._head.state
        return None if self.chain is None else self.chain.block(0).state

    # -- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Run until stopped (``stop`` event, control input, or ``linger`` after the last slot).

        Raises:
            OSError: The node cannot listen (or the metrics port is taken).
        """
        stopping = False
        try:
            async with (
                self.node.running(),
                self.pipeline.running(),
                self.topic.running(),
                trio.open_nursery() as nursery,
            ):
                self.metrics.attach(self.node, self.topic)
                if self.config.metrics_port is not None:
                    self.metrics_server = self.metrics.serve(
                        self.config.metrics_address, self.config.metrics_port
                    )
                if self.api is not None:
                    url = await nursery.start(self.api.serve)
                    logger.info("Beacon API on %s", url)
                if self.control is not None:
                    nursery.start_soon(self.control.run)
                nursery.start_soon(self._refresh_metrics)
                self.peers.start(nursery)
                nursery.start_soon(self._main)
                await self.stop.wait()
                stopping = True
                nursery.cancel_scope.cancel()
        except Exception as exc:
            if not stopping:
                raise
            # py-libp2p 0.8.1 can fail while its host shuts down (e.g. a peer's stream arrives
            # after the host's nursery closed: "Nursery is closed to new arrivals"); we are
            # stopping anyway, so that is logged, not a failure of the node.
            logger.warning("ignored an error while stopping the libp2p host: %r", exc)
        finally:
            if self.metrics_server is not None:
                self.metrics_server.close()
            if self.storage is not None:
                self.storage.close()
        self.metrics.refresh()
        self.emit(DoneEvent(name=self.config.name, **self.metrics.summary()))

    async def _main(self) -> None:
        missing = await self.peers.wait_for_mesh(self.topic.topic, self.config.ready_timeout)
        self.emit(self._ready_event(missing))
        if self.restored is not None:
            self.emit(self.restored)
        if self.config.genesis_time is not None:
            genesis = self.config.genesis_time
        else:
            assert self.control is not None, "genesis_time=None needs a control"
            genesis = await self.control.wait_genesis()
        self.chain = DevnetChain(self.config.devnet_spec(genesis))
        self.schedule = SlotSchedule(
            genesis,
            self.config.seconds_per_slot,
            self.config.secret,
            self.config.arrival_delay,
            self.config.arrival_jitter,
        )
        self.clock = self._make_clock()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(
                self.watchdog.watch_imports, self.schedule, self.clock, self._last_import
            )
            await self._slot_clock(self.chain, self.schedule, self.clock)
            nursery.cancel_scope.cancel()
        if self.config.linger is not None:
            await trio.sleep(self.config.linger)
            self.stop.set()

    def _ready_event(self, missing: list[str]) -> ReadyEvent:
        config = self.config
        server = self.metrics_server
        roles = [
            role
            for role, on in (
                ("stateless-validation", config.stateless_validation),
                ("proof-generation", config.proof_generation),
            )
            if on
        ]
        return ReadyEvent(
            name=config.name,
            peer_id=self.node.peer_id.to_base58(),
            enr=self.enr().to_text(),
            multiaddr=str(self.node.addrs[0]),
            listen=f"{config.listen_ip}:{self.node.tcp_port}",
            metrics=None
            if server is None
            else f"http://{config.metrics_address}:{server.port}/metrics",
            api=None if self.api is None else self.api.url,
            roles=roles,
            byzantine=config.byzantine,
            proof_types=list(config.proof_types),
            generate_proof_types=list(config.proven_types),
            validators=[k.validator_index for k in config.validator_keys],
            policy=self.policy.description,
            spec_profile=self.ctx.profile.name,
            fork_digest="0x" + self.fork_digest.hex(),
            missing_peers=missing,
        )

    # -- slots and blocks ----------------------------------------------------------------------

    async def _slot_clock(
        self, chain: DevnetChain, schedule: SlotSchedule, clock: UnixClock
    ) -> None:
        first = max(1, schedule.slot_at(clock.now()))
        self.emit(
            GenesisEvent(
                name=self.config.name,
                genesis_time=schedule.genesis_time,
                seconds_per_slot=schedule.seconds_per_slot,
                first_slot=first,
                last_slot=self.config.slots,
            )
        )
        backlog = max(1, first - PRUNE_DEPTH, self.store.finalized_slot)
        for slot in range(backlog, first):  # catch up: judge proofs of recent blocks, no proving
            self._import(chain.block(slot), schedule, clock)
        async with trio.open_nursery() as provers:
            slot = first
            while self.config.slots is None or slot <= self.config.slots:
                block = chain.block(slot)
                self._slot_of_root[block.root] = slot
                await clock.sleep_until(schedule.arrival(slot))
                self._import(block, schedule, clock)
                if self.prover is not None:
                    provers.start_soon(self.prover.prove, block)
                if slot > PRUNE_DEPTH and slot % PRUNE_EVERY == 0:
                    await self._prune(slot - PRUNE_DEPTH)
                slot += 1

    def _last_import(self) -> float | None:
        return max(self._imported_at.values(), default=None)

    def _import(self, block: DevBlock, schedule: SlotSchedule, clock: UnixClock) -> None:
        assert self.chain is not None
        self.chain.import_block(self.view, block.slot)
        self._slot_of_root[block.root] = block.slot
        self._head = block
        now = clock.now()
        self._imported_at[block.slot] = now
        released = self.pipeline.on_block(block.root)
        self.metrics.blocks_imported.inc()
        self.metrics.head_slot.set(block.slot)
        if self.api is not None:
            self.api.on_block(block.slot, block.root)
        self.emit(
            BlockEvent(
                name=self.config.name,
                slot=block.slot,
                root="0x" + block.root.hex(),
                delay=round(now - schedule.slot_start(block.slot), 4),
                released=released,
            )
        )

    async def _prune(self, finalized_slot: int) -> None:
        dropped = self.view.prune(finalized_slot)
        await self.pipeline.on_finalized(finalized_slot, dropped)
        for slot in [s for s in self._imported_at if s < finalized_slot]:
            del self._imported_at[slot]
        for root in [r for r, s in self._slot_of_root.items() if s < finalized_slot]:
            del self._slot_of_root[root]

    # -- acceptance and verdicts ---------------------------------------------------------------

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """The k-of-n policy was met for ``record``'s block (a pipeline acceptance listener)."""
        now = time.time() if self.clock is None else self.clock.now()
        schedule = self.schedule
        latency = 0.0 if schedule is None else now - schedule.slot_start(record.slot)
        self.metrics.record_acceptance(latency)
        self.accepted[record.slot] = latency
        if not self.config.stateless_validation:
            return
        imported = self._imported_at.get(record.slot)
        self.emit(
            AcceptedEvent(
                name=self.config.name,
                slot=record.slot,
                root="0x" + record.beacon_block_root.hex(),
                proof_types=list(record.proof_types),
                latency=round(latency, 4),
                since_block=None if imported is None else round(now - imported, 4),
            )
        )

    def _on_verdict(self, event: VerdictEvent) -> None:
        verdict = event.verdict
        root = verdict.beacon_block_root
        self.emit(
            VerdictReport(
                name=self.config.name,
                slot=None if root is None else self._slot_of_root.get(root),
                proof_type=verdict.proof_type,
                outcome=verdict.outcome.value,
                reason=verdict.reason,
                stored=verdict.stored,
                parked=verdict.parked,
            )
        )

    async def _refresh_metrics(self) -> None:
        while True:
            self.metrics.refresh()
            await trio.sleep(0.5)


async def run_with_signals(node: DevnetNode) -> None:
    """Run ``node``; SIGINT / SIGTERM stop it gracefully (main thread only)."""
    import signal

    async with trio.open_nursery() as nursery:

        async def watch() -> None:
            with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for _ in signals:
                    node.stop.set()
                    return

        nursery.start_soon(watch)
        await node.run()
        nursery.cancel_scope.cancel()
