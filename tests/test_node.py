"""``eip8025 node``: flag validation (one error line, exit 2) and nodes running in-process.

The in-process nodes run real py-libp2p hosts on 127.0.0.1 with the built-in devnet mock proof
engine (NOT a zero-knowledge proof). A single node's slot clock runs on trio's ``MockClock``: the
test moves time from slot to slot and waits for the node's events. Nodes that must gossip run on
real time (py-libp2p's heartbeats need it). Every wait is on an emitted event or a node's state,
bounded by ``trio.fail_after``; nothing sleeps for timing.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from libp2p.peer.id import ID
from trio.testing import MockClock

from eip8025.containers import FAR_FUTURE_EPOCH, ENRForkID
from eip8025.prover import ProverIdentity
from eip8025_cli import main
from eip8025_p2p.devchain import DevnetChain, interop_privkey
from eip8025_p2p.enr import ENR
from eip8025_p2p.metrics import parse_exposition, sample_sum
from eip8025_p2p.node import Control, NodeConfig, NodeEvent, ProofNode, build_proof_engine

DEADLINE = 30.0
KEY0 = f"0x{interop_privkey(0):064x}"
KEY1 = f"0x{interop_privkey(1):064x}"


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    try:
        code = main(["node", *argv])
    except SystemExit as exc:  # argparse errors
        code = int(exc.code or 0)
    return code, capsys.readouterr().err.splitlines()


def write_keystore(path: Path, secret: int, password: str) -> Path:
    """An EIP-2335 pbkdf2 keystore (few iterations: a test fixture, not a safe keystore)."""
    salt, iv = os.urandom(32), os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 2, 32)
    encryptor = Cipher(algorithms.AES(key[:16]), modes.CTR(iv)).encryptor()
    message = encryptor.update(secret.to_bytes(32, "big")) + encryptor.finalize()
    keystore = {
        "crypto": {
            "kdf": {
                "function": "pbkdf2",
                "params": {"dklen": 32, "c": 2, "prf": "hmac-sha256", "salt": salt.hex()},
                "message": "",
            },
            "checksum": {
                "function": "sha256",
                "params": {},
                "message": hashlib.sha256(key[16:32] + message).hexdigest(),
            },
            "cipher": {
                "function": "aes-128-ctr",
                "params": {"iv": iv.hex()},
                "message": message.hex(),
            },
        },
        "version": 4,
    }
    path.write_text(json.dumps(keystore))
    return path


def other_network_enr() -> str:
    fork_id = ENRForkID(
        fork_digest=b"\x01\x02\x03\x04",
        next_fork_version=bytes(4),
        next_fork_epoch=FAR_FUTURE_EPOCH,
    )
    secret = hashlib.sha256(b"elsewhere").digest()
    return ENR.create(secret, ip="127.0.0.1", tcp=9000, fork_id=fork_id).to_text()


# -- flag and configuration validation -------------------------------------------------------


BAD_FLAGS: dict[str, tuple[list[str], str]] = {
    "threshold above n": (["--stateless-validation", "--proof-threshold", "6"], "never be met"),
    "threshold above smaller n": (
        ["--stateless-validation", "--proof-types", "1,2", "--proof-threshold", "3"],
        "never be met",
    ),
    "unknown type id": (["--stateless-validation", "--proof-types", "1,2,9"], "[9]"),
    "unknown type name": (["--stateless-validation", "--proof-types", "1,nope"], "'nope'"),
    "duplicate type": (["--stateless-validation", "--proof-types", "1,1,2,3"], "twice"),
    "prover without keys": (["--proof-generation"], "needs --validator-keys"),
    "keys without prover": (["--stateless-validation", "--validator-keys", KEY0], "needs"),
    "wrong key for index": (
        ["--proof-generation", "--validator-keys", f"3:{KEY0}"],
        "not that validator's key",
    ),
    "key not in registry": (["--proof-generation", "--validator-keys", "0x1234"], "not in the"),
    "generate unaccepted type": (
        ["--proof-generation", "--validator-keys", KEY0, "--generate-proof-types", "4"],
        "not accepted types",
    ),
    "byzantine verifier": (["--stateless-validation", "--byzantine"], "needs --proof-generation"),
    "bad listen": (["--stateless-validation", "--listen", "localhost:9000"], "IPv4:PORT"),
    "bad peer": (["--stateless-validation", "--peers", "/ip4/127.0.0.1/tcp/9000"], "--peers"),
    "bad enr": (["--stateless-validation", "--peers", "enr:-AAAA"], "invalid ENR"),
    "peer on another network": (
        ["--stateless-validation", "--peers", other_network_enr()],
        "fork digest",
    ),
    "missing engine file": (
        ["--stateless-validation", "--proof-engine", "/nonexistent/engine.json"],
        "--proof-engine",
    ),
    "ancient genesis": (["--stateless-validation", "--genesis-time", "1000"], "in the past"),
    "bad genesis": (["--stateless-validation", "--genesis-time", "soon"], "'stdin'"),
    "bad metrics port": (["--stateless-validation", "--metrics-port", "70000"], "0..65535"),
}


@pytest.mark.parametrize("case", sorted(BAD_FLAGS))
def test_bad_flags_exit_2_with_one_line(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv, expected = BAD_FLAGS[case]
    code, lines = run_cli(argv, capsys)
    assert code == 2
    assert len(lines) == 1 or lines[0].startswith("usage:"), lines  # argparse adds its usage
    assert lines[-1].startswith("eip8025 node: error: ")
    assert expected in lines[-1]


def test_bad_config_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = tmp_path / "engine.json"
    engine.write_text(json.dumps({"execution_proofs": [{"proof_type": 1, "bogus": 1}]}))
    code, lines = run_cli(["--stateless-validation", "--proof-engine", str(engine)], capsys)
    assert (code, len(lines)) == (2, 1)
    assert "unknown keys" in lines[0]

    # an engine that verifies only 2 of the 5 accepted types cannot carry 3-of-5
    engine.write_text(
        json.dumps(
            {
                "execution_proofs": [
                    {"proof_type": t, "program_vk": "0x01", "backend": "mock"} for t in (1, 2)
                ]
            }
        )
    )
    code, lines = run_cli(["--stateless-validation", "--proof-engine", str(engine)], capsys)
    assert (code, len(lines)) == (2, 1)
    assert "can never be met" in lines[0]

    datadir = tmp_path / "data"
    datadir.mkdir()
    (datadir / "node-key").write_text("not hex\n")
    code, lines = run_cli(["--stateless-validation", "--datadir", str(datadir)], capsys)
    assert (code, len(lines)) == (2, 1)
    assert "node-key" in lines[0]

    keystore = write_keystore(tmp_path / "keystore.json", interop_privkey(2), "secret")
    (tmp_path / "wrong").write_text("not the password\n")
    argv = ["--proof-generation", "--validator-keys", str(keystore)]
    code, lines = run_cli([*argv, "--validator-password-file", str(tmp_path / "wrong")], capsys)
    assert (code, len(lines)) == (2, 1)
    assert "wrong password" in lines[0]
    code, lines = run_cli(argv, capsys)
    assert (code, len(lines)) == (2, 1)
    assert "password file" in lines[0]


def test_keystore_and_raw_keys_and_persistent_node_key(tmp_path: Path) -> None:
    from eip8025_cli import build_parser
    from eip8025_cli.node import build_config

    keystore = write_keystore(tmp_path / "keystore.json", interop_privkey(2), "secret")
    (tmp_path / "password").write_text("secret\n")
    argv = [
        "node",
        "--proof-generation",
        "--validator-keys",
        f"{keystore},{KEY1}",  # index looked up in the devnet registry for both
        "--validator-keys",
        f"4:0x{interop_privkey(4):064x}",
        "--validator-password-file",
        str(tmp_path / "password"),
        "--datadir",
        str(tmp_path / "data"),
    ]
    config = build_config(build_parser().parse_args(argv))
    assert [k.validator_index for k in config.validator_keys] == [2, 1, 4]
    assert (tmp_path / "data" / "node-key").stat().st_mode & 0o777 == 0o600
    again = build_config(build_parser().parse_args(argv))
    assert again.secret == config.secret  # the node key persists in the datadir


# -- nodes in-process --------------------------------------------------------------------------


class Recorder:
    """Collects a node's events; tests wait on predicates over them (no sleeping)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._changed = trio.Event()

    def __call__(self, event: NodeEvent) -> None:
        self.events.append(event.to_json())
        self._changed.set()
        self._changed = trio.Event()

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]

    async def wait(self, predicate: Callable[[], bool], timeout: float = DEADLINE) -> None:
        with trio.fail_after(timeout):
            while not predicate():
                await self._changed.wait()


