"""The errors of the req/resp package: one root, :class:`ReqRespError`.

Encoding faults (:class:`CodecError`) are what the spec calls *invalid input*: from a request
they are answered with ``InvalidRequest``; from a response they make the response bad server
behaviour. Everything a requester can see is a :class:`RequestError` subclass, so callers that
do not care why a request failed catch that one class.
"""

from __future__ import annotations

from eip8025.errors import Eip8025Error

__all__ = [
    "CodecError",
    "InvalidResponse",
    "ProtocolNotSupported",
    "ReqRespError",
    "RequestError",
    "RequestTimeout",
    "ResponseError",
    "StreamFailed",
]


class ReqRespError(Eip8025Error):
    """Root of every error raised by :mod:`eip8025_p2p.reqresp`."""


class CodecError(ReqRespError):
    """Bytes that are not a valid ``ssz_snappy`` request or response chunk."""


class RequestError(ReqRespError):
    """A request to a peer did not produce a valid successful response."""


class ResponseError(RequestError):
    """The peer answered with a non-success result code (1, 2, 3 or 128..255).

    Attributes:
        code: The result byte.
        message: The peer's ``ErrorMessage``, decoded as UTF-8 with replacement (the spec lets
            it be any bytes).
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"peer answered result code {code}: {message!r}")
        self.code = code
        self.message = message


class RequestTimeout(RequestError):
    """A request deadline passed (stream open, ``TTFB_TIMEOUT`` or ``RESP_TIMEOUT``).

    Attributes:
        stage: ``"open"``, ``"ttfb"`` or ``"resp"``.
    """

    def __init__(self, stage: str, seconds: float) -> None:
        super().__init__(f"{stage} timeout after {seconds:g} s")
        self.stage = stage


class InvalidResponse(RequestError):
    """The peer's response chunk failed validation (a :class:`CodecError` is its cause)."""


class ProtocolNotSupported(RequestError):
    """The peer supports none of the offered protocol ids (multistream-select said ``na``)."""


class StreamFailed(RequestError):
    """The stream or connection failed (reset, early EOF, not connected)."""
