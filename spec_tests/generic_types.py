"""The ssz_generic test types (our own definitions of the consensus-specs test structs).

The progressive container test structs are those of consensus-specs
``tests/.../ssz_generic_cases/ssz_progressive_container.py``; names and field layouts follow them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from ssz.sedes.base import BaseSedes

from eip8025.ssz.container import Container, ProgressiveContainer
from eip8025.ssz.sedes import List, ProgressiveBitList, ProgressiveList
from eip8025.ssz.types import (
    Byte,
    Uint16,
    boolean,
    uint8,
    uint16,
    uint32,
    uint64,
    uint128,
    uint256,
)

__all__ = ["GenericTypeUnknown", "sedes_for_case"]

_BASIC: dict[str, BaseSedes[Any, Any]] = {
    "bool": boolean,
    "uint8": uint8,
    "uint16": uint16,
    "uint32": uint32,
    "uint64": uint64,
    "uint128": uint128,
    "uint256": uint256,
}

Bits = Annotated[tuple[bool, ...], ProgressiveBitList()]
Uint16List123 = Annotated[tuple[int, ...], List(uint16, 123)]


class SmallTestStruct(Container):
    """``SmallTestStruct``."""

    A: Uint16
    B: Uint16


class VarTestStruct(Container):
    """``VarTestStruct``."""

    A: Uint16
    B: Annotated[tuple[int, ...], List(uint16, 1024)]
    C: Byte


class ProgressiveSingleFieldContainerTestStruct(ProgressiveContainer, active_fields=(1,)):
    """``ProgressiveSingleFieldContainerTestStruct``."""

    A: Byte


class ProgressiveSingleListContainerTestStruct(ProgressiveContainer, active_fields=(0, 0, 0, 0, 1)):
    """``ProgressiveSingleListContainerTestStruct``."""

    C: Bits


class ProgressiveVarTestStruct(ProgressiveContainer, active_fields=(1, 0, 1, 0, 1)):
    """``ProgressiveVarTestStruct``."""

    A: Byte
    B: Uint16List123
    C: Bits


class ProgressiveComplexTestStruct(
    ProgressiveContainer,
    active_fields=(1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1),
):
    """``ProgressiveComplexTestStruct``."""

    A: Byte
    B: Uint16List123
    C: Bits
    D: Annotated[tuple[int, ...], ProgressiveList(uint64)]
    E: Annotated[tuple[SmallTestStruct, ...], ProgressiveList(SmallTestStruct)]
    F: Annotated[
        tuple[tuple[VarTestStruct, ...], ...], ProgressiveList(ProgressiveList(VarTestStruct))
    ]
    G: Annotated[
        tuple[ProgressiveSingleFieldContainerTestStruct, ...],
        List(ProgressiveSingleFieldContainerTestStruct, 10),
    ]
    H: Annotated[tuple[ProgressiveVarTestStruct, ...], ProgressiveList(ProgressiveVarTestStruct)]


_CONTAINERS = {
    cls.__name__: cls
    for cls in (
        ProgressiveSingleFieldContainerTestStruct,
        ProgressiveSingleListContainerTestStruct,
        ProgressiveVarTestStruct,
        ProgressiveComplexTestStruct,
    )
}


class GenericTypeUnknown(Exception):
    """The case name names a type this runner does not define (reported as a skip)."""


def sedes_for_case(handler: str, case_name: str) -> BaseSedes[Any, Any]:
    """Return the sedes a ``ssz_generic`` case exercises, parsed from its handler and name.

    Raises:
        GenericTypeUnknown: For handlers or type names we do not implement.
    """
    if handler == "basic_progressive_list":
        match = re.match(r"proglist_([a-z]+[0-9]*)_", case_name)
        if match and match.group(1) in _BASIC:
            return ProgressiveList(_BASIC[match.group(1)])
    elif handler == "progressive_bitlist":
        if case_name.startswith("progbitlist_"):
            return ProgressiveBitList()
    elif handler == "progressive_containers":
        type_name = case_name.split("_", 1)[0]
        if type_name in _CONTAINERS:
            return _CONTAINERS[type_name].ssz_sedes
    raise GenericTypeUnknown(f"ssz_generic/{handler}: no type for case {case_name!r}")