def node_config(index: int, **overrides: Any) -> NodeConfig:
    base: dict[str, Any] = {
        "secret": hashlib.sha256(f"test-node-{index}".encode()).digest(),
        "seconds_per_slot": 1,
        "name": f"n{index}",
        "validator_count": 8,
        "seed": "test-node",
    }
    base.update(overrides)
    return NodeConfig(**base)


def make_node(config: NodeConfig) -> tuple[ProofNode, Recorder, Control]:
    recorder, control = Recorder(), Control()
    engine = build_proof_engine(None, config.proof_types)
    return ProofNode(config, engine, recorder, control=control), recorder, control


async def test_single_node_proves_accepts_and_serves_metrics(mock_clock: MockClock) -> None:
    """The slot clock on trio's MockClock: the test moves time slot by slot."""
    config = node_config(
        0,
        proof_generation=True,
        validator_keys=(ProverIdentity(0, interop_privkey(0)),),
        slots=2,
        metrics_port=0,
        http_port=0,
        publish_wait=0.0,  # a lone node: no peer will come
    )
    node, events, control = make_node(config)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(node.run)
        await events.wait(lambda: bool(events.of("ready")))
        control.set_genesis(math.floor(time.time()))  # slot 0 is running
        await events.wait(lambda: bool(events.of("genesis")))
        for slot in (1, 2):
            mock_clock.jump(1.0)  # the next slot starts: its block is imported and proven
            await events.wait(lambda s=slot: len(events.of("accepted")) == s)
            await events.wait(lambda s=slot: len(events.of("published")) == 5 * s)
        assert [e["slot"] for e in events.of("block")] == [1, 2]
        ready = events.of("ready")[0]
        async with httpx.AsyncClient() as client:
            text = (await client.get(ready["metrics"])).text
            identity = (await client.get(ready["api"] + "/eth/v1/node/identity")).json()
            head = (await client.get(ready["api"] + "/eth/v1/beacon/execution_proofs/head")).json()
            syncing = (await client.get(ready["api"] + "/eth/v1/node/syncing")).json()
        node.stop.set()
    assert identity["data"]["peer_id"] == ready["peer_id"]
    assert identity["data"]["enr"] == ready["enr"]
    assert [d["proof_type"] for d in head["data"]] == ["1", "2", "3", "5", "6"]
    assert syncing["data"]["head_slot"] == "2"
    assert syncing["data"]["is_syncing"] is False
    chain = DevnetChain(config.devnet_spec(control.genesis or 0))
    accepted = events.of("accepted")
    assert [(e["slot"], e["root"]) for e in accepted] == [
        (s, "0x" + chain.block(s).root.hex()) for s in (1, 2)
    ]
    assert all(len(e["proof_types"]) == 3 and e["latency"] >= 0 for e in accepted)
    published = events.of("published")
    assert {(e["slot"], e["proof_type"]) for e in published} == {
        (s, t) for s in (1, 2) for t in (1, 2, 3, 5, 6)
    }
    assert all(e["result"] == "accept" and e["validator_index"] == 0 for e in published)
    assert ready["roles"] == ["stateless-validation", "proof-generation"]
    assert ready["policy"] == "3-of-5 over [1, 2, 3, 5, 6]"
    samples = list(parse_exposition(text))
    assert sample_sum(samples, "eip8025_payloads_accepted_total") == 2
    assert sample_sum(samples, "eip8025_proofs_published_total") == 10
    assert sample_sum(samples, "eip8025_proof_verification_seconds_count") >= 10
    assert sample_sum(samples, "eip8025_payload_acceptance_latency_seconds_count") == 2
    assert any(name == "eip8025_pending_proofs" for name, _, _ in samples)
    dropped = {
        labels["reason"] for name, labels, _ in samples if name == "eip8025_gossip_dropped_total"
    }
    assert {"duplicates", "graylisted", "not_strict_no_sign", "not_admitted"} <= dropped
    done = events.of("done")[0]
    assert done["payloads_accepted"] == 2
    assert done["stored"] == 10


