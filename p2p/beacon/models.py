"""Typed values of the beacon-APIs responses the follower reads, and their JSON parsers.

Each parser takes the response's ``data`` member (already ``json.loads``-ed) and raises
:class:`~eip8025_p2p.beacon.errors.BeaconDataError` when it does not have the beacon-APIs shape.
Field names are those of the beacon-APIs YAML (``ethereum/beacon-APIs``, files named per parser).
SSZ containers are decoded with :func:`eip8025.api_json.from_api_json`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from eip8025.api_json import ApiJsonError, from_api_json
from eip8025.chain import ValidatorView
from eip8025.containers import (
    BeaconBlockHeader,
    Checkpoint,
    ExecutionPayloadBid,
    Fork,
    SignedExecutionPayloadEnvelope,
)
from eip8025.hexbytes import parse_hex
from eip8025.ssz import Container
from eip8025.ssz.types import uint64
from eip8025_p2p.beacon.errors import BeaconDataError

__all__ = [
    "BeaconPeer",
    "BlockInfo",
    "FinalityCheckpoints",
    "Genesis",
    "HeaderInfo",
    "NodeIdentityInfo",
    "SyncingStatus",
    "json_bytes",
    "json_uint",
    "parse_block",
    "parse_envelope",
    "parse_finality",
    "parse_fork_schedule",
    "parse_genesis",
    "parse_header",
    "parse_identity",
    "parse_peers",
    "parse_syncing",
    "parse_validators",
]

C = TypeVar("C", bound=Container)
T = TypeVar("T")

EIP8282_REQUEST_FIELDS = ("builder_deposits", "builder_exits")
"""Gloas ``ExecutionRequests`` fields (consensus-specs, EIP-8282) that beacon-APIs'
``types/electra/execution_requests.yaml`` does not list yet; absent means empty."""


@dataclasses.dataclass(frozen=True)
class Genesis:
    """``GET /eth/v1/beacon/genesis`` (``apis/beacon/genesis.yaml``)."""

    genesis_time: int
    genesis_validators_root: bytes
    genesis_fork_version: bytes


@dataclasses.dataclass(frozen=True)
class HeaderInfo:
    """``GET /eth/v1/beacon/headers/{block_id}`` (``apis/beacon/blocks/header.yaml``)."""

    root: bytes
    canonical: bool
    header: BeaconBlockHeader

    @property
    def slot(self) -> int:
        """The block's slot."""
        return self.header.slot

    @property
    def parent_root(self) -> bytes:
        """The block's parent root."""
        return self.header.parent_root


@dataclasses.dataclass(frozen=True)
class BlockInfo:
    """What the follower reads of ``GET /eth/v2/beacon/blocks/{block_id}`` (``block.v2.yaml``).

    ``bid`` is ``body.signed_execution_payload_bid.message`` (``types/gloas/block.yaml``); None
    for blocks of earlier forks.
    """

    version: str
    slot: int
    parent_root: bytes
    bid: ExecutionPayloadBid | None


@dataclasses.dataclass(frozen=True)
class FinalityCheckpoints:
    """``GET /eth/v1/beacon/states/{state_id}/finality_checkpoints``."""

    previous_justified: Checkpoint
    current_justified: Checkpoint
    finalized: Checkpoint


@dataclasses.dataclass(frozen=True)
class NodeIdentityInfo:
    """``GET /eth/v1/node/identity`` (``types/p2p.yaml`` ``NetworkIdentity``)."""

    peer_id: str
    enr: str
    p2p_addresses: tuple[str, ...]
    discovery_addresses: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class BeaconPeer:
    """One entry of ``GET /eth/v1/node/peers`` (``types/p2p.yaml`` ``Peer``)."""

    peer_id: str
    enr: str | None
    last_seen_p2p_address: str
    state: str
    direction: str


@dataclasses.dataclass(frozen=True)
class SyncingStatus:
    """``GET /eth/v1/node/syncing`` (``apis/node/syncing.yaml``)."""

    head_slot: int
    sync_distance: int
    is_syncing: bool
    is_optimistic: bool
    el_offline: bool


