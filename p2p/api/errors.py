"""The beacon-APIs error objects (``types/http.yaml``) as Starlette responses."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import JSONResponse

from eip8025.errors import Eip8025Error

__all__ = ["ApiError", "error_response", "indexed_error_response"]


class ApiError(Eip8025Error):
    """Raised by a handler: answered with the beacon-APIs ``ErrorMessage`` of ``status``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """``{"code": status, "message": message}`` (``stacktraces`` are never sent)."""
    return JSONResponse({"code": status, "message": message}, status_code=status, headers=headers)


def indexed_error_response(
    status: int, message: str, failures: Sequence[tuple[int, str]]
) -> JSONResponse:
    """beacon-APIs ``IndexedErrorMessage``: which items of a request failed and why."""
    body = {
        "code": status,
        "message": message,
        "failures": [{"index": index, "message": text} for index, text in failures],
    }
    return JSONResponse(body, status_code=status)