async def test_prover_does_not_sign_again_what_it_signed_before_a_restart(
    mock_clock: MockClock,
) -> None:
    """What a key signed (the signing protection, e.g. a datadir's) is not proven again."""
    config = node_config(
        0,
        proof_generation=True,
        validator_keys=(ProverIdentity(0, interop_privkey(0)),),
        slots=1,
        publish_wait=0.0,  # a lone node: no peer will come
    )
    node, events, control = make_node(config)
    genesis = math.floor(time.time())
    block = DevnetChain(config.devnet_spec(genesis)).block(1)
    assert node.prover is not None
    for proof_type in (1, 2):  # as a datadir keeps them across a restart
        node.prover.protection.record_signing(0, block.root, proof_type, bytes(32), 1)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(node.run)
        await events.wait(lambda: bool(events.of("ready")))
        control.set_genesis(genesis)
        await events.wait(lambda: bool(events.of("genesis")))
        mock_clock.jump(1.0)
        await events.wait(lambda: len(events.of("published")) == 3)
        await events.wait(lambda: bool(events.of("accepted")))
        node.stop.set()
    assert sorted(e["proof_type"] for e in events.of("published")) == [3, 5, 6]
    assert all(e["result"] == "accept" for e in events.of("published"))


async def test_prover_byzantine_prover_and_late_verifier() -> None:
    """An honest prover (two keys), a byzantine prover and a verifier whose blocks arrive late."""
    honest, h_events, h_control = make_node(
        node_config(
            1,
            stateless_validation=False,
            proof_generation=True,
            generate_proof_types=(1, 2, 3, 5),
            validator_keys=(
                ProverIdentity(1, interop_privkey(1)),
                ProverIdentity(2, interop_privkey(2)),
            ),
            slots=2,
        )
    )
    byzantine, b_events, b_control = make_node(
        node_config(
            2,
            stateless_validation=False,
            proof_generation=True,
            generate_proof_types=(6,),
            validator_keys=(ProverIdentity(3, interop_privkey(3)),),
            byzantine=True,
            slots=2,
        )
    )
    async with trio.open_nursery() as nursery:
        nursery.start_soon(honest.run)
        nursery.start_soon(byzantine.run)
        await h_events.wait(lambda: bool(h_events.of("ready")))
        await b_events.wait(lambda: bool(b_events.of("ready")))
        peers = (h_events.of("ready")[0]["multiaddr"], b_events.of("ready")[0]["multiaddr"])
        # its blocks arrive 0.4 s into the slot: the provers' proofs come first and wait
        verifier, v_events, v_control = make_node(
            node_config(3, slots=2, peers=peers, arrival_delay=0.4)
        )
        nursery.start_soon(verifier.run)
        await v_events.wait(lambda: bool(v_events.of("ready")))
        assert v_events.of("ready")[0]["missing_peers"] == []
        genesis = math.floor(time.time())
        for control in (h_control, b_control, v_control):
            control.set_genesis(genesis)
        await v_events.wait(lambda: len(v_events.of("accepted")) == 2)
        await v_events.wait(
            lambda: sum(e["outcome"] == "reject" for e in v_events.of("verdict")) == 2
        )
        score = verifier.node.pubsub.score(byzantine.node.peer_id, verifier.topic.topic)
        honest_score = verifier.node.pubsub.score(honest.node.peer_id, verifier.topic.topic)
        for node in (honest, byzantine, verifier):
            node.stop.set()
    accepted = v_events.of("accepted")
    assert [e["slot"] for e in accepted] == [1, 2]
    assert all(6 not in e["proof_types"] for e in accepted)
    verdicts = v_events.of("verdict")
    rejects = [e for e in verdicts if e["outcome"] == "reject"]
    assert {(e["slot"], e["proof_type"], e["reason"]) for e in rejects} == {
        (1, 6, "proof_invalid"),
        (2, 6, "proof_invalid"),
    }
    # proofs that arrived before the block waited in the pending queue and were then stored
    early = [e for e in verdicts if e["reason"] == "block_not_seen"]
    assert early
    assert all(e["slot"] in (1, 2) for e in early)
    assert any(e["released"] > 0 for e in v_events.of("block"))
    assert score < 0 == honest_score  # the byzantine prover is penalised, the honest one is not
    assert {e["result"] for e in b_events.of("published")} == {"forged"}
    assert {(e["proof_type"], e["validator_index"]) for e in h_events.of("published")} == {
        (1, 1),
        (2, 2),
        (3, 1),
        (5, 2),
    }


