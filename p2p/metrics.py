"""Prometheus metrics of one ``eip8025 node`` (prometheus-client, one registry per node).

Two kinds of series:

* **Observed directly** (prometheus-client objects, thread-safe): proof verification time per
  proof type (:class:`InstrumentedProofEngine` wraps the node's proof engine), proof generation
  time, acceptance latency, accepted payloads, published proofs, imported blocks.
* **Exported from plain data** (:class:`_SnapshotCollector`): the proof pipeline's
  :class:`~eip8025_p2p.pipeline.PipelineCounters` (every verdict by outcome, reason and proof
  type; the scalar counters), the pending-queue depth, connected / mesh peers and each peer's
  gossip score. The trio thread owns those structures, so it copies them into an immutable
  snapshot (:meth:`NodeMetrics.refresh`, called after every verdict and periodically); the HTTP
  thread only ever reads the latest snapshot.

Metric names (all prefixed ``eip8025_``):

``gossip_verdicts_total{outcome,reason,proof_type}``
    every validation verdict, first validations and revalidations of pending proofs alike
    (outcome ``accept`` / ``ignore`` / ``reject``; proof type ``none`` if undecodable).
``gossip_<counter>_total``
    the scalar counters (``received``, ``published``, ``republished``, ``stored``, ...).
``proofs_stored_total{proof_type}``
    verified proofs stored (each counts toward the k-of-n policy).
``pending_proofs`` / ``pending_bytes``
    the pending queue (proofs that arrived before their block).
``peers`` / ``mesh_peers`` / ``peer_score{peer}``
    connected peers, peers in our ``execution_proof`` mesh, gossip score per connected peer.
``proof_verification_seconds{proof_type}``
    proof-engine verification time (histogram).
``proof_generation_seconds{proof_type}``
    proving + signing time per proof (histogram; validation is counted like a received proof's).
``payload_acceptance_latency_seconds``
    slot start -> k-of-n met on this node (histogram); ``payloads_accepted_total``.
``proofs_published_total{proof_type,result}``, ``blocks_imported_total``, ``head_slot``.
``gossip_dropped_total{reason}``
    what the patched pubsub drops before our validator or around it: ``not_admitted``
    (validation queue full), ``duplicates``, ``graylisted``, ``not_strict_no_sign``,
    ``validator_errors``, ``backpressure_waits`` / ``backpressure_timeouts``.
``beacon_node_connected`` / ``beacon_node_head_slot`` / ``beacon_node_finalized_epoch`` /
``beacon_node_outages_total``
    with ``--beacon-node``: the followed beacon node's state.
``alerts_total{alert}``
    every occurrence of trouble that is also reported with a (rate-limited) WARNING line.
``api_<counter>_total``
    with ``--http-port``: Beacon API uploads (``requests``, ``proofs``, ``accepted``,
    ``parked``, ``known``, ``failed``, ``unjudged``, ``busy``, ``slow``, ``malformed``) and
    event-stream subscribers dropped for lagging; ``api_event_subscribers`` (gauge).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest, start_http_server
from prometheus_client.registry import Collector

from eip8025.containers import ExecutionProofBase
from eip8025.engine import ProofEngine
from eip8025_p2p.alerts import Alerts
from eip8025_p2p.gossip_topic import ExecutionProofTopic
from eip8025_p2p.host import GossipNode
from eip8025_p2p.pipeline import PipelineCounters, VerdictEvent

__all__ = ["InstrumentedProofEngine", "MetricsServer", "NodeMetrics", "scalar_counter_names"]

PREFIX = "eip8025_"
API_GAUGES = frozenset({"event_subscribers"})
LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0)
VERIFY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def scalar_counter_names() -> list[str]:
    """The integer fields of :class:`PipelineCounters` exported as ``gossip_<name>_total``."""
    return list(PipelineCounters().scalars())


@dataclasses.dataclass(frozen=True)
class _Snapshot:
    outcomes: dict[tuple[str, str, int | None], int] = dataclasses.field(default_factory=dict)
    scalars: dict[str, int] = dataclasses.field(default_factory=dict)
    stored: dict[int, int] = dataclasses.field(default_factory=dict)
    pending: int = 0
    pending_bytes: int = 0
    peers: int = 0
    mesh_peers: int = 0
    scores: dict[str, float] = dataclasses.field(default_factory=dict)
    api: dict[str, int] = dataclasses.field(default_factory=dict)
    alerts: dict[str, int] = dataclasses.field(default_factory=dict)
    dropped: dict[str, int] = dataclasses.field(default_factory=dict)
    beacon: dict[str, float] = dataclasses.field(default_factory=dict)


class _SnapshotCollector(Collector):
    """Exposes the latest :class:`_Snapshot` (read-only from the HTTP thread)."""

    def __init__(self, owner: NodeMetrics) -> None:
        self._owner = owner

    def collect(self) -> Iterable[Metric]:
        snap = self._owner.snapshot
        verdicts = CounterMetricFamily(
            PREFIX + "gossip_verdicts",
            "Gossip validation verdicts by outcome, reason and proof type",
            labels=["outcome", "reason", "proof_type"],
        )
        for (outcome, reason, proof_type), value in sorted(
            snap.outcomes.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or -1)
        ):
            label = "none" if proof_type is None else str(proof_type)
            verdicts.add_metric([outcome, reason, label], value)
        yield verdicts
        for name, value in snap.scalars.items():
            counter = CounterMetricFamily(
                PREFIX + f"gossip_{name}", f"execution_proof topic counter {name}"
            )
            counter.add_metric([], value)
            yield counter
        stored = CounterMetricFamily(
            PREFIX + "proofs_stored",
            "Verified proofs stored (they count toward the k-of-n policy)",
            labels=["proof_type"],
        )
        for proof_type, value in sorted(snap.stored.items()):
            stored.add_metric([str(proof_type)], value)
        yield stored
        for name, value, doc in (
            ("pending_proofs", snap.pending, "Proofs waiting for their block"),
            ("pending_bytes", snap.pending_bytes, "Compressed bytes waiting for their block"),
            ("peers", snap.peers, "Connected peers"),
            ("mesh_peers", snap.mesh_peers, "Peers in our execution_proof mesh"),
        ):
            yield GaugeMetricFamily(PREFIX + name, doc, value=value)
        scores = GaugeMetricFamily(
            PREFIX + "peer_score", "Gossip score of each connected peer", labels=["peer"]
        )
        for peer, score in sorted(snap.scores.items()):
            scores.add_metric([peer], score)
        yield scores
        for name, reading in sorted(snap.beacon.items()):
            if name == "outages":
                outages = CounterMetricFamily(
                    PREFIX + "beacon_node_outages", "Times the followed beacon node went away"
                )
                outages.add_metric([], reading)
                yield outages
            else:
                yield GaugeMetricFamily(
                    PREFIX + f"beacon_node_{name}", f"Beacon node {name}", value=reading
                )
        dropped = CounterMetricFamily(
            PREFIX + "gossip_dropped",
            "Messages dropped by the patched pubsub before or around the topic validator",
            labels=["reason"],
        )
        for reason, value in sorted(snap.dropped.items()):
            dropped.add_metric([reason], value)
        yield dropped
        alerts = CounterMetricFamily(
            PREFIX + "alerts", "Trouble reported with a WARNING line, by kind", labels=["alert"]
        )
        for alert, value in sorted(snap.alerts.items()):
            alerts.add_metric([alert], value)
        yield alerts
        for name, value in sorted(snap.api.items()):
            if name in API_GAUGES:
                yield GaugeMetricFamily(PREFIX + f"api_{name}", f"Beacon API {name}", value=value)
            else:
                counter = CounterMetricFamily(PREFIX + f"api_{name}", f"Beacon API {name}")
                counter.add_metric([], value)
                yield counter


class NodeMetrics:
    """Every metric of one node, in its own :class:`CollectorRegistry`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.verification_seconds = Histogram(
            PREFIX + "proof_verification_seconds",
            "Proof-engine verification time",
            ["proof_type"],
            buckets=VERIFY_BUCKETS,
            registry=registry,
        )
        self.generation_seconds = Histogram(
            PREFIX + "proof_generation_seconds",
            "Proving and signing time per proof",
            ["proof_type"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.acceptance_latency = Histogram(
            PREFIX + "payload_acceptance_latency_seconds",
            "Slot start to k-of-n acceptance of the slot's payload on this node",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.payloads_accepted = Counter(
            PREFIX + "payloads_accepted", "Payloads that met the k-of-n policy", registry=registry
        )
        self.proofs_published = Counter(
            PREFIX + "proofs_published",
            "Own proofs handed to gossip, by proof type and result",
            ["proof_type", "result"],
            registry=registry,
        )
        self.blocks_imported = Counter(
            PREFIX + "blocks_imported", "Devnet blocks imported", registry=registry
        )
        self.head_slot = Gauge(
            PREFIX + "head_slot", "Slot of the last imported block", registry=registry
        )
        self.snapshot = _Snapshot()
        self.accepted = 0
        self._stored: dict[int, int] = {}
        self._topic: ExecutionProofTopic | None = None
        self._node: GossipNode | None = None
        self._api: Callable[[], dict[str, int]] | None = None
        self._alerts: Alerts | None = None
        self._beacon: Callable[[], dict[str, float]] | None = None
        registry.register(_SnapshotCollector(self))

    def record_acceptance(self, latency: float) -> None:
        """Count one accepted payload and its latency (seconds since its slot started)."""
        self.accepted += 1
        self.payloads_accepted.inc()
        self.acceptance_latency.observe(max(0.0, latency))

    # -- wiring ------------------------------------------------------------------------------

    def attach(self, node: GossipNode, topic: ExecutionProofTopic) -> None:
        """Follow a running node and its topic (call from the trio thread)."""
        self._node = node
        self._topic = topic
        topic.pipeline.listeners.append(self._on_event)

    def attach_beacon(self, status: Callable[[], dict[str, float]]) -> None:
        """Export the followed beacon node's state (``beacon_node_*``)."""
        self._beacon = status

    def attach_alerts(self, alerts: Alerts) -> None:
        """Export the node's alert counters (``alerts_total{alert}``)."""
        self._alerts = alerts

    def attach_api(self, counters: Callable[[], dict[str, int]]) -> None:
        """Export the Beacon API's counters (``api_<name>_total``; subscribers as a gauge)."""
        self._api = counters

    def _on_event(self, event: VerdictEvent) -> None:
        verdict = event.verdict
        if verdict.stored and verdict.proof_type is not None:
            self._stored[verdict.proof_type] = self._stored.get(verdict.proof_type, 0) + 1
        self.refresh(peers=False)

    def refresh(self, *, peers: bool = True) -> None:
        """Copy the topic's plain data into a new snapshot (trio thread only)."""
        topic, node = self._topic, self._node
        if topic is None or node is None:
            return
        pipeline = topic.pipeline
        counters = pipeline.counters
        old = self.snapshot
        peer_count, mesh_count, scores = old.peers, old.mesh_peers, old.scores
        if peers:
            connected = node.host.get_connected_peers()
            peer_count = len(connected)
            mesh_count = len(node.router.mesh.get(topic.topic, ()))
            scores = {peer.to_base58(): node.pubsub.score(peer, topic.topic) for peer in connected}
        self.snapshot = _Snapshot(
            outcomes=dict(counters.outcomes),
            scalars=counters.scalars(),
            stored=dict(self._stored),
            pending=len(pipeline.pending),
            pending_bytes=pipeline.pending.total_bytes,
            peers=peer_count,
            mesh_peers=mesh_count,
            scores=scores,
            api={} if self._api is None else dict(self._api()),
            alerts={} if self._alerts is None else dict(self._alerts.counts),
            dropped=dataclasses.asdict(node.pubsub.counters),
            beacon={} if self._beacon is None else self._beacon(),
        )

    def exposition(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)

    def serve(self, address: str, port: int) -> MetricsServer:
        """Serve ``/metrics`` on ``address:port`` in a daemon thread (port 0: pick one)."""
        server, thread = start_http_server(port, addr=address, registry=self.registry)
        return MetricsServer(server, thread)

    def summary(self) -> dict[str, Any]:
        """A compact dictionary of the main numbers (for a final log line)."""
        snap = self.snapshot
        by_outcome: dict[str, int] = {}
        rejects: dict[str, int] = {}
        for (outcome, reason, _), value in snap.outcomes.items():
            by_outcome[outcome] = by_outcome.get(outcome, 0) + value
            if outcome == "reject":
                rejects[reason] = rejects.get(reason, 0) + value
        return {
            "received": snap.scalars.get("received", 0),
            "verdicts": by_outcome,
            "rejects": rejects,
            "stored": sum(snap.stored.values()),
            "published": snap.scalars.get("published", 0),
            "pending_expired": snap.scalars.get("pending_expired", 0),
            "pending_released": snap.scalars.get("pending_released", 0),
            "payloads_accepted": self.accepted,
            "peers": snap.peers,
            "api": dict(snap.api),
        }


@dataclasses.dataclass
class MetricsServer:
    """A running ``/metrics`` HTTP server."""

    server: Any
    thread: Any

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return int(self.server.server_port)

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class InstrumentedProofEngine:
    """A :class:`~eip8025.engine.ProofEngine` that times every verification (same verdicts)."""

    def __init__(
        self,
        engine: ProofEngine,
        histogram: Histogram,
        *,
        alerts: Alerts | None = None,
        slow_after: float = 2.0,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.engine = engine
        self._clock = clock
        self._histogram = histogram
        self._alerts = alerts
        self.slow_after = slow_after

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
        """Delegate and observe the duration (also when the engine raises).

        A verification slower than ``slow_after`` seconds is an ``engine_slow`` alert.
        """
        started = self._clock()
        try:
            return self.engine.verify_execution_proof(execution_proof)
        finally:
            elapsed = self._clock() - started
            self._histogram.labels(str(execution_proof.proof_type)).observe(elapsed)
            if self._alerts is not None and elapsed > self.slow_after:
                self._alerts.warn(
                    "engine_slow",
                    "the proof engine took %.1f s to verify a proof of type %d (more than %.1f s)",
                    elapsed,
                    execution_proof.proof_type,
                    self.slow_after,
                )


def parse_exposition(text: str) -> Iterator[tuple[str, dict[str, str], float]]:
    """``(sample name, labels, value)`` of every sample in a text exposition."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            yield sample.name, dict(sample.labels), float(sample.value)


def sample_sum(
    samples: Iterable[tuple[str, dict[str, str], float]],
    name: str,
    where: Callable[[dict[str, str]], bool] | None = None,
) -> float:
    """Sum of the samples called ``name`` whose labels satisfy ``where``."""
    return sum(v for n, labels, v in samples if n == name and (where is None or where(labels)))
