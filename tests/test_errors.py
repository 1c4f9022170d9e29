"""One error root: every error eip8025 raises on purpose is an ``Eip8025Error``; one hex parser."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import eip8025
import eip8025_p2p
from eip8025._native import NativeError
from eip8025.errors import DecodeError, Eip8025Error, HexError, SSZDecodeError
from eip8025.hexbytes import parse_hex, parse_hex_int
from eip8025.profiles import DEFAULT_PROFILE

CONTROL_FLOW = {
    # spec-test runner signals, never raised to an embedding client
    "eip8025_spec_tests.errors.CaseFailure",
    "eip8025_spec_tests.errors.CaseSkip",
    "eip8025_spec_tests.generic_types.GenericTypeUnknown",
}


def our_exception_classes() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for package in (eip8025, eip8025_p2p, importlib.import_module("eip8025_spec_tests")):
        names = [package.__name__] + [
            info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        ]
        for name in names:
            module = importlib.import_module(name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, BaseException) and cls.__module__ == name:
                    found.append(cls)
    return found


def test_every_error_we_define_is_under_the_root() -> None:
    classes = our_exception_classes()
    assert len(classes) > 20  # the walk found them
    outside = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if not issubclass(cls, Eip8025Error)
        and f"{cls.__module__}.{cls.__qualname__}" not in CONTROL_FLOW
    ]
    assert outside == []
    assert issubclass(NativeError, Eip8025Error)


def test_decode_errors_are_ours_and_still_what_callers_caught() -> None:
    from ssz.exceptions import DeserializationError

    with pytest.raises(SSZDecodeError) as caught:
        DEFAULT_PROFILE.SignedExecutionProofEnvelope.decode_bytes(b"\x01\x02")
    assert isinstance(caught.value, Eip8025Error)
    assert isinstance(caught.value, DeserializationError)
    from eip8025.groth16 import G1Point

    with pytest.raises(DecodeError):
        G1Point.decode(b"\x00")
    assert issubclass(DecodeError, ValueError)


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("0x00ff", {}, b"\x00\xff"),
        ("0X00FF", {}, b"\x00\xff"),
        ("0x", {}, b""),
        ("00ff", {"prefix_optional": True}, b"\x00\xff"),
        (" 0x01\n", {"length": 1}, b"\x01"),
    ],
)
def test_parse_hex_accepts(value: str, kwargs: dict[str, object], expected: bytes) -> None:
    assert parse_hex(value, **kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("00ff", {}, "expected a 0x-prefixed hex string"),
        ("0xzz", {}, "invalid hex"),
        ("0x0", {}, "invalid hex"),
        ("0x00", {"length": 32}, "expected 32 bytes, got 1"),
        (5, {}, "got int"),
        (None, {}, "got NoneType"),
    ],
)
def test_parse_hex_refuses(value: object, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(HexError, match=message):
        parse_hex(value, what="--root", **kwargs)  # type: ignore[arg-type]


def test_parse_hex_int() -> None:
    assert parse_hex_int("0x10") == 16
    for bad in ("10", "0x", "0xg", 16):
        with pytest.raises(HexError):
            parse_hex_int(bad)
