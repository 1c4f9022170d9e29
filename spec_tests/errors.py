"""How a case handler reports a result other than *passed*."""

from __future__ import annotations

__all__ = ["CaseFailure", "CaseSkip"]


class CaseFailure(Exception):
    """The implementation disagrees with the vector, or the vector is malformed (case FAILED)."""


class CaseSkip(Exception):
    """The case cannot be run here; the message names why (case SKIPPED)."""