async def test_prover_holds_its_proofs_until_a_peer_is_in_its_mesh() -> None:
    """Signed while no peer is connected (a restarted prover nobody has redialled yet), the
    proofs are held, not published into the void: the verifier that connects later gets them,
    each validated and broadcast once, and no "nobody receives it" alert is raised."""
    prover, p_events, p_control = make_node(
        node_config(
            1,
            stateless_validation=False,
            proof_generation=True,
            validator_keys=(ProverIdentity(1, interop_privkey(1)),),
            slots=1,
            publish_wait=3600.0,  # longer than the test may run: the peer must come first
        )
    )
    verifier, v_events, v_control = make_node(node_config(2, slots=1))
    assert prover.prover is not None
    service = prover.prover
    async with trio.open_nursery() as nursery:
        nursery.start_soon(prover.run)
        nursery.start_soon(verifier.run)
        await p_events.wait(lambda: bool(p_events.of("ready")))
        await v_events.wait(lambda: bool(v_events.of("ready")))
        genesis = math.floor(time.time())
        p_control.set_genesis(genesis)
        v_control.set_genesis(genesis)
        # slot 1 is proven and signed with no peer: held (or, without the hold, published)
        await poll(lambda: service.held > 0 or bool(p_events.of("published")))
        # the peer comes seconds later (redial backoff), when IHAVE gossip no longer offers
        # what was published before: nothing, with the hold
        await poll(lambda: not prover.node.router.mcache.window(prover.topic.topic))
        assert not prover.node.host.get_connected_peers()
        await verifier.node.connect(prover.node.addrs[0])  # the first peer comes later
        await v_events.wait(lambda: sum(e["stored"] for e in v_events.of("verdict")) == 5)
        await p_events.wait(lambda: len(p_events.of("published")) == 5)
        for node in (prover, verifier):
            node.stop.set()
    assert {(e["slot"], e["result"]) for e in p_events.of("published")} == {(1, "accept")}
    stored = [e for e in v_events.of("verdict") if e["stored"]]
    assert sorted(e["proof_type"] for e in stored) == [1, 2, 3, 5, 6]
    assert prover.pipeline.counters.published == 5  # each validated and broadcast once
    assert prover.alerts.counts.get("no_gossip_peers", 0) == 0
    assert service.held == 0


