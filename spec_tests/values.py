"""Convert consensus-spec-tests YAML values into typed values, guided by a sedes."""

from __future__ import annotations

from typing import Any

from ssz.sedes.base import BaseSedes
from ssz.sedes.bitlist import Bitlist
from ssz.sedes.bitvector import Bitvector
from ssz.sedes.boolean import Boolean
from ssz.sedes.uint import UInt

from eip8025.hexbytes import parse_hex
from eip8025.ssz.sedes import (
    ContainerSedes,
    List,
    ProgressiveBitList,
    ProgressiveByteList,
    ProgressiveList,
)
from eip8025.ssz.types import ByteList, ByteVector

__all__ = ["from_yaml", "to_yaml"]


def _hex(value: Any) -> bytes:
    return parse_hex(value, what="YAML value")


def from_yaml(sedes: BaseSedes[Any, Any], value: Any) -> Any:
    """Return the typed value for a YAML value of type ``sedes``.

    Raises:
        ValueError: If the YAML does not have the shape of the type.
    """
    if isinstance(sedes, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"expected a boolean, got {value!r}")
        return value
    if isinstance(sedes, UInt):
        return int(value)
    if isinstance(sedes, (ByteVector, ByteList, ProgressiveByteList)):
        return _hex(value)
    if isinstance(sedes, ProgressiveBitList):
        return ProgressiveBitList().decode_view(memoryview(_hex(value)))
    if isinstance(sedes, (Bitlist, Bitvector)):
        raise ValueError("legacy bitfields are not used by this profile")
    if isinstance(sedes, (List, ProgressiveList)):
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {type(value).__name__}")
        return tuple(from_yaml(sedes.element, item) for item in value)
    if isinstance(sedes, ContainerSedes):
        if not isinstance(value, dict) or set(value) != set(sedes.field_names):
            raise ValueError(f"{sedes.name}: fields do not match {sorted(sedes.field_names)}")
        return sedes.factory(
            **{
                name: from_yaml(field_sedes, value[name])
                for name, field_sedes in zip(sedes.field_names, sedes.field_sedes, strict=True)
            }
        )
    raise ValueError(f"no YAML conversion for {sedes!r}")


def to_yaml(sedes: BaseSedes[Any, Any], value: Any) -> Any:
    """Return the consensus-spec-tests YAML value of ``value`` (the inverse of :func:`from_yaml`).

    Byte types become quoted ``0x`` hex strings, ``uint8``..``uint64`` YAML integers and wider
    integers decimal strings (as the official ``value.yaml`` files write ``uint256``).

    Raises:
        ValueError: For a sedes this profile does not use.
    """
    if isinstance(sedes, Boolean):
        return bool(value)
    if isinstance(sedes, UInt):
        return int(value) if sedes.num_bits <= 64 else str(int(value))
    if isinstance(sedes, (ByteVector, ByteList, ProgressiveByteList)):
        return "0x" + bytes(value).hex()
    if isinstance(sedes, ProgressiveBitList):
        return "0x" + bytes(sedes.serialize(value)).hex()
    if isinstance(sedes, (List, ProgressiveList)):
        return [to_yaml(sedes.element, item) for item in value]
    if isinstance(sedes, ContainerSedes):
        return {
            name: to_yaml(field_sedes, getattr(value, name))
            for name, field_sedes in zip(sedes.field_names, sedes.field_sedes, strict=True)
        }
    raise ValueError(f"no YAML conversion for {sedes!r}")
