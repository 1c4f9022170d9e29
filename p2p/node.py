"""A standalone EIP-8025 node on the devnet chain: ``eip8025 node`` runs :class:`DevnetNode`.

Roles (Lighthouse-style, both may be on):

* **stateless validation** - subscribe to ``execution_proof``, validate and verify every proof,
  store it, run the k-of-n policy and report each payload that meets it (no execution client);
* **proof generation** - for every new payload, prove the configured proof types through the proof
  engine (in-process native prover or an HTTP proof node), sign each proof with a validator key,
  validate it as a received proof would be, and publish it.

Every node subscribes and validates before forwarding (gossipsub requires it), so a prover-only
node also verifies and stores proofs; only a stateless validator reports acceptances.

Chain source. There is no beacon node: :class:`~eip8025_p2p.devchain.DevnetChain` derives the same
blocks on every node from ``(seed, slot)``, behind the core's :class:`~eip8025.chain.ChainView`
(an :class:`~eip8025.chain.InMemoryChainView`). A slot clock imports the block of slot ``s`` at
``genesis + s * seconds_per_slot + delay`` where the delay is per node and slot (``arrival_delay``
plus a pseudo-random part up to ``arrival_jitter``), as gossip delivers blocks at different times
to different nodes; so a proof often reaches a node before its block, waits in the topic's pending
queue and is validated when :meth:`ExecutionProofTopic.on_block_imported` runs. Slot 0 is genesis
(no block); blocks start at slot 1.

Output. :class:`DevnetNode` reports through an ``emit`` callback, one dictionary per event; the
CLI prints each as a JSON line on stdout:

* ``ready``: identity, ENR, listen address, metrics URL, roles, policy (after static peers joined
  our mesh, or ``ready_timeout``);
* ``genesis``: genesis time, seconds per slot, first slot;
* ``block``: slot, root, import time;
* ``verdict``: slot, proof type, outcome, reason, stored (every gossip verdict);
* ``published``: slot, proof type, validator index, result (own proofs);
* ``accepted``: slot, root, proof types, latency (seconds from slot start) - stateless validators;
* ``done``: a metrics summary, when the node stops.

Orchestration. With ``genesis_time=None`` the node reads control lines on stdin
(:class:`StdinControl`): ``genesis <unix seconds>`` starts the slot clock, ``stop`` or end of input
stops the node - so a child of ``eip8025 devnet`` never outlives its parent.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, Final

import multiaddr
import trio
from libp2p.network.swarm import Swarm
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr

from eip8025.acceptance import AcceptancePolicy, AcceptanceRecord, PolicyError
from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.config import (
    DEFAULT_ACCEPTANCE_THRESHOLD,
    DEFAULT_ACCEPTED_PROOF_TYPES,
    MINIMAL_CONFIG,
    SpecConfig,
)
from eip8025.containers import FAR_FUTURE_EPOCH, ENRForkID, SignedExecutionProofEnvelopeBase
from eip8025.engine import ProofEngine, ProofEngineError
from eip8025.gossip import Seen
from eip8025.profiles import DEFAULT_PROFILE
from eip8025.prover import ProofBackend, ProofGenerator, ProverIdentity, produce_signed_proofs
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.store import ExecutionProofStore
from eip8025.verification import SpecContext, get_public_input

from .devchain import DevBlock, DevnetChain, DevnetSpec
from .encoding import encode_execution_proof
from .enr import ENR, ENRError
from .gossip_topic import PENDING_REASONS, ExecutionProofTopic, GossipEvent
from .host import GossipNode
from .libp2p_patches import ValidationResult
from .metrics import InstrumentedProofEngine, MetricsServer, NodeMetrics

__all__ = [
    "Control",
    "DevnetNode",
    "NodeConfig",
    "NodeConfigError",
    "StdinControl",
    "build_proof_engine",
    "check_node_config",
    "find_validator_index",
    "load_node_key",
    "parse_peer",
    "run_with_signals",
    "spec_config",
]

logger = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], None]
NODE_KEY_FILE: Final = "node-key"
MAX_CATCH_UP_SLOTS: Final = 20_000
"""A genesis further in the past is refused (blocks derive iteratively from genesis)."""
PRUNE_DEPTH: Final = 16
"""Slots kept below the head (the devnet has no finality; this stands in for it)."""
REDIAL_MIN_BACKOFF: Final = 0.25
REDIAL_MAX_BACKOFF: Final = 5.0
DIAL_TIMEOUT: Final = 5.0
LIVENESS_INTERVAL: Final = 0.5
"""Seconds between checks that a static peer is still connected."""
PENDING_LABELS: Final = frozenset(reason.value for reason in PENDING_REASONS)


class NodeConfigError(ValueError):
    """The node's flags or configuration are unusable (one line; the CLI exits 2)."""