async def test_prover_hold_is_bounded_when_no_peer_comes(mock_clock: MockClock) -> None:
    """With nobody ever to send to, the held proofs are stored and published after
    ``publish_wait`` (virtual time), and the alert says that nobody receives them."""
    # virtual time jumps once every task has waited 0.05 s (not at once: proving runs in a thread)
    mock_clock.autojump_threshold = 0.05
    config = node_config(
        0,
        proof_generation=True,
        validator_keys=(ProverIdentity(0, interop_privkey(0)),),
        slots=1,
        publish_wait=5.0,
    )
    node, events, control = make_node(config)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(node.run)
        await events.wait(lambda: bool(events.of("ready")))
        control.set_genesis(math.floor(time.time()))
        await events.wait(lambda: bool(events.of("block")))  # slot 1: proven, signed, held
        imported = trio.current_time()
        await events.wait(lambda: len(events.of("published")) == 5)
        held = trio.current_time() - imported
        node.stop.set()
    assert held >= 5.0
    assert {e["result"] for e in events.of("published")} == {"accept"}
    assert len(node.store.execution_proofs) == 1  # stored once the hold ended
    assert node.alerts.counts.get("no_gossip_peers") == 5  # one WARNING line, five counted


async def poll(predicate: Callable[[], bool], timeout: float = DEADLINE) -> None:
    """Wait for state without an event to wait on (connection tables), with a deadline."""
    with trio.fail_after(timeout):
        while not predicate():  # noqa: ASYNC110 - no event exists for this state
            await trio.sleep(0.05)


