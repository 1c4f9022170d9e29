"""The EIP-8025 vector formats: names, strict field access, ``state.yaml``, deterministic YAML.

Shared by the runners (which read vectors) and the generator (which writes them), so the two
cannot drift apart on a file name or a key. The formats are documented in ``vectors/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Final, TypeVar

import yaml
from ssz.exceptions import DeserializationError, SerializationError

from eip8025 import containers
from eip8025.chain import StaticStateView, ValidatorView
from eip8025.config import MAINNET, MAINNET_CONFIG, MINIMAL, MINIMAL_CONFIG, SpecConfig
from eip8025.hexbytes import HexError, parse_hex
from eip8025.profiles import SpecProfile
from eip8025_spec_tests.errors import CaseFailure, CaseSkip
from eip8025_spec_tests.values import from_yaml, to_yaml

__all__ = [
    "ACCEPTANCE_HANDLER",
    "DECODE_ERRORS",
    "DECODE_MALFORMED",
    "DECODE_TOO_LARGE",
    "FORK",
    "GOSSIP_HANDLER",
    "GOSSIP_TOPIC",
    "MESSAGE_PREFIX",
    "MOCK_BACKENDS",
    "MOCK_HANDLER",
    "MOCK_PROOF_FILE",
    "OUTCOMES",
    "PAYLOAD_PREFIX",
    "PROOF_ENGINE_RUNNER",
    "PUBLIC_VALUES_FORMS",
    "RAW_MESSAGE_PREFIX",
    "VERIFIER_STATUSES",
    "config_for_preset",
    "dump_yaml",
    "field",
    "hex_bytes",
    "only_keys",
    "parse_bytes",
    "run_steps",
    "state_from_yaml",
    "state_to_yaml",
]

FORK: Final = "eip8025"
GOSSIP_HANDLER: Final = "gossip_execution_proof"
"""Handler under the ``networking`` runner."""
ACCEPTANCE_HANDLER: Final = "execution_proof_acceptance"
"""Handler under the ``fork_choice`` runner."""
GOSSIP_TOPIC: Final = "execution_proof"
PROOF_ENGINE_RUNNER: Final = "proof_engine"
MOCK_HANDLER: Final = "mock"
"""Handler under the ``proof_engine`` runner: one ``ExecutionProof`` through the mock backends."""
MOCK_PROOF_FILE: Final = "execution_proof"
"""``execution_proof.ssz_snappy``: the ``ExecutionProof`` of a ``proof_engine/mock`` case."""
MOCK_BACKENDS: Final = ("mock", "zkboost-mock")
"""``backend`` values of a ``proof_engine/mock`` case: the proof-engine file's built-in backends."""
PUBLIC_VALUES_FORMS: Final = ("ssz", "zkboost-v0.7")
"""``public_values`` binding forms of the proof-engine file."""
VERIFIER_STATUSES: Final = ("OK", "DECODE_PROOF", "VERIFY")
"""What the native verifier answers, by ere-verifier-c status name (``ERE_OK``, ``ERE_ERR_…``)."""

MESSAGE_PREFIX: Final = "execution_proof_"
"""``execution_proof_<0x hash_tree_root>.ssz_snappy``: a ``SignedExecutionProofEnvelope``."""
RAW_MESSAGE_PREFIX: Final = "execution_proof_raw_"
"""``execution_proof_raw_<0x sha256>.ssz_snappy``: message bytes that do not decode in bounds."""
PAYLOAD_PREFIX: Final = "payload_envelope_"
"""``payload_envelope_<0x hash_tree_root>.ssz_snappy``: an ``ExecutionPayloadEnvelope``."""

DECODE_ERRORS: Final = (
    DeserializationError,
    SerializationError,
    ValueError,
    IndexError,
    TypeError,
)
"""What strict SSZ decoding raises for bytes that are not a value of the type."""

OUTCOMES: Final = ("valid", "ignore", "reject")
DECODE_TOO_LARGE: Final = "decode_error:too_large"
"""REJECT: the SSZ bytes exceed ``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE`` (not decoded)."""
DECODE_MALFORMED: Final = "decode_error:malformed"
"""REJECT: the SSZ bytes are not a ``SignedExecutionProofEnvelope``."""

_T = TypeVar("_T")


def config_for_preset(preset: str, profile: SpecProfile) -> SpecConfig:
    """The config a case runs under: the preset's config, the profile, spec-exact proof types.

    Raises:
        CaseSkip: The preset is neither ``minimal`` nor ``mainnet``.
    """
    if preset == MINIMAL.name:
        return MINIMAL_CONFIG.with_profile(profile).spec_exact()
    if preset == MAINNET.name:
        return MAINNET_CONFIG.with_profile(profile).spec_exact()
    raise CaseSkip(f"preset {preset!r}: EIP-8025 cases need the minimal or mainnet config")


