"""``eip8025 prove`` and ``eip8025 verify``: one-off proving / verification of files.

Both use the in-process :class:`~eip8025.native_engine.NativeProofEngine`, configured by
``--proof-engine PATH`` or, by default, the built-in devnet ``mock`` backend (NOT a
zero-knowledge proof) for the given proof type.

    eip8025 prove  --proof-type 1 --new-payload-request req.ssz --out proof.bin [--chain-id 1]
    eip8025 verify --proof-type 1 --proof proof.bin (--new-payload-request req.ssz | --root 0x..)
    eip8025 verify --groth16-fixture shared/fixtures/groth16/sp1_v4_groth16.json

The last form runs every case of a Groth16 fixture (SP1 v4 or RISC Zero v3, see
:func:`eip8025_spec_tests.groth16_fixtures.load_groth16_fixture`) through the built-in native
Groth16 verifier and exits 0 iff each case got its expected verdict (and, when rejected, its
expected reason).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from eip8025.native import Verifier
    from eip8025.native_engine import NativeProofEngine
    from eip8025_spec_tests.groth16_fixtures import Groth16Case

from eip8025_cli.flags import add_spec_profile_flag, chain_id, proof_type_id

__all__ = ["register"]




def _common(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "--proof-type",
        type=proof_type_id,
        required=required,
        help=None if required else "proof type id 0..255 (required unless --groth16-fixture)",
    )
    parser.add_argument(
        "--chain-id",
        type=chain_id,
        help="DEPOSIT_CHAIN_ID the public input commits to (default: the devnet chain's, as "
        "eip8025 node and eip8025 devnet use it)",
    )
    parser.add_argument(
        "--proof-engine",
        metavar="PATH",
        help="proof-engine JSON file; default: built-in mock (NOT a zero-knowledge proof)",
    )
    add_spec_profile_flag(parser)


def register(subparsers: Any) -> None:
    """Add the ``prove`` and ``verify`` subcommands."""
    prove = subparsers.add_parser(
        "prove",
        help="prove an SSZ NewPayloadRequest file (SSZNewPayloadRequest under --spec-profile "
        "2026-08)",
    )
    _common(prove)
    prove.add_argument("--new-payload-request", metavar="FILE", required=True)
    prove.add_argument("--out", metavar="FILE", required=True, help="where to write the proof")
    prove.set_defaults(handler=_prove)
    verify = subparsers.add_parser(
        "verify",
        help="verify a proof file, or run a Groth16 fixture through the native verifier",
        description=(
            "Verify one proof file: --proof-type, --proof and one of --new-payload-request / "
            "--root are required; exit 0 if VALID, 1 if INVALID, 2 on bad input. "
            "Or, with --groth16-fixture PATH alone, run every case of a Groth16 fixture."
        ),
    )
    _common(verify, required=False)
    verify.add_argument(
        "--proof", metavar="FILE", help="the proof (required unless --groth16-fixture)"
    )
    source = verify.add_mutually_exclusive_group()
    source.add_argument("--new-payload-request", metavar="FILE")
    source.add_argument("--root", metavar="0xHEX", help="new_payload_request_root")
    verify.add_argument(
        "--groth16-fixture",
        metavar="PATH",
        help=(
            "instead of verifying one proof: load an SP1 v4 or RISC Zero v3 Groth16 fixture JSON "
            "(e.g. shared/fixtures/groth16/sp1_v4_groth16.json), verify each case (positive and "
            "negative) with the built-in native Groth16 verifier, print one line per case "
            "(name, expected, got accept/reject + reason, time in ms) and a summary; exit 0 iff "
            "every case matched its expectation (the positive one verifies with the expected "
            "public values, each negative one is rejected with its failure_reason), 1 otherwise. "
            "Cannot be combined with the other options"
        ),
    )
    verify.set_defaults(handler=_verify, verify_parser=verify)


def _chain_id(args: argparse.Namespace) -> int:
    """``--chain-id``, else the devnet chain's (one default for every command)."""
    if args.chain_id is not None:
        return int(args.chain_id)
    from eip8025_p2p.devchain import DevnetSpec

    return DevnetSpec().config.deposit_chain_id


def _usage_error(args: argparse.Namespace, message: str) -> NoReturn:
    args.verify_parser.error(message)
    raise SystemExit(2)  # error() exits; this keeps the type checker informed


def _fail(command: str, message: str) -> int:
    print(f"eip8025 {command}: error: {message}", file=sys.stderr)
    return 2


def _engine(args: argparse.Namespace) -> NativeProofEngine:
    from eip8025.native_engine import NativeProofEngine
    from eip8025.proof_engine_config import devnet_mock_config, load_proof_engine_config

    if args.proof_engine is None:
        return NativeProofEngine(devnet_mock_config([args.proof_type]))
    return NativeProofEngine(load_proof_engine_config(args.proof_engine))


def _read_request(args: argparse.Namespace) -> Any:
    from eip8025.profiles import get_profile

    profile = get_profile(args.spec_profile)
    return profile.NewPayloadRequest.decode_bytes(Path(args.new_payload_request).read_bytes())


def _prove(args: argparse.Namespace) -> int:
    from ssz.exceptions import DeserializationError

    from eip8025.engine import ProofEngineError
    from eip8025.proof_engine_config import ProofEngineConfigError
    from eip8025.verification import get_public_input

    try:
        root = _read_request(args).hash_tree_root()
        engine = _engine(args)
        proof_data = engine.generate_proof(get_public_input(root, _chain_id(args)), args.proof_type)
        Path(args.out).write_bytes(proof_data)
    except (
        OSError,
        ValueError,
        DeserializationError,
        ProofEngineConfigError,
        ProofEngineError,
    ) as exc:
        return _fail("prove", str(exc))
    print(f"proof type {args.proof_type}: {len(proof_data)} bytes -> {args.out}")
    print(f"new_payload_request_root 0x{root.hex()}")
    return 0


