"""The Beacon API against a real hypercorn server on 127.0.0.1 with a real HTTP client.

The node behind it is a **test double** of :class:`ApiBackend` (:class:`BackendDouble`) around a
real :class:`ProofPipeline` (devnet chain, fake proof engine that accepts padding, a transport
double that records broadcasts).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator, Hashable
from typing import Any

import httpx
import pytest
import trio

from eip8025.bls import default_backend
from eip8025.chain import InMemoryChainView
from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.gossip import Seen
from eip8025.ssz import ProgressiveList
from eip8025.store import ExecutionProofStore
from eip8025.verification import SpecContext
from eip8025_p2p.api import (
    ApiConfig,
    ApiServer,
    BlockRef,
    NodeIdentity,
    PeerInfo,
    SyncStatus,
)
from eip8025_p2p.encoding import PreparedMessage, execution_proof_topic
from eip8025_p2p.node.submitter import ProofSubmitter
from eip8025_p2p.pipeline import ProofPipeline
from tests.gossip_support import CHAIN, MAKER, padded_fake_engine

SSZ = {"Content-Type": "application/octet-stream"}
PROFILE = CHAIN.spec.config.profile
MiB = 1024 * 1024


class RecordingTransport:
    """**Test double** transport: records what the pipeline broadcasts."""

    def __init__(self) -> None:
        self.broadcast_ids: list[bytes] = []

    async def broadcast(self, message: PreparedMessage, exclude: Hashable | None) -> None:
        self.broadcast_ids.append(message.msg_id)

    def penalize(self, source: Hashable) -> None:
        pass

    def mark_seen(self, msg_id: bytes) -> None:
        pass

    def forget(self, msg_id: bytes) -> None:
        pass


@dataclasses.dataclass
class BackendDouble:
    """**Test double** of the node behind the API: a pipeline over devnet blocks 1..3."""

    pipeline: ProofPipeline
    view: InMemoryChainView
    transport: RecordingTransport
    head_slot: int = 3
    ready: bool = True
    syncing: bool = False

    def identity(self) -> NodeIdentity:
        return NodeIdentity("16Uiu2HAmTest", "enr:-test", ["/ip4/127.0.0.1/tcp/9000"], [], 7)

    def peers(self) -> list[PeerInfo]:
        return [
            PeerInfo("16Uiu2HAmA", None, "/ip4/127.0.0.1/tcp/9001", "connected", "outbound"),
            PeerInfo("16Uiu2HAmB", None, "/ip4/127.0.0.1/tcp/9002", "connected", "inbound"),
        ]

    def sync_status(self) -> SyncStatus | None:
        if not self.ready:
            return None
        return SyncStatus(self.head_slot, 5 if self.syncing else 0, self.syncing)

    def resolve_block(self, block_id: str) -> BlockRef | None:
        slots = {"head": self.head_slot, "genesis": 0, "finalized": 0}
        if block_id in slots:
            slot = slots[block_id]
        elif block_id.startswith("0x"):
            root = bytes.fromhex(block_id[2:])
            state = self.view.block_state(root)
            return None if state is None else BlockRef(root, state.slot, False)
        elif block_id.isdigit():
            slot = int(block_id)
        else:
            raise ValueError("not head, finalized, genesis, a slot or a 0x root")
        if slot > self.head_slot:
            return None
        return BlockRef(CHAIN.block(slot).root, slot, slot == 0)


def make_backend() -> BackendDouble:
    view = InMemoryChainView()
    for slot in (1, 2, 3):
        CHAIN.import_block(view, slot)
    ctx = SpecContext(config=CHAIN.spec.config, bls=default_backend())
    pipeline = ProofPipeline(
        ExecutionProofStore(view, ctx),
        Seen(),
        padded_fake_engine(),
        topic=execution_proof_topic(CHAIN.fork_digest),
        head_state=lambda: CHAIN.block(3).state,
    )
    transport = RecordingTransport()
    pipeline.transport = transport
    return BackendDouble(pipeline, view, transport)


@contextlib.asynccontextmanager
async def api(
    config: ApiConfig | None = None, backend: BackendDouble | None = None
) -> AsyncIterator[tuple[BackendDouble, ApiServer, httpx.AsyncClient]]:
    backend = backend or make_backend()
    server = ApiServer(backend, config or ApiConfig(port=0))
    async with backend.pipeline.running(), trio.open_nursery() as nursery:
        url = await nursery.start(server.serve)
        assert url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield backend, server, client
        nursery.cancel_scope.cancel()


def body(*proofs: SignedExecutionProofEnvelopeBase) -> bytes:
    return ProgressiveList(PROFILE.SignedExecutionProofEnvelope).serialize(proofs)


def stored(backend: BackendDouble, slot: int) -> set[int]:
    return set(backend.pipeline.store.execution_proofs.get(CHAIN.block(slot).root, {}))


# -- POST /eth/v1/beacon/execution_proofs ---------------------------------------------------------


async def test_submit_stores_and_broadcasts_and_a_repeat_is_not_an_error() -> None:
    async with api() as (backend, server, client):
        proofs = (MAKER.signed(1, 1, 0), MAKER.signed(1, 2, 1))
        response = await client.post(
            "/eth/v1/beacon/execution_proofs", content=body(*proofs), headers=SSZ
        )
        assert response.status_code == 200, response.text
        assert stored(backend, 1) == {1, 2}
        assert len(backend.transport.broadcast_ids) == 2
        again = await client.post(
            "/eth/v1/beacon/execution_proofs", content=body(*proofs), headers=SSZ
        )
        assert again.status_code == 200, again.text  # already processed: success, not rebroadcast
        assert len(backend.transport.broadcast_ids) == 2
        assert server.counters()["accepted"] == 2
        assert server.counters()["known"] == 2


async def test_one_bad_proof_among_good_ones() -> None:
    async with api() as (backend, _, client):
        proofs = (
            MAKER.signed(2, 1, 0),
            MAKER.signed(2, 2, 1, bad_signature=True),
            MAKER.signed(2, 3, 2),
        )
        response = await client.post(
            "/eth/v1/beacon/execution_proofs", content=body(*proofs), headers=SSZ
        )
        assert response.status_code == 400
        error = response.json()
        assert error["code"] == 400
        assert "1 of 3" in error["message"]
        assert [f["index"] for f in error["failures"]] == [1]
        assert error["failures"][0]["message"].startswith("[REJECT] envelope_invalid:bad_signature")
        assert stored(backend, 2) == {1, 3}  # the good ones are accepted ...
        assert len(backend.transport.broadcast_ids) == 2  # ... and broadcast


async def test_a_proof_that_does_not_decode_is_named_by_index() -> None:
    good = MAKER.signed(3, 1, 0).encode_bytes()
    bad = (200).to_bytes(4, "little") + good[4:]  # the message offset does not end the fixed part
    offsets = (8).to_bytes(4, "little") + (8 + len(good)).to_bytes(4, "little")
    async with api() as (backend, _, client):
        response = await client.post(
            "/eth/v1/beacon/execution_proofs", content=offsets + good + bad, headers=SSZ
        )
        assert response.status_code == 400
        failures = response.json()["failures"]
        assert [f["index"] for f in failures] == [1]
        assert "decode_error" in failures[0]["message"]
        assert stored(backend, 3) == {1}


@pytest.mark.parametrize(
    "payload",
    [b"\x01\x00", b"\x05\x00\x00\x00abcd", b"\x08\x00\x00\x00\x04\x00\x00\x00"],
    ids=["short", "unaligned-offset", "offsets-backwards"],
)
async def test_a_malformed_list_is_400(payload: bytes) -> None:
    async with api() as (_, _, client):
        response = await client.post(
            "/eth/v1/beacon/execution_proofs", content=payload, headers=SSZ
        )
        assert response.status_code == 400
        assert response.json()["message"].startswith("invalid SSZ list")


async def test_a_4_mib_proof_is_accepted() -> None:
    proof = MAKER.signed(1, 5, 0, size=4 * MiB)
    async with api() as (backend, _, client):
        response = await client.post(
            "/eth/v1/beacon/execution_proofs", content=body(proof), headers=SSZ
        )
        assert response.status_code == 200, response.text
        assert stored(backend, 1) == {5}


async def test_content_type_and_size_bounds() -> None:
    config = ApiConfig(port=0, max_proofs_per_request=1)
    async with api(config) as (_, _, client):
        proof = MAKER.signed(1, 1, 0)
        json_post = await client.post("/eth/v1/beacon/execution_proofs", json=[1])
        assert json_post.status_code == 415
        assert json_post.json()["code"] == 415
        untyped = await client.post("/eth/v1/beacon/execution_proofs", content=body(proof))
        assert untyped.status_code == 415
        two = await client.post(
            "/eth/v1/beacon/execution_proofs",
            content=body(proof, MAKER.signed(1, 2, 1)),
            headers=SSZ,
        )
        assert two.status_code == 413
        assert "at most 1" in two.json()["message"]
        huge = await client.post(
            "/eth/v1/beacon/execution_proofs", content=bytes(6 * MiB), headers=SSZ
        )
        assert huge.status_code == 413


async def test_503_before_the_node_has_a_chain() -> None:
    backend = make_backend()
    backend.ready = False
    async with api(backend=backend) as (_, _, client):
        proof = MAKER.signed(1, 1, 0)
        response = await client.post(
            "/eth/v1/beacon/execution_proofs", content=body(proof), headers=SSZ
        )
        assert response.status_code == 503
        assert (await client.get("/eth/v1/node/health")).status_code == 503


async def test_concurrent_uploads() -> None:
    async with api() as (backend, _, client):
        statuses: list[int] = []

        async def upload(proof_type: int, validator: int) -> None:
            proof = MAKER.signed(2, proof_type, validator, size=300 * 1024)
            response = await client.post(
                "/eth/v1/beacon/execution_proofs", content=body(proof), headers=SSZ
            )
            statuses.append(response.status_code)

        async with trio.open_nursery() as nursery:
            for i, proof_type in enumerate((1, 2, 3, 5)):
                nursery.start_soon(upload, proof_type, i)
        assert statuses == [200] * 4
        assert stored(backend, 2) == {1, 2, 3, 5}


async def _slow_upload(url: str, sent: trio.Event, release: trio.Event) -> bytes:
    """Send headers and half a body, wait for ``release``, then read whatever comes back."""
    host, port = url.removeprefix("http://").split(":")
    stream = await trio.open_tcp_stream(host, int(port))
    async with stream:
        payload = body(MAKER.signed(1, 6, 3))
        head = (
            "POST /eth/v1/beacon/execution_proofs HTTP/1.1\r\n"
            f"Host: {host}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        await stream.send_all(head.encode() + payload[: len(payload) // 2])
        sent.set()
        await release.wait()
        reply = b""
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            while b"\r\n\r\n" not in reply:
                chunk = await stream.receive_some()
                if not chunk:
                    break
                reply += chunk
        return reply


async def test_a_slow_uploader_does_not_block_others_and_is_timed_out() -> None:
    config = ApiConfig(port=0, max_concurrent_uploads=2, body_timeout=0.5)
    async with api(config) as (backend, server, client):
        assert server.url is not None
        sent, release = trio.Event(), trio.Event()
        replies: list[bytes] = []

        async def slow() -> None:
            replies.append(await _slow_upload(server.url or "", sent, release))

        async with trio.open_nursery() as nursery:
            nursery.start_soon(slow)
            await sent.wait()
            proof = MAKER.signed(1, 1, 0)
            fast = await client.post(
                "/eth/v1/beacon/execution_proofs", content=body(proof), headers=SSZ
            )
            assert fast.status_code == 200  # while the slow upload holds its place
            release.set()
        assert replies[0].startswith(b"HTTP/1.1 408"), replies[0][:80]
        assert stored(backend, 1) == {1}
        assert server.counters()["slow"] == 1


async def test_uploads_beyond_the_limit_are_answered_503_at_once() -> None:
    config = ApiConfig(port=0, max_concurrent_uploads=1, body_timeout=5.0)
    async with api(config) as (_, server, client):
        sent, release = trio.Event(), trio.Event()
        async with trio.open_nursery() as nursery:

            async def slow() -> None:
                await _slow_upload(server.url or "", sent, release)

            nursery.start_soon(slow)
            await sent.wait()
            with trio.fail_after(10):  # answered without waiting for the slow upload
                while True:
                    busy = await client.post(
                        "/eth/v1/beacon/execution_proofs",
                        content=body(MAKER.signed(1, 1, 0)),
                        headers=SSZ,
                    )
                    if busy.status_code == 503:
                        break
                    await trio.sleep(0.01)  # the slow upload has not reached the handler yet
            assert busy.headers["retry-after"] == "1"
            release.set()
            nursery.cancel_scope.cancel()


# -- GET /eth/v1/beacon/execution_proofs/{block_id} ----------------------------------------------


async def test_get_proofs_of_a_block_as_json_and_ssz() -> None:
    async with api() as (_, _, client):
        proofs = (MAKER.signed(3, 2, 0), MAKER.signed(3, 1, 1))
        await client.post("/eth/v1/beacon/execution_proofs", content=body(*proofs), headers=SSZ)
        root = "0x" + CHAIN.block(3).root.hex()
        for block_id in ("head", "3", root):
            response = await client.get(f"/eth/v1/beacon/execution_proofs/{block_id}")
            assert response.status_code == 200, block_id
            document = response.json()
            assert document["finalized"] is False
            assert document["execution_optimistic"] is False
            data = document["data"]
            assert [d["proof_type"] for d in data] == ["1", "2"]  # quoted, by type
            assert data[0]["beacon_block_root"] == root
            assert data[0]["proof_data"] == "0x" + proofs[1].message.proof_data.hex()
        ssz = await client.get(
            "/eth/v1/beacon/execution_proofs/head", headers={"Accept": "application/octet-stream"}
        )
        assert ssz.headers["content-type"] == "application/octet-stream"
        decoded = ProgressiveList(PROFILE.ExecutionProofEnvelope).deserialize(ssz.content)
        assert list(decoded) == [proofs[1].message, proofs[0].message]
        empty = await client.get("/eth/v1/beacon/execution_proofs/2")
        assert empty.json()["data"] == []
        unknown = await client.get("/eth/v1/beacon/execution_proofs/0x" + "ab" * 32)
        assert unknown.status_code == 404
        assert unknown.json()["code"] == 404
        future = await client.get("/eth/v1/beacon/execution_proofs/99")
        assert future.status_code == 404
        bad = await client.get("/eth/v1/beacon/execution_proofs/latest")
        assert bad.status_code == 400


# -- node endpoints ---------------------------------------------------------------------------


async def test_node_endpoints() -> None:
    async with api() as (backend, _, client):
        identity = (await client.get("/eth/v1/node/identity")).json()["data"]
        assert identity["peer_id"] == "16Uiu2HAmTest"
        assert identity["enr"] == "enr:-test"
        assert identity["metadata"]["seq_number"] == "7"
        assert identity["discovery_addresses"] == []
        peers = (await client.get("/eth/v1/node/peers")).json()
        assert peers["meta"]["count"] == 2
        assert set(peers["data"][0]) == {
            "peer_id",
            "enr",
            "last_seen_p2p_address",
            "state",
            "direction",
        }
        inbound = (await client.get("/eth/v1/node/peers?direction=inbound")).json()
        assert [p["peer_id"] for p in inbound["data"]] == ["16Uiu2HAmB"]
        assert (await client.get("/eth/v1/node/peers?state=bogus")).status_code == 400
        syncing = (await client.get("/eth/v1/node/syncing")).json()["data"]
        assert syncing == {
            "head_slot": "3",
            "sync_distance": "0",
            "is_syncing": False,
            "is_optimistic": False,
            "el_offline": False,
        }
        assert (await client.get("/eth/v1/node/health")).status_code == 200
        backend.syncing = True
        assert (await client.get("/eth/v1/node/health")).status_code == 206
        assert (await client.get("/eth/v1/node/health?syncing_status=299")).status_code == 299
        assert (await client.get("/eth/v1/node/health?syncing_status=99")).status_code == 400
        version = (await client.get("/eth/v1/node/version")).json()["data"]["version"]
        assert version.startswith("eip8025/v")
        v2 = (await client.get("/eth/v2/node/version")).json()["data"]["beacon_node"]
        assert v2["name"] == "eip8025"
        assert v2["code"] == "E8"
        missing = await client.get("/eth/v1/node/nothing")
        assert missing.status_code == 404
        assert missing.json() == {
            "code": 404,
            "message": "Not Found",
        }
        wrong_method = await client.get("/eth/v1/beacon/execution_proofs")
        assert wrong_method.status_code == 405


# -- GET /eth/v1/events ---------------------------------------------------------------------------


async def _read_events(lines: AsyncIterator[str], count: int) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    topic = ""
    async for line in lines:
        if line.startswith("event: "):
            topic = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((topic, json.loads(line.removeprefix("data: "))))
            if len(events) == count:
                break
    return events


async def test_event_stream_shows_verdicts_and_proven_payloads() -> None:
    async with api() as (_, _, client):
        url = "/eth/v1/events?topics=execution_proof,execution_payload_proven"
        async with client.stream("GET", url) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            assert (await lines.__anext__()).startswith(": subscribed to")
            proofs = [MAKER.signed(1, t, i) for i, t in enumerate((1, 2, 3))]
            proofs.append(MAKER.signed(1, 5, 4, bad_signature=True))
            response = await client.post(
                "/eth/v1/beacon/execution_proofs", content=body(*proofs), headers=SSZ
            )
            assert response.status_code == 400
            with trio.fail_after(10):
                events = await _read_events(lines, 5)
        verdicts = [data for topic, data in events if topic == "execution_proof"]
        proven = [data for topic, data in events if topic == "execution_payload_proven"]
        assert sorted((v["proof_type"], v["outcome"]) for v in verdicts) == [
            ("1", "accept"),
            ("2", "accept"),
            ("3", "accept"),
            ("5", "reject"),
        ]
        assert all(v["slot"] == "1" and v["source"] == "api" for v in verdicts)
        assert len(proven) == 1
        assert proven[0]["slot"] == "1"
        assert proven[0]["beacon_block_root"] == "0x" + CHAIN.block(1).root.hex()
        assert sorted(proven[0]["proof_types"]) == ["1", "2", "3"]


async def test_event_stream_refuses_unknown_topics() -> None:
    async with api() as (_, _, client):
        response = await client.get("/eth/v1/events?topics=head,execution_proof")
        assert response.status_code == 400
        assert "head" in response.json()["message"]
        assert (await client.get("/eth/v1/events")).status_code == 400


# -- the prover's submitter against the real server ---------------------------------------------


async def test_submitter_reports_each_proof() -> None:
    async with api() as (backend, server, _):
        assert server.url is not None
        submitter = ProofSubmitter(server.url, max_per_request=2)
        proofs = [
            MAKER.signed(1, 1, 0),
            MAKER.signed(1, 2, 1, bad_signature=True),
            MAKER.signed(1, 3, 2),
        ]
        results = await submitter.submit(proofs)
        assert [r.result for r in results] == ["submitted", "rejected", "submitted"]
        assert "bad_signature" in (results[1].message or "")
        assert stored(backend, 1) == {1, 3}
        assert server.counters()["requests"] == 2  # at most 2 per request


async def test_submitter_retries_then_fails_clearly() -> None:
    backend = make_backend()
    backend.ready = False  # every POST is a 503
    async with api(backend=backend) as (_, server, _):
        submitter = ProofSubmitter(server.url or "", attempts=3, backoff=0.01)
        (result,) = await submitter.submit([MAKER.signed(1, 1, 0)])
        assert result.result == "failed"
        assert result.attempts == 3
        assert result.message is not None
        assert "HTTP 503" in result.message
        backend.ready = True
        (again,) = await submitter.submit([MAKER.signed(1, 1, 0)])
        assert again.result == "submitted"


async def test_submitter_without_a_server() -> None:
    with trio.socket.socket() as sock:  # a port nobody listens on
        await sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    submitter = ProofSubmitter(f"http://127.0.0.1:{port}", attempts=2, backoff=0.01)
    (result,) = await submitter.submit([MAKER.signed(1, 1, 0)])
    assert result.result == "failed"
    assert "ConnectError" in (result.message or "")
