"""Spec profiles: one module per pinned EIP-8025 text.

A profile (:class:`SpecProfile`) holds its text's wire types, constants, envelope checks and gossip
rule order. Everything else gets the profile from the :class:`~eip8025.config.SpecConfig` it is
handed; nothing outside this package asks which profile it runs. Adding a text (EIP-8440 chain
proofs, consensus-specs #5643) means adding a module here, registering its ``PROFILE`` in
:data:`PROFILES`, and generating its vectors.

* ``2026-10`` (:mod:`~eip8025.profiles.v2026_10`, the default): master after #5593, #5619, #5639.
* ``2026-08`` (:mod:`~eip8025.profiles.v2026_08`): c63ce15, right after #5566.
"""

from __future__ import annotations

from typing import Final

from eip8025.errors import ConfigError
from eip8025.profiles import v2026_08, v2026_10
from eip8025.profiles.base import EnvelopeVerifier, GossipValidator, SpecProfile

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "EnvelopeVerifier",
    "GossipValidator",
    "SpecProfile",
    "get_profile",
    "profile_names",
]

PROFILES: Final[dict[str, SpecProfile]] = {
    profile.name: profile for profile in (v2026_10.PROFILE, v2026_08.PROFILE)
}
"""Every profile by name, newest first."""
DEFAULT_PROFILE: Final = v2026_10.PROFILE
"""What a node runs unless told otherwise: today's text."""


def profile_names() -> list[str]:
    """The profile names, newest first (for ``--spec-profile`` choices)."""
    return list(PROFILES)


def get_profile(name: str) -> SpecProfile:
    """Return the profile called ``name``.

    Raises:
        ValueError: No such profile (the message lists the known ones).
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"unknown spec profile {name!r}; choose one of {', '.join(PROFILES)}"
        ) from None
