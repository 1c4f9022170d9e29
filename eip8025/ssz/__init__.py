"""SSZ on py-ssz with the EIP-7916 progressive lists and EIP-7495 progressive containers."""

from eip8025.ssz.container import Container, ProgressiveContainer, hash_tree_root, sedes_of
from eip8025.ssz.merkle import (
    merkleize,
    merkleize_progressive,
    mix_in_active_fields,
    mix_in_length,
    set_layer_hasher,
)
from eip8025.ssz.sedes import (
    ByteList,
    ContainerSedes,
    List,
    ProgressiveBitList,
    ProgressiveByteList,
    ProgressiveContainerSedes,
    ProgressiveList,
    decode,
    split_variable_elements,
)

__all__ = [
    "ByteList",
    "Container",
    "ContainerSedes",
    "List",
    "ProgressiveBitList",
    "ProgressiveByteList",
    "ProgressiveContainer",
    "ProgressiveContainerSedes",
    "ProgressiveList",
    "decode",
    "hash_tree_root",
    "merkleize",
    "merkleize_progressive",
    "mix_in_active_fields",
    "mix_in_length",
    "sedes_of",
    "set_layer_hasher",
    "split_variable_elements",
]