@dataclasses.dataclass(frozen=True)
class NodeConfig:
    """Everything a :class:`DevnetNode` needs (the CLI builds it from flags)."""

    secret: bytes = dataclasses.field(repr=False)
    """The secp256k1 node key (libp2p identity and ENR key)."""
    stateless_validation: bool = True
    proof_generation: bool = False
    proof_types: tuple[int, ...] = DEFAULT_ACCEPTED_PROOF_TYPES
    """The accepted proof types (``n`` of the policy; the network's supported set)."""
    generate_proof_types: tuple[int, ...] = ()
    """What this node proves (default: every accepted type)."""
    threshold: int = DEFAULT_ACCEPTANCE_THRESHOLD
    validator_keys: tuple[ProverIdentity, ...] = ()
    """Proof ``i`` of ``generate_proof_types`` is signed by key ``i % len(validator_keys)``."""
    listen_ip: str = "127.0.0.1"
    listen_port: int = 0
    peers: tuple[str, ...] = ()
    """Static peers: ``/ip4/../tcp/../p2p/..`` addresses (kept connected, redialled)."""
    seed: str = DevnetSpec.seed
    validator_count: int = 64
    genesis_time: int | None = None
    """Unix seconds; None: wait for ``genesis <t>`` from the control (stdin)."""
    seconds_per_slot: int = 6
    slots: int | None = None
    """Last slot to import (None: run until stopped)."""
    linger: float | None = None
    """Seconds to keep running after the last slot (None: until stopped)."""
    arrival_delay: float = 0.0
    arrival_jitter: float = 0.0
    byzantine: bool = False
    """Fault injection: publish invalid proofs with valid signatures (never on a real network)."""
    metrics_address: str = "127.0.0.1"
    metrics_port: int | None = None
    name: str = "node"
    ready_timeout: float = 30.0
    spec_profile: str = DEFAULT_PROFILE.name
    """The spec profile name (``--spec-profile``)."""

    @property
    def proven_types(self) -> tuple[int, ...]:
        """The proof types this node generates."""
        if not self.proof_generation:
            return ()
        return self.generate_proof_types or self.proof_types

    def devnet_spec(self, genesis_time: int = 0) -> DevnetSpec:
        """The shared devnet parameters with ``genesis_time``."""
        return DevnetSpec(
            seed=self.seed,
            validator_count=self.validator_count,
            genesis_time=genesis_time,
            seconds_per_slot=self.seconds_per_slot,
            config=spec_config(self),
        )


def spec_config(config: NodeConfig) -> SpecConfig:
    """The devnet's minimal config with the node's profile, accepted types and threshold."""
    return dataclasses.replace(
        MINIMAL_CONFIG.with_profile(config.spec_profile),
        supported_proof_types=frozenset(config.proof_types),
        acceptance_threshold=config.threshold,
    )


# -- configuration helpers ---------------------------------------------------------------------


def load_node_key(datadir: str | None) -> bytes:
    """The node key in ``DATADIR/node-key`` (hex), created on first use; random without datadir.

    Raises:
        NodeConfigError: The directory or key file is unusable.
    """
    import coincurve

    if datadir is None:
        return coincurve.PrivateKey().secret
    path = os.path.join(datadir, NODE_KEY_FILE)
    try:
        os.makedirs(datadir, exist_ok=True)
        if os.path.exists(path):
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip().removeprefix("0x")
            try:
                secret = bytes.fromhex(text)
                coincurve.PrivateKey(secret)
            except ValueError:
                raise NodeConfigError(f"{path}: not a 32-byte secp256k1 key in hex") from None
            return secret
        secret = coincurve.PrivateKey().secret
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secret.hex() + "\n")
        return secret
    except OSError as exc:
        raise NodeConfigError(f"--datadir {datadir}: {exc.strerror or exc}") from None


