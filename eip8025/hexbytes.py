"""The one parser of ``0x`` hex strings (roots, keys, signatures, proof data, integers)."""

from __future__ import annotations

from eip8025.errors import HexError

__all__ = ["HexError", "parse_hex", "parse_hex_int"]


def parse_hex(
    value: object,
    *,
    length: int | None = None,
    what: str = "value",
    prefix_optional: bool = False,
) -> bytes:
    """Bytes of ``0x``-prefixed hex, optionally of exactly ``length`` bytes.

    Args:
        value: The text (anything else is an error).
        length: The required byte length, if any.
        what: How the error message names the value.
        prefix_optional: Accept the hex without ``0x`` too (e.g. a key file).

    Raises:
        HexError: Not a string, no ``0x`` (unless optional), an odd number of digits, a
            non-hex digit, or another length.
    """
    if not isinstance(value, str):
        raise HexError(f"{what}: expected a 0x-prefixed hex string, got {type(value).__name__}")
    text = value.strip()
    if text.startswith(("0x", "0X")):
        text = text[2:]
    elif not prefix_optional:
        raise HexError(f"{what}: expected a 0x-prefixed hex string, got {_short(value)}")
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise HexError(f"{what}: invalid hex {_short(value)}") from None
    if length is not None and len(data) != length:
        raise HexError(f"{what}: expected {length} bytes, got {len(data)}")
    return data


def parse_hex_int(value: object, *, what: str = "value") -> int:
    """The non-negative integer of ``0x``-prefixed hex (big-endian digits, any length).

    Raises:
        HexError: Not a ``0x`` hex string.
    """
    if not isinstance(value, str) or not value.startswith(("0x", "0X")) or len(value) < 3:
        raise HexError(f"{what}: expected a 0x-prefixed hex number, got {_short(value)}")
    try:
        return int(value[2:], 16)
    except ValueError:
        raise HexError(f"{what}: invalid hex {_short(value)}") from None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
