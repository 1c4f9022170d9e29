"""``eip8025 node`` configuration: the flags' values, their checks, keys and peers.

Everything that can be wrong with a node's configuration is found here, before anything listens:
:func:`check_node_config` raises :class:`NodeConfigError` with one line, and the CLI exits 2.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
import urllib.parse
from collections.abc import Sequence
from typing import Any, Final

import multiaddr
from libp2p.peer.peerinfo import info_from_p2p_addr

from eip8025.acceptance import AcceptancePolicy, PolicyError
from eip8025.bls import default_backend
from eip8025.chain import BeaconStateView
from eip8025.config import (
    DEFAULT_ACCEPTANCE_THRESHOLD,
    DEFAULT_ACCEPTED_PROOF_TYPES,
    MINIMAL_CONFIG,
    SpecConfig,
)
from eip8025.engine import ProofEngine
from eip8025.errors import Eip8025Error
from eip8025.hexbytes import parse_hex
from eip8025.profiles import DEFAULT_PROFILE
from eip8025.prover import ProverIdentity
from eip8025_p2p.api import ApiConfig
from eip8025_p2p.devchain import DevnetChain, DevnetSpec
from eip8025_p2p.enr import ENR, ENRError
from eip8025_p2p.gossip_topic import JS_LIBP2P_MAX_RPC_SIZE

__all__ = [
    "MAX_CATCH_UP_SLOTS",
    "NODE_KEY_FILE",
    "NodeConfig",
    "NodeConfigError",
    "build_proof_engine",
    "check_node_config",
    "check_validator_keys",
    "find_validator_index",
    "load_node_key",
    "parse_peer",
    "spec_config",
]

NODE_KEY_FILE: Final = "node-key"
MAX_CATCH_UP_SLOTS: Final = 20_000
"""A genesis further in the past is refused (blocks derive iteratively from genesis)."""


class NodeConfigError(Eip8025Error, ValueError):
    """The node's flags or configuration are unusable (one line; the CLI exits 2)."""


@dataclasses.dataclass(frozen=True)
class NodeConfig:
    """Everything a :class:`ProofNode` needs (the CLI builds it from flags)."""

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
    max_gossip_rpc_size: int = JS_LIBP2P_MAX_RPC_SIZE
    """Largest gossip RPC we send (default: what js-libp2p peers such as Lodestar accept)."""
    beacon_node: str | None = None
    """Follow this beacon node's chain (its Beacon API URL) instead of the devnet chain."""
    submit_to: str | None = None
    """With ``proof_generation``: POST signed proofs to this beacon node's API, not gossip."""
    http_address: str = "127.0.0.1"
    http_port: int | None = None
    """The Beacon API's port (None: no API; 0: pick one)."""
    name: str = "node"
    ready_timeout: float = 30.0
    publish_wait: float | None = None
    """Seconds a prover holds its signed proofs while no peer is in its mesh of the proof topic,
    waiting for one (a restarted node is redialled within seconds); then it publishes anyway.
    None: one slot, at least ``MIN_PUBLISH_WAIT`` (10 s); 0: publish at once."""
    spec_profile: str = DEFAULT_PROFILE.name
    """The spec profile name (``--spec-profile``)."""
    datadir: str | None = None
    """Where the node key and the node's state (SQLite) live; None: nothing survives."""

    def api_config(self) -> ApiConfig:
        """The Beacon API's address and bounds."""
        return ApiConfig(address=self.http_address, port=self.http_port or 0)

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
                text = handle.read()
            try:
                secret = parse_hex(text, length=32, what=path, prefix_optional=True)
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
    except ValueError as exc:  # multiaddr ParseError and libp2p InvalidAddrError are ValueErrors
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
    if config.publish_wait is not None and not 0 <= config.publish_wait < math.inf:
        raise NodeConfigError(f"publish_wait {config.publish_wait}: expected seconds >= 0")
    verifiable = getattr(engine, "verifiable_proof_types", None)
    if config.stateless_validation and verifiable is not None:
        usable = sorted(set(verifiable) & set(config.proof_types))
        if len(usable) < config.threshold:
            raise NodeConfigError(
                f"the proof engine verifies only {usable} of the accepted types "
                f"{sorted(config.proof_types)}: {policy.description} can never be met"
            )
    if config.submit_to is not None:
        if not config.proof_generation:
            raise NodeConfigError("--submit-to needs --proof-generation")
        parsed = urllib.parse.urlsplit(config.submit_to)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise NodeConfigError(f"--submit-to {config.submit_to!r}: expected http(s)://HOST:PORT")
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
        if config.beacon_node is None:  # beside a beacon node: checked against its registry
            genesis = DevnetChain(config.devnet_spec()).block(0).state
            check_validator_keys(config.validator_keys, genesis, "the devnet registry")
    elif config.validator_keys:
        raise NodeConfigError("--validator-keys needs --proof-generation")
    if config.byzantine and not config.proof_generation:
        raise NodeConfigError("--byzantine needs --proof-generation")
    if config.genesis_time is not None and config.beacon_node is None:
        behind = (time.time() - config.genesis_time) / config.seconds_per_slot
        if behind > MAX_CATCH_UP_SLOTS:
            raise NodeConfigError(
                f"--genesis-time is {int(behind)} slots in the past (at most "
                f"{MAX_CATCH_UP_SLOTS}); use a recent genesis"
            )
    return policy


def check_validator_keys(
    keys: Sequence[ProverIdentity], state: BeaconStateView, registry: str
) -> None:
    """Every key is the key of the validator index it names in ``state``'s registry.

    Raises:
        NodeConfigError: An index outside the registry, or another validator's key.
    """
    bls = default_backend()
    count = state.validator_count()
    for key in keys:
        if not 0 <= key.validator_index < count:
            raise NodeConfigError(
                f"validator index {key.validator_index} is outside {registry} (0..{count - 1})"
            )
        if bls.sk_to_pk(key.privkey) != state.validator(key.validator_index).pubkey:
            raise NodeConfigError(
                f"the key given for validator {key.validator_index} is not that validator's "
                f"key in {registry}"
            )


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
