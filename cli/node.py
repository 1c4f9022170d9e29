"""``eip8025 node``: a standalone EIP-8025 node on the devnet chain (:mod:`eip8025_p2p.node`).

    eip8025 node --stateless-validation --listen 127.0.0.1:9000 --peers enr:...
    eip8025 node --stateless-validation --proof-types 1,2,3,5,6 --proof-threshold 3
    eip8025 node --proof-generation --generate-proof-types 2 --validator-keys 1:0x... ...

stdout carries one JSON object per line (``ready``, ``genesis``, ``block``, ``verdict``,
``published``, ``accepted``, ``done``; see :mod:`eip8025_p2p.node`); logs go to stderr. Bad flags or
configuration (including a policy that can never be met): one ``eip8025 node: error: ...`` line on
stderr and exit code 2; a runtime failure (e.g. the port is taken): one line and exit code 1.

The network stack is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eip8025.prover import ProverIdentity
    from eip8025_p2p.node import NodeConfig, NodeEvent

from eip8025_cli.flags import (
    add_spec_profile_flag,
    genesis_time,
    http_url,
    ipv4_port,
    non_negative_seconds,
    positive_int,
    proof_types,
    tcp_port,
)

__all__ = ["add_devnet_flags", "register"]

PROG = "eip8025 node"
DEFAULT_LISTEN = "127.0.0.1:9000"


def add_devnet_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared with ``eip8025 devnet`` (the chain every node must agree on)."""
    add_spec_profile_flag(parser)
    parser.add_argument(
        "--proof-types",
        type=proof_types,
        default=None,
        metavar="1,2,3,5,6",
        help="accepted proof types, ids or names (n of the k-of-n policy; default 1,2,3,5,6)",
    )
    parser.add_argument(
        "--proof-threshold",
        type=positive_int,
        default=None,
        metavar="K",
        help="k: distinct verified proof types that make a payload proven (default 3)",
    )
    parser.add_argument(
        "--proof-engine",
        metavar="PATH",
        help="proof-engine JSON file (native backends, ere-verifier-c libraries, Groth16), "
        "verified in-process; default: the built-in devnet mock (NOT a zero-knowledge proof)",
    )
    parser.add_argument("--devnet-seed", default=None, help="devnet chain seed")
    parser.add_argument(
        "--seconds-per-slot", type=positive_int, default=None, help="slot length (default 6)"
    )


