"""The handshake messages of the eth2 req/resp domain, as SSZ containers.

Field order and types follow consensus-specs: ``Status`` v1 (phase0 ``p2p-interface.md``,
*Status v1*), ``Status`` v2 (fulu, adds ``earliest_available_slot``), ``MetaData`` v2 (altair:
``seq_number``, ``attnets``, ``syncnets``) and v3 (fulu, adds ``custody_group_count``). ``Ping``
and ``Goodbye`` are single ``Uint64`` fields and so are encoded as a bare ``Uint64``, never as a
container; ``ErrorMessage`` is ``List[byte, 256]``.
"""

from __future__ import annotations

from typing import Annotated, Final

from ssz.exceptions import DeserializationError
from ssz.sedes.bitvector import Bitvector

from eip8025.containers import Epoch, Root, Slot
from eip8025.ssz import Container
from eip8025.ssz.types import Bytes4, Uint64
from eip8025_p2p.reqresp.errors import CodecError
from eip8025_p2p.reqresp.framing import SizeBounds

__all__ = [
    "ATTESTATION_SUBNET_COUNT",
    "ERROR_MESSAGE_BOUNDS",
    "GOODBYE_BANNED",
    "GOODBYE_BANNED_IP",
    "GOODBYE_CLIENT_SHUTDOWN",
    "GOODBYE_FAULT",
    "GOODBYE_IRRELEVANT_NETWORK",
    "GOODBYE_REASONS",
    "GOODBYE_SCORE_TOO_LOW",
    "GOODBYE_TOO_MANY_PEERS",
    "GOODBYE_UNABLE_TO_VERIFY_NETWORK",
    "MAX_ERROR_MESSAGE_SIZE",
    "SYNC_COMMITTEE_SUBNET_COUNT",
    "UINT64_BOUNDS",
    "MetaDataV2",
    "MetaDataV3",
    "StatusV1",
    "StatusV2",
    "StrictBitvector",
    "decode_uint64",
    "encode_uint64",
    "goodbye_reason_name",
    "size_bounds",
]

ATTESTATION_SUBNET_COUNT: Final = 64
SYNC_COMMITTEE_SUBNET_COUNT: Final = 4
MAX_ERROR_MESSAGE_SIZE: Final = 256

# Goodbye reasons: 1-3 from the spec, the rest the codes clients send (Teku: 128, Lighthouse:
# 129, 250-252); Lodestar and Prysm use the same numbers.
GOODBYE_CLIENT_SHUTDOWN: Final = 1
GOODBYE_IRRELEVANT_NETWORK: Final = 2
GOODBYE_FAULT: Final = 3
GOODBYE_UNABLE_TO_VERIFY_NETWORK: Final = 128
GOODBYE_TOO_MANY_PEERS: Final = 129
GOODBYE_SCORE_TOO_LOW: Final = 250
GOODBYE_BANNED: Final = 251
GOODBYE_BANNED_IP: Final = 252
GOODBYE_REASONS: Final = {
    GOODBYE_CLIENT_SHUTDOWN: "client shutdown",
    GOODBYE_IRRELEVANT_NETWORK: "irrelevant network",
    GOODBYE_FAULT: "fault/error",
    GOODBYE_UNABLE_TO_VERIFY_NETWORK: "unable to verify network",
    GOODBYE_TOO_MANY_PEERS: "too many peers",
    GOODBYE_SCORE_TOO_LOW: "score too low",
    GOODBYE_BANNED: "banned",
    GOODBYE_BANNED_IP: "banned IP",
}


def goodbye_reason_name(reason: int) -> str:
    """A readable name of a Goodbye reason code."""
    return GOODBYE_REASONS.get(reason, f"unknown ({reason})")


