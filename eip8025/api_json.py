"""The beacon-APIs JSON encoding of SSZ values (the "spec JSON" every client serves).

Unsigned integers are quoted decimal strings (``"proof_type": "5"``), byte strings are
``0x``-prefixed lower-case hex, booleans stay booleans, containers are objects keyed by field
name in declaration order, lists are arrays. This is the encoding of beacon-APIs
``types/primitive.yaml`` (``Uint8``, ``Uint64``, ``Root``, ``Signature``, hex bytes) that
beacon-APIs #569 uses for ``EIP8025.ExecutionProofEnvelope`` and
``EIP8025.SignedExecutionProofEnvelope``.
"""

from __future__ import annotations

from typing import Any

from eip8025.ssz import Container

__all__ = ["to_api_json"]


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
