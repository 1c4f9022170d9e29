"""Wire format of the proof-node HTTP API (the zkboost v0.7 "Proof Node API"), shared by both ends.

Used by :mod:`eip8025_p2p.proof_engine_http` (client) and :mod:`eip8025_p2p.proof_node` (server).
What goes over the wire (checked against zkboost ``openapi.json``, ``crates/types/src/lib.rs``,
``crates/server/src/http/v1/*.rs`` and ``crates/client/src/lib.rs``):

* Roots (``Hash256``) are ``0x`` + 64 hex digits; we always write lowercase.
* Proof types are *names* (``reth-sp1``), case-sensitive; several are joined with ``,`` and the
  server trims whitespace around each. Names map to our ids through
  :class:`eip8025.profile.ProofTypeRegistry`.
* Every error is JSON ``{"code": <http status>, "message": "..."}``.
* The SSE stream carries events ``proof_complete`` (``{"new_payload_request_root", "proof_type"}``)
  and ``proof_failure`` (the same plus ``"reason"`` and ``"error"``); keep-alives are comment lines.

Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from eip8025.profile import ProofTypeRegistry

__all__ = [
    "EVENT_PROOF_COMPLETE",
    "EVENT_PROOF_FAILURE",
    "PATH_PROOFS",
    "PATH_PROOF_REQUESTS",
    "PATH_PROOF_TYPES",
    "PATH_VERIFICATIONS",
    "SSE_KEEPALIVE",
    "FailureReason",
    "ProofEvent",
    "SSEParser",
    "WireError",
    "format_root",
    "parse_proof_type_names",
    "parse_root",
]

PATH_PROOF_REQUESTS: Final = "/v1/execution_proof_requests"
"""``POST``: request proofs (SSZ body). ``GET``: the SSE event stream."""
PATH_PROOFS: Final = "/v1/execution_proofs"
"""``GET {PATH_PROOFS}/{new_payload_request_root}/{proof_type}``: the raw proof bytes."""
PATH_VERIFICATIONS: Final = "/v1/execution_proof_verifications"
"""``POST ?new_payload_request_root=..&proof_type=..`` with the raw proof as body."""
PATH_PROOF_TYPES: Final = "/v1/proof_types"
"""``GET``: the proof types a node serves and what it can do with them."""

EVENT_PROOF_COMPLETE: Final = "proof_complete"
EVENT_PROOF_FAILURE: Final = "proof_failure"
SSE_KEEPALIVE: Final = b":\n\n"
"""An SSE comment line: ignored by clients, keeps idle connections and proxies alive."""

_ROOT_RE: Final = re.compile(r"0x[0-9a-fA-F]{64}")


class WireError(ValueError):
    """A value read from the wire is malformed (the message says which and why)."""


class FailureReason(enum.StrEnum):
    """zkboost ``FailureReason`` (``snake_case`` on the wire)."""

    WITNESS_TIMEOUT = "witness_timeout"
    PROVING_TIMEOUT = "proving_timeout"
    PROVING_ERROR = "proving_error"
    INTERNAL_ERROR = "internal_error"


def format_root(root: bytes) -> str:
    """``Hash256`` as written on the wire: ``0x`` + 64 lowercase hex digits."""
    if len(root) != 32:
        raise ValueError(f"a root is 32 bytes, got {len(root)}")
    return "0x" + root.hex()


def parse_root(text: str) -> bytes:
    """Parse a wire ``Hash256`` (``0x`` prefix required, as the zkboost OpenAPI document states).

    Raises:
        WireError: Not ``0x`` followed by exactly 64 hex digits.
    """
    if not _ROOT_RE.fullmatch(text):
        raise WireError(f"invalid root {text[:80]!r}: expected 0x followed by 64 hex digits")
    return bytes.fromhex(text[2:])


def parse_proof_type_names(text: str, registry: ProofTypeRegistry) -> list[int]:
    """Parse zkboost's comma-separated ``proof_types`` query value into proof type ids.

    Whitespace around each name is trimmed; an empty value gives an empty list (the caller decides
    whether that is an error, as zkboost does). Duplicates are kept so the caller can refuse them.

    Raises:
        WireError: A name is not in the registry (message lists the known names).
    """
    if text == "":
        return []
    ids = []
    for part in text.split(","):
        ids.append(proof_type_id(part.strip(), registry))
    return ids


def proof_type_id(name: str, registry: ProofTypeRegistry) -> int:
    """The id of a wire proof type name.

    Raises:
        WireError: The name is not in the registry (message in zkboost's wording).
    """
    try:
        return registry.by_name(name).id
    except KeyError:
        known = ", ".join(entry.name for entry in registry)
        raise WireError(f"Unsupported proof type `{name}`, expect one of [{known}]") from None


@dataclasses.dataclass(frozen=True)
class ProofEvent:
    """One SSE event: ``proof_complete`` or ``proof_failure``.

    ``proof_type`` stays the wire *name*: a node may announce types our registry does not know, and
    a subscriber that only waits for one type must not fail on those.
    """

    event: str
    new_payload_request_root: bytes
    proof_type: str
    reason: str | None = None
    error: str | None = None

    @property
    def is_complete(self) -> bool:
        """True for ``proof_complete``."""
        return self.event == EVENT_PROOF_COMPLETE

    @classmethod
    def complete(cls, root: bytes, proof_type: str) -> ProofEvent:
        """A ``proof_complete`` event."""
        return cls(EVENT_PROOF_COMPLETE, root, proof_type)

    @classmethod
    def failure(cls, root: bytes, proof_type: str, reason: FailureReason, error: str) -> ProofEvent:
        """A ``proof_failure`` event."""
        return cls(EVENT_PROOF_FAILURE, root, proof_type, reason.value, error)

    def to_json(self) -> str:
        """The event's ``data`` payload, field order as zkboost's serde output."""
        body: dict[str, Any] = {
            "new_payload_request_root": format_root(self.new_payload_request_root),
            "proof_type": self.proof_type,
        }
        if not self.is_complete:
            body["reason"] = self.reason
            body["error"] = self.error
        return json.dumps(body, separators=(",", ":"))

    def to_sse(self) -> bytes:
        """The event framed for a ``text/event-stream`` body."""
        return f"event: {self.event}\ndata: {self.to_json()}\n\n".encode()

    @classmethod
    def from_sse(cls, event: str, data: str) -> ProofEvent:
        """Parse an SSE message (zkboost ``ProofEvent::try_from_parts``).

        Raises:
            WireError: Unknown event name or malformed JSON payload.
        """
        if event not in (EVENT_PROOF_COMPLETE, EVENT_PROOF_FAILURE):
            raise WireError(f"unknown SSE event type: {event[:80]!r}")
        try:
            body = json.loads(data)
        except ValueError as exc:
            raise WireError(f"{event}: data is not JSON ({exc})") from None
        if not isinstance(body, dict):
            raise WireError(f"{event}: data is not a JSON object")
        root = body.get("new_payload_request_root")
        proof_type = body.get("proof_type")
        if not isinstance(root, str) or not isinstance(proof_type, str):
            raise WireError(f"{event}: missing new_payload_request_root or proof_type")
        if event == EVENT_PROOF_COMPLETE:
            return cls.complete(parse_root(root), proof_type)
        reason, error = body.get("reason"), body.get("error")
        if not isinstance(reason, str) or not isinstance(error, str):
            raise WireError(f"{event}: missing reason or error")
        return cls(EVENT_PROOF_FAILURE, parse_root(root), proof_type, reason, error)


class SSEParser:
    """Incremental ``text/event-stream`` parser (WHATWG HTML "event stream interpretation").

    Feed it lines without their terminators; it returns ``(event, data)`` pairs as messages end.
    Comment lines (``:`` prefix, the keep-alives) and fields other than ``event``/``data`` are
    ignored; the event name defaults to ``message``. A message with no ``data`` is not dispatched.
    """

    def __init__(self, max_data_chars: int = 1 << 20) -> None:
        self._event = ""
        self._data: list[str] = []
        self._size = 0
        self._max = max_data_chars

    def feed(self, line: str) -> tuple[str, str] | None:
        """Consume one line; return a complete message, if this line ended one.

        Raises:
            WireError: A message's data grew beyond ``max_data_chars``.
        """
        if line == "":
            if not self._data:
                self._event = ""
                return None
            message = (self._event or "message", "\n".join(self._data))
            self._event, self._data, self._size = "", [], 0
            return message
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._size += len(value) + 1
            if self._size > self._max:
                raise WireError("SSE message is too large")
            self._data.append(value)
        return None

    def feed_all(self, lines: Iterable[str]) -> Iterator[tuple[str, str]]:
        """Parse a sequence of lines (convenience for tests and sync readers)."""
        for line in lines:
            message = self.feed(line)
            if message is not None:
                yield message
