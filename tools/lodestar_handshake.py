"""Interop check: complete the eth2 req/resp handshake with a real Lodestar and stay connected.

Start Lodestar with ``../shared/tools/lodestar-dev`` (``install.sh``, then
``LIFETIME_S=300 run-dev.sh``), then::

    python tools/lodestar_handshake.py [--duration 60] [--inbound-duration 0] [--log PATH]

Our Status comes from Lodestar's Beacon API (genesis, fork, head, finalized checkpoint; the fork
digest is ``compute_fork_digest(current_version, genesis_validators_root)`` of a pre-fulu
chain) and follows its head while we run. Phase 1 (``--duration`` s): our host dials Lodestar
and keeps the connection. Phase 2 (``--inbound-duration`` s, optional): Lodestar dials us
(``POST /eth/v1/lodestar/connect_peer``), so it is the side that sends Status first. Every
exchange (Status, MetaData, Ping, Goodbye, both directions) is logged with its timing; every
``--check`` seconds Lodestar's ``/eth/v1/node/peers`` is asked whether it lists us as
connected. Each phase ends with our Goodbye(1) and a summary line.

Exit code 0: every phase stayed connected for its whole duration, completed the handshake and
Lodestar listed us as connected; 1 otherwise; 2: Lodestar's API unreachable. Network traffic
stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import time
from typing import Any

import httpx
import multiaddr
import trio
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr

from eip8025.signing import compute_fork_digest
from eip8025_p2p.host import GossipNode
from eip8025_p2p.reqresp import (
    GOODBYE_CLIENT_SHUTDOWN,
    MetaDataV3,
    ReqResp,
    ReqRespConfig,
    StaticStatusSource,
    StatusV2,
)

logger = logging.getLogger("lodestar_handshake")
API_ERRORS = (httpx.HTTPError, KeyError, ValueError)


def hex_bytes(value: str) -> bytes:
    """``0x``-prefixed hex to bytes."""
    return bytes.fromhex(value.removeprefix("0x"))


async def get(client: httpx.AsyncClient, path: str) -> Any:
    """GET a Beacon API path; return its ``data``."""
    response = await client.get(path)
    response.raise_for_status()
    return response.json()["data"]


async def lodestar_status(client: httpx.AsyncClient) -> StatusV2:
    """Our Status, equal to Lodestar's view of its chain."""
    genesis = await get(client, "/eth/v1/beacon/genesis")
    fork = await get(client, "/eth/v1/beacon/states/head/fork")
    head = await get(client, "/eth/v1/beacon/headers/head")
    finality = await get(client, "/eth/v1/beacon/states/head/finality_checkpoints")
    digest = compute_fork_digest(
        hex_bytes(fork["current_version"]), hex_bytes(genesis["genesis_validators_root"]), None
    )
    return StatusV2(
        fork_digest=digest,
        finalized_root=hex_bytes(finality["finalized"]["root"]),
        finalized_epoch=int(finality["finalized"]["epoch"]),
        head_root=hex_bytes(head["root"]),
        head_slot=int(head["header"]["message"]["slot"]),
        earliest_available_slot=0,
    )


async def follow_head(client: httpx.AsyncClient, source: StaticStatusSource, every: float) -> None:
    """Keep our Status equal to Lodestar's head and finalized checkpoint."""
    while True:
        await trio.sleep(every)
        try:
            source.set_status(await lodestar_status(client))
        except API_ERRORS as exc:
            logger.warning("cannot refresh the status from Lodestar: %r", exc)


@dataclasses.dataclass
class Observations:
    """Lodestar's answers about us: (monotonic time, state or None if not listed)."""

    states: list[tuple[float, str | None]] = dataclasses.field(default_factory=list)

    def between(self, start: float, end: float) -> tuple[int, int]:
        """(checks listing us as connected, all checks) in a time window."""
        window = [state for at, state in self.states if start <= at <= end]
        return sum(state == "connected" for state in window), len(window)


async def watch_lodestar(
    client: httpx.AsyncClient, our_id: str, every: float, seen: Observations
) -> None:
    """Ask Lodestar every ``every`` seconds whether it lists us."""
    while True:
        await trio.sleep(every)
        try:
            peers = await get(client, "/eth/v1/node/peers")
        except API_ERRORS as exc:
            logger.warning("Lodestar /eth/v1/node/peers failed: %r", exc)
            continue
        view = next((p for p in peers if p.get("peer_id") == our_id), None)
        seen.states.append((time.monotonic(), None if view is None else view.get("state")))
        logger.info(
            "Lodestar /eth/v1/node/peers lists us: %s",
            "no" if view is None else f"state={view['state']} direction={view['direction']}",
        )