class ChildNode:
    """``eip8025 node`` as a child process (stdin control), for what needs a real process exit."""

    def __init__(self, process: trio.Process) -> None:
        self.process = process
        self._buffer = b""

    @classmethod
    async def start(cls, datadir: Path, port: int = 0) -> ChildNode:
        command = [sys.executable, "-m", "eip8025_cli", "node", "--stateless-validation"]
        command += ["--listen", f"127.0.0.1:{port}", "--datadir", str(datadir)]
        command += ["--genesis-time", "stdin", "--devnet-seed", "test-node"]
        command += ["--devnet-validators", "8", "--seconds-per-slot", "1"]
        process = await trio.lowlevel.open_process(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        return cls(process)

    async def event(self, kind: str) -> dict[str, Any]:
        stdout = self.process.stdout
        assert stdout is not None
        with trio.fail_after(DEADLINE):
            while True:
                while b"\n" in self._buffer:
                    line, self._buffer = self._buffer.split(b"\n", 1)
                    event = json.loads(line)
                    if event["event"] == kind:
                        return event  # type: ignore[no-any-return]
                chunk = await stdout.receive_some()
                assert chunk, f"the node exited before {kind!r}"
                self._buffer += chunk

    async def stop(self) -> int:
        stdin = self.process.stdin
        assert stdin is not None
        await stdin.send_all(b"stop\n")
        await stdin.aclose()
        with trio.fail_after(DEADLINE):
            return await self.process.wait()


async def test_static_peer_is_redialled_after_it_restarts(tmp_path: Path) -> None:
    """A static peer that goes away and comes back (same key and port) is dialled again.

    The peer is a child process: py-libp2p 0.8.1 keeps a stopped host's TCP listener open, so an
    in-process restart on the same port would race against the stale listener.
    """
    child = await ChildNode.start(tmp_path / "peer")
    ready = await child.event("ready")
    port = int(ready["listen"].rsplit(":", 1)[1])
    dialer, dialer_events, _ = make_node(node_config(7, peers=(ready["multiaddr"],)))
    async with trio.open_nursery() as nursery:
        nursery.start_soon(dialer.run)
        await dialer_events.wait(lambda: bool(dialer_events.of("ready")))
        assert dialer_events.of("ready")[0]["missing_peers"] == []
        peer = ID.from_base58(ready["peer_id"])
        assert await child.stop() == 0
        await poll(lambda: peer not in dialer.node.host.get_connected_peers())
        await poll(lambda: dialer.alerts.counts.get("static_peer_lost", 0) == 1)  # said so
        # the same node (key from its datadir, same port) comes back: the dialer reconnects
        child = await ChildNode.start(tmp_path / "peer", port)
        assert (await child.event("ready"))["peer_id"] == ready["peer_id"]
        await poll(lambda: peer in dialer.node.host.get_connected_peers())
        with trio.fail_after(DEADLINE):
            await dialer.node.pubsub.wait_for_peer(peer, timeout=DEADLINE)  # gossip works again
        dialer.stop.set()
    assert await child.stop() == 0