def field(mapping: Any, key: str, kind: type[_T], where: str, default: _T | None = None) -> _T:
    """Return ``mapping[key]`` checked to be a ``kind``; a missing key is an error without default.

    ``bool`` is never accepted where an ``int`` is asked for (YAML ``true`` is not a number).

    Raises:
        CaseFailure: The vector is malformed (message names ``where`` and ``key``).
    """
    if not isinstance(mapping, Mapping):
        raise CaseFailure(f"malformed vector: {where} is not a mapping")
    if key not in mapping:
        if default is not None:
            return default
        raise CaseFailure(f"malformed vector: {where} has no {key!r}")
    value = mapping[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CaseFailure(
            f"malformed vector: {where}.{key} is {type(value).__name__}, expected {kind.__name__}"
        )
    return value


def only_keys(mapping: Mapping[str, Any], allowed: Collection[str], where: str) -> None:
    """Refuse unknown keys, so a misspelt expectation never passes silently.

    Raises:
        CaseFailure: Naming the unknown keys.
    """
    if not isinstance(mapping, Mapping):
        raise CaseFailure(f"malformed vector: {where} is not a mapping")
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise CaseFailure(f"malformed vector: {where} has unknown keys {unknown}")


def run_steps(
    steps: Any,
    handlers: Mapping[str, tuple[Callable[[dict[str, Any], str], None], Collection[str]]],
) -> None:
    """Run a ``steps.yaml`` list: each step has exactly one kind key, handled in order.

    Args:
        steps: The parsed ``steps.yaml``.
        handlers: Step kind -> (handler called with the step and its ``steps[i]`` label, the keys
            a step of that kind may have).

    Raises:
        CaseFailure: The list or a step is malformed, or a handler failed.
    """
    if not isinstance(steps, list) or not steps:
        raise CaseFailure("malformed vector: steps.yaml is not a non-empty list")
    for index, step in enumerate(steps):
        where = f"steps[{index}]"
        kinds = [k for k in handlers if isinstance(step, dict) and k in step]
        if len(kinds) != 1:
            raise CaseFailure(f"malformed vector: {where} must have exactly one of {[*handlers]}")
        handler, keys = handlers[kinds[0]]
        only_keys(step, keys, where)
        handler(step, where)


def hex_bytes(data: bytes) -> str:
    """``0x``-prefixed lowercase hex."""
    return "0x" + data.hex()


def parse_bytes(value: Any, length: int | None, where: str) -> bytes:
    """Parse a ``0x`` hex string, optionally of an exact byte length.

    Raises:
        CaseFailure: Not a ``0x`` hex string of that length.
    """
    try:
        return parse_hex(value, length=length, what=where)
    except HexError as exc:
        raise CaseFailure(f"malformed vector: {exc}") from None


def state_to_yaml(
    slot: int,
    fork: containers.Fork,
    genesis_validators_root: bytes,
    validators: tuple[containers.Validator, ...],
    bid: containers.ExecutionPayloadBid,
) -> dict[str, Any]:
    """The ``state.yaml`` document: the ``BeaconState`` fields EIP-8025 reads, in YAML form."""
    return {
        "slot": slot,
        "fork": to_yaml(containers.Fork.ssz_sedes, fork),
        "genesis_validators_root": hex_bytes(genesis_validators_root),
        "validators": [to_yaml(containers.Validator.ssz_sedes, v) for v in validators],
        "latest_execution_payload_bid": to_yaml(containers.ExecutionPayloadBid.ssz_sedes, bid),
    }


_STATE_KEYS: Final = (
    "slot",
    "fork",
    "genesis_validators_root",
    "validators",
    "latest_execution_payload_bid",
)


def state_from_yaml(data: Any) -> StaticStateView:
    """Build the block post-state a ``state.yaml`` describes.

    Raises:
        CaseFailure: The document is malformed.
    """
    if not isinstance(data, Mapping):
        raise CaseFailure("malformed vector: state.yaml is not a mapping")
    only_keys(data, _STATE_KEYS, "state.yaml")
    try:
        fork = from_yaml(containers.Fork.ssz_sedes, field(data, "fork", dict, "state.yaml"))
        validators = [
            from_yaml(containers.Validator.ssz_sedes, v)
            for v in field(data, "validators", list, "state.yaml")
        ]
        bid = from_yaml(
            containers.ExecutionPayloadBid.ssz_sedes,
            field(data, "latest_execution_payload_bid", dict, "state.yaml"),
        )
    except ValueError as exc:
        raise CaseFailure(f"malformed vector: state.yaml: {exc}") from None
    return StaticStateView(
        slot=field(data, "slot", int, "state.yaml"),
        fork=fork,
        genesis_validators_root=parse_bytes(
            data.get("genesis_validators_root"), 32, "state.yaml genesis_validators_root"
        ),
        validators=tuple(
            ValidatorView(v.pubkey, v.activation_epoch, v.exit_epoch) for v in validators
        ),
        bid_blob_kzg_commitments=tuple(bid.blob_kzg_commitments),
    )


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no type information
    """Safe dumper: no aliases (``&id001``) for repeated values, block style at the root.

    Empty bytes are written ``'0x'``, quoted like every other ``0x`` string: PyYAML quotes those
    because they would read back as numbers, but leaves a bare ``0x`` plain. (Only that one string
    gets an explicit style: PyYAML writes a collection holding a styled scalar in block style.)
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent(self, data: Any) -> None:
        node = self.represent_data(data)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            node.flow_style = False  # a document is never a one-line {...}
        self.serialize(node)
        self.represented_objects: dict[int, Any] = {}
        self.object_keeper: list[Any] = []
        self.alias_key = None


def _represent_str(dumper: _Dumper, data: str) -> Any:
    style = "'" if data == "0x" else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: Any, *, flow_leaves: bool) -> str:
    """Serialize deterministically: insertion-ordered keys, no aliases, no line wrapping.

    Args:
        document: Plain dicts, lists, strings, ints and bools.
        flow_leaves: Below the root, write collections of scalars inline
            (``{slot: 20, proof_type: 1}``, ``[1, 2]``), as fork-choice ``steps.yaml`` files do;
            otherwise block style throughout, as ``value.yaml`` files are written.
    """
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=None if flow_leaves else False,
        width=1 << 16,
        allow_unicode=False,
    )
    return text