async def hold(
    reqresp: ReqResp, peer_id: ID, phase: str, seconds: float, seen: Observations
) -> bool:
    """Stay connected to ``peer_id`` for ``seconds``, then say Goodbye; log a summary."""
    started = time.monotonic()
    with trio.move_on_after(seconds):
        await reqresp.peers.wait_until(lambda: reqresp.peers.get(peer_id) is None)
    still_connected = reqresp.peers.get(peer_id) is not None
    lifetime = time.monotonic() - started
    if still_connected:
        await reqresp.disconnect(peer_id, GOODBYE_CLIENT_SHUTDOWN)
        with trio.move_on_after(5):
            await reqresp.peers.wait_until(lambda: reqresp.peers.get(peer_id) is None)
    state = reqresp.peers.last_seen(peer_id)
    listed, checks = seen.between(started, started + lifetime)
    rtt = None if state is None or state.last_ping_rtt is None else state.last_ping_rtt * 1000
    logger.info(
        "%s summary: connected %.1f s of %.0f s (%s); handshake %s (status/v%s metadata/v%s); "
        "pings sent %d, received %d, last rtt %s ms; goodbye received %s; Lodestar listed us as "
        "connected in %d of %d checks",
        phase,
        state.lifetime() if state is not None else lifetime,
        seconds,
        "held to the end" if still_connected else "DISCONNECTED EARLY",
        "complete" if state is not None and state.handshake_done else "INCOMPLETE",
        None if state is None else state.status_version,
        None if state is None else state.metadata_version,
        0 if state is None else state.pings_sent,
        0 if state is None else state.pings_received,
        None if rtt is None else round(rtt, 1),
        None if state is None else state.goodbye_received,
        listed,
        checks,
    )
    return still_connected and state is not None and state.handshake_done and listed > 0


async def run(args: argparse.Namespace) -> int:
    """The check; returns the exit code."""
    async with httpx.AsyncClient(base_url=args.api, timeout=5.0) as client:
        try:
            identity = await get(client, "/eth/v1/node/identity")
            status = await lodestar_status(client)
        except API_ERRORS as exc:
            logger.error("Lodestar's Beacon API at %s is not usable: %r", args.api, exc)
            return 2
        address = next(a for a in identity["p2p_addresses"] if "/127.0.0.1/" in a)
        target = info_from_p2p_addr(multiaddr.Multiaddr(address))
        logger.info("Lodestar %s at %s", identity["peer_id"], address)
        logger.info("our status from its API: %s", status)
        source = StaticStatusSource(status, MetaDataV3(seq_number=1))
        node = GossipNode(os.urandom(32), port=args.port)
        reqresp = ReqResp(node.host, source, ReqRespConfig(ping_interval=args.ping_interval))
        seen = Observations()
        results = []
        async with node.running(), reqresp.running(), trio.open_nursery() as nursery:
            our_id = node.peer_id.to_base58()
            logger.info("our peer id %s, listening on %s", our_id, node.addrs[0])
            nursery.start_soon(follow_head, client, source, args.refresh)
            nursery.start_soon(watch_lodestar, client, our_id, args.check, seen)

            logger.info("phase 1: we dial Lodestar and stay %.0f s", args.duration)
            started = time.monotonic()
            with trio.fail_after(15):
                await node.host.connect(target)
            connection = node.host.get_network().get_connections(target.peer_id)[0]
            logger.info(
                "connected in %.1f ms over %s",
                (time.monotonic() - started) * 1000,
                type(connection.muxed_conn).__name__,
            )
            results.append(await hold(reqresp, target.peer_id, "phase 1", args.duration, seen))

            if args.inbound_duration > 0:
                logger.info("phase 2: Lodestar dials us and we stay %.0f s", args.inbound_duration)
                ours = str(node.addrs[0]).split("/p2p/")[0]
                response = await client.post(
                    "/eth/v1/lodestar/connect_peer", params={"peerId": our_id, "multiaddr": ours}
                )
                logger.info("connect_peer answered HTTP %d", response.status_code)
                with trio.fail_after(15):
                    await reqresp.peers.wait_until(
                        lambda: reqresp.peers.get(target.peer_id) is not None
                    )
                results.append(
                    await hold(reqresp, target.peer_id, "phase 2", args.inbound_duration, seen)
                )
            nursery.cancel_scope.cancel()
        return 0 if all(results) else 1


def main() -> int:
    """Parse flags, set up logging, run."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:19596", help="Lodestar's Beacon API")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of phase 1")
    parser.add_argument(
        "--inbound-duration", type=float, default=0.0, help="seconds of phase 2 (0: skip)"
    )
    parser.add_argument("--check", type=float, default=10.0, help="seconds between peer checks")
    parser.add_argument("--refresh", type=float, default=4.0, help="seconds between head reads")
    parser.add_argument(
        "--ping-interval",
        type=float,
        default=20.0,
        help="seconds between our pings (Lodestar pings a peer itself after 15 s of silence)",
    )
    parser.add_argument("--port", type=int, default=0, help="our TCP port (0: any)")
    parser.add_argument("--log", help="also write the log to this file")
    parser.add_argument("--debug", action="store_true", help="DEBUG logs of our packages")
    args = parser.parse_args()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if args.log:
        handlers.append(logging.FileHandler(args.log, mode="w"))
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s.%(msecs)03d %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        handlers=handlers,
    )
    level = logging.DEBUG if args.debug else logging.INFO
    for name in ("lodestar_handshake", "eip8025_p2p.reqresp"):
        logging.getLogger(name).setLevel(level)
    return trio.run(run, args)


if __name__ == "__main__":
    sys.exit(main())
