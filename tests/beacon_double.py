"""**Test double** of a beacon node: spec-shaped Beacon API JSON and events for a few Gloas slots.

Not a beacon node. :class:`BeaconNodeDouble` serves the endpoints the follower reads, with the
response shapes of beacon-APIs (``apis/beacon/genesis.yaml``, ``apis/config/spec.yaml``,
``apis/config/fork_schedule.yaml``, ``apis/beacon/blocks/header.yaml``, ``block.v2.yaml``,
``apis/beacon/execution_payload/envelope_get.yaml``, ``apis/beacon/states/*.yaml``,
``apis/node/*.yaml``, ``apis/eventstream/index.yaml``), built from the deterministic devnet chain
(:class:`~eip8025_p2p.devchain.DevnetChain`: consistent headers, bids, states and payload
envelopes) and :func:`~eip8025.api_json.to_api_json`. It runs on hypercorn's trio worker on
127.0.0.1 (port 0) inside the test's nursery.

The test drives it: :meth:`advance` adds blocks (``block`` and ``head`` events, then
``execution_payload``), :meth:`finalize`, :meth:`reorg`; and injects faults: :meth:`go_away` /
:meth:`come_back` (the listener really closes and reopens on the same port), :meth:`stall`
(open event streams stay open and send nothing), ``syncing``, ``failing`` (every request answers
that HTTP status), ``refused_topics`` (a node that answers 400 to some event topics) and
``unanswered_topics`` (a node that never answers a stream request naming them, as Lodestar 1.5.1
does with a topic it does not know).
"""

from __future__ import annotations

import collections
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from eip8025.api_json import to_api_json
from eip8025.chain import StaticStateView
from eip8025.containers import (
    FAR_FUTURE_EPOCH,
    BuilderExitRequest,
    ExecutionPayloadBid,
    SignedExecutionPayloadEnvelope,
)
from eip8025_p2p.devchain import DevBlock, DevnetChain, self_built_block

__all__ = ["BeaconNodeDouble", "fork_child"]

ZERO32 = "0x" + "00" * 32
SIGNATURE = "0x" + "00" * 96
FORK_NAMES = ("GENESIS", "ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS")
TOPICS = {
    "head", "block", "finalized_checkpoint", "chain_reorg", "execution_payload",
    "execution_payload_available", "block_gossip", "attestation",
}  # fmt: skip


def fork_child(chain: DevnetChain, parent: DevBlock, slot: int, salt: str) -> DevBlock:
    """A consistent block at ``slot`` on top of ``parent`` that the devnet chain does not have."""
    other = DevnetChain(dataclasses.replace(chain.spec, seed=chain.spec.seed + salt)).block(slot)
    requests = other.payload_envelope.execution_requests
    payload = other.payload_envelope.payload.copy_with(
        parent_hash=parent.payload_envelope.payload.block_hash
    )
    commitments = other.state.bid_blob_kzg_commitments
    header, envelope = self_built_block(
        slot=slot,
        proposer_index=slot % chain.spec.validator_count,
        parent_root=parent.root,
        state_root=other.header.state_root,
        payload=payload,
        requests=requests,
        commitments=commitments,
    )
    state = dataclasses.replace(
        chain.block(0).state, slot=slot, bid_blob_kzg_commitments=commitments
    )
    return DevBlock(slot, envelope.beacon_block_root, header, state, envelope)


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


@dataclasses.dataclass
class _Stream:
    topics: frozenset[str]
    send: trio.MemorySendChannel[str]
    receive: trio.MemoryReceiveChannel[str]
    stalled: bool = False


