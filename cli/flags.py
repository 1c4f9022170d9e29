"""Flags every command shares, and the one parser of each kind of value (argparse ``type=``).

Each parser raises :class:`argparse.ArgumentTypeError` with what it expected, so every command
answers a bad value with one ``eip8025 <command>: error: argument --flag: ...`` line and exit
code 2.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import urllib.parse

__all__ = [
    "MAX_UINT64",
    "add_spec_profile_flag",
    "chain_id",
    "count",
    "genesis_time",
    "http_url",
    "ipv4_port",
    "non_negative_seconds",
    "positive_int",
    "proof_type_id",
    "proof_types",
    "tcp_port",
]

MAX_UINT64 = 2**64 - 1
MAX_GENESIS_AHEAD = 366 * 24 * 3600
"""A genesis time more than a year ahead is a mistake, not a plan."""


def add_spec_profile_flag(parser: argparse.ArgumentParser) -> None:
    """``--spec-profile NAME``: the one setting that selects the spec text (every command)."""
    from eip8025.profiles import DEFAULT_PROFILE, PROFILES

    parser.add_argument(
        "--spec-profile",
        choices=list(PROFILES),
        default=DEFAULT_PROFILE.name,
        help="the EIP-8025 text implemented: "
        + "; ".join(f"{name}: {profile.summary}" for name, profile in PROFILES.items())
        + f" (default {DEFAULT_PROFILE.name})",
    )


def positive_int(text: str) -> int:
    """An integer >= 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def count(text: str) -> int:
    """An integer >= 0."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return int(text)


def non_negative_seconds(text: str) -> float:
    """A finite number of seconds >= 0 (``inf`` and ``nan`` are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected finite seconds >= 0, got {text!r}")
    return value


def tcp_port(text: str) -> int:
    """A TCP port 0..65535 (0: pick one)."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port 0..65535, got {text!r}")
    return int(text)


def ipv4_port(text: str) -> tuple[str, int]:
    """``IPv4:PORT`` (the one HOST:PORT form our listeners take)."""
    host, sep, port = text.rpartition(":")
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected IPv4:PORT, got {text!r}") from None
    if not sep or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected IPv4:PORT, got {text!r}")
    return host, int(port)


def http_url(text: str) -> str:
    """``http(s)://HOST[:PORT][/path]`` with a numeric port, if any."""
    parsed = urllib.parse.urlsplit(text)
    try:
        port = parsed.port
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected http(s)://HOST:PORT, got {text!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname or port == 0:
        raise argparse.ArgumentTypeError(f"expected http(s)://HOST:PORT, got {text!r}")
    return text


def genesis_time(text: str) -> int | str:
    """Unix seconds (not more than a year ahead) or ``stdin``."""
    import time

    if text == "stdin":
        return text
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected unix seconds or 'stdin', got {text!r}")
    if int(text) > time.time() + MAX_GENESIS_AHEAD:
        raise argparse.ArgumentTypeError(f"{text} is more than a year in the future")
    return int(text)


def proof_type_id(text: str) -> int:
    """One proof type id (a ``uint8``: 0..255)."""
    if not text.isdigit() or int(text) > 255:
        raise argparse.ArgumentTypeError(f"expected a proof type id 0..255, got {text!r}")
    return int(text)


def proof_types(text: str) -> tuple[int, ...]:
    """``1,2,3`` or registry names (``ethrex-sp1``) -> ids."""
    from eip8025.config import DEFAULT_REGISTRY

    types: list[int] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.isdigit():
            types.append(proof_type_id(item))
            continue
        try:
            types.append(DEFAULT_REGISTRY.by_name(item).id)
        except KeyError:
            raise argparse.ArgumentTypeError(f"unknown proof type {item!r}") from None
    if not types:
        raise argparse.ArgumentTypeError("no proof types given")
    return tuple(types)


def chain_id(text: str) -> int:
    """A ``DEPOSIT_CHAIN_ID`` (``uint64``)."""
    if not text.isdigit() or int(text) > MAX_UINT64:
        raise argparse.ArgumentTypeError(f"expected a chain id 0..2**64-1, got {text!r}")
    return int(text)
