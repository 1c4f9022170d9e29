"""Annotated aliases for SSZ basic and byte types, named as in the consensus specs.

Each alias is ``Annotated[python_type, sedes]``: type checkers see the Python type, the container
machinery reads the sedes. Basic sedes and ``ByteVector`` are py-ssz's own; ``ByteList`` is our
strict one (:class:`eip8025.ssz.sedes.ByteList`, merkleized through the native hasher).
"""

from __future__ import annotations

from typing import Annotated

from ssz.sedes.boolean import boolean
from ssz.sedes.byte_vector import ByteVector
from ssz.sedes.uint import uint8, uint16, uint32, uint64, uint128, uint256

from eip8025.ssz.sedes import ByteList, ProgressiveBitList, ProgressiveByteList

__all__ = [
    "Boolean",
    "Byte",
    "ByteList",
    "ByteVector",
    "Bytes4",
    "Bytes20",
    "Bytes32",
    "Bytes48",
    "Bytes96",
    "Uint8",
    "Uint16",
    "Uint32",
    "Uint64",
    "Uint256",
    "boolean",
    "byte_list",
    "byte_vector",
    "progressive_bit_list",
    "progressive_byte_list",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uint128",
    "uint256",
]

Boolean = Annotated[bool, boolean]
Byte = Annotated[int, uint8]
Uint8 = Annotated[int, uint8]
Uint16 = Annotated[int, uint16]
Uint32 = Annotated[int, uint32]
Uint64 = Annotated[int, uint64]
Uint256 = Annotated[int, uint256]
Bytes4 = Annotated[bytes, ByteVector(4)]
Bytes20 = Annotated[bytes, ByteVector(20)]
Bytes32 = Annotated[bytes, ByteVector(32)]
Bytes48 = Annotated[bytes, ByteVector(48)]
Bytes96 = Annotated[bytes, ByteVector(96)]

progressive_byte_list = ProgressiveByteList()
"""The sedes of ``ProgressiveByteList`` / ``ProgressiveList[Byte]``."""
progressive_bit_list = ProgressiveBitList()
"""The sedes of ``ProgressiveBitList``."""


def byte_vector(length: int) -> ByteVector:
    """Return the sedes of ``ByteVector[length]``."""
    return ByteVector(length)


def byte_list(limit: int) -> ByteList:
    """Return the sedes of ``ByteList[limit]``."""
    return ByteList(limit)