class BeaconNodeDouble:
    """**Test double** beacon node over a devnet chain (see the module docstring).

    Args:
        chain: The devnet chain whose blocks it serves (slot 0 is genesis).
        gloas: Serve a Gloas chain (bids, payload envelopes); False: a Fulu chain without them.
        omit_eip8282_fields: Serve ``execution_requests`` as beacon-APIs' ``Electra`` type
            (without ``builder_deposits`` / ``builder_exits``).
    """

    def __init__(
        self, chain: DevnetChain, *, gloas: bool = True, omit_eip8282_fields: bool = True
    ) -> None:
        self.chain = chain
        self.gloas = gloas
        self.omit_eip8282_fields = omit_eip8282_fields
        genesis = chain.block(0)
        self.known: dict[bytes, DevBlock] = {genesis.root: genesis}
        self.canonical: dict[int, DevBlock] = {0: genesis}
        self.head = genesis
        self.revealed: set[bytes] = set()
        self.finalized_epoch = 0
        self.syncing = False
        self.failing: int | None = None
        self.refused_topics: set[str] = set()
        self.unanswered_topics: set[str] = set()
        self.tampered: dict[bytes, str] = {}
        """Block root -> what to falsify in its served envelope: "block_hash" or "requests"."""
        self.requests: collections.Counter[str] = collections.Counter()
        self.streams_opened = 0
        self._streams: list[_Stream] = []
        self._nursery: trio.Nursery | None = None
        self._scope: trio.CancelScope | None = None
        self._stopped = trio.Event()
        self.port = 0
        self.url = ""
        self.app = Starlette(routes=self._routes())

    # -- the chain ----------------------------------------------------------------------------

    def advance(
        self, count: int = 1, *, reveal: bool = True, events: bool = True
    ) -> list[DevBlock]:
        """Add ``count`` blocks on the head (devnet blocks, or fork children after a reorg)."""
        added = []
        for _ in range(count):
            slot = self.head.slot + 1
            block = self.chain.block(slot)
            if block.header.parent_root != self.head.root:
                block = fork_child(self.chain, self.head, slot, "next")
            self._set_head(block, events=events)
            if reveal:
                self.reveal(block, events=events)
            added.append(block)
        return added

    def reveal(self, block: DevBlock, *, events: bool = True) -> None:
        """The block's payload envelope becomes available (``execution_payload`` event)."""
        self.revealed.add(block.root)
        if events and self.gloas:
            self.publish(
                "execution_payload",
                {
                    "slot": str(block.slot),
                    "builder_index": str(block.payload_envelope.builder_index),
                    "block_hash": _hex(block.payload_envelope.payload.block_hash),
                    "block_root": _hex(block.root),
                    "execution_optimistic": False,
                },
            )

    def reorg(self, parent_slot: int, slot: int) -> DevBlock:
        """Make a new block at ``slot`` on the canonical block of ``parent_slot`` the head."""
        old = self.head
        block = fork_child(self.chain, self.canonical[parent_slot], slot, f"reorg-{slot}")
        for stale in [s for s in self.canonical if s > parent_slot]:
            del self.canonical[stale]
        self._set_head(block, events=False)
        self.publish("block", self._block_event(block))
        self.publish(
            "chain_reorg",
            {
                "slot": str(slot),
                "depth": str(old.slot - parent_slot),
                "old_head_block": _hex(old.root),
                "new_head_block": _hex(block.root),
                "old_head_state": _hex(old.header.state_root),
                "new_head_state": _hex(block.header.state_root),
                "epoch": str(slot // self._slots_per_epoch()),
                "execution_optimistic": False,
            },
        )
        self.publish("head", self._head_event(block))
        self.reveal(block)
        return block

    def finalize(self, epoch: int) -> None:
        """Finalize ``epoch`` (a ``finalized_checkpoint`` event)."""
        self.finalized_epoch = epoch
        block = self._finalized_block()
        self.publish(
            "finalized_checkpoint",
            {
                "block": _hex(block.root),
                "state": _hex(block.header.state_root),
                "epoch": str(epoch),
                "execution_optimistic": False,
            },
        )

    def _set_head(self, block: DevBlock, *, events: bool) -> None:
        self.known[block.root] = block
        self.canonical[block.slot] = block
        self.head = block
        if events:
            self.publish("block", self._block_event(block))
            self.publish("head", self._head_event(block))

    def _slots_per_epoch(self) -> int:
        return self.chain.spec.config.preset.SLOTS_PER_EPOCH

    def _finalized_block(self) -> DevBlock:
        start = self.finalized_epoch * self._slots_per_epoch()
        return self.canonical[max(s for s in self.canonical if s <= start)]

    def _block_event(self, block: DevBlock) -> dict[str, Any]:
        return {"slot": str(block.slot), "block": _hex(block.root), "execution_optimistic": False}

    def _head_event(self, block: DevBlock) -> dict[str, Any]:
        return {
            "slot": str(block.slot),
            "block": _hex(block.root),
            "state": _hex(block.header.state_root),
            "epoch_transition": block.slot % self._slots_per_epoch() == 0,
            "previous_duty_dependent_root": ZERO32,
            "current_duty_dependent_root": ZERO32,
            "execution_optimistic": False,
        }

    # -- events and faults ----------------------------------------------------------------------

    def publish(self, topic: str, data: dict[str, Any]) -> None:
        """Send an event to every open stream subscribed to ``topic`` (stalled ones: dropped)."""
        text = f"event: {topic}\ndata: {json.dumps(data)}\n\n"
        for stream in self._streams:
            if topic in stream.topics and not stream.stalled:
                stream.send.send_nowait(text)

    def stall(self) -> None:
        """Every open event stream stays open but sends nothing from now on."""
        for stream in self._streams:
            stream.stalled = True

    @property
    def open_streams(self) -> int:
        """Event streams currently open."""
        return len(self._streams)

    async def start(self, nursery: trio.Nursery) -> str:
        """Serve on 127.0.0.1 (a free port the first time); return the base URL."""
        self._nursery = nursery
        scope = trio.CancelScope()
        stopped = trio.Event()
        self._scope, self._stopped = scope, stopped

        async def run(
            *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED
        ) -> None:
            config = HypercornConfig()
            config.bind = [f"127.0.0.1:{self.port}"]
            config.accesslog = None
            config.errorlog = logging.getLogger("beacon-double")
            config.graceful_timeout = 0.1
            try:
                with scope:
                    app: Any = self.app
                    await serve(app, config, task_status=task_status)
            finally:
                stopped.set()

        binds = await nursery.start(run)
        self.url = binds[0]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self.url

    async def go_away(self) -> None:
        """Stop listening and drop every connection (the node is down)."""
        assert self._scope is not None
        self._scope.cancel()
        for stream in self._streams:
            stream.send.close()
        self._streams.clear()
        await self._stopped.wait()

    async def come_back(self) -> None:
        """Listen again on the same port."""
        assert self._nursery is not None
        await self.start(self._nursery)

    # -- routes ------------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        return [
            Route("/eth/v1/beacon/genesis", self._genesis),
            Route("/eth/v1/config/spec", self._spec),
            Route("/eth/v1/config/fork_schedule", self._fork_schedule),
            Route("/eth/v1/beacon/headers/{block_id}", self._header),
            Route("/eth/v2/beacon/blocks/{block_id}", self._block),
            Route("/eth/v1/beacon/execution_payload_envelopes/{block_id}", self._envelope),
            Route("/eth/v1/beacon/states/{state_id}/finality_checkpoints", self._finality),
            Route("/eth/v1/beacon/states/{state_id}/validators", self._validators),
            Route("/eth/v1/node/identity", self._identity),
            Route("/eth/v1/node/peers", self._peers),
            Route("/eth/v1/node/syncing", self._syncing),
            Route("/eth/v1/events", self._events),
        ]

    def _count(self, name: str) -> Response | None:
        self.requests[name] += 1
        if self.failing is not None:
            return _error(self.failing, "injected failure")
        return None

    def _resolve(self, block_id: str) -> DevBlock | None:
        if block_id == "head":
            return self.head
        if block_id == "genesis":
            return self.canonical[0]
        if block_id == "finalized":
            return self._finalized_block()
        if block_id.startswith("0x"):
            return self.known.get(bytes.fromhex(block_id[2:]))
        return self.canonical.get(int(block_id)) if block_id.isdigit() else None

    async def _genesis(self, request: Request) -> Response:
        genesis = self.chain.block(0).state
        return self._count("genesis") or JSONResponse(
            {
                "data": {
                    "genesis_time": str(self.chain.spec.genesis_time),
                    "genesis_validators_root": _hex(genesis.genesis_validators_root),
                    "genesis_fork_version": "0x00000001",
                }
            }
        )

    def _fork_versions(self) -> list[tuple[str, str]]:
        last = len(FORK_NAMES) if self.gloas else len(FORK_NAMES) - 1
        return [(name, f"0x{i:02x}000001") for i, name in enumerate(FORK_NAMES[:last])]

    async def _spec(self, request: Request) -> Response:
        spec: dict[str, Any] = {
            "PRESET_BASE": "minimal",
            "CONFIG_NAME": "eip8025-beacon-double",
            "SLOTS_PER_EPOCH": str(self._slots_per_epoch()),
            "SECONDS_PER_SLOT": str(self.chain.spec.seconds_per_slot),
            "SLOT_DURATION_MS": str(self.chain.spec.seconds_per_slot * 1000),
            "DEPOSIT_CHAIN_ID": str(self.chain.spec.config.deposit_chain_id),
            "DEPOSIT_NETWORK_ID": str(self.chain.spec.config.deposit_chain_id),
            "MAX_BLOBS_PER_BLOCK_ELECTRA": "9",
            "BLOB_SCHEDULE": [],
            "GLOAS_FORK_VERSION": "0x07000001",
            "GLOAS_FORK_EPOCH": "0" if self.gloas else str(FAR_FUTURE_EPOCH),
        }
        for name, version in self._fork_versions():
            spec[f"{name}_FORK_VERSION"] = version
            if name != "GENESIS":
                spec[f"{name}_FORK_EPOCH"] = "0"
        return self._count("spec") or JSONResponse({"data": spec})

    async def _fork_schedule(self, request: Request) -> Response:
        versions = [version for _, version in self._fork_versions()]
        forks = [
            {"previous_version": versions[max(0, i - 1)], "current_version": v, "epoch": "0"}
            for i, v in enumerate(versions)
        ]
        return self._count("fork_schedule") or JSONResponse({"data": forks})

    async def _header(self, request: Request) -> Response:
        block = self._resolve(request.path_params["block_id"])
        if block is None:
            return self._count("header") or _error(404, "Block not found")
        data = {
            "root": _hex(block.root),
            "canonical": self.canonical.get(block.slot) is block,
            "header": {"message": to_api_json(block.header), "signature": SIGNATURE},
        }
        return self._count("header") or _ok(data)

    async def _block(self, request: Request) -> Response:
        block = self._resolve(request.path_params["block_id"])
        if block is None:
            return self._count("block") or _error(404, "Block not found")
        body: dict[str, Any] = {
            "randao_reveal": SIGNATURE,
            "eth1_data": {"deposit_root": ZERO32, "deposit_count": "0", "block_hash": ZERO32},
            "graffiti": ZERO32,
            "proposer_slashings": [],
            "attester_slashings": [],
            "attestations": [],
            "deposits": [],
            "voluntary_exits": [],
            "sync_aggregate": {
                "sync_committee_bits": "0x" + "00" * 4,
                "sync_committee_signature": SIGNATURE,
            },
            "bls_to_execution_changes": [],
        }
        if self.gloas:
            bid = ExecutionPayloadBid(slot=block.slot, **self._bid_fields(block))
            body["signed_execution_payload_bid"] = {
                "message": to_api_json(bid),
                "signature": SIGNATURE,
            }
            body["payload_attestations"] = []
            body["parent_execution_requests"] = {
                "deposits": [],
                "withdrawals": [],
                "consolidations": [],
            }
        message = {**to_api_json(block.header), "body": body}
        del message["body_root"]
        response = {
            "version": "gloas" if self.gloas else "fulu",
            "execution_optimistic": False,
            "finalized": False,
            "data": {"message": message, "signature": SIGNATURE},
        }
        return self._count("block") or JSONResponse(response)

    def _bid_fields(self, block: DevBlock) -> dict[str, Any]:
        payload = block.payload_envelope.payload
        return {
            "parent_block_hash": payload.parent_hash,
            "parent_block_root": block.header.parent_root,
            "block_hash": payload.block_hash,
            "prev_randao": payload.prev_randao,
            "fee_recipient": payload.fee_recipient,
            "gas_limit": payload.gas_limit,
            "builder_index": 2**64 - 1,
            "value": 0,
            "execution_payment": 0,
            "blob_kzg_commitments": block.state.bid_blob_kzg_commitments,
            "execution_requests_root": block.payload_envelope.execution_requests.hash_tree_root(),
        }

    async def _envelope(self, request: Request) -> Response:
        block = self._resolve(request.path_params["block_id"])
        if not self.gloas:
            return self._count("envelope") or _error(400, "not a Gloas block")
        if block is None or block.root not in self.revealed:
            return self._count("envelope") or _error(404, "Envelope not found")
        envelope = block.payload_envelope
        if self.tampered.get(block.root) == "block_hash":
            envelope = envelope.copy_with(payload=envelope.payload.copy_with(block_hash=bytes(32)))
        elif self.tampered.get(block.root) == "requests":
            exit_request = BuilderExitRequest(source_address=bytes(20), pubkey=bytes(48))
            requests = envelope.execution_requests.copy_with(builder_exits=(exit_request,))
            envelope = envelope.copy_with(execution_requests=requests)
        signed = SignedExecutionPayloadEnvelope(message=envelope, signature=bytes(96))
        data = to_api_json(signed)
        if self.omit_eip8282_fields and not envelope.execution_requests.builder_exits:
            for name in ("builder_deposits", "builder_exits"):
                del data["message"]["execution_requests"][name]
        response = {"version": "gloas", "execution_optimistic": False, "finalized": False}
        return self._count("envelope") or JSONResponse({**response, "data": data})

    async def _finality(self, request: Request) -> Response:
        if self.finalized_epoch == 0:
            finalized = {"epoch": "0", "root": ZERO32}
        else:
            root = _hex(self._finalized_block().root)
            finalized = {"epoch": str(self.finalized_epoch), "root": root}
        data = {"previous_justified": finalized, "current_justified": finalized}
        return self._count("finality") or _ok({**data, "finalized": finalized})

    async def _validators(self, request: Request) -> Response:
        genesis = self.chain.block(0).state
        assert isinstance(genesis, StaticStateView)
        data = [
            {
                "index": str(i),
                "balance": "32000000000",
                "status": "active_ongoing",
                "validator": {
                    "pubkey": _hex(v.pubkey),
                    "withdrawal_credentials": ZERO32,
                    "effective_balance": "32000000000",
                    "slashed": False,
                    "activation_eligibility_epoch": "0",
                    "activation_epoch": str(v.activation_epoch),
                    "exit_epoch": str(v.exit_epoch),
                    "withdrawable_epoch": str(FAR_FUTURE_EPOCH),
                },
            }
            for i, v in reversed(list(enumerate(genesis.validators)))  # any order is allowed
        ]
        return self._count("validators") or _ok(data)

    async def _identity(self, request: Request) -> Response:
        data = {
            "peer_id": "16Uiu2HAmDouble",
            "enr": "enr:-double",
            "p2p_addresses": ["/ip4/127.0.0.1/tcp/9000/p2p/16Uiu2HAmDouble"],
            "discovery_addresses": [],
            "metadata": {"seq_number": "1", "attnets": "0x0000000000000000"},
        }
        return self._count("identity") or JSONResponse({"data": data})

    async def _peers(self, request: Request) -> Response:
        peer = {
            "peer_id": "16Uiu2HAmPeer",
            "enr": None,
            "last_seen_p2p_address": "/ip4/127.0.0.1/tcp/9001",
            "state": "connected",
            "direction": "outbound",
        }
        return self._count("peers") or JSONResponse({"data": [peer], "meta": {"count": 1}})

    async def _syncing(self, request: Request) -> Response:
        data = {
            "head_slot": str(self.head.slot),
            "sync_distance": "5" if self.syncing else "0",
            "is_syncing": self.syncing,
            "is_optimistic": False,
            "el_offline": False,
        }
        return self._count("syncing") or JSONResponse({"data": data})

    async def _events(self, request: Request) -> Response:
        failure = self._count("events")
        if failure is not None:
            return failure
        topics = {t for value in request.query_params.getlist("topics") for t in value.split(",")}
        unknown = topics - (TOPICS - self.refused_topics)
        if not topics or unknown:
            return _error(400, f"Invalid topic: {sorted(unknown)}")
        if topics & self.unanswered_topics:  # as Lodestar 1.5.1 does with a topic it lacks
            await trio.sleep_forever()
        send, receive = trio.open_memory_channel[str](1000)
        stream = _Stream(frozenset(topics), send, receive)
        self._streams.append(stream)
        self.streams_opened += 1

        async def body() -> AsyncIterator[str]:
            try:
                async for text in receive:
                    yield text
            finally:
                if stream in self._streams:
                    self._streams.remove(stream)

        return StreamingResponse(body(), media_type="text/event-stream")


def _ok(data: Any) -> Response:
    return JSONResponse({"execution_optimistic": False, "finalized": False, "data": data})


def _error(status: int, message: str) -> Response:
    return JSONResponse({"code": status, "message": message}, status_code=status)
