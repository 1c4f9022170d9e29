"""Strict SSZ sedes built on py-ssz: lists, progressive lists/bitlists and (progressive) containers.

Every class here subclasses py-ssz's ``BaseSedes`` so it composes with py-ssz's basic sedes
(``uint64``, ``boolean``, ``bytes32``, ``ByteVector``, ``ByteList`` ...), which we use unchanged.
What we add:

* the EIP-7916 types ``ProgressiveList``, ``ProgressiveByteList`` and ``ProgressiveBitList``;
* a strict ``ByteList[limit]`` merkleized through the (native) layer hasher: py-ssz's own hashes a
  4 MiB ``ProofData`` (131,072 chunks) in Python;
* the EIP-7495 ``ProgressiveContainer(active_fields)`` sedes;
* a strict ``List`` and ``Container`` decoder. py-ssz's own container decoder does not check that
  the first offset equals the end of the fixed part, so it accepts malformed input; ours checks
  every offset (first offset exact, monotonic, in bounds) and every length, and raises
  :class:`~eip8025.errors.SSZDecodeError` (a py-ssz ``DeserializationError``) for anything
  malformed.

Decoding works on ``memoryview`` slices so a 4 MiB ``ProofData`` is copied once (into its final
``bytes``), not once per nesting level.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from eth_typing import Hash32
from ssz.exceptions import DeserializationError
from ssz.sedes.base import BaseSedes
from ssz.sedes.boolean import Boolean
from ssz.sedes.uint import UInt

from eip8025.errors import SSZDecodeError, SSZEncodeError
from eip8025.ssz.merkle import (
    BYTES_PER_CHUNK,
    merkleize,
    merkleize_packed,
    merkleize_progressive,
    mix_in_active_fields,
    mix_in_length,
    pack_bits,
    pack_bytes,
)

__all__ = [
    "OFFSET_SIZE",
    "ByteList",
    "ContainerSedes",
    "List",
    "ProgressiveBitList",
    "ProgressiveByteList",
    "ProgressiveContainerSedes",
    "ProgressiveList",
    "Sedes",
    "decode",
    "is_basic",
    "split_variable_elements",
]

OFFSET_SIZE = 4
Sedes = BaseSedes[Any, Any]


def is_basic(sedes: Sedes) -> bool:
    """Return True for SSZ basic types (uintN and boolean), which are packed in lists."""
    return isinstance(sedes, (UInt, Boolean))


def decode(sedes: Sedes, data: bytes | memoryview) -> Any:
    """Decode ``data`` with any sedes, strictly; our sedes decode from views without copying."""
    if isinstance(sedes, _StrictSedes):
        return sedes.decode_view(memoryview(data))
    try:
        return sedes.deserialize(bytes(data))
    except (DeserializationError, ValueError, TypeError) as exc:
        raise SSZDecodeError(str(exc)) from exc


def _root(sedes: Sedes, value: Any) -> bytes:
    return bytes(sedes.get_hash_tree_root(value))


def _read_offset(view: memoryview, position: int) -> int:
    return int.from_bytes(view[position : position + OFFSET_SIZE], "little")


def _checked_bounds(offsets: Sequence[int], total: int) -> list[int]:
    """Return ``offsets + [total]`` after checking they are monotonic and within ``total``."""
    bounds = [*offsets, total]
    for left, right in itertools.pairwise(bounds):
        if right < left or right > total:
            raise SSZDecodeError(f"offset {right} out of order or out of bounds")
    return bounds


def _decode_fields(view: memoryview, field_sedes: Sequence[Sedes]) -> list[Any]:
    """Strictly decode a container body (shared by Container and ProgressiveContainer)."""
    fixed_size = sum(s.get_fixed_size() if s.is_fixed_sized else OFFSET_SIZE for s in field_sedes)
    total = len(view)
    if total < fixed_size:
        raise SSZDecodeError(f"{total} bytes is shorter than the fixed part ({fixed_size})")
    position = 0
    fixed_values: list[tuple[bool, Any]] = []
    offsets: list[int] = []
    for sedes in field_sedes:
        if sedes.is_fixed_sized:
            size = sedes.get_fixed_size()
            fixed_values.append((True, decode(sedes, view[position : position + size])))
            position += size
        else:
            offsets.append(_read_offset(view, position))
            fixed_values.append((False, None))
            position += OFFSET_SIZE
    if not offsets:
        if total != fixed_size:
            raise SSZDecodeError(f"{total - fixed_size} trailing bytes after container")
        return [value for _, value in fixed_values]
    if offsets[0] != fixed_size:
        raise SSZDecodeError(
            f"first offset {offsets[0]} does not point at the end of the fixed part ({fixed_size})"
        )
    bounds = _checked_bounds(offsets, total)
    variable_sedes = [s for s in field_sedes if not s.is_fixed_sized]
    variable_values = iter(
        decode(sedes, view[bounds[i] : bounds[i + 1]]) for i, sedes in enumerate(variable_sedes)
    )
    return [value if fixed else next(variable_values) for fixed, value in fixed_values]


def _encode_fields(values: Sequence[Any], field_sedes: Sequence[Sedes]) -> bytes:
    """Serialize values laid out as a container (also used for variable-size element lists)."""
    fixed_parts: list[bytes | None] = []
    variable_parts: list[bytes] = []
    for value, sedes in zip(values, field_sedes, strict=True):
        if sedes.is_fixed_sized:
            fixed_parts.append(sedes.serialize(value))
        else:
            fixed_parts.append(None)
            variable_parts.append(sedes.serialize(value))
    fixed_length = sum(len(p) if p is not None else OFFSET_SIZE for p in fixed_parts)
    offset = fixed_length
    head: list[bytes] = []
    variable_iter = iter(variable_parts)
    for part in fixed_parts:
        if part is None:
            head.append(offset.to_bytes(OFFSET_SIZE, "little"))
            offset += len(next(variable_iter))
        else:
            head.append(part)
    if offset >= 2 ** (8 * OFFSET_SIZE):
        raise SSZEncodeError("serialized value exceeds the 4 GiB offset range")
    return b"".join(head) + b"".join(variable_parts)


def _decode_homogeneous(
    view: memoryview, element: Sedes, max_length: int | None
) -> tuple[Any, ...]:
    """Strictly decode the elements of a list or progressive list."""
    total = len(view)
    if element.is_fixed_sized:
        size = element.get_fixed_size()
        if total % size:
            raise SSZDecodeError(f"{total} bytes is not a multiple of element size {size}")
        count = total // size
        if max_length is not None and count > max_length:
            raise SSZDecodeError(f"{count} elements exceed the list limit {max_length}")
        return tuple(decode(element, view[i * size : (i + 1) * size]) for i in range(count))
    return tuple(decode(element, part) for part in split_variable_elements(view, max_length))


def split_variable_elements(
    data: bytes | memoryview, max_length: int | None = None
) -> list[memoryview]:
    """The serialized elements of a list of variable-size elements, without decoding them.

    Checks the offsets strictly (first offset a multiple of 4 that ends the offset table, every
    offset monotonic and in bounds), so a caller can decode and judge each element on its own.

    Raises:
        DeserializationError: Malformed offsets, or more than ``max_length`` elements.
    """
    view = memoryview(data)
    total = len(view)
    if total == 0:
        return []
    if total < OFFSET_SIZE:
        raise SSZDecodeError("list of variable-size elements is shorter than one offset")
    first = _read_offset(view, 0)
    if first % OFFSET_SIZE or first == 0 or first > total:
        raise SSZDecodeError(f"invalid first offset {first}")
    count = first // OFFSET_SIZE
    if max_length is not None and count > max_length:
        raise SSZDecodeError(f"{count} elements exceed the list limit {max_length}")
    offsets = [_read_offset(view, i * OFFSET_SIZE) for i in range(count)]
    bounds = _checked_bounds(offsets, total)
    return [view[bounds[i] : bounds[i + 1]] for i in range(count)]


def _encode_homogeneous(values: Sequence[Any], element: Sedes) -> bytes:
    if element.is_fixed_sized:
        return b"".join(element.serialize(v) for v in values)
    return _encode_fields(values, [element] * len(values))


def _element_chunks(values: Sequence[Any], element: Sedes) -> bytes:
    """Chunks of a list body: packed serialization for basic types, element roots otherwise."""
    if is_basic(element):
        return pack_bytes(b"".join(element.serialize(v) for v in values))
    return b"".join(_root(element, v) for v in values)


class _StrictSedes(BaseSedes[Any, Any]):
    """Common plumbing for our sedes: view decoding, py-ssz cache and key hooks."""

    def decode_view(self, view: memoryview) -> Any:
        """Decode from a memoryview (no copy of the input)."""
        raise NotImplementedError

    def deserialize(self, data: bytes) -> Any:
        """Decode serialized bytes, strictly."""
        return self.decode_view(memoryview(data))

    def get_hash_tree_root_and_leaves(self, value: Any, cache: Any) -> tuple[Hash32, Any]:
        """py-ssz cache hook; our roots are computed directly."""
        return Hash32(self.get_hash_tree_root(value)), cache

    def get_key(self, value: Any) -> str:
        """py-ssz cache key: the sedes id and the serialized value."""
        return f"{self.get_sedes_id()}{self.serialize(value).hex()}"

    def __hash__(self) -> int:
        return hash(self.get_sedes_id())

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.get_sedes_id() == self.get_sedes_id()

    def __repr__(self) -> str:
        return self.get_sedes_id()


class _VariableSedes(_StrictSedes):
    is_fixed_sized = False

    def get_fixed_size(self) -> int:
        """Variable-size types have no fixed size."""
        raise ValueError(f"{self.get_sedes_id()} is variable-size")


class List(_VariableSedes):
    """Strict ``List[element, limit]``; values are tuples."""

    def __init__(self, element: Sedes | type[Any], limit: int) -> None:
        if limit < 0:
            raise ValueError("list limit must be non-negative")
        self.element: Sedes = _as_sedes(element)
        self.limit = limit

    def serialize(self, value: Sequence[Any]) -> bytes:
        """Serialize a list value."""
        if len(value) > self.limit:
            raise SSZEncodeError(f"{len(value)} elements exceed the list limit {self.limit}")
        return _encode_homogeneous(value, self.element)

    def decode_view(self, view: memoryview) -> tuple[Any, ...]:
        """Decode a list value."""
        return _decode_homogeneous(view, self.element, self.limit)

    def chunk_limit(self) -> int:
        """The merkleization limit in chunks (``chunk_count`` of the type)."""
        if is_basic(self.element):
            size = self.element.get_fixed_size()
            return (self.limit * size + BYTES_PER_CHUNK - 1) // BYTES_PER_CHUNK
        return self.limit

    def get_hash_tree_root(self, value: Sequence[Any]) -> Hash32:
        """``mix_in_length(merkleize(chunks, limit=chunk_count), len)``."""
        if len(value) > self.limit:
            raise SSZEncodeError(f"{len(value)} elements exceed the list limit {self.limit}")
        chunks = _element_chunks(value, self.element)
        return Hash32(mix_in_length(merkleize(chunks, self.chunk_limit()), len(value)))

    def get_sedes_id(self) -> str:
        """Unique id of this type."""
        return f"List[{self.element.get_sedes_id()},{self.limit}]"


class ProgressiveList(_VariableSedes):
    """EIP-7916 ``ProgressiveList[element]``: unbounded list, progressive merkle tree."""

    def __init__(self, element: Sedes | type[Any]) -> None:
        self.element: Sedes = _as_sedes(element)

    def serialize(self, value: Sequence[Any]) -> bytes:
        """Serialize a list value."""
        return _encode_homogeneous(value, self.element)

    def decode_view(self, view: memoryview) -> tuple[Any, ...]:
        """Decode a list value."""
        return _decode_homogeneous(view, self.element, None)

    def get_hash_tree_root(self, value: Sequence[Any]) -> Hash32:
        """``mix_in_length(merkleize_progressive(chunks), len)``."""
        chunks = _element_chunks(value, self.element)
        return Hash32(mix_in_length(merkleize_progressive(chunks), len(value)))

    def get_sedes_id(self) -> str:
        """Unique id of this type."""
        return f"ProgressiveList[{self.element.get_sedes_id()}]"


class ByteList(_VariableSedes):
    """Strict ``ByteList[limit]`` with ``bytes`` values (``List[byte, limit]``).

    Longer values fail to encode and to decode; the root is
    ``mix_in_length(merkleize(pack(value), limit=chunk_count), len)``.
    """

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError("byte list limit must be non-negative")
        self.limit = limit

    def serialize(self, value: bytes | bytearray | memoryview) -> bytes:
        """Serialize (the identity on bytes within the limit)."""
        if len(value) > self.limit:
            raise SSZEncodeError(f"{len(value)} bytes exceed the ByteList limit {self.limit}")
        return bytes(value)

    def decode_view(self, view: memoryview) -> bytes:
        """Decode: any byte string up to the limit."""
        if len(view) > self.limit:
            raise SSZDecodeError(f"{len(view)} bytes exceed the ByteList limit {self.limit}")
        return bytes(view)

    def chunk_limit(self) -> int:
        """The merkleization limit in chunks."""
        return (self.limit + BYTES_PER_CHUNK - 1) // BYTES_PER_CHUNK

    def get_hash_tree_root(self, value: bytes | bytearray | memoryview) -> Hash32:
        """``mix_in_length(merkleize(pack(value), chunk_limit), len)``."""
        if len(value) > self.limit:
            raise SSZEncodeError(f"{len(value)} bytes exceed the ByteList limit {self.limit}")
        root = merkleize_packed(memoryview(value), self.chunk_limit())
        return Hash32(mix_in_length(root, len(value)))

    def get_sedes_id(self) -> str:
        """Unique id of this type."""
        return f"ByteList[{self.limit}]"


class ProgressiveByteList(_VariableSedes):
    """``ProgressiveList[Byte]`` with ``bytes`` values (EIP-7916 ``ProgressiveByteList``).

    Args:
        max_length: Optional application-level bound enforced on encode and decode (e.g.
            ``MAX_PROOF_SIZE`` is *not* a type bound in the spec; leave ``None`` for spec types).
    """

    def __init__(self, max_length: int | None = None) -> None:
        self.max_length = max_length

    def _check(self, length: int, error: type[Exception]) -> None:
        if self.max_length is not None and length > self.max_length:
            raise error(f"{length} bytes exceed the bound {self.max_length}")

    def serialize(self, value: bytes | bytearray | memoryview) -> bytes:
        """Serialize (the identity on bytes)."""
        self._check(len(value), SSZEncodeError)
        return bytes(value)

    def decode_view(self, view: memoryview) -> bytes:
        """Decode: every byte string is valid."""
        self._check(len(view), SSZDecodeError)
        return bytes(view)

    def get_hash_tree_root(self, value: bytes | bytearray | memoryview) -> Hash32:
        """``mix_in_length(merkleize_progressive(pack(value)), len)``."""
        return Hash32(mix_in_length(merkleize_progressive(pack_bytes(bytes(value))), len(value)))

    def get_sedes_id(self) -> str:
        """Unique id of this type."""
        return (
            "ProgressiveByteList"
            if self.max_length is None
            else (f"ProgressiveByteList<={self.max_length}")
        )


class ProgressiveBitList(_VariableSedes):
    """EIP-7916 ``ProgressiveBitList``; values are tuples of bools, serialized with a delimiter."""

    def serialize(self, value: Sequence[bool]) -> bytes:
        """Serialize with the trailing delimiter bit."""
        out = bytearray(len(value) // 8 + 1)
        for index, bit in enumerate(value):
            if bit:
                out[index >> 3] |= 1 << (index & 7)
        out[len(value) >> 3] |= 1 << (len(value) & 7)
        return bytes(out)

    def decode_view(self, view: memoryview) -> tuple[bool, ...]:
        """Decode; the last byte must hold the delimiter bit."""
        if len(view) == 0:
            raise SSZDecodeError("a bitlist needs at least the delimiter byte")
        last = view[-1]
        if last == 0:
            raise SSZDecodeError("bitlist has no delimiter bit")
        bit_count = (len(view) - 1) * 8 + last.bit_length() - 1
        data = bytes(view)
        return tuple(bool(data[i >> 3] >> (i & 7) & 1) for i in range(bit_count))

    def get_hash_tree_root(self, value: Sequence[bool]) -> Hash32:
        """``mix_in_length(merkleize_progressive(pack_bits(value)), len)``."""
        return Hash32(mix_in_length(merkleize_progressive(pack_bits(value)), len(value)))

    def get_sedes_id(self) -> str:
        """Unique id of this type."""
        return "ProgressiveBitList"


class ContainerSedes(_StrictSedes):
    """Strict SSZ ``Container`` sedes over named fields, building values with ``factory``."""

    def __init__(
        self,
        name: str,
        fields: Sequence[tuple[str, Sedes]],
        factory: Callable[..., Any],
    ) -> None:
        if not fields:
            raise ValueError(f"{name}: a container needs at least one field")
        self.name = name
        self.field_names = tuple(n for n, _ in fields)
        self.field_sedes = tuple(s for _, s in fields)
        self.factory = factory
        # Two profiles may define containers of the same name over different field types
        # (``ProofData``), so the id names the field types too.
        self._sedes_id = f"{name}{{{','.join(s.get_sedes_id() for s in self.field_sedes)}}}"

    @property
    def is_fixed_sized(self) -> bool:
        """True when every field is fixed-size."""
        return all(s.is_fixed_sized for s in self.field_sedes)

    def get_fixed_size(self) -> int:
        """Sum of field sizes (fixed-size containers only)."""
        if not self.is_fixed_sized:
            raise ValueError(f"{self.name} is variable-size")
        return sum(s.get_fixed_size() for s in self.field_sedes)

    def _values(self, value: Any) -> list[Any]:
        return [getattr(value, n) for n in self.field_names]

    def serialize(self, value: Any) -> bytes:
        """Serialize a container value."""
        return _encode_fields(self._values(value), self.field_sedes)

    def decode_view(self, view: memoryview) -> Any:
        """Decode strictly and build the value."""
        values = _decode_fields(view, self.field_sedes)
        return self.factory(**dict(zip(self.field_names, values, strict=True)))

    def field_roots(self, value: Any) -> bytes:
        """Concatenated hash_tree_roots of the fields."""
        return b"".join(
            _root(s, v) for s, v in zip(self.field_sedes, self._values(value), strict=True)
        )

    def get_hash_tree_root(self, value: Any) -> Hash32:
        """``merkleize([hash_tree_root(field) ...])``."""
        return Hash32(merkleize(self.field_roots(value)))

    def get_sedes_id(self) -> str:
        """Unique id of this type: its class name and field types."""
        return self._sedes_id


class ProgressiveContainerSedes(ContainerSedes):
    """EIP-7495 ``ProgressiveContainer(active_fields)`` sedes.

    Serialization is that of a ``Container`` of the active fields. The root merkleizes the field
    roots progressively at the positions of the ``1`` bits in ``active_fields`` (zero chunks at
    the ``0`` positions) and mixes in the ``active_fields`` bitvector.
    """

    def __init__(
        self,
        name: str,
        fields: Sequence[tuple[str, Sedes]],
        factory: Callable[..., Any],
        active_fields: Iterable[int | bool],
    ) -> None:
        super().__init__(name, fields, factory)
        bits = tuple(1 if b else 0 for b in active_fields)
        if len(bits) > 256:
            raise ValueError(f"{name}: active_fields has more than 256 bits")
        if not bits or bits[-1] != 1:
            raise ValueError(f"{name}: active_fields must end in 1")
        if sum(bits) != len(self.field_sedes):
            raise ValueError(
                f"{name}: active_fields has {sum(bits)} set bits for {len(self.field_sedes)} fields"
            )
        self.active_fields = bits
        self._sedes_id += "@" + "".join(map(str, bits))

    def get_hash_tree_root(self, value: Any) -> Hash32:
        """``mix_in_active_fields(merkleize_progressive(roots at active positions), bits)``."""
        roots = iter(
            _root(s, v) for s, v in zip(self.field_sedes, self._values(value), strict=True)
        )
        zero = bytes(BYTES_PER_CHUNK)
        chunks = b"".join(next(roots) if bit else zero for bit in self.active_fields)
        return Hash32(mix_in_active_fields(merkleize_progressive(chunks), self.active_fields))


def _as_sedes(element: Sedes | type[Any]) -> Sedes:
    """Accept a sedes or a Container class (which carries its sedes as ``ssz_sedes``)."""
    if isinstance(element, BaseSedes):
        return element
    sedes = getattr(element, "ssz_sedes", None)
    if isinstance(sedes, BaseSedes):
        return sedes
    raise TypeError(f"{element!r} is neither a sedes nor an SSZ container class")