def _guard(what: str, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except BeaconDataError:
        raise
    except ApiJsonError as exc:
        raise BeaconDataError(f"{what}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BeaconDataError(f"{what}: malformed ({type(exc).__name__}: {exc})") from None


def _obj(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise BeaconDataError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def json_uint(value: Any) -> int:
    """A beacon-APIs ``Uint64`` (quoted decimal) as an int; ValueError otherwise."""
    return int(from_api_json(uint64, value))


def json_bytes(value: Any, length: int) -> bytes:
    """``length`` bytes given as ``0x`` hex; ``HexError`` (a ValueError) otherwise."""
    return parse_hex(value, length=length, what="hex bytes")


def _container(cls: type[C], value: Any) -> C:
    return from_api_json(cls, value)


def parse_genesis(data: Any) -> Genesis:
    """Parse the ``data`` of the genesis response."""
    d = _obj(data, "genesis")
    return _guard(
        "genesis",
        lambda: Genesis(
            json_uint(d["genesis_time"]),
            json_bytes(d["genesis_validators_root"], 32),
            json_bytes(d["genesis_fork_version"], 4),
        ),
    )


def parse_fork_schedule(data: Any) -> tuple[Fork, ...]:
    """Parse the ``data`` of ``GET /eth/v1/config/fork_schedule`` (an array of ``Fork``)."""
    if not isinstance(data, list) or not data:
        raise BeaconDataError("fork_schedule: expected a non-empty array of Fork objects")
    return _guard("fork_schedule", lambda: tuple(_container(Fork, item) for item in data))


def parse_header(data: Any) -> HeaderInfo:
    """Parse the ``data`` of a header response (the signature is not kept)."""
    d = _obj(data, "header")
    return _guard(
        "header",
        lambda: HeaderInfo(
            json_bytes(d["root"], 32),
            bool(d["canonical"]),
            _container(BeaconBlockHeader, _obj(d["header"], "header.header")["message"]),
        ),
    )


def parse_block(response: Any) -> BlockInfo:
    """Parse a whole ``/eth/v2/beacon/blocks`` response (``version`` and ``data``)."""
    r = _obj(response, "block")

    def parse() -> BlockInfo:
        version = str(r["version"])
        message = _obj(_obj(r["data"], "block.data")["message"], "block.data.message")
        body = _obj(message["body"], "block.data.message.body")
        signed_bid = body.get("signed_execution_payload_bid")
        bid = None
        if signed_bid is not None:
            bid = _container(ExecutionPayloadBid, _obj(signed_bid, "bid")["message"])
        return BlockInfo(
            version, json_uint(message["slot"]), json_bytes(message["parent_root"], 32), bid
        )

    return _guard("block", parse)


def parse_envelope(data: Any) -> tuple[SignedExecutionPayloadEnvelope, bool]:
    """Parse a ``Gloas.SignedExecutionPayloadEnvelope``; True when EIP-8282 fields were absent.

    Source: beacon-APIs ``types/gloas/execution_payload_envelope.yaml``. Its
    ``execution_requests`` is ``Electra.ExecutionRequests`` (three lists); the Gloas container
    (consensus-specs master) adds ``builder_deposits`` and ``builder_exits``, read as empty when
    the node does not send them.
    """

    def parse() -> tuple[SignedExecutionPayloadEnvelope, bool]:
        d = dict(_obj(data, "envelope"))
        message = dict(_obj(d["message"], "envelope.message"))
        requests = dict(_obj(message["execution_requests"], "execution_requests"))
        filled = False
        for name in EIP8282_REQUEST_FIELDS:
            if name not in requests:
                requests[name] = []
                filled = True
        message["execution_requests"] = requests
        d["message"] = message
        return _container(SignedExecutionPayloadEnvelope, d), filled

    return _guard("execution payload envelope", parse)


def parse_finality(data: Any) -> FinalityCheckpoints:
    """Parse the ``data`` of a finality checkpoints response."""
    d = _obj(data, "finality_checkpoints")
    return _guard(
        "finality_checkpoints",
        lambda: FinalityCheckpoints(
            _container(Checkpoint, d["previous_justified"]),
            _container(Checkpoint, d["current_justified"]),
            _container(Checkpoint, d["finalized"]),
        ),
    )


def parse_validators(data: Any) -> tuple[ValidatorView, ...]:
    """Parse ``ValidatorResponse`` entries into the registry, ordered by index.

    Raises:
        BeaconDataError: Malformed entries, or indices that are not exactly ``0 .. n-1``.
    """
    if not isinstance(data, list):
        raise BeaconDataError("validators: expected an array")

    def parse() -> tuple[ValidatorView, ...]:
        by_index: dict[int, ValidatorView] = {}
        for item in data:
            validator = item["validator"]
            by_index[json_uint(item["index"])] = ValidatorView(
                json_bytes(validator["pubkey"], 48),
                json_uint(validator["activation_epoch"]),
                json_uint(validator["exit_epoch"]),
            )
        if sorted(by_index) != list(range(len(by_index))) or len(by_index) != len(data):
            raise BeaconDataError("validators: the indices are not exactly 0 .. n-1")
        return tuple(by_index[i] for i in range(len(by_index)))

    return _guard("validators", parse)


def parse_identity(data: Any) -> NodeIdentityInfo:
    """Parse the ``data`` of ``GET /eth/v1/node/identity``."""
    d = _obj(data, "identity")
    return _guard(
        "identity",
        lambda: NodeIdentityInfo(
            str(d["peer_id"]),
            str(d["enr"]),
            tuple(str(a) for a in d["p2p_addresses"]),
            tuple(str(a) for a in d.get("discovery_addresses", ())),
        ),
    )


def parse_peers(data: Any) -> tuple[BeaconPeer, ...]:
    """Parse the ``data`` of ``GET /eth/v1/node/peers``."""
    if not isinstance(data, list):
        raise BeaconDataError("peers: expected an array")
    return _guard(
        "peers",
        lambda: tuple(
            BeaconPeer(
                str(p["peer_id"]),
                None if p.get("enr") is None else str(p["enr"]),
                str(p["last_seen_p2p_address"]),
                str(p["state"]),
                str(p["direction"]),
            )
            for p in data
        ),
    )


def parse_syncing(data: Any) -> SyncingStatus:
    """Parse the ``data`` of ``GET /eth/v1/node/syncing`` (older nodes omit the last two)."""
    d = _obj(data, "syncing")
    return _guard(
        "syncing",
        lambda: SyncingStatus(
            json_uint(d["head_slot"]),
            json_uint(d["sync_distance"]),
            bool(d["is_syncing"]),
            bool(d.get("is_optimistic", False)),
            bool(d.get("el_offline", False)),
        ),
    )
