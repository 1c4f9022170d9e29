"""The node's SQLite state: what survives a restart, pruning, and refusing a foreign datadir."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from eip8025.gossip import Seen
from eip8025.profiles import PROFILES
from eip8025.store import ExecutionProofStore
from eip8025.testing import RecordingForkChoiceSink
from eip8025_p2p.storage import STATE_FILE, NodeStorage, NodeStorageError
from tests.factories import SLOT, make_world

CHAIN = "01020304"


def open_storage(path: Path, profile_name: str = "2026-10", chain: str = CHAIN) -> NodeStorage:
    return NodeStorage(path / STATE_FILE, profile=PROFILES[profile_name], chain=chain)


def test_proofs_acceptance_and_marks_survive_a_reopen(tmp_path: Path) -> None:
    world = make_world()
    storage = open_storage(tmp_path)
    sink = RecordingForkChoiceSink()
    store = ExecutionProofStore(world.chain, world.ctx, sinks=[sink], archive=storage)
    envelopes = {t: world.envelope(t) for t in (1, 2, 3)}
    for envelope in envelopes.values():
        assert store.store_proof(SLOT, envelope)
    assert len(sink.records) == 1  # 3-of-5 met on the third
    storage.record_seen((world.root, 1, 4), b"\x11" * 32, SLOT)
    storage.record_invalid_prover((world.root, 2, 6), SLOT)
    storage.close()

    again = open_storage(tmp_path)
    resumed_sink = RecordingForkChoiceSink()
    resumed = ExecutionProofStore(world.chain, world.ctx, sinks=[resumed_sink], archive=again)
    assert resumed.proofs(world.root) == envelopes  # read back from disk, decoded
    assert resumed.is_proof_verified(world.root)
    assert resumed.store_proof(SLOT, world.envelope(5))  # a fourth type ...
    assert resumed_sink.records == []  # ... does not announce the block again
    seen = Seen()
    assert again.restore_seen(seen) == 1
    assert seen.execution_proof_provers == {(world.root, 1, 4)}
    assert seen.execution_proof_roots == {world.root: {b"\x11" * 32}}
    assert seen.block_slots == {world.root: SLOT}
    assert again.invalid_provers() == [(6, world.root, 2, SLOT)]
    again.close()


def test_pruning_drops_everything_below_the_slot_and_is_remembered(tmp_path: Path) -> None:
    world = make_world()
    storage = open_storage(tmp_path)
    store = ExecutionProofStore(world.chain, world.ctx, archive=storage)
    for t in (1, 2, 3):
        store.store_proof(SLOT, world.envelope(t))
    storage.record_seen((world.root, 1, 4), b"\x11" * 32, SLOT)
    storage.record_invalid_prover((world.root, 2, 6), SLOT)
    assert store.prune(SLOT + 1) == [world.root]
    storage.prune(SLOT + 1)  # the journal's prune: idempotent with the archive's
    assert storage.finalized_slot == SLOT + 1
    storage.prune(SLOT)  # the finalized slot never decreases
    assert storage.finalized_slot == SLOT + 1
    storage.close()
    database = sqlite3.connect(tmp_path / STATE_FILE)
    for table in ("proofs", "accepted", "seen_roots", "seen_provers", "invalid_provers"):
        assert database.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
    database.close()


def test_proof_bytes_live_on_disk_not_in_the_store(tmp_path: Path) -> None:
    world = make_world()
    storage = open_storage(tmp_path)
    store = ExecutionProofStore(world.chain, world.ctx, archive=storage)
    big = world.envelope(1, proof_data=world.envelope(1).proof_data + bytes(300 * 1024))
    store.store_proof(SLOT, big)
    assert store.execution_proofs == {world.root: {1: SLOT}}  # the index only
    assert store.proofs(world.root)[1] == big
    storage.close()


@pytest.mark.parametrize(
    ("profile_name", "chain", "message"),
    [("2026-08", CHAIN, "spec_profile '2026-10'"), ("2026-10", "aabbccdd", "chain '01020304'")],
)
def test_a_datadir_of_another_profile_or_chain_is_refused(
    tmp_path: Path, profile_name: str, chain: str, message: str
) -> None:
    open_storage(tmp_path).close()
    with pytest.raises(NodeStorageError, match=message):
        open_storage(tmp_path, profile_name, chain)


def test_an_unreadable_state_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(NodeStorageError, match=STATE_FILE):
        open_storage(tmp_path)
