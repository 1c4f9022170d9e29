"""Flags every command shares, parsed one way."""

from __future__ import annotations

import argparse

__all__ = ["add_spec_profile_flag"]


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