def parse_peer(text: str, fork_digest: bytes | None = None) -> str:
    """A ``--peers`` entry (``enr:...`` or ``/ip4/.../p2p/...``) as a dialable multiaddr.

    Raises:
        NodeConfigError: Malformed, no address, no peer id, or another network's fork digest.
    """
    text = text.strip()
    if text.startswith("enr:"):
        try:
            record = ENR.from_text(text)
        except ENRError as exc:
            raise NodeConfigError(f"--peers: invalid ENR: {exc}") from None
        address = record.multiaddr
        if address is None:
            raise NodeConfigError("--peers: the ENR has no IPv4 address and TCP port")
        fork_id = record.fork_id
        if fork_digest is not None and fork_id is not None and fork_id.fork_digest != fork_digest:
            raise NodeConfigError(
                f"--peers: the ENR is for fork digest 0x{bytes(fork_id.fork_digest).hex()}, "
                f"this devnet is 0x{fork_digest.hex()} (another seed or network)"
            )
        return address
    try:
        info_from_p2p_addr(multiaddr.Multiaddr(text))
    except Exception as exc:  # multiaddr and libp2p raise several error types
        raise NodeConfigError(
            f"--peers: {text!r} is neither an ENR nor /ip4/HOST/tcp/PORT/p2p/PEER_ID ({exc})"
        ) from None
    return text


def build_proof_engine(source: str | None, proof_types: Sequence[int]) -> Any:
    """``--proof-engine``: None -> the built-in devnet mock; a path -> native.

    The built-in mock is NOT a zero-knowledge proof (see :mod:`eip8025.native`).

    Raises:
        NodeConfigError: The file is malformed or a library fails to load.
    """
    from eip8025.native_engine import NativeProofEngine
    from eip8025.proof_engine_config import (
        ProofEngineConfigError,
        devnet_mock_config,
        load_proof_engine_config,
    )

    try:
        config = (
            devnet_mock_config(sorted(proof_types))
            if source is None
            else load_proof_engine_config(source)
        )
        return NativeProofEngine(config)
    except ProofEngineConfigError as exc:
        raise NodeConfigError(f"--proof-engine: {exc}") from None


def check_node_config(config: NodeConfig, engine: ProofEngine) -> AcceptancePolicy:
    """Refuse a configuration that cannot work; return the acceptance policy.

    Raises:
        NodeConfigError: One line saying what is wrong.
    """
    if not (config.stateless_validation or config.proof_generation):
        raise NodeConfigError("choose --stateless-validation and/or --proof-generation")
    try:
        policy = AcceptancePolicy.from_config(spec_config(config))
    except PolicyError as exc:
        raise NodeConfigError(f"acceptance policy: {exc}") from None
    if len(set(config.proof_types)) != len(config.proof_types):
        raise NodeConfigError("--proof-types lists a proof type twice")
    if config.seconds_per_slot < 1:
        raise NodeConfigError("--seconds-per-slot must be at least 1")
    if config.validator_count < 1:
        raise NodeConfigError("the devnet needs at least one validator")
    verifiable = getattr(engine, "verifiable_proof_types", None)
    if config.stateless_validation and verifiable is not None:
        usable = sorted(set(verifiable) & set(config.proof_types))
        if len(usable) < config.threshold:
            raise NodeConfigError(
                f"the proof engine verifies only {usable} of the accepted types "
                f"{sorted(config.proof_types)}: {policy.description} can never be met"
            )
    if config.proof_generation:
        wanted = config.proven_types
        outside = sorted(set(wanted) - set(config.proof_types))
        if outside:
            raise NodeConfigError(
                f"--generate-proof-types {outside} are not accepted types "
                f"{sorted(config.proof_types)}: peers would reject them"
            )
        provable = getattr(engine, "provable_proof_types", None)
        if provable is not None and not set(wanted) <= set(provable):
            missing = sorted(set(wanted) - set(provable))
            raise NodeConfigError(f"the proof engine cannot prove proof types {missing}")
        if not config.validator_keys:
            raise NodeConfigError("--proof-generation needs --validator-keys")
        bls = default_backend()
        registry = DevnetChain(config.devnet_spec()).validators
        for key in config.validator_keys:
            if not 0 <= key.validator_index < len(registry):
                raise NodeConfigError(
                    f"validator index {key.validator_index} is outside the devnet registry "
                    f"(0..{len(registry) - 1})"
                )
            if bls.sk_to_pk(key.privkey) != registry[key.validator_index].pubkey:
                raise NodeConfigError(
                    f"the key given for validator {key.validator_index} is not that validator's "
                    "key in the devnet registry"
                )
    elif config.validator_keys:
        raise NodeConfigError("--validator-keys needs --proof-generation")
    if config.byzantine and not config.proof_generation:
        raise NodeConfigError("--byzantine needs --proof-generation")
    if config.genesis_time is not None:
        behind = (time.time() - config.genesis_time) / config.seconds_per_slot
        if behind > MAX_CATCH_UP_SLOTS:
            raise NodeConfigError(
                f"--genesis-time is {int(behind)} slots in the past (at most "
                f"{MAX_CATCH_UP_SLOTS}); use a recent genesis"
            )
    return policy


