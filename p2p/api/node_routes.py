"""``/eth/v1/node/*`` and ``/eth/v2/node/version`` in the beacon-APIs shapes.

Where a field has no meaning here we say so in README: there is no discv5
(``discovery_addresses`` is empty), no attestation or sync-committee subnets (``attnets`` and
``syncnets`` are all zeros), no execution client (stateless validation: ``el_offline`` is
false, ``is_optimistic`` false).
"""

from __future__ import annotations

import importlib.metadata
import platform
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from eip8025_p2p.api.backend import ApiBackend
from eip8025_p2p.api.errors import ApiError

__all__ = ["NodeRoutes", "version_string"]

PEER_STATES: Final = frozenset({"disconnected", "connecting", "connected", "disconnecting"})
PEER_DIRECTIONS: Final = frozenset({"inbound", "outbound"})


def _package_version() -> str:
    try:
        return importlib.metadata.version("eip8025")
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0+unknown"


def version_string() -> str:
    """``eip8025/<version> (<os> <machine>; <python>)``, like a User-Agent."""
    system = f"{platform.system().lower()} {platform.machine()}"
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"eip8025/v{_package_version()} ({system}; {python})"


def _query_set(request: Request, name: str, allowed: frozenset[str]) -> frozenset[str] | None:
    values = {
        item.strip()
        for value in request.query_params.getlist(name)
        for item in value.split(",")
        if item.strip()
    }
    if not values:
        return None
    unknown = values - allowed
    if unknown:
        raise ApiError(400, f"invalid {name} {sorted(unknown)}; one of {sorted(allowed)}")
    return frozenset(values)


class NodeRoutes:
    """The node endpoints, bound to a node."""

    def __init__(self, backend: ApiBackend) -> None:
        self.backend = backend

    async def identity(self, request: Request) -> Response:
        """``GET /eth/v1/node/identity``."""
        ident = self.backend.identity()
        data: dict[str, Any] = {
            "peer_id": ident.peer_id,
            "enr": ident.enr,
            "p2p_addresses": ident.p2p_addresses,
            "discovery_addresses": ident.discovery_addresses,
            "metadata": {
                "seq_number": str(ident.seq_number),
                "attnets": "0x0000000000000000",
                "syncnets": "0x00",
            },
        }
        return JSONResponse({"data": data})

    async def peers(self, request: Request) -> Response:
        """``GET /eth/v1/node/peers[?state=..][&direction=..]``."""
        states = _query_set(request, "state", PEER_STATES)
        directions = _query_set(request, "direction", PEER_DIRECTIONS)
        data = [
            {
                "peer_id": peer.peer_id,
                "enr": peer.enr,
                "last_seen_p2p_address": peer.last_seen_p2p_address,
                "state": peer.state,
                "direction": peer.direction,
            }
            for peer in self.backend.peers()
            if (states is None or peer.state in states)
            and (directions is None or peer.direction in directions)
        ]
        return JSONResponse({"data": data, "meta": {"count": len(data)}})

    async def health(self, request: Request) -> Response:
        """``GET /eth/v1/node/health[?syncing_status=N]``: 200 ready, 206 syncing, 503 no chain."""
        syncing_code = 206
        raw = request.query_params.get("syncing_status")
        if raw is not None:
            if not raw.isdigit() or not 100 <= int(raw) <= 599:
                raise ApiError(400, f"invalid syncing_status {raw!r}: an HTTP status 100-599")
            syncing_code = int(raw)
        status = self.backend.sync_status()
        if status is None or not status.healthy:
            return Response(status_code=503)
        return Response(status_code=syncing_code if status.is_syncing else 200)

    async def syncing(self, request: Request) -> Response:
        """``GET /eth/v1/node/syncing``."""
        status = self.backend.sync_status()
        if status is None:
            raise ApiError(503, "the node has no chain yet")
        data = {
            "head_slot": str(status.head_slot),
            "sync_distance": str(status.sync_distance),
            "is_syncing": status.is_syncing,
            "is_optimistic": status.is_optimistic,
            "el_offline": status.el_offline,
        }
        return JSONResponse({"data": data})

    async def version(self, request: Request) -> Response:
        """``GET /eth/v1/node/version`` (deprecated upstream, still widely used)."""
        return JSONResponse({"data": {"version": version_string()}})

    async def version_v2(self, request: Request) -> Response:
        """``GET /eth/v2/node/version``: ``ClientVersionV1`` of this node (no execution client)."""
        beacon_node = {
            "code": "E8",
            "name": "eip8025",
            "version": "v" + _package_version(),
            "commit": "0x00000000",
        }
        return JSONResponse({"data": {"beacon_node": beacon_node}})
