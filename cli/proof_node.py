"""``eip8025 proof-node [--listen HOST:PORT] [--chain-id N] [--engine NAME] [--proof-types a,b]``.

Serves the zkboost-compatible proof-node HTTP API (:mod:`eip8025_p2p.proof_node`) over a proof
engine: ``native`` (default; :class:`eip8025.native_engine.NativeProofEngine` configured by
``--proof-engine PATH``, or the built-in devnet ``mock`` backend - NOT a zero-knowledge proof - for
the served types when no file is given) or ``fake-test-double`` (:class:`eip8025.testing.
FakeProofEngine`, a test double whose "proofs" prove nothing).

The network stack is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eip8025.engine import ProofEngine

__all__ = ["ENGINES", "EngineSetup", "build_engine", "parse_listen", "register"]

DEFAULT_LISTEN = "127.0.0.1:3000"
"""zkboost's default port, on loopback."""


@dataclasses.dataclass(frozen=True)
class EngineSetup:
    """A constructed engine and what ``GET /v1/proof_types`` should say about it."""

    engine: ProofEngine
    backend_kind: str  # zkboost BackendKind: "ere" | "mock" | "verifier"
    can_prove: bool
    is_test_double: bool


def _fake_test_double(proof_engine: str | None, proof_types: frozenset[int]) -> EngineSetup:
    from eip8025.testing import FakeProofEngine

    return EngineSetup(FakeProofEngine(), backend_kind="mock", can_prove=True, is_test_double=True)


def _native(proof_engine: str | None, proof_types: frozenset[int]) -> EngineSetup:
    from eip8025.native_engine import NativeProofEngine
    from eip8025.proof_engine_config import (
        Backend,
        devnet_mock_config,
        load_proof_engine_config,
    )

    if proof_engine is None:
        config = devnet_mock_config(sorted(proof_types))
    else:
        config = load_proof_engine_config(proof_engine)
    engine = NativeProofEngine(config)
    mock_backends = (Backend.MOCK, Backend.ZKBOOST_MOCK)
    mock = all(e.backend in mock_backends for e in config.proof_types.values())
    return EngineSetup(
        engine,
        backend_kind="mock" if mock else ("ere" if engine.provable_proof_types else "verifier"),
        can_prove=bool(engine.provable_proof_types),
        is_test_double=False,
    )


ENGINES: dict[str, Callable[[str | None, frozenset[int]], EngineSetup]] = {
    "native": _native,
    "fake-test-double": _fake_test_double,
}
"""``--engine`` value -> factory ``(proof_engine_path, proof_types) -> EngineSetup``."""


def build_engine(
    name: str, proof_engine: str | None = None, proof_types: frozenset[int] = frozenset()
) -> EngineSetup:
    """Construct the engine named by ``--engine``.

    Raises:
        ProofEngineConfigError: The proof-engine file is malformed or a library fails to load.
    """
    return ENGINES[name](proof_engine, proof_types)


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` for IPv6) -> ``(host, port)``; argparse type function."""
    host, sep, port_text = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port_text)


def _chain_id(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"chain id {value} is not a Uint64")
    return value


def register(subparsers: Any) -> None:
    """Add the ``proof-node`` subcommand."""
    parser = subparsers.add_parser(
        "proof-node",
        help="serve the zkboost-compatible proof-node HTTP API over a proof engine",
    )
    parser.add_argument(
        "--listen",
        type=parse_listen,
        default=parse_listen(DEFAULT_LISTEN),
        metavar="HOST:PORT",
        help=f"address to listen on (default {DEFAULT_LISTEN}; port 0 picks a free one)",
    )
    parser.add_argument(
        "--chain-id",
        type=_chain_id,
        default=1,
        help="chain_id of the public inputs this node proves and verifies (default 1)",
    )
    parser.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default="native",
        help="proof engine: native (in-process, C extension) or fake-test-double (a TEST "
        "DOUBLE whose proofs prove nothing)",
    )
    parser.add_argument(
        "--proof-engine",
        metavar="PATH",
        help="proof-engine JSON file (Lighthouse format + backend keys) for --engine native; "
        "default: the built-in devnet mock backend (NOT a zero-knowledge proof)",
    )
    parser.add_argument(
        "--proof-types",
        metavar="NAME,NAME",
        help="proof type names to serve (default: the node's accepted proof types)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from eip8025.profile import DEFAULT_ACCEPTED_PROOF_TYPES, DEFAULT_REGISTRY
    from eip8025_p2p.proof_node import ProofNodeConfig, run_proof_node
    from eip8025_p2p.proof_node_api import WireError, parse_proof_type_names

    prog = "eip8025 proof-node"
    proof_types = frozenset(DEFAULT_ACCEPTED_PROOF_TYPES)
    if args.proof_types is not None:
        try:
            proof_types = frozenset(parse_proof_type_names(args.proof_types, DEFAULT_REGISTRY))
        except WireError as exc:
            print(f"{prog}: error: --proof-types: {exc}", file=sys.stderr)
            return 2
        if not proof_types:
            print(f"{prog}: error: --proof-types: no proof types given", file=sys.stderr)
            return 2
    from eip8025.proof_engine_config import ProofEngineConfigError

    try:
        setup = build_engine(args.engine, args.proof_engine, proof_types)
    except ProofEngineConfigError as exc:
        print(f"{prog}: error: --proof-engine: {exc}", file=sys.stderr)
        return 2
    config = ProofNodeConfig(
        chain_id=args.chain_id,
        registry=DEFAULT_REGISTRY,
        proof_types=proof_types,
        backend_kind=setup.backend_kind,
        can_prove=setup.can_prove,
    )
    host, port = args.listen
    note = " - TEST DOUBLE, its proofs prove nothing" if setup.is_test_double else ""

    def on_listening(bound: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        print(
            f"proof-node listening on http://{shown}:{bound} (engine {args.engine}{note})",
            flush=True,
        )

    failure: OSError | None = None
    try:
        run_proof_node(setup.engine, config, host, port, on_listening=on_listening)
    except* OSError as group:
        failure = group.exceptions[0]  # type: ignore[assignment]
    if failure is not None:
        print(f"{prog}: error: cannot listen on {host}:{port}: {failure}", file=sys.stderr)
        return 1
    return 0
