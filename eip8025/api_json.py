"""The beacon-APIs JSON encoding of SSZ values (the "spec JSON" every client serves).

Unsigned integers are quoted decimal strings (``"proof_type": "5"``), byte strings are
``0x``-prefixed lower-case hex, booleans stay booleans, containers are objects keyed by field
name in declaration order, lists are arrays. This is the encoding of beacon-APIs
``types/primitive.yaml`` (``Uint8``, ``Uint64``, ``Root``, ``Signature``, hex bytes) that
beacon-APIs #569 uses for ``EIP8025.ExecutionProofEnvelope`` and
``EIP8025.SignedExecutionProofEnvelope``, and the Gloas types use for ``ExecutionPayloadEnvelope``
and ``ExecutionPayloadBid``.

:func:`to_api_json` encodes a value; :func:`from_api_json` is its inverse, driven by the SSZ type
(a container class or a sedes), so ``from_api_json(type(x), to_api_json(x)) == x``. Decoding is
strict: a missing or unknown field, a wrong byte length, an integer out of range or a value of
the wrong JSON kind raises :class:`ApiJsonError` naming the path of the offending value.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar, overload

from ssz.exceptions import DeserializationError
from ssz.sedes.boolean import Boolean
from ssz.sedes.byte_vector import ByteVector
from ssz.sedes.uint import UInt

from eip8025.errors import DecodeError, HexError
from eip8025.hexbytes import parse_hex
from eip8025.ssz import Container
from eip8025.ssz.sedes import (
    ByteList,
    ContainerSedes,
    List,
    ProgressiveBitList,
    ProgressiveByteList,
    ProgressiveList,
    Sedes,
)

__all__ = ["ApiJsonError", "from_api_json", "to_api_json"]

C = TypeVar("C", bound=Container)

_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)")


class ApiJsonError(DecodeError):
    """A JSON value that does not decode as the SSZ type asked for (``path``: where)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '<root>'}: {message}")
        self.path = path


def to_api_json(value: Any) -> Any:
    """The beacon-APIs JSON value of an SSZ value (container, list, bytes, uint or boolean).

    Raises:
        TypeError: A value that is not an SSZ value.
    """
    if isinstance(value, Container):
        return {name: to_api_json(getattr(value, name)) for name in value.ssz_sedes.field_names}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [to_api_json(item) for item in value]
    raise TypeError(f"not an SSZ value: {type(value).__name__}")


@overload
def from_api_json(ssz_type: type[C], data: Any) -> C: ...


@overload
def from_api_json(ssz_type: Sedes, data: Any) -> Any: ...


def from_api_json(ssz_type: type[Container] | Sedes, data: Any) -> Any:
    """Decode beacon-APIs JSON into a value of ``ssz_type`` (the inverse of :func:`to_api_json`).

    Args:
        ssz_type: A container class (``ExecutionPayloadEnvelope``) or any sedes.
        data: The parsed JSON (``json.loads`` output).

    Raises:
        ApiJsonError: ``data`` is not a valid JSON encoding of ``ssz_type``.
        TypeError: ``ssz_type`` is neither a container class nor a supported sedes.
    """
    if isinstance(ssz_type, type) and issubclass(ssz_type, Container):
        return _decode(ssz_type.ssz_sedes, data, "")
    return _decode(ssz_type, data, "")


def _decode(sedes: Sedes, data: Any, path: str) -> Any:
    if isinstance(sedes, ContainerSedes):
        return _decode_container(sedes, data, path)
    if isinstance(sedes, Boolean):
        if not isinstance(data, bool):
            raise ApiJsonError(path, f"expected a boolean, got {_kind(data)}")
        return data
    if isinstance(sedes, UInt):
        return _decode_uint(data, sedes.num_bits, path)
    if isinstance(sedes, ByteVector):
        return _decode_hex(data, path, exact=sedes.get_fixed_size())
    if isinstance(sedes, ByteList):
        return _decode_hex(data, path, limit=sedes.limit)
    if isinstance(sedes, ProgressiveByteList):
        return _decode_hex(data, path, limit=sedes.max_length)
    if isinstance(sedes, (List, ProgressiveList)):
        return _decode_list(sedes, data, path)
    if isinstance(sedes, ProgressiveBitList):
        return _decode_bitlist(sedes, data, path)
    raise TypeError(f"from_api_json: unsupported SSZ type {sedes!r}")


def _decode_container(sedes: ContainerSedes, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise ApiJsonError(path, f"expected an object ({sedes.name}), got {_kind(data)}")
    missing = [name for name in sedes.field_names if name not in data]
    if missing:
        raise ApiJsonError(path, f"{sedes.name} lacks {', '.join(missing)}")
    unknown = sorted(set(data) - set(sedes.field_names))
    if unknown:
        raise ApiJsonError(path, f"{sedes.name} has no field {', '.join(unknown)}")
    values = {
        name: _decode(field, data[name], f"{path}.{name}" if path else name)
        for name, field in zip(sedes.field_names, sedes.field_sedes, strict=True)
    }
    return sedes.factory(**values)


def _decode_uint(data: Any, bits: int, path: str) -> int:
    if isinstance(data, bool):
        raise ApiJsonError(path, "expected a quoted decimal integer, got a boolean")
    if isinstance(data, int):
        value = data
    elif isinstance(data, str) and _DECIMAL.fullmatch(data):
        value = int(data)
    else:
        raise ApiJsonError(path, f"expected a quoted decimal integer, got {_kind(data)}")
    if not 0 <= value < 1 << bits:
        raise ApiJsonError(path, f"{value} is out of range for uint{bits}")
    return value


def _decode_hex(
    data: Any, path: str, *, exact: int | None = None, limit: int | None = None
) -> bytes:
    try:
        value = parse_hex(data, length=exact, what="hex bytes")
    except HexError as exc:
        raise ApiJsonError(path, str(exc)) from None
    if limit is not None and len(value) > limit:
        raise ApiJsonError(path, f"{len(value)} bytes exceed the limit {limit}")
    return value


def _decode_list(sedes: List | ProgressiveList, data: Any, path: str) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise ApiJsonError(path, f"expected an array, got {_kind(data)}")
    if isinstance(sedes, List) and len(data) > sedes.limit:
        raise ApiJsonError(path, f"{len(data)} items exceed the list limit {sedes.limit}")
    return tuple(_decode(sedes.element, item, f"{path}[{i}]") for i, item in enumerate(data))


def _decode_bitlist(sedes: ProgressiveBitList, data: Any, path: str) -> tuple[bool, ...]:
    """A bitlist: the hex of its SSZ bytes (beacon-APIs), or booleans (``to_api_json``)."""
    if isinstance(data, list):
        if not all(isinstance(bit, bool) for bit in data):
            raise ApiJsonError(path, "expected an array of booleans")
        return tuple(data)
    raw = _decode_hex(data, path)
    try:
        return tuple(sedes.deserialize(raw))
    except (DeserializationError, ValueError) as exc:
        raise ApiJsonError(path, f"not an SSZ bitlist: {exc}") from None


def _kind(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, str):
        return f"string {data[:24]!r}" + ("..." if len(data) > 24 else "")
    return type(data).__name__
