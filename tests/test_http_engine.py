"""HttpProofEngine against our proof node (hypercorn, in-process, 127.0.0.1:0), plus unit checks.

Every wait is bounded: trio deadlines, or polling real state with a deadline; nothing sleeps to wait
for timing.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import trio

from eip8025.engine import ProofAttributes, ProofEngineUnavailable
from eip8025.native_engine import NativeProofEngine
from eip8025.profile import (
    MAX_PROOF_SIZE,
    STATELESS_INPUT_SCHEMA_ID,
    ExecutionProof,
    PublicInput,
    SSZNewPayloadRequest,
)
from eip8025.proof_engine_config import devnet_mock_config
from eip8025.testing import FakeProofEngine, fake_proof_data
from eip8025_cli import main as cli_main
from eip8025_p2p.proof_engine_http import (
    HttpProofEngine,
    ProofGenerationFailed,
    open_proof_events,
)
from eip8025_p2p.proof_node import (
    EventHub,
    HubFull,
    ProofNodeApp,
    ProofNodeConfig,
    ProofStore,
    serve_proof_node,
)
from eip8025_p2p.proof_node_api import (
    ProofEvent,
    SSEParser,
    WireError,
    format_root,
    parse_proof_type_names,
    parse_root,
)

from .conftest import REPO
from .factories import h, make_payload

CHAIN_ID = 5
SCHEMA = STATELESS_INPUT_SCHEMA_ID
ETHREX_SP1, RETH_SP1 = 2, 5  # served by default; reth-openvm (4) is not


def new_payload_request(block_number: int) -> SSZNewPayloadRequest:
    envelope = make_payload(h("block"))
    return SSZNewPayloadRequest(
        execution_payload=envelope.payload.copy_with(block_number=block_number),
        versioned_hashes=(),
        parent_beacon_block_root=envelope.parent_beacon_block_root,
        execution_requests=envelope.execution_requests,
    )


def public_input(root: bytes, chain_id: int = CHAIN_ID) -> PublicInput:
    return PublicInput(
        new_payload_request_root=root,
        successful_validation=True,
        chain_id=chain_id,
        schema_id=SCHEMA,
    )


@dataclasses.dataclass
class ScriptedEngine(FakeProofEngine):
    """FakeProofEngine (test double) that can fail chosen types and hold generation on a gate."""

    fail_types: frozenset[int] = frozenset()
    gate: threading.Event | None = None

    def get_proof(self, new_payload_request_root: bytes, proof_type: int) -> ExecutionProof:
        if self.gate is not None:
            self.gate.wait(timeout=10)
        if proof_type in self.fail_types:
            raise RuntimeError("zkVM crashed (scripted test failure)")
        return super().get_proof(new_payload_request_root, proof_type)


@dataclasses.dataclass
class Node:
    app: ProofNodeApp
    engine: ScriptedEngine
    url: str

    def http_engine(self, **options: float) -> HttpProofEngine:
        return HttpProofEngine(self.url, chain_id=CHAIN_ID, **options)


async def start_node(
    nursery: trio.Nursery, engine: ScriptedEngine | None = None, **overrides: object
) -> Node:
    engine = engine or ScriptedEngine()
    app = ProofNodeApp(engine, ProofNodeConfig(chain_id=CHAIN_ID, **overrides))
    port = await nursery.start(serve_proof_node, app)
    return Node(app, engine, f"http://127.0.0.1:{port}")


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    with trio.fail_after(timeout):
        while not predicate():
            await trio.sleep(0.005)


async def in_thread(fn: Callable[..., Any], *args: object) -> Any:
    """Call the synchronous engine from a worker thread, as network adapters do."""
    return await trio.to_thread.run_sync(lambda: fn(*args))


# ---------------------------------------------------------------------------------------------
# End to end
# ---------------------------------------------------------------------------------------------


async def test_request_sse_complete_download_verify_valid(nursery: trio.Nursery) -> None:
    node = await start_node(nursery)
    request = new_payload_request(1)
    root = request.hash_tree_root()
    async with httpx.AsyncClient(base_url=node.url) as client:
        async with open_proof_events(client, root) as events:
            with node.http_engine() as engine:
                got = await in_thread(
                    engine.request_proofs,
                    request,
                    CHAIN_ID,
                    SCHEMA,
                    ProofAttributes([ETHREX_SP1, RETH_SP1]),
                )
                assert got == root
                names = set()
                with trio.fail_after(5):
                    async for event in events:
                        assert event.is_complete and event.new_payload_request_root == root
                        names.add(event.proof_type)
                        if names == {"ethrex-sp1", "reth-sp1"}:
                            break
                proof = await in_thread(engine.get_proof, root, RETH_SP1)
                assert isinstance(proof, ExecutionProof)
                assert proof.public_input == public_input(root)
                assert proof.proof_data == fake_proof_data(public_input(root), RETH_SP1)
                assert await in_thread(engine.verify_execution_proof, proof) is True

        raw = await client.get(f"/v1/execution_proofs/{format_root(root)}/reth-sp1")
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "application/octet-stream"
        assert raw.content == proof.proof_data


async def test_get_proof_waits_for_sse_completion(nursery: trio.Nursery) -> None:
    gate = threading.Event()
    node = await start_node(nursery, ScriptedEngine(gate=gate))
    request = new_payload_request(2)
    with node.http_engine() as engine:
        root = await in_thread(
            engine.request_proofs, request, CHAIN_ID, SCHEMA, ProofAttributes([ETHREX_SP1])
        )
        result: list[object] = []

        async def waiter() -> None:
            result.append(await in_thread(engine.get_proof, root, ETHREX_SP1))

        async with trio.open_nursery() as inner:
            inner.start_soon(waiter)
            await wait_until(lambda: len(node.app.hub) == 1)  # get_proof is subscribed, waiting
            gate.set()
        assert isinstance(result[0], ExecutionProof)
        assert result[0].proof_data == fake_proof_data(public_input(root), ETHREX_SP1)


async def test_tampered_or_foreign_proof_is_invalid(nursery: trio.Nursery) -> None:
    node = await start_node(nursery)
    root = h("some payload request")
    good = ExecutionProof(
        proof_data=fake_proof_data(public_input(root), ETHREX_SP1),
        proof_type=ETHREX_SP1,
        public_input=public_input(root),
    )
    tampered = good.copy_with(proof_data=good.proof_data[:-1] + b"\x00")
    with node.http_engine() as engine:
        assert await in_thread(engine.verify_execution_proof, good) is True
        assert await in_thread(engine.verify_execution_proof, tampered) is False
        calls = node.engine.verify_calls
        # A public input the node does not prove: False without asking the node.
        other_chain = good.copy_with(public_input=public_input(root, chain_id=CHAIN_ID + 1))
        failed_validation = good.copy_with(
            public_input=public_input(root).copy_with(successful_validation=False)
        )
        oversized = good.copy_with(proof_data=bytes(MAX_PROOF_SIZE + 1))
        for proof in (other_chain, failed_validation, oversized):
            assert await in_thread(engine.verify_execution_proof, proof) is False
        assert node.engine.verify_calls == calls


async def test_unknown_root_is_404_and_get_proof_times_out(nursery: trio.Nursery) -> None:
    node = await start_node(nursery)
    unknown = h("never requested")
    async with httpx.AsyncClient(base_url=node.url) as client:
        response = await client.get(f"/v1/execution_proofs/{format_root(unknown)}/ethrex-sp1")
    assert response.status_code == 404
    assert response.json() == {
        "code": 404,
        "message": f"proof not found for root {format_root(unknown)} and type ethrex-sp1",
    }
    with node.http_engine() as engine:
        start = time.monotonic()
        with pytest.raises(ProofEngineUnavailable, match=r"within 0\.3 s"):
            await trio.to_thread.run_sync(
                lambda: engine.get_proof(unknown, ETHREX_SP1, timeout=0.3)
            )
        assert time.monotonic() - start < 2


async def test_proof_failure_event_and_get_proof_raises(nursery: trio.Nursery) -> None:
    gate = threading.Event()
    node = await start_node(nursery, ScriptedEngine(fail_types=frozenset({RETH_SP1}), gate=gate))
    request = new_payload_request(3)
    root = request.hash_tree_root()
    async with (
        httpx.AsyncClient(base_url=node.url) as client,
        open_proof_events(client) as events,  # unfiltered
    ):
        with node.http_engine() as engine:
            await in_thread(
                engine.request_proofs,
                request,
                CHAIN_ID,
                SCHEMA,
                ProofAttributes([ETHREX_SP1, RETH_SP1]),
            )
            errors: list[BaseException] = []

            async def waiter() -> None:
                try:
                    await in_thread(engine.get_proof, root, RETH_SP1)
                except ProofGenerationFailed as exc:
                    errors.append(exc)

            async with trio.open_nursery() as inner:
                inner.start_soon(waiter)
                await wait_until(lambda: len(node.app.hub) == 2)
                gate.set()
            assert len(errors) == 1
            assert isinstance(errors[0], ProofGenerationFailed)
            assert errors[0].reason == "proving_error"
            assert "zkVM crashed" in errors[0].error

        received = []
        with trio.fail_after(5):
            async for event in events:
                received.append(event)
                if len(received) == 2:
                    break
    by_type = {event.proof_type: event for event in received}
    assert by_type["ethrex-sp1"].is_complete
    failure = by_type["reth-sp1"]
    assert failure.event == "proof_failure" and failure.reason == "proving_error"
    assert failure.new_payload_request_root == root


async def test_sse_filtered_by_root_and_catch_up(nursery: trio.Nursery) -> None:
    node = await start_node(nursery)
    request_a, request_b = new_payload_request(10), new_payload_request(11)
    root_a, root_b = request_a.hash_tree_root(), request_b.hash_tree_root()
    plan = [(request_a, ETHREX_SP1), (request_b, ETHREX_SP1), (request_a, RETH_SP1)]
    async with httpx.AsyncClient(base_url=node.url) as client:
        async with (
            open_proof_events(client, root_a) as only_a,
            open_proof_events(client) as everything,
        ):
            with node.http_engine() as engine:
                for request, proof_type in plan:
                    await in_thread(
                        engine.request_proofs,
                        request,
                        CHAIN_ID,
                        SCHEMA,
                        ProofAttributes([proof_type]),
                    )
                    with trio.fail_after(5):
                        event = await everything.__anext__()
                    assert event.new_payload_request_root == request.hash_tree_root()
            with trio.fail_after(5):
                first, second = await only_a.__anext__(), await only_a.__anext__()
            assert [(e.new_payload_request_root, e.proof_type) for e in (first, second)] == [
                (root_a, "ethrex-sp1"),
                (root_a, "reth-sp1"),
            ]
        # A late, filtered subscriber first gets the root's completed proofs replayed.
        async with open_proof_events(client, root_b) as late:
            with trio.fail_after(5):
                replay = await late.__anext__()
        assert (replay.new_payload_request_root, replay.proof_type) == (root_b, "ethrex-sp1")


async def test_bad_requests_get_zkboost_style_errors(nursery: trio.Nursery) -> None:
    node = await start_node(nursery, max_request_body=4096)
    body = new_payload_request(20).encode_bytes()
    root = format_root(h("x"))
    cases: list[tuple[str, str, bytes, int, str]] = [
        ("POST", "/v1/execution_proof_requests?proof_types=reth-risc0", body, 400,
         "Unsupported proof type `reth-risc0`"),
        ("POST", "/v1/execution_proof_requests?proof_types=", body, 400,
         "empty proof types in request"),
        ("POST", "/v1/execution_proof_requests", body, 400, "missing field `proof_types`"),
        ("POST", "/v1/execution_proof_requests?proof_types=reth-sp1,%20reth-sp1", body, 400,
         "duplicate proof types in request"),
        ("POST", "/v1/execution_proof_requests?proof_types=reth-openvm", body, 400,
         "no zkVM configured for proof type 'reth-openvm'"),
        ("POST", "/v1/execution_proof_requests?proof_types=reth-sp1", b"\x00" * 16, 400,
         "invalid SSZ body"),
        ("POST", "/v1/execution_proof_requests?proof_types=reth-sp1", bytes(5000), 413,
         "exceeds the limit of 4096 bytes"),
        ("GET", "/v1/execution_proofs/0x1234/reth-sp1", b"", 400, "invalid root"),
        ("GET", f"/v1/execution_proofs/{root}/RETH-SP1", b"", 400, "Unsupported proof type"),
        ("GET", "/v1/execution_proof_requests?new_payload_request_root=abc", b"", 400,
         "invalid root"),
        ("POST", f"/v1/execution_proof_verifications?new_payload_request_root={root}"
         "&proof_type=nope", b"\x01", 400, "Unsupported proof type `nope`"),
        ("POST", f"/v1/execution_proof_verifications?new_payload_request_root={root}"
         "&proof_type=reth-openvm", b"\x01", 404, "unknown proof_type: reth-openvm"),
        ("POST", "/v1/execution_proof_verifications?new_payload_request_root=0xzz"
         "&proof_type=reth-sp1", b"\x01", 400, "invalid root"),
        ("GET", "/v2/nothing", b"", 404, "route not found"),
        ("DELETE", "/v1/execution_proof_requests", b"", 405, "method not allowed"),
    ]  # fmt: skip
    async with httpx.AsyncClient(base_url=node.url) as client:
        for method, url, content, status, message in cases:
            response = await client.request(method, url, content=content)
            assert response.status_code == status, (url, response.text)
            assert response.headers["content-type"] == "application/json"
            answer = response.json()
            assert answer["code"] == status and message in answer["message"], (url, answer)

        listing = (await client.get("/v1/proof_types")).json()
        assert [entry["proof_type"] for entry in listing["proof_types"]] == [
            "ethrex-openvm", "ethrex-sp1", "ethrex-zisk", "reth-sp1", "reth-zisk",
        ]  # fmt: skip
        assert listing["proof_types"][0] == {
            "proof_type": "ethrex-openvm", "kind": "mock", "can_prove": True, "can_verify": True,
        }  # fmt: skip
        async with client.stream("GET", "/v1/execution_proof_requests") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"] == "text/event-stream"
    await wait_until(lambda: len(node.app.hub) == 0)  # the server saw the disconnect


async def test_idle_event_stream_gets_keepalive_comments(nursery: trio.Nursery) -> None:
    node = await start_node(nursery, sse_keepalive_interval=0.05)
    received = b""
    async with (
        httpx.AsyncClient(base_url=node.url) as client,
        client.stream("GET", "/v1/execution_proof_requests") as stream,
    ):
        with trio.fail_after(5):
            async for chunk in stream.aiter_bytes():
                received += chunk
                if received.count(b":\n\n") >= 3:  # the opening comment + two keep-alives
                    break
    assert set(received.split(b":\n\n")) == {b""}


async def test_oversized_proof_body_is_413(nursery: trio.Nursery) -> None:
    node = await start_node(nursery)
    url = (
        f"/v1/execution_proof_verifications?new_payload_request_root={format_root(h('r'))}"
        "&proof_type=reth-sp1"
    )
    async with httpx.AsyncClient(base_url=node.url) as client:
        response = await client.post(url, content=bytes(MAX_PROOF_SIZE + 1))
    assert response.status_code == 413
    assert response.json()["code"] == 413
    assert node.engine.verify_calls == 0


async def test_overload_is_503_and_unavailable(nursery: trio.Nursery) -> None:
    gate = threading.Event()
    node = await start_node(
        nursery,
        ScriptedEngine(gate=gate),
        generation_concurrency=1,
        max_pending_requests=1,
        max_pending_verifications=0,
    )
    requests = [new_payload_request(30 + i) for i in range(3)]
    with node.http_engine() as engine:

        def request(i: int) -> bytes:
            return engine.request_proofs(requests[i], CHAIN_ID, SCHEMA, ProofAttributes([RETH_SP1]))

        await in_thread(request, 0)
        # The only worker holds job 0 (blocked on the gate); job 1 fills the queue.
        await wait_until(lambda: requests[0].hash_tree_root() in node.engine._requests)
        await in_thread(request, 1)
        with pytest.raises(ProofEngineUnavailable, match="HTTP 503: proof request queue is full"):
            await in_thread(request, 2)
        gate.set()

        proof = ExecutionProof(
            proof_data=b"\x01", proof_type=RETH_SP1, public_input=public_input(h("r"))
        )
        with pytest.raises(ProofEngineUnavailable, match="HTTP 503: too many verifications"):
            await in_thread(engine.verify_execution_proof, proof)


async def test_engine_down_is_unavailable_not_invalid(nursery: trio.Nursery) -> None:
    node = await start_node(nursery, ScriptedEngine(down=True))
    proof = ExecutionProof(
        proof_data=b"\x01", proof_type=RETH_SP1, public_input=public_input(h("r"))
    )
    with (
        node.http_engine() as engine,
        pytest.raises(ProofEngineUnavailable, match="HTTP 503: proof engine unavailable"),
    ):
        await in_thread(engine.verify_execution_proof, proof)


# ---------------------------------------------------------------------------------------------
# A node that is not there, hangs, or talks nonsense
# ---------------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_closed_port_is_unavailable_quickly() -> None:
    proof = ExecutionProof(
        proof_data=b"\x01", proof_type=RETH_SP1, public_input=public_input(h("r"))
    )
    request = new_payload_request(40)
    url = f"http://127.0.0.1:{closed_port()}"
    with HttpProofEngine(url, chain_id=CHAIN_ID, connect_timeout=0.5) as engine:
        start = time.monotonic()
        calls: list[Callable[[], object]] = [
            lambda: engine.verify_execution_proof(proof),
            lambda: engine.request_proofs(request, CHAIN_ID, SCHEMA, ProofAttributes([RETH_SP1])),
            lambda: engine.get_proof(h("r"), RETH_SP1, timeout=1.0),
        ]
        for call in calls:
            with pytest.raises(ProofEngineUnavailable, match="ConnectError"):
                await trio.to_thread.run_sync(call)
        assert time.monotonic() - start < 3


async def _serve_raw(nursery: trio.Nursery, reply: bytes | None) -> str:
    """A TCP server that answers every connection with ``reply`` (None: never answers)."""

    async def handler(stream: trio.SocketStream) -> None:
        async with stream:
            await stream.receive_some(65536)
            if reply is None:
                await trio.sleep_forever()
            await stream.send_all(reply)

    listeners = await nursery.start(functools.partial(trio.serve_tcp, handler, 0, host="127.0.0.1"))
    return f"http://127.0.0.1:{listeners[0].socket.getsockname()[1]}"


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        (None, "ReadTimeout"),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello", "malformed answer"),
        (b'HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n{"status":1}', "unexpected status"),
        (b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n", "HTTP 502"),
        (b"garbage\r\n\r\n", "RemoteProtocolError"),
    ],
)
async def test_hanging_or_broken_node_is_unavailable(
    nursery: trio.Nursery, reply: bytes | None, match: str
) -> None:
    url = await _serve_raw(nursery, reply)
    proof = ExecutionProof(
        proof_data=b"\x01", proof_type=RETH_SP1, public_input=public_input(h("r"))
    )
    with HttpProofEngine(url, chain_id=CHAIN_ID, verify_timeout=0.3) as engine:
        start = time.monotonic()
        with pytest.raises(ProofEngineUnavailable, match=match):
            await in_thread(engine.verify_execution_proof, proof)
        assert time.monotonic() - start < 2


async def test_request_proofs_for_another_chain_is_refused_locally() -> None:
    request = new_payload_request(41)
    with HttpProofEngine(f"http://127.0.0.1:{closed_port()}", chain_id=CHAIN_ID) as engine:
        with pytest.raises(ProofEngineUnavailable, match="proves chain_id 5"):
            engine.request_proofs(request, CHAIN_ID + 1, SCHEMA, ProofAttributes([RETH_SP1]))
        with pytest.raises(ValueError, match="at least one proof type"):
            engine.request_proofs(request, CHAIN_ID, SCHEMA, ProofAttributes([]))
        unnamed = ExecutionProof(
            proof_data=b"\x01", proof_type=200, public_input=public_input(h("r"))
        )
        with pytest.raises(ProofEngineUnavailable, match="no name in the registry"):
            engine.verify_execution_proof(unnamed)


# ---------------------------------------------------------------------------------------------
# Units: wire helpers, store, hub
# ---------------------------------------------------------------------------------------------


def test_wire_helpers() -> None:
    root = h("root")
    assert parse_root(format_root(root)) == root
    assert parse_root("0x" + root.hex().upper()) == root
    for bad in (root.hex(), "0x" + root.hex()[:-2], "0x" + "g" * 64):
        with pytest.raises(WireError):
            parse_root(bad)
    from eip8025.profile import DEFAULT_REGISTRY

    assert parse_proof_type_names(" reth-sp1 ,ethrex-zisk", DEFAULT_REGISTRY) == [5, 3]
    assert parse_proof_type_names("", DEFAULT_REGISTRY) == []
    with pytest.raises(WireError, match="expect one of"):
        parse_proof_type_names("reth-sp1,", DEFAULT_REGISTRY)

    failure = ProofEvent.failure(root, "reth-sp1", *_failure_args())
    frame = failure.to_sse().decode()
    assert frame.startswith("event: proof_failure\ndata: {")
    assert json.loads(frame.split("data: ")[1]) == {
        "new_payload_request_root": format_root(root),
        "proof_type": "reth-sp1",
        "reason": "proving_timeout",
        "error": "slow",
    }
    parser = SSEParser()
    split_data = [  # one JSON payload over two data lines, after comments and an empty message
        'data: {"new_payload_request_root":',
        f'data: "{format_root(root)}","proof_type":"x"}}',
    ]
    lines = [":", "", ": keep-alive", "event: proof_complete", *split_data, "", *frame.split("\n")]
    messages = list(parser.feed_all(lines))
    assert [ProofEvent.from_sse(*m) for m in messages] == [ProofEvent.complete(root, "x"), failure]
    with pytest.raises(WireError):
        ProofEvent.from_sse("proof_complete", "{}")


def _failure_args() -> tuple[object, str]:
    from eip8025_p2p.proof_node_api import FailureReason

    return FailureReason.PROVING_TIMEOUT, "slow"


def test_proof_store_is_lru_by_count_and_bytes() -> None:
    store = ProofStore(max_entries=3, max_bytes=MAX_PROOF_SIZE)
    a, b = h("a"), h("b")
    store.put(a, 1, b"1")
    store.put(a, 2, b"22")
    store.put(b, 1, b"333")
    assert store.get(a, 1) == b"1"  # now most recently used
    store.put(b, 2, b"4444")  # count limit: evicts (a, 2)
    assert (a, 2) not in store and store.types_for(a) == [1] and len(store) == 3
    store.put(b, 3, bytes(MAX_PROOF_SIZE - 4))  # byte limit: evicts (b, 1) and (a, 1)
    assert store.types_for(a) == [] and store.types_for(b) == [2, 3]
    assert store.nbytes == MAX_PROOF_SIZE
    with pytest.raises(ValueError):
        store.put(a, 1, bytes(MAX_PROOF_SIZE + 1))


async def test_event_hub_drops_slow_subscribers_without_blocking() -> None:
    hub = EventHub(max_subscribers=2, queue_size=2)
    slow, filtered = hub.subscribe(None), hub.subscribe(h("other"))
    with pytest.raises(HubFull):
        hub.subscribe(None)
    events = [ProofEvent.complete(h("root"), f"t{i}") for i in range(3)]
    for event in events:
        hub.publish(event)  # never blocks
    assert slow.dropped and not filtered.dropped and len(hub) == 1
    assert [await slow.receive_channel.receive() for _ in range(2)] == events[:2]
    with pytest.raises(trio.EndOfChannel):
        await slow.receive_channel.receive()


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["proof-node", "--listen", "nohost"],
        ["proof-node", "--listen", "127.0.0.1:99999"],
        ["proof-node", "--engine", "gpu"],
        ["proof-node", "--chain-id", "x"],
        ["proof-node", "--bogus"],
    ],
)
def test_cli_bad_flags_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err


async def test_cli_serves_until_sigterm() -> None:
    command = [
        sys.executable, "-m", "eip8025_cli", "proof-node", "--listen", "127.0.0.1:0",
        "--chain-id", "5", "--proof-types", "reth-sp1,reth-zisk",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = await trio.lowlevel.open_process(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env
    )
    try:
        assert process.stdout is not None
        line = b""
        with trio.fail_after(15):
            while not line.endswith(b"\n"):
                chunk = await process.stdout.receive_some(1)
                if not chunk:
                    assert process.stderr is not None
                    stderr = await process.stderr.receive_some(65536)
                    pytest.fail(f"proof-node exited before listening: {stderr.decode()}")
                line += chunk
        text = line.decode()
        assert "engine native" in text and "TEST DOUBLE" not in text
        url = text.split()[3]
        async with httpx.AsyncClient(base_url=url) as client:
            listing = (await client.get("/v1/proof_types")).json()
        assert [e["proof_type"] for e in listing["proof_types"]] == ["reth-sp1", "reth-zisk"]
        process.send_signal(signal.SIGTERM)
        with trio.fail_after(10):
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_cli_bad_proof_engine_file_exits_2_with_one_line(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.json").write_text('{"execution_proofs": [{"proof_type": 999}]}')
    assert cli_main(["proof-node", "--proof-engine", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Uint8" in err


async def test_native_engine_behind_the_proof_node(nursery: trio.Nursery) -> None:
    """HttpProofEngine -> our proof node -> NativeProofEngine (built-in mock, NOT a ZK proof)."""
    native = NativeProofEngine(devnet_mock_config([ETHREX_SP1, RETH_SP1]))
    app = ProofNodeApp(native, ProofNodeConfig(chain_id=CHAIN_ID))
    port = await nursery.start(serve_proof_node, app)
    request = new_payload_request(3)
    with HttpProofEngine(f"http://127.0.0.1:{port}", chain_id=CHAIN_ID) as engine:
        root = await in_thread(
            engine.request_proofs, request, CHAIN_ID, SCHEMA, ProofAttributes([RETH_SP1])
        )
        proof = await in_thread(engine.get_proof, root, RETH_SP1)  # waits on SSE completion
        assert len(proof.proof_data) == 128 * 1024
        assert await in_thread(engine.verify_execution_proof, proof) is True
        assert native.verify_execution_proof(proof)
        tampered = bytearray(proof.proof_data)
        tampered[90] ^= 1
        bad = proof.copy_with(proof_data=bytes(tampered))
        assert await in_thread(engine.verify_execution_proof, bad) is False
