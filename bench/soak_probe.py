"""What ``bench_soak.py`` reads from the node processes: ``/proc``, ``/metrics`` and their logs.

A sibling module of ``bench/bench_soak.py`` (imported by name: ``python bench/bench_soak.py``
puts ``bench/`` on ``sys.path``). Nothing here starts or stops a process. :class:`SoakProbe` is
the sampling half of the driver's ``Soak`` (it fills the attributes declared on it).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable

import httpx
import trio

from eip8025_p2p.devnet.supervisor import Supervisor
from eip8025_p2p.metrics import parse_exposition

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class ProcSample:
    """One reading of a node process from ``/proc``."""

    t: float
    pid: int
    cpu: float
    """CPU seconds (all threads) since the process started."""
    rss: float
    """MiB."""
    fds: int


@dataclasses.dataclass
class NodeScrape:
    """What one node's ``/metrics`` said."""

    peers: int | None = None
    mesh: int | None = None
    connected: frozenset[str] = frozenset()


def read_proc(pid: int) -> ProcSample | None:
    """CPU seconds, RSS and open fds of ``pid`` (None if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        rss = 0.0
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, IndexError, ValueError):
        return None
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return ProcSample(time.time(), pid, cpu, rss, fds)


def parse_scrape(text: str) -> NodeScrape:
    """Peers, mesh size and connected peer ids from a node's ``/metrics`` text.

    Raises:
        ValueError: The text is not a Prometheus exposition.
    """
    scrape = NodeScrape()
    connected = set()
    for metric, labels, value in parse_exposition(text):
        if metric == "eip8025_peers":
            scrape.peers = int(value)
        elif metric == "eip8025_mesh_peers":
            scrape.mesh = int(value)
        elif metric == "eip8025_peer_score" and "peer" in labels:
            connected.add(labels["peer"])
    scrape.connected = frozenset(connected)
    return scrape


class SoakProbe:
    """Sampling ``/proc`` and scraping ``/metrics`` of the running nodes (a part of ``Soak``)."""

    args: argparse.Namespace
    supervisor: Supervisor
    names: list[str]
    samples: dict[str, list[ProcSample]]
    scrapes: dict[str, NodeScrape]

    def _sample_once(self) -> None:
        for name, child in self.supervisor.children.items():
            if child.process.returncode is not None:
                continue
            sample = read_proc(child.process.pid)
            if sample is not None:
                self.samples[name].append(sample)

    async def _sampler(self) -> None:
        while True:
            self._sample_once()
            await trio.sleep(self.args.sample_every)

    async def _scrape(self, client: httpx.AsyncClient, name: str) -> NodeScrape | None:
        child = self.supervisor.children.get(name)
        url = None if child is None or child.ready is None else child.ready.metrics
        if not url or child is None or child.process.returncode is not None:
            return None
        try:
            return parse_scrape((await client.get(url)).text)
        except (httpx.HTTPError, ValueError):
            return None

    async def _scrape_all(self, names: Iterable[str] | None = None) -> dict[str, NodeScrape]:
        found: dict[str, NodeScrape] = {}
        async with httpx.AsyncClient(timeout=3.0) as client:
            for name in self.names if names is None else names:
                scrape = await self._scrape(client, name)
                if scrape is not None:
                    found[name] = scrape
                    self.scrapes[name] = scrape
        return found


def short(name: str) -> str:
    """``prover-3`` -> ``p3``, ``verifier-1`` -> ``v1`` (table columns)."""
    role, _, index = name.partition("-")
    return role[0] + index


WARNING_LINE = re.compile(r"^\S+ \S+ (?P<node>\S+) (?P<level>WARNING|ERROR|CRITICAL) (?P<rest>.*)$")
NORMALISE = (
    (re.compile(r"/ip4/\S+"), "<addr>"),
    (re.compile(r"/eth2/\S+"), "<topic>"),
    (re.compile(r"\b(16Uiu2|12D3Koo|Qm)[1-9A-HJ-NP-Za-km-z]{20,}"), "<peer>"),
    (re.compile(r"0x[0-9a-fA-F]+"), "<hex>"),
    (re.compile(r"\b\d+(\.\d+)?\b"), "N"),
)


def warning_kind(text: str) -> str:
    """A WARNING line (``logger: message``) with addresses, peer ids and numbers blanked out."""
    logger, sep, message = text.partition(": ")
    for pattern, replacement in NORMALISE:
        message = pattern.sub(replacement, message)
    text = logger.rsplit(".", 1)[-1] + sep + message
    return text if len(text) <= 120 else text[:117] + "..."


@dataclasses.dataclass
class LogScan:
    """The WARNING / ERROR lines of the node logs, by (level, role, kind)."""

    kinds: Counter[tuple[str, str, str]] = dataclasses.field(default_factory=Counter)
    nodes: dict[tuple[str, str, str], set[str]] = dataclasses.field(
        default_factory=lambda: defaultdict(set)
    )
    tracebacks: int = 0
    other: Counter[str] = dataclasses.field(default_factory=Counter)
    """Lines not written by ``logging`` (e.g. py-libp2p's own prints), by kind."""


def scan_logs(datadir: str, names: Iterable[str]) -> LogScan:
    """Read ``DATADIR/<name>/stderr.log`` of every node (a restarted node's log is appended)."""
    scan = LogScan()
    for name in names:
        path = os.path.join(datadir, name, "stderr.log")
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.readlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("Traceback"):
                scan.tracebacks += 1
            match = WARNING_LINE.match(line.strip())
            if match is None:
                if line.strip() and not line.startswith(("20", " ", "Traceback")):
                    scan.other[warning_kind(line.strip())] += 1
                continue
            key = (match["level"], name.split("-")[0], warning_kind(match["rest"]))
            scan.kinds[key] += 1
            scan.nodes[key].add(name)
    return scan
