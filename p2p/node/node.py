"""``ProofNode``: the composition root of ``eip8025 node``.

It wires the parts; each lives in its own module:

* chain source (:mod:`.source`): the devnet slot clock (:mod:`.devnet_source`, default) or a
  real beacon node followed through its Beacon API (:mod:`.beacon_source`, ``--beacon-node``);
  it keeps the chain view and calls the node (a ``ChainSink``) for each block, payload and
  finalized slot;
* proof pipeline: :class:`~eip8025_p2p.pipeline.ProofPipeline` over the core store and ``Seen``,
  behind the gossip topic adapter and the Beacon API (:mod:`eip8025_p2p.api`); with ``--datadir``
  the store's proofs, the pipeline's marks and the prover's signing record are in SQLite
  (:mod:`eip8025_p2p.storage`) and a restarted node resumes from them;
* eth2 req/resp (:mod:`eip8025_p2p.reqresp`: Status from the chain source, MetaData, Ping,
  Goodbye), peering (:mod:`.peering`), the prover role (:mod:`.prover`), orchestration control
  (:mod:`.control`), typed events (:mod:`.events`), metrics and alerts (:mod:`.watchdog`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

import trio

from eip8025.acceptance import AcceptanceRecord
from eip8025.bls import default_backend
from eip8025.chain import BeaconStateView
from eip8025.containers import FAR_FUTURE_EPOCH, ENRForkID
from eip8025.engine import ChainIdGuard
from eip8025.gossip import Seen
from eip8025.prover import ProofBackend
from eip8025.signing_protection import MemorySigningProtection
from eip8025.store import ExecutionProofStore
from eip8025.verification import SpecContext
from eip8025_p2p.alerts import Alerts
from eip8025_p2p.api import ApiServer
from eip8025_p2p.encoding import execution_proof_topic
from eip8025_p2p.enr import ENR
from eip8025_p2p.gossip_topic import ExecutionProofTopic
from eip8025_p2p.host import GossipNode
from eip8025_p2p.metrics import InstrumentedProofEngine, MetricsServer, NodeMetrics
from eip8025_p2p.node.api_view import NodeApiView
from eip8025_p2p.node.beacon_source import BeaconSource
from eip8025_p2p.node.clock import TrioUnixClock, UnixClock
from eip8025_p2p.node.config import (
    NodeConfig,
    NodeConfigError,
    check_node_config,
    check_validator_keys,
    spec_config,
)
from eip8025_p2p.node.control import Control
from eip8025_p2p.node.devnet_source import DevnetSource
from eip8025_p2p.node.events import (
    AcceptedEvent,
    BlockEvent,
    DoneEvent,
    NodeEvent,
    RestoredEvent,
    VerdictReport,
)
from eip8025_p2p.node.peering import StaticPeers
from eip8025_p2p.node.prover import MIN_PUBLISH_WAIT, ProverService
from eip8025_p2p.node.readiness import ready_event
from eip8025_p2p.node.source import ChainBlock, ChainSource
from eip8025_p2p.node.submitter import ProofSubmitter
from eip8025_p2p.node.watchdog import Watchdog
from eip8025_p2p.pipeline import ProofPipeline, VerdictEvent
from eip8025_p2p.reqresp import MetaDataV3, ReqResp, StatusV2
from eip8025_p2p.storage import STATE_FILE, NodeStorage, NodeStorageError

__all__ = ["ProofNode", "run_with_signals"]

logger = logging.getLogger(__name__)

Emit = Callable[[NodeEvent], None]


class ProofNode:
    """One node: gossip host, req/resp, proof pipeline, store, chain source, prover, API."""

    def __init__(
        self,
        config: NodeConfig,
        engine: ProofBackend,
        emit: Emit,
        *,
        source: ChainSource | None = None,
        bootstrap: Sequence[str] = (),
        beacon_peers: Sequence[str] = (),
        control: Control | None = None,
        clock: Callable[[], UnixClock] = TrioUnixClock,
    ) -> None:
        """Build everything that does not need the network (nothing listens yet).

        Args:
            config: The node's settings.
            engine: Verifies (and, for a prover, generates) proofs.
            emit: Where events go (stdout JSON lines in ``eip8025 node``).
            source: The chain; default: the devnet chain of ``config``.
            bootstrap: Peers to dial once (e.g. our beacon node's peers).
            beacon_peers: Our beacon node's libp2p addresses: kept connected (req/resp), not
                expected in the ``execution_proof`` mesh.
            control: Genesis / stop from an orchestrator (devnet).
            clock: The devnet slot clock's time source (trio's MockClock in tests).

        Raises:
            NodeConfigError: See :func:`check_node_config`; or an unusable state file.
        """
        self.config = config
        self.policy = check_node_config(config, engine)
        self.emit = emit
        self.control = control
        self.metrics = NodeMetrics()
        self.alerts = Alerts(logger)
        self.watchdog = Watchdog(self.alerts)
        self.engine = InstrumentedProofEngine(
            ChainIdGuard(engine), self.metrics.verification_seconds, alerts=self.alerts
        )
        if source is None:
            source = DevnetSource(
                config,
                emit,
                control=control,
                clock=clock,
                finalized_slot=lambda: self.store.finalized_slot,
            )
        self.source = source
        head = source.head()
        if config.proof_generation and config.beacon_node is not None and head is not None:
            check_validator_keys(config.validator_keys, head.state, "the beacon node's registry")
        chain_config = source.spec_config(spec_config(config))
        self.ctx = SpecContext(config=chain_config, bls=default_backend())
        self.fork_digest = source.fork_digest
        self.view = source.view
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
        self.reqresp = ReqResp(self.node.host, self)
        self.metrics.attach_alerts(self.alerts)
        if isinstance(source, BeaconSource):
            follower = source.follower
            self.metrics.attach_beacon(
                lambda: {
                    "connected": float(follower.status.connected),
                    "head_slot": float(follower.status.head_slot or 0),
                    "finalized_epoch": float(follower.status.finalized_epoch),
                    "outages": float(follower.status.outages),
                }
            )
        self.pipeline.listeners.append(self._on_verdict)
        self.pipeline.listeners.append(self.watchdog.on_verdict)
        self.pipeline.acceptance_listeners.append(self.on_payload_proven)
        self.peers = StaticPeers(
            self.node,
            (*config.peers, *beacon_peers),
            alerts=self.alerts,
            bootstrap=bootstrap,
            outside_topic=beacon_peers,
        )
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
                node=self.node,
                publish_wait=(
                    max(source.seconds_per_slot, MIN_PUBLISH_WAIT)
                    if config.publish_wait is None
                    else config.publish_wait
                ),
                submitter=None if config.submit_to is None else ProofSubmitter(config.submit_to),
                byzantine=config.byzantine,
            )
        self.stop = control.stop if control is not None else trio.Event()
        self.accepted: dict[int, float] = {}
        self._imported_at: dict[int, float] = {}
        self._provers: trio.Nursery | None = None
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
        return RestoredEvent(
            name=self.config.name,
            proofs=proofs,
            blocks=blocks,
            accepted=len(list(storage.acceptances())),
            finalized_slot=finalized,
        )

    # -- what other parts read ----------------------------------------------------------------

    def enr(self) -> ENR:
        """This node's ENR: address, ``eth2`` fork id, ``eproof`` (valid while running)."""
        fork_id = ENRForkID(
            fork_digest=self.fork_digest,
            next_fork_version=bytes(4),
            next_fork_epoch=FAR_FUTURE_EPOCH,
        )
        return self.node.enr(fork_id=fork_id)

    def head_state(self) -> BeaconStateView | None:
        """The head's state (genesis before the first block; None before genesis)."""
        head = self.source.head()
        return None if head is None else head.state

    def local_status(self) -> StatusV2:
        """req/resp Status: the chain source's view (a ``StatusSource``)."""
        return self.source.local_status()

    def local_metadata(self) -> MetaDataV3:
        """req/resp MetaData: no subnets, no custody (a ``StatusSource``)."""
        return MetaDataV3(seq_number=1)

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
                self.reqresp.running(),
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
        with trio.move_on_after(self.config.ready_timeout):
            await self.peers.wait_for_mesh(self.topic.topic)
        missing = self.peers.missing_from_mesh(self.topic.topic)
        self.emit(ready_event(self, missing))
        if self.restored is not None:
            self.emit(self.restored)
        async with trio.open_nursery() as nursery:
            self._provers = nursery
            watch = trio.CancelScope()

            async def watch_imports() -> None:
                with watch:
                    await self.watchdog.watch_imports(self.source, self._last_import)

            nursery.start_soon(watch_imports)
            await self.source.run(self)
            watch.cancel()  # provers still running finish before the nursery closes
        if self.config.linger is not None:
            await trio.sleep(self.config.linger)
            self.stop.set()

    def _last_import(self) -> float | None:
        return max(self._imported_at.values(), default=None)

    # -- ChainSink ----------------------------------------------------------------------------

    def on_block(self, block: ChainBlock, *, prove: bool) -> None:
        """A block is in the chain view: release its early proofs, report it."""
        now = self.source.now()
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
                delay=round(now - self.source.slot_start(block.slot), 4),
                released=released,
            )
        )

    def on_payload(self, block: ChainBlock, *, prove: bool) -> None:
        """A block's payload is in the view: judge its waiting proofs; prove it if asked."""
        self.pipeline.on_payload(block.root)
        if prove and self.prover is not None and self._provers is not None:
            self._provers.start_soon(self.prover.prove, block)

    async def on_finalized(self, finalized_slot: int, dropped_roots: list[bytes]) -> None:
        """Prune everything below ``finalized_slot``."""
        logger.info(
            "finalized slot %d: pruning %d blocks below it", finalized_slot, len(dropped_roots)
        )
        await self.pipeline.on_finalized(finalized_slot, dropped_roots)
        for slot in [s for s in self._imported_at if s < finalized_slot]:
            del self._imported_at[slot]

    # -- acceptance and verdicts ---------------------------------------------------------------

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """The k-of-n policy was met for ``record``'s block (a pipeline acceptance listener)."""
        now = self.source.now()
        latency = now - self.source.slot_start(record.slot)
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
                slot=None if root is None else self.source.slot_of_root(root),
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


async def run_with_signals(node: ProofNode) -> None:
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
