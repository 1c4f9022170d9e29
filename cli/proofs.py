"""``eip8025 prove`` and ``eip8025 verify``: one-off proving / verification of files.

Both use the in-process :class:`~eip8025.native_engine.NativeProofEngine`, configured by
``--proof-engine PATH`` or, by default, the built-in devnet ``mock`` backend (NOT a
zero-knowledge proof) for the given proof type.

    eip8025 prove  --proof-type 1 --new-payload-request req.ssz --out proof.bin [--chain-id 1]
    eip8025 verify --proof-type 1 --proof proof.bin (--new-payload-request req.ssz | --root 0x..)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eip8025.native_engine import NativeProofEngine

__all__ = ["register"]


def _proof_type(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 255:
        raise argparse.ArgumentTypeError(f"expected a proof type id 0..255, got {text!r}")
    return int(text)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--proof-type", type=_proof_type, required=True)
    parser.add_argument("--chain-id", type=int, default=1, help="DEPOSIT_CHAIN_ID (default 1)")
    parser.add_argument(
        "--proof-engine",
        metavar="PATH",
        help="proof-engine JSON file; default: built-in mock (NOT a zero-knowledge proof)",
    )


def register(subparsers: Any) -> None:
    """Add the ``prove`` and ``verify`` subcommands."""
    prove = subparsers.add_parser("prove", help="prove an SSZ NewPayloadRequest file")
    _common(prove)
    prove.add_argument("--new-payload-request", metavar="FILE", required=True)
    prove.add_argument("--out", metavar="FILE", required=True, help="where to write the proof")
    prove.set_defaults(handler=_prove)
    verify = subparsers.add_parser("verify", help="verify a proof file")
    _common(verify)
    verify.add_argument("--proof", metavar="FILE", required=True)
    source = verify.add_mutually_exclusive_group(required=True)
    source.add_argument("--new-payload-request", metavar="FILE")
    source.add_argument("--root", metavar="0xHEX", help="new_payload_request_root")
    verify.set_defaults(handler=_verify)


def _fail(command: str, message: str) -> int:
    print(f"eip8025 {command}: error: {message}", file=sys.stderr)
    return 2


def _engine(args: argparse.Namespace) -> NativeProofEngine:
    from eip8025.native_engine import NativeProofEngine
    from eip8025.proof_engine_config import devnet_mock_config, load_proof_engine_config

    if args.proof_engine is None:
        return NativeProofEngine(devnet_mock_config([args.proof_type]))
    return NativeProofEngine(load_proof_engine_config(args.proof_engine))


def _read_request(path: str) -> Any:
    from eip8025.profile import SSZNewPayloadRequest

    return SSZNewPayloadRequest.decode_bytes(Path(path).read_bytes())


def _prove(args: argparse.Namespace) -> int:
    from ssz.exceptions import DeserializationError

    from eip8025.engine import ProofAttributes, ProofEngineError
    from eip8025.profile import STATELESS_INPUT_SCHEMA_ID
    from eip8025.proof_engine_config import ProofEngineConfigError

    try:
        request = _read_request(args.new_payload_request)
        engine = _engine(args)
        root = engine.request_proofs(
            request, args.chain_id, STATELESS_INPUT_SCHEMA_ID, ProofAttributes([args.proof_type])
        )
        proof = engine.get_proof(root, args.proof_type)
        Path(args.out).write_bytes(proof.proof_data)
    except (
        OSError,
        ValueError,
        DeserializationError,
        ProofEngineConfigError,
        ProofEngineError,
    ) as exc:
        return _fail("prove", str(exc))
    print(f"proof type {args.proof_type}: {len(proof.proof_data)} bytes -> {args.out}")
    print(f"new_payload_request_root 0x{root.hex()}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from ssz.exceptions import DeserializationError

    from eip8025.engine import ProofEngineError
    from eip8025.profile import ExecutionProof
    from eip8025.proof_engine_config import ProofEngineConfigError
    from eip8025.verification import get_public_input

    try:
        if args.root is not None:
            root = bytes.fromhex(args.root.removeprefix("0x"))
            if len(root) != 32:
                return _fail("verify", "--root must be 32 bytes of hex")
        else:
            root = _read_request(args.new_payload_request).hash_tree_root()
        proof = ExecutionProof(
            proof_data=Path(args.proof).read_bytes(),
            proof_type=args.proof_type,
            public_input=get_public_input(root, args.chain_id),
        )
        valid = _engine(args).verify_execution_proof(proof)
    except (
        OSError,
        ValueError,
        DeserializationError,
        ProofEngineConfigError,
        ProofEngineError,
    ) as exc:
        return _fail("verify", str(exc))
    print("VALID" if valid else "INVALID")
    return 0 if valid else 1
