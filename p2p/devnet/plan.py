"""What ``eip8025 devnet`` runs: its settings, and one plan per node (role, key, faults, port)."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import socket
from collections.abc import Sequence
from typing import Final

from eip8025.acceptance import AcceptancePolicy, PolicyError
from eip8025.config import DEFAULT_ACCEPTANCE_THRESHOLD, DEFAULT_ACCEPTED_PROOF_TYPES
from eip8025.errors import Eip8025Error
from eip8025.profiles import DEFAULT_PROFILE
from eip8025_p2p.host import peer_id_from_secret
from eip8025_p2p.node import NodeConfig, NodeConfigError, build_proof_engine, spec_config

__all__ = [
    "EXIT_EXPECTED_FAILURE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "DevnetConfig",
    "DevnetConfigError",
    "NodePlan",
    "percentile",
    "plan_nodes",
    "reserve_ports",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_EXPECTED_FAILURE: Final = 3
EXIT_INTERRUPTED: Final = 130


class DevnetConfigError(Eip8025Error, ValueError):
    """The devnet flags are unusable (one line; the CLI exits 2)."""


@dataclasses.dataclass(frozen=True)
class DevnetConfig:
    """What ``eip8025 devnet`` runs."""

    proof_types: tuple[int, ...] = DEFAULT_ACCEPTED_PROOF_TYPES
    threshold: int = DEFAULT_ACCEPTANCE_THRESHOLD
    verifiers: int = 3
    slots: int = 6
    seconds_per_slot: int = 2
    byzantine_provers: int = 0
    offline_provers: int = 0
    seed: str = "eip8025-devnet"
    arrival_jitter: float | None = None
    """Max per-node block arrival delay (default: a quarter slot)."""
    proof_engine: str | None = None
    datadir: str | None = None
    """Node datadirs and logs; default: a temporary directory, removed after a clean run."""
    ready_timeout: float = 60.0
    settle: float | None = None
    """Seconds after a slot's end to wait for its proofs (default: two slots plus 2 s; a slot
    whose proofs have all been verified or rejected by every verifier is judged at once)."""
    summary_json: str | None = None
    validator_count: int = 64
    spec_profile: str = DEFAULT_PROFILE.name
    submit_via_api: bool = False
    """Verifiers serve the Beacon API; honest provers POST their proofs to it (``--submit-to``)
    instead of publishing on gossip. Prover ``i`` submits to verifier ``i mod verifiers``."""

    @property
    def provers(self) -> int:
        """One prover per accepted proof type."""
        return len(self.proof_types)

    @property
    def honest_provers(self) -> int:
        """Provers that are online and honest."""
        return self.provers - self.byzantine_provers - self.offline_provers

    @property
    def acceptance_possible(self) -> bool:
        """Whether the honest provers can supply k distinct proof types."""
        return self.honest_provers >= self.threshold

    @property
    def settle_window(self) -> float:
        """Seconds after a slot's end until the slot is judged."""
        return 2.0 * self.seconds_per_slot + 2.0 if self.settle is None else self.settle

    def check(self) -> AcceptancePolicy:
        """Refuse unusable settings; return the acceptance policy.

        Raises:
            DevnetConfigError: One line saying what is wrong.
        """
        if self.verifiers < 1:
            raise DevnetConfigError("--verifiers must be at least 1")
        if self.slots < 1 or self.seconds_per_slot < 1:
            raise DevnetConfigError("--slots and --seconds-per-slot must be at least 1")
        if self.byzantine_provers < 0 or self.offline_provers < 0:
            raise DevnetConfigError("fault counts must not be negative")
        if self.byzantine_provers + self.offline_provers > self.provers:
            raise DevnetConfigError(
                f"--byzantine-provers {self.byzantine_provers} + --offline-provers "
                f"{self.offline_provers} exceed the {self.provers} provers"
            )
        if len(set(self.proof_types)) != len(self.proof_types):
            raise DevnetConfigError("--proof-types lists a proof type twice")
        if self.provers > self.validator_count:
            raise DevnetConfigError("more provers than devnet validators")
        config = NodeConfig(
            secret=bytes(32),
            proof_types=self.proof_types,
            threshold=self.threshold,
            spec_profile=self.spec_profile,
        )
        try:
            policy = AcceptancePolicy.from_config(spec_config(config))
        except PolicyError as exc:
            raise DevnetConfigError(f"acceptance policy: {exc}") from None
        self._check_files()
        return policy

    def _check_files(self) -> None:
        """Paths and the proof-engine file, before any process starts."""
        if self.proof_engine is not None:
            try:
                build_proof_engine(self.proof_engine, self.proof_types)
            except NodeConfigError as exc:
                raise DevnetConfigError(str(exc)) from None
        datadir = self.datadir
        if datadir is not None and os.path.exists(datadir) and not os.path.isdir(datadir):
            raise DevnetConfigError(f"--datadir {datadir}: not a directory")
        if self.summary_json is not None:
            parent = os.path.dirname(os.path.abspath(self.summary_json))
            if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
                raise DevnetConfigError(
                    f"--summary-json {self.summary_json}: {parent} is not a writable directory"
                )


@dataclasses.dataclass
class NodePlan:
    """One devnet member."""

    name: str
    role: str
    """``prover`` or ``verifier``."""
    secret: bytes
    proof_type: int | None = None
    validator_index: int | None = None
    byzantine: bool = False
    offline: bool = False
    port: int = 0
    http_port: int | None = None
    """The Beacon API port of a verifier (``submit_via_api``)."""
    submit_to: str | None = None
    """The API a prover submits to (``submit_via_api``)."""

    @property
    def label(self) -> str:
        """Role as shown in tables."""
        if self.role == "verifier":
            return "verifier"
        if self.offline:
            return f"prover {self.proof_type} OFFLINE"
        return f"prover {self.proof_type}" + (" BYZANTINE" if self.byzantine else "")

    @property
    def peer_id(self) -> str:
        """The libp2p peer id of the node key."""
        return peer_id_from_secret(self.secret).to_base58()

    def multiaddr(self) -> str:
        """Where peers dial it."""
        return f"/ip4/127.0.0.1/tcp/{self.port}/p2p/{self.peer_id}"


def plan_nodes(config: DevnetConfig) -> list[NodePlan]:
    """Provers (the last ones offline, the ones before them byzantine), then verifiers."""
    plans = []
    count = config.provers
    for index, proof_type in enumerate(config.proof_types):
        name = f"prover-{proof_type}"
        plans.append(
            NodePlan(
                name=name,
                role="prover",
                secret=_node_secret(config.seed, name),
                proof_type=proof_type,
                validator_index=index,
                offline=index >= count - config.offline_provers,
                byzantine=count - config.offline_provers - config.byzantine_provers
                <= index
                < count - config.offline_provers,
            )
        )
    for index in range(config.verifiers):
        name = f"verifier-{index}"
        plans.append(NodePlan(name=name, role="verifier", secret=_node_secret(config.seed, name)))
    return plans


def _node_secret(seed: str, name: str) -> bytes:
    return hashlib.sha256(f"eip8025-devnet-node-key/{seed}/{name}".encode()).digest()


def reserve_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1 (held together while choosing, then released)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