def _check_verify_mode(args: argparse.Namespace) -> None:
    """Exit with a usage error unless exactly one of the two modes is asked for."""
    options = {
        "--proof-type": args.proof_type,
        "--proof": args.proof,
        "--new-payload-request": args.new_payload_request,
        "--root": args.root,
        "--proof-engine": args.proof_engine,
        "--chain-id": args.chain_id,
    }
    if args.groth16_fixture is not None:
        given = [flag for flag, value in options.items() if value is not None]
        if given:
            _usage_error(args, f"--groth16-fixture cannot be combined with {', '.join(given)}")
        return
    missing = [flag for flag in ("--proof-type", "--proof") if options[flag] is None]
    if args.new_payload_request is None and args.root is None:
        missing.append("one of --new-payload-request --root")
    if missing:
        _usage_error(
            args,
            f"the following arguments are required: {', '.join(missing)} "
            "(or --groth16-fixture PATH alone)",
        )


def _verify(args: argparse.Namespace) -> int:
    from ssz.exceptions import DeserializationError

    from eip8025.engine import ChainIdGuard, ChainIdMismatch, ProofEngineError
    from eip8025.hexbytes import parse_hex
    from eip8025.profiles import get_profile
    from eip8025.proof_engine_config import ProofEngineConfigError
    from eip8025.verification import get_public_input

    _check_verify_mode(args)
    if args.groth16_fixture is not None:
        return _verify_groth16_fixture(args.groth16_fixture)
    try:
        if args.root is not None:
            root = parse_hex(args.root, length=32, what="--root")
        else:
            root = _read_request(args).hash_tree_root()
        proof = get_profile(args.spec_profile).ExecutionProof(
            proof_data=Path(args.proof).read_bytes(),
            proof_type=args.proof_type,
            public_input=get_public_input(root, _chain_id(args)),
        )
        valid = ChainIdGuard(_engine(args)).verify_execution_proof(proof)
    except ChainIdMismatch as exc:
        print(f"INVALID: {exc}")
        return 1
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


def _expectation(case: Groth16Case) -> str:
    if case.expected:
        return "accept"
    return f"reject {case.expected_status}/{case.failure_reason}"


def _run_case(
    case: Groth16Case, verifiers: dict[bytes, Verifier], notes: dict[str, None]
) -> tuple[bool, str, float]:
    """Verify one fixture case natively: (matched its expectation, what happened, verify ms).

    A verifier that cannot be created is a mismatch; its error message goes into ``notes``.
    """
    from eip8025.native import NativeError, Verifier

    verifier = verifiers.get(case.program_vk)
    if verifier is None:
        try:
            verifier = verifiers[case.program_vk] = Verifier(case.kind, case.program_vk)
        except NativeError as exc:
            notes[f"cannot create the verifier: {exc.status}: {exc}"] = None
            return False, f"no verifier ({exc.status})", 0.0
    start = time.perf_counter()
    try:
        public_values = verifier.verify(case.proof)
    except NativeError as exc:
        elapsed = (time.perf_counter() - start) * 1000
        reason = getattr(exc, "reason", None)
        matched = (
            not case.expected
            and exc.status == case.expected_status
            and reason == case.failure_reason
        )
        return matched, f"reject {exc.status}/{reason}", elapsed
    elapsed = (time.perf_counter() - start) * 1000
    if public_values != case.public_values:
        return False, f"accept, but with other public values (0x{public_values.hex()})", elapsed
    return case.expected, f"accept ({len(public_values)} bytes of public values)", elapsed


def _verify_groth16_fixture(path: str) -> int:
    from eip8025.groth16 import KIND_GROTH16_SP1_V4
    from eip8025_spec_tests.groth16_fixtures import load_groth16_fixture

    try:
        fixture = load_groth16_fixture(path)
    except (OSError, ValueError) as exc:
        return _fail("verify", str(exc))
    backend = "groth16-sp1-v4" if fixture.kind == KIND_GROTH16_SP1_V4 else "groth16-risc0-v3"
    print(f"{fixture.name}: {len(fixture.cases)} cases, native kind 0x{fixture.kind:x} ({backend})")
    width = max(len(case.name) for case in fixture.cases)
    expect_width = max(len(_expectation(case)) for case in fixture.cases)
    verifiers: dict[bytes, Verifier] = {}
    notes: dict[str, None] = {}
    mismatches = []
    for case in fixture.cases:
        matched, got, elapsed = _run_case(case, verifiers, notes)
        if not matched:
            mismatches.append(case.name)
        print(
            f"  {case.name:<{width}}  expected {_expectation(case):<{expect_width}}  "
            f"got {got:<{expect_width}}  "
            f"{elapsed:9.3f} ms  {'ok' if matched else 'MISMATCH'}"
        )
    for note in notes:
        print(f"  note: {note}")
    total = len(fixture.cases)
    if mismatches:
        print(
            f"{fixture.name}: {total - len(mismatches)}/{total} as expected, MISMATCH: "
            f"{', '.join(mismatches)}"
        )
        return 1
    print(f"{fixture.name}: {total}/{total} cases as expected")
    return 0
