"""One root for every error eip8025 raises on purpose, so an embedding client can catch ours.

``Eip8025Error`` is the root. The classes below it also derive from the built-in or library
class callers caught before (``ValueError``, ``AssertionError``, py-ssz's exceptions), so existing
``except ValueError`` code keeps working:

- :class:`ConfigError`: a configuration, preset, profile or proof-type registry that is unusable;
- :class:`DecodeError`: bytes, hex or JSON that do not decode (keys, points, roots);
- :class:`SSZDecodeError` / :class:`SSZEncodeError`: strict SSZ (also py-ssz's
  ``DeserializationError`` / ``SerializationError``);
- :class:`HexError`: a ``0x`` hex string that is not one (one parser: :mod:`eip8025.hexbytes`);

and, in their own modules, the gossip outcomes (``GossipIgnore`` / ``GossipReject``), envelope
checks (``EnvelopeInvalid``), engine errors (``ProofEngineError``), policy (``PolicyError``),
keystores (``KeystoreError``), proof-engine files (``ProofEngineConfigError``) and the C
extension's ``NativeError``.
"""

from __future__ import annotations

from ssz.exceptions import DeserializationError, SerializationError

__all__ = [
    "ConfigError",
    "DecodeError",
    "Eip8025Error",
    "HexError",
    "SSZDecodeError",
    "SSZEncodeError",
]


class Eip8025Error(Exception):
    """The root of every error eip8025 raises on purpose."""


class ConfigError(Eip8025Error, ValueError):
    """A configuration, preset, spec profile or proof-type registry is unusable."""


class DecodeError(Eip8025Error, ValueError):
    """Input bytes, hex or JSON do not decode as the expected value."""


class HexError(DecodeError):
    """A string that should be ``0x``-prefixed hex is not (or has the wrong length)."""


class SSZDecodeError(Eip8025Error, DeserializationError):
    """Bytes that are not a valid SSZ serialization of the type (strict decoding)."""


class SSZEncodeError(Eip8025Error, SerializationError):
    """A value that cannot be serialized (over a limit)."""