def find_validator_index(config: NodeConfig, privkey: int) -> int:
    """The registry index of ``privkey`` on this devnet.

    Raises:
        NodeConfigError: The key is not a devnet validator's.
    """
    pubkey = default_backend().sk_to_pk(privkey)
    for index, validator in enumerate(DevnetChain(config.devnet_spec()).validators):
        if validator.pubkey == pubkey:
            return index
    raise NodeConfigError(
        "a validator key is not in the devnet registry (give INDEX:KEY or check --devnet-seed)"
    )


# -- orchestration control -----------------------------------------------------------------


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


# -- the node ------------------------------------------------------------------------------


class DevnetNode:
    """One node: gossip host, ``execution_proof`` topic, store, slot clock, prover, metrics."""

    def __init__(
        self,
        config: NodeConfig,
        engine: ProofBackend,
        emit: Emit,
        *,
        control: Control | None = None,
    ) -> None:
        """Build everything that does not need the network (nothing listens yet).

        Raises:
            NodeConfigError: See :func:`check_node_config`.
        """
        self.config = config
        self.policy = check_node_config(config, engine)
        self.emit = emit
        self.control = control
        self.metrics = NodeMetrics()
        self.engine = InstrumentedProofEngine(engine, self.metrics.verification_seconds)
        self.generator: ProofGenerator = engine
        self.spec_config = spec_config(config)
        self.ctx = SpecContext(config=self.spec_config, bls=default_backend())
        # The fork digest depends on the registry (seed, validator count), not on genesis time.
        self.fork_digest = DevnetChain(config.devnet_spec()).fork_digest
        self.view = InMemoryChainView()
        self.store = ExecutionProofStore(self.view, self.ctx, policy=self.policy, sinks=[self])
        self.seen = Seen()
        self.node = GossipNode(config.secret, ip=config.listen_ip, port=config.listen_port)
        self.topic = ExecutionProofTopic(
            self.node.pubsub, self.fork_digest, self.store, self.seen, self.engine
        )
        self.topic.listeners.append(self._on_verdict)
        self.chain: DevnetChain | None = None
        self.stop = control.stop if control is not None else trio.Event()
        self.accepted: dict[int, float] = {}
        self._slot_of_root: dict[bytes, int] = {}
        self._imported_at: dict[int, float] = {}
        self._static: list[tuple[str, ID]] = [
            (address, info_from_p2p_addr(multiaddr.Multiaddr(address)).peer_id)
            for address in config.peers
        ]
        self.metrics_server: MetricsServer | None = None

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
                self.topic.running(),
                trio.open_nursery() as nursery,
            ):
                self.metrics.attach(self.node, self.topic)
                if self.config.metrics_port is not None:
                    self.metrics_server = self.metrics.serve(
                        self.config.metrics_address, self.config.metrics_port
                    )
                if self.control is not None:
                    nursery.start_soon(self.control.run)
                nursery.start_soon(self._refresh_metrics)
                for address, peer_id in self._static:
                    nursery.start_soon(self._keep_connected, address, peer_id)
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
        self.metrics.refresh()
        self.emit({"event": "done", "name": self.config.name, **self.metrics.summary()})

    async def _main(self) -> None:
        missing = await self._wait_for_static_peers()
        self.emit(self._ready_event(missing))
        if self.config.genesis_time is not None:
            genesis = self.config.genesis_time
        else:
            assert self.control is not None, "genesis_time=None needs a control"
            genesis = await self.control.wait_genesis()
        self.chain = DevnetChain(self.config.devnet_spec(genesis))
        await self._slot_clock(self.chain)
        if self.config.linger is not None:
            await trio.sleep(self.config.linger)
            self.stop.set()

    def _ready_event(self, missing: list[str]) -> dict[str, Any]:
        config = self.config
        fork_id = ENRForkID(
            fork_digest=self.fork_digest,
            next_fork_version=bytes(4),
            next_fork_epoch=FAR_FUTURE_EPOCH,
        )
        server = self.metrics_server
        roles = [
            role
            for role, on in (
                ("stateless-validation", config.stateless_validation),
                ("proof-generation", config.proof_generation),
            )
            if on
        ]
        return {
            "event": "ready",
            "name": config.name,
            "peer_id": self.node.peer_id.to_base58(),
            "enr": self.node.enr(fork_id=fork_id).to_text(),
            "multiaddr": str(self.node.addrs[0]),
            "listen": f"{config.listen_ip}:{self.node.tcp_port}",
            "metrics": None
            if server is None
            else f"http://{config.metrics_address}:{server.port}/metrics",
            "roles": roles,
            "byzantine": config.byzantine,
            "proof_types": list(config.proof_types),
            "generate_proof_types": list(config.proven_types),
            "validators": [k.validator_index for k in config.validator_keys],
            "policy": self.policy.description,
            "fork_digest": "0x" + self.fork_digest.hex(),
            "missing_peers": missing,
        }

    # -- peers ---------------------------------------------------------------------------------

    async def _keep_connected(self, address: str, peer_id: ID) -> None:
        """Dial a static peer and redial it whenever the connection is gone (with backoff).

        Only the connection is awaited (at most ``DIAL_TIMEOUT``); gossip then sets itself up,
        and :meth:`_wait_for_static_peers` waits for the mesh. A peer that goes away during the
        dial is noticed by the next liveness check, not by a wait that can no longer succeed.
        """
        info = info_from_p2p_addr(multiaddr.Multiaddr(address))
        backoff = REDIAL_MIN_BACKOFF
        network = self.node.host.get_network()
        assert isinstance(network, Swarm)  # the only INetworkService py-libp2p ships
        while True:
            if peer_id not in self.node.host.get_connected_peers():
                logger.debug("dialing %s", address)
                # py-libp2p refuses to dial a peer whose last dial failed for 60 s (its negative
                # peer cache); a static peer that restarts must be redialled at our own pace.
                network.unblock_peer(peer_id)
                try:
                    with trio.fail_after(DIAL_TIMEOUT):
                        await self.node.host.connect(info)
                except Exception as exc:  # libp2p raises many error types while dialing
                    logger.debug("dialing %s failed: %r", address, exc)
                    await trio.sleep(backoff)
                    backoff = min(backoff * 2, REDIAL_MAX_BACKOFF)
                    continue
                backoff = REDIAL_MIN_BACKOFF
            await trio.sleep(LIVENESS_INTERVAL)

    async def _wait_for_static_peers(self) -> list[str]:
        """Wait until every static peer is in our mesh; return those that are not (timeout)."""
        router, topic = self.node.router, self.topic.topic
        with trio.move_on_after(self.config.ready_timeout):
            for _, peer_id in self._static:
                while peer_id not in router.mesh.get(topic, set()):
                    try:
                        await router.wait_for_mesh(
                            peer_id, topic, timeout=self.config.ready_timeout
                        )
                    except trio.TooSlowError:
                        break
        return [
            address
            for address, peer_id in self._static
            if peer_id not in router.mesh.get(topic, ())
        ]

    # -- slots and blocks ----------------------------------------------------------------------

    def _delay(self, slot: int) -> float:
        """This node's block arrival delay for ``slot`` (deterministic per node and slot)."""
        if self.config.arrival_jitter <= 0:
            return self.config.arrival_delay
        seed = hashlib.sha256(self.config.secret + slot.to_bytes(8, "little")).digest()
        return self.config.arrival_delay + random.Random(seed).uniform(
            0, self.config.arrival_jitter
        )

    async def _slot_clock(self, chain: DevnetChain) -> None:
        spec = chain.spec
        now = time.time()
        first = max(1, math.floor((now - spec.genesis_time) / spec.seconds_per_slot))
        self.emit(
            {
                "event": "genesis",
                "name": self.config.name,
                "genesis_time": spec.genesis_time,
                "seconds_per_slot": spec.seconds_per_slot,
                "first_slot": first,
                "last_slot": self.config.slots,
            }
        )
        async with trio.open_nursery() as provers:
            slot = first
            while self.config.slots is None or slot <= self.config.slots:
                block = chain.block(slot)
                self._slot_of_root[block.root] = slot
                await _sleep_until(chain.slot_start(slot) + self._delay(slot))
                self._import(chain, block)
                if self.config.proof_generation:
                    provers.start_soon(self._prove, block)
                if slot > PRUNE_DEPTH and slot % 8 == 0:
                    await self._prune(slot - PRUNE_DEPTH)
                slot += 1

    def _import(self, chain: DevnetChain, block: DevBlock) -> None:
        chain.import_block(self.view, block.slot)
        now = time.time()
        self._imported_at[block.slot] = now
        released = self.topic.on_block_imported(block.root)
        self.metrics.blocks_imported.inc()
        self.metrics.head_slot.set(block.slot)
        self.emit(
            {
                "event": "block",
                "name": self.config.name,
                "slot": block.slot,
                "root": "0x" + block.root.hex(),
                "delay": round(now - chain.slot_start(block.slot), 4),
                "released": released,
            }
        )

    async def _prune(self, finalized_slot: int) -> None:
        roots = await self.topic.prune(finalized_slot)
        for root in roots:
            self.view.remove_block(root)
        stale = [root for root, slot in self._slot_of_root.items() if slot < finalized_slot]
        for root in stale:
            del self._slot_of_root[root]
        for slot in [s for s in self._imported_at if s < finalized_slot]:
            del self._imported_at[slot]

    # -- proving -------------------------------------------------------------------------------

    def _assignments(self) -> list[tuple[ProverIdentity, tuple[int, ...]]]:
        """Proof types grouped by the key that signs them (round-robin over the keys)."""
        keys = self.config.validator_keys
        groups: dict[int, list[int]] = {}
        for i, proof_type in enumerate(self.config.proven_types):
            groups.setdefault(i % len(keys), []).append(proof_type)
        return [(keys[i], tuple(types)) for i, types in sorted(groups.items())]

    async def _prove(self, block: DevBlock) -> None:
        for identity, types in self._assignments():
            started = time.perf_counter()
            if self.config.byzantine:
                try:
                    forged = await trio.to_thread.run_sync(self._forge, block, types, identity)
                except (ProofEngineError, KeyError) as exc:
                    self._published(block.slot, types, identity, "error", str(exc))
                    continue
                for signed in forged:
                    await self.topic.publish_raw(encode_execution_proof(signed, self.ctx.profile))
                    self._published(block.slot, (signed.message.proof_type,), identity, "forged")
                continue
            scratch = ExecutionProofStore(self.view, self.ctx, policy=self.policy)
            produce = functools.partial(
                produce_signed_proofs,
                block.state,
                block.payload_envelope,
                self.generator,
                self.engine,
                types,
                identity,
                seen=Seen(),
                store=scratch,
            )
            outcomes = await trio.to_thread.run_sync(produce)
            elapsed = time.perf_counter() - started
            for outcome in outcomes:
                if outcome.signed is None:
                    logger.warning(
                        "slot %d proof type %d: %s", block.slot, outcome.proof_type, outcome.error
                    )
                    self._published(
                        block.slot, (outcome.proof_type,), identity, "error", outcome.error
                    )
                    continue
                self.metrics.generation_seconds.labels(str(outcome.proof_type)).observe(elapsed)
                result = await self.topic.publish(outcome.signed)
                self._published(block.slot, (outcome.proof_type,), identity, result.value)

    def _published(
        self,
        slot: int,
        types: Sequence[int],
        identity: ProverIdentity,
        result: str,
        error: str | None = None,
    ) -> None:
        for proof_type in types:
            self.metrics.proofs_published.labels(str(proof_type), result).inc()
            event: dict[str, Any] = {
                "event": "published",
                "name": self.config.name,
                "slot": slot,
                "proof_type": proof_type,
                "validator_index": identity.validator_index,
                "result": result,
            }
            if error is not None:
                event["error"] = error
            self.emit(event)

    def _forge(
        self, block: DevBlock, types: Sequence[int], identity: ProverIdentity
    ) -> list[SignedExecutionProofEnvelopeBase]:
        """Fault injection: real proofs with one byte flipped, validly signed (worker thread)."""
        profile = self.ctx.profile
        request = block.new_payload_request(profile)
        public_input = get_public_input(request.hash_tree_root(), self.spec_config.deposit_chain_id)
        forged = []
        for proof_type in types:
            data = bytearray(self.generator.generate_proof(public_input, proof_type))
            data[len(data) // 2] ^= 0xFF
            envelope = profile.ExecutionProofEnvelope(
                proof_data=bytes(data), proof_type=proof_type, beacon_block_root=block.root
            )
            signature = get_execution_proof_envelope_signature(
                block.state,
                envelope,
                identity.privkey,
                preset=self.ctx.config.preset,
                bls=self.ctx.bls,
            )
            forged.append(
                profile.SignedExecutionProofEnvelope(
                    message=envelope,
                    validator_index=identity.validator_index,
                    signature=signature,
                )
            )
        return forged

    # -- acceptance and verdicts ---------------------------------------------------------------

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """The store's fork-choice hook: the k-of-n policy was met for ``record``'s block."""
        now = time.time()
        chain = self.chain
        latency = 0.0 if chain is None else now - chain.slot_start(record.slot)
        self.metrics.record_acceptance(latency)
        self.accepted[record.slot] = latency
        if not self.config.stateless_validation:
            return
        imported = self._imported_at.get(record.slot)
        self.emit(
            {
                "event": "accepted",
                "name": self.config.name,
                "slot": record.slot,
                "root": "0x" + record.beacon_block_root.hex(),
                "proof_types": list(record.proof_types),
                "latency": round(latency, 4),
                "since_block": None if imported is None else round(now - imported, 4),
            }
        )

    def _on_verdict(self, event: GossipEvent) -> None:
        if event.outcome is ValidationResult.ACCEPT and not event.stored:
            return  # the "stored" event of the same proof follows
        root = event.beacon_block_root
        if (
            root is not None
            and event.reason in PENDING_LABELS
            and self.view.is_block_known(root)
            and self.view.payload_envelope(root) is not None
        ):
            # The validation ran in a worker thread while we imported the block: it parked the
            # proof after on_block_imported had already released the block's queue. Release it
            # again now (the listener runs right after the proof was parked).
            self.topic.on_block_imported(root)
        self.emit(
            {
                "event": "verdict",
                "name": self.config.name,
                "slot": None if root is None else self._slot_of_root.get(root),
                "proof_type": event.proof_type,
                "outcome": event.outcome.value,
                "reason": event.reason,
                "stored": event.stored,
            }
        )

    async def _refresh_metrics(self) -> None:
        while True:
            self.metrics.refresh()
            await trio.sleep(0.5)


async def _sleep_until(unix_time: float) -> None:
    delay = unix_time - time.time()
    if delay > 0:
        await trio.sleep(delay)
    else:
        await trio.lowlevel.checkpoint()


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