class StrictBitvector(Bitvector):
    """``Bitvector[N]`` that also rejects a wrong byte length and set padding bits."""

    def deserialize(self, data: bytes) -> tuple[bool, ...]:  # type: ignore[override]
        """Decode, refusing anything but the canonical encoding."""
        if len(data) != (self.bit_count + 7) // 8:
            raise DeserializationError(f"{len(data)} bytes is not a Bitvector[{self.bit_count}]")
        spare = self.bit_count % 8
        if spare and data[-1] >> spare:
            raise DeserializationError("Bitvector padding bits are set")
        return tuple(bool(data[i // 8] >> (i % 8) & 1) for i in range(self.bit_count))


Attnets = Annotated[tuple[bool, ...], StrictBitvector(ATTESTATION_SUBNET_COUNT)]
Syncnets = Annotated[tuple[bool, ...], StrictBitvector(SYNC_COMMITTEE_SUBNET_COUNT)]
NO_ATTNETS: Final = (False,) * ATTESTATION_SUBNET_COUNT
NO_SYNCNETS: Final = (False,) * SYNC_COMMITTEE_SUBNET_COUNT


class StatusV1(Container):
    """phase0 ``Status`` (``/eth2/beacon_chain/req/status/1/``)."""

    fork_digest: Bytes4
    finalized_root: Root
    finalized_epoch: Epoch
    head_root: Root
    head_slot: Slot


class StatusV2(Container):
    """fulu ``Status`` (``/eth2/beacon_chain/req/status/2/``)."""

    fork_digest: Bytes4
    finalized_root: Root
    finalized_epoch: Epoch
    head_root: Root
    head_slot: Slot
    earliest_available_slot: Slot

    def v1(self) -> StatusV1:
        """The same status without ``earliest_available_slot`` (for v1 peers)."""
        return StatusV1(
            fork_digest=self.fork_digest,
            finalized_root=self.finalized_root,
            finalized_epoch=self.finalized_epoch,
            head_root=self.head_root,
            head_slot=self.head_slot,
        )


class MetaDataV2(Container):
    """altair ``MetaData`` (``/eth2/beacon_chain/req/metadata/2/``)."""

    seq_number: Uint64
    attnets: Attnets = NO_ATTNETS
    syncnets: Syncnets = NO_SYNCNETS


class MetaDataV3(Container):
    """fulu ``MetaData`` (``/eth2/beacon_chain/req/metadata/3/``)."""

    seq_number: Uint64
    attnets: Attnets = NO_ATTNETS
    syncnets: Syncnets = NO_SYNCNETS
    custody_group_count: Uint64 = 0

    def v2(self) -> MetaDataV2:
        """The same metadata without ``custody_group_count`` (for pre-fulu peers)."""
        return MetaDataV2(seq_number=self.seq_number, attnets=self.attnets, syncnets=self.syncnets)


def size_bounds(container: type[Container]) -> SizeBounds:
    """Size bounds of a fixed-size container type (all handshake containers are)."""
    sedes = container.ssz_sedes
    if not sedes.is_fixed_sized:
        raise TypeError(f"{container.__name__} is not fixed-size")
    return SizeBounds.fixed(sedes.get_fixed_size())


UINT64_BOUNDS: Final = SizeBounds.fixed(8)
"""Bounds of ``Ping`` / ``Goodbye`` (a bare ``Uint64``)."""
ERROR_MESSAGE_BOUNDS: Final = SizeBounds(0, MAX_ERROR_MESSAGE_SIZE)
"""Bounds of ``ErrorMessage`` (``List[byte, 256]``)."""


def encode_uint64(value: int) -> bytes:
    """SSZ ``Uint64`` (little-endian, 8 bytes)."""
    if not 0 <= value < 2**64:
        raise ValueError("not a Uint64")
    return value.to_bytes(8, "little")


def decode_uint64(data: bytes) -> int:
    """Decode an SSZ ``Uint64``; any length but 8 is a :class:`CodecError`."""
    if len(data) != 8:
        raise CodecError(f"{len(data)} bytes is not a Uint64")
    return int.from_bytes(data, "little")