def register(subparsers: Any) -> None:
    """Add the ``node`` subcommand."""
    parser = subparsers.add_parser(
        "node",
        help="run an EIP-8025 node on the devnet chain (stateless validation / proof generation)",
        description="An EIP-8025 node on the deterministic devnet chain. stdout: JSON lines.",
    )
    roles = parser.add_argument_group("roles")
    roles.add_argument(
        "--stateless-validation",
        action="store_true",
        help="validate, verify and store proofs and run the k-of-n policy (no execution client; "
        "the default role when --proof-generation is not given)",
    )
    roles.add_argument(
        "--proof-generation",
        action="store_true",
        help="prove every new payload, sign with --validator-keys, self-validate, publish",
    )
    add_devnet_flags(parser)
    parser.add_argument(
        "--generate-proof-types",
        type=proof_types,
        default=None,
        metavar="2,5",
        help="with --proof-generation: the types this node proves (default: all accepted)",
    )
    parser.add_argument(
        "--validator-keys",
        action="append",
        default=[],
        metavar="[INDEX:]KEY",
        help="signing keys, comma-separated or repeated: a raw 0x key or an EIP-2335 keystore "
        "file, optionally prefixed by its validator index (else looked up in the registry)",
    )
    parser.add_argument(
        "--validator-password-file", metavar="PATH", help="password of the keystore(s)"
    )
    parser.add_argument(
        "--listen",
        type=ipv4_port,
        default=ipv4_port(DEFAULT_LISTEN),
        metavar="IPv4:PORT",
        help=f"libp2p TCP listen address (default {DEFAULT_LISTEN}; port 0 picks one)",
    )
    parser.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="ENR|MULTIADDR",
        help="static peers (enr:... or /ip4/../tcp/../p2p/..), comma-separated or repeated; "
        "kept connected and redialled",
    )
    parser.add_argument(
        "--datadir",
        metavar="DIR",
        help="keeps the node key (DIR/node-key) and the node's state (DIR/state.sqlite3: "
        "verified proofs, seen proofs, accepted payloads), so a restart resumes; "
        "default: nothing survives the process",
    )
    parser.add_argument(
        "--metrics-port",
        type=tcp_port,
        default=None,
        metavar="PORT",
        help="serve Prometheus metrics on http://ADDRESS:PORT/metrics (0 picks a port)",
    )
    parser.add_argument("--metrics-address", default="127.0.0.1", help="default 127.0.0.1")
    parser.add_argument(
        "--http-port",
        type=tcp_port,
        default=None,
        metavar="PORT",
        help="serve the Beacon API (POST /eth/v1/beacon/execution_proofs, node endpoints, "
        "events) on http://ADDRESS:PORT (0 picks a port; the ready line has the URL)",
    )
    parser.add_argument("--http-address", default="127.0.0.1", help="default 127.0.0.1")
    parser.add_argument(
        "--beacon-node",
        type=http_url,
        metavar="URL",
        default=None,
        help="follow this beacon node's chain through its standard Beacon API (e.g. "
        "http://127.0.0.1:5052) instead of the devnet chain; dials its libp2p address and "
        "its peers",
    )
    parser.add_argument(
        "--max-gossip-rpc-size",
        type=positive_int,
        default=None,
        metavar="BYTES",
        help="largest gossip RPC to send (default 4194304: what js-libp2p peers such as "
        "Lodestar accept); a proof whose RPC is larger is not published",
    )
    parser.add_argument(
        "--submit-to",
        type=http_url,
        metavar="URL",
        default=None,
        help="with --proof-generation: POST signed proofs to this beacon node's "
        "/eth/v1/beacon/execution_proofs (ours or another client's, like zkboost) instead of "
        "publishing them on gossip",
    )
    parser.add_argument(
        "--genesis-time",
        type=genesis_time,
        default=None,
        metavar="UNIX|stdin",
        help="devnet genesis (default: now). 'stdin': wait for a 'genesis <t>' line on stdin, "
        "then stop on a 'stop' line or end of input (for orchestrators)",
    )
    parser.add_argument(
        "--devnet-validators", type=positive_int, default=64, help="registry size (default 64)"
    )
    parser.add_argument(
        "--slots", type=positive_int, default=None, help="stop after this slot (default: never)"
    )
    parser.add_argument(
        "--arrival-jitter",
        type=non_negative_seconds,
        default=None,
        metavar="SECONDS",
        help="max per-node block arrival delay (default: a quarter slot)",
    )
    parser.add_argument("--name", default="node", help="name used in output lines")
    parser.add_argument(
        "--byzantine",
        action="store_true",
        help="FAULT INJECTION (devnets only): publish invalid proofs with valid signatures",
    )
    parser.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    parser.set_defaults(handler=_run)


def _fail(message: str, code: int = 2) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def _split(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _load_keys(args: argparse.Namespace, base: NodeConfig) -> tuple[ProverIdentity, ...]:
    from eip8025.bls import default_backend
    from eip8025.keystore import KeystoreError, load_validator_key
    from eip8025.prover import ProverIdentity
    from eip8025_p2p.node import NodeConfigError, find_validator_index

    keys = []
    for item in _split(args.validator_keys):
        prefix, sep, rest = item.partition(":")
        index: int | None = None
        source = item
        if sep and prefix.isdigit():
            index, source = int(prefix), rest
        try:
            secret = load_validator_key(
                source, password_file=args.validator_password_file, bls=default_backend()
            )
        except (KeystoreError, ValueError) as exc:
            raise NodeConfigError(f"--validator-keys: {exc}") from None
        if index is None:
            if args.beacon_node is not None:
                raise NodeConfigError(
                    "--validator-keys: give INDEX:KEY with --beacon-node (the registry is the "
                    "beacon node's)"
                )
            index = find_validator_index(base, secret)
        keys.append(ProverIdentity(index, secret))
    return tuple(keys)


DEVNET_FLAGS = {
    "genesis_time": "--genesis-time",
    "devnet_seed": "--devnet-seed",
    "slots": "--slots",
    "seconds_per_slot": "--seconds-per-slot",
    "arrival_jitter": "--arrival-jitter",
    "byzantine": "--byzantine",
}


def _refuse_devnet_flags(args: argparse.Namespace) -> None:
    from eip8025_p2p.node import NodeConfigError

    for name, flag in DEVNET_FLAGS.items():
        if getattr(args, name) not in (None, False):
            raise NodeConfigError(f"{flag} is a devnet flag; --beacon-node gives the chain")


def build_config(args: argparse.Namespace) -> NodeConfig:
    """The :class:`NodeConfig` of parsed flags (no network activity).

    Raises:
        NodeConfigError: Unusable flags or files.
    """
    import dataclasses

    from eip8025_p2p.devchain import DevnetChain
    from eip8025_p2p.node import NodeConfig, load_node_key, parse_peer

    if args.beacon_node is not None:
        _refuse_devnet_flags(args)
    seconds = args.seconds_per_slot or 6
    controlled = args.genesis_time == "stdin"
    genesis = None if controlled else args.genesis_time
    if genesis is None and not controlled and args.beacon_node is None:
        genesis = int(time.time())
    base = NodeConfig(
        secret=bytes(32),
        stateless_validation=args.stateless_validation or not args.proof_generation,
        proof_generation=args.proof_generation,
        generate_proof_types=args.generate_proof_types or (),
        listen_ip=args.listen[0],
        listen_port=args.listen[1],
        genesis_time=genesis,
        seconds_per_slot=seconds,
        slots=args.slots,
        linger=None if controlled or args.slots is None else float(seconds),
        arrival_jitter=seconds / 4 if args.arrival_jitter is None else args.arrival_jitter,
        byzantine=args.byzantine,
        metrics_address=args.metrics_address,
        metrics_port=args.metrics_port,
        http_address=args.http_address,
        http_port=args.http_port,
        submit_to=args.submit_to,
        beacon_node=args.beacon_node,
        name=args.name,
        validator_count=args.devnet_validators,
        spec_profile=args.spec_profile,
    )
    if args.max_gossip_rpc_size is not None:
        base = dataclasses.replace(base, max_gossip_rpc_size=args.max_gossip_rpc_size)
    if args.proof_types is not None:
        base = dataclasses.replace(base, proof_types=args.proof_types)
    if args.proof_threshold is not None:
        base = dataclasses.replace(base, threshold=args.proof_threshold)
    if args.devnet_seed is not None:
        base = dataclasses.replace(base, seed=args.devnet_seed)
    fork_digest = DevnetChain(base.devnet_spec()).fork_digest
    peers = tuple(parse_peer(text, fork_digest) for text in _split(args.peers))
    keys = _load_keys(args, base)
    return dataclasses.replace(
        base,
        secret=load_node_key(args.datadir),
        peers=peers,
        validator_keys=keys,
        datadir=args.datadir,
    )


def _leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _run(args: argparse.Namespace) -> int:
    import trio

    from eip8025_p2p.node import (
        NodeConfigError,
        ProofNode,
        StdinControl,
        build_proof_engine,
        run_with_signals,
    )

    logging.basicConfig(
        level=getattr(logging, args.log_level),
        stream=sys.stderr,
        format=f"%(asctime)s {args.name} %(levelname)s %(name)s: %(message)s",
    )
    holder: list[ProofNode] = []

    def emit(event: NodeEvent) -> None:
        try:
            sys.stdout.write(json.dumps(event.to_json(), separators=(",", ":")) + "\n")
            sys.stdout.flush()
        except (BrokenPipeError, ValueError):  # the reader is gone: stop
            if holder:
                holder[0].stop.set()

    try:
        config = build_config(args)
        engine = build_proof_engine(args.proof_engine, config.proof_types)
        control = StdinControl() if args.genesis_time == "stdin" else None
        node: ProofNode | None = None
        if config.beacon_node is None:
            node = ProofNode(config, engine, emit, control=control)
            holder.append(node)
    except NodeConfigError as exc:
        return _fail(str(exc))

    async def beside_beacon_node() -> None:
        from eip8025_p2p.node import BeaconSource

        assert config.beacon_node is not None
        logging.getLogger("httpx").setLevel(logging.WARNING)  # not one line per request
        async with trio.open_nursery() as nursery:
            source = BeaconSource(config.beacon_node)
            logging.getLogger(__name__).warning(
                "following the beacon node at %s (waiting for it to answer)", source.url
            )
            await source.start(nursery)
            own, bootstrap = await source.peer_addresses()
            node = ProofNode(
                config, engine, emit, source=source, bootstrap=bootstrap, beacon_peers=own
            )
            holder.append(node)
            await run_with_signals(node)
            nursery.cancel_scope.cancel()

    try:
        if node is not None:
            trio.run(run_with_signals, node)
        else:
            trio.run(beside_beacon_node)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line for any runtime failure (e.g. the port is taken)
        leaf = _leaf(exc)
        if isinstance(leaf, NodeConfigError):  # found only once the beacon node answered
            return _fail(str(leaf))
        logging.getLogger(__name__).debug("node failed", exc_info=exc)
        return _fail(f"{type(leaf).__name__}: {leaf}", 1)
    finally:
        close = getattr(engine, "close", None)
        if callable(close):
            close()
    return 0
