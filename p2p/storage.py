"""A node's durable state in ``DATADIR/state.sqlite3`` (stdlib ``sqlite3``, WAL).

:class:`NodeStorage` is the store's :class:`~eip8025.store.ProofArchive` (verified proof
envelopes on disk, not in RAM; the payloads that met the policy) and the pipeline's
:class:`~eip8025_p2p.pipeline.Journal` (``Seen`` marks, provers caught signing invalid proofs)
and the prover's :class:`~eip8025.signing_protection.SigningProtection` (what it signed).
Everything is keyed by block and pruned at finality like the memory state.

Durability. Every write is its own transaction, committed before the caller goes on (a proof is
on disk before its block can be announced as proven; an acceptance is on disk before the
fork-choice sinks hear of it). The database runs in WAL mode with ``synchronous=NORMAL``: a
committed transaction survives the process being killed (``kill -9``, a crash), because it is in
the WAL file; after a power loss or an OS crash the transactions since the last WAL checkpoint
may be lost (SQLite fsyncs at checkpoints, not at every commit), leaving an older, consistent
state.

The database records the spec profile and the chain it belongs to; opening it for another one
is refused (:class:`NodeStorageError`), so a datadir never mixes two networks.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from eip8025.acceptance import AcceptanceRecord
from eip8025.containers import ExecutionProofEnvelopeBase
from eip8025.errors import Eip8025Error
from eip8025.gossip import ProverKey, Seen
from eip8025.profiles import SpecProfile

__all__ = ["STATE_FILE", "NodeStorage", "NodeStorageError"]

STATE_FILE: Final = "state.sqlite3"
SCHEMA_VERSION: Final = "1"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proofs (
    root BLOB NOT NULL, proof_type INTEGER NOT NULL, slot INTEGER NOT NULL, envelope BLOB NOT NULL,
    PRIMARY KEY (root, proof_type));
CREATE TABLE IF NOT EXISTS accepted (
    root BLOB PRIMARY KEY, slot INTEGER NOT NULL, proof_types TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen_roots (
    root BLOB NOT NULL, proof_root BLOB NOT NULL, slot INTEGER NOT NULL,
    PRIMARY KEY (root, proof_root));
CREATE TABLE IF NOT EXISTS seen_provers (
    root BLOB NOT NULL, proof_type INTEGER NOT NULL, validator INTEGER NOT NULL,
    slot INTEGER NOT NULL, PRIMARY KEY (root, proof_type, validator));
CREATE TABLE IF NOT EXISTS invalid_provers (
    validator INTEGER NOT NULL, root BLOB NOT NULL, proof_type INTEGER NOT NULL,
    slot INTEGER NOT NULL, PRIMARY KEY (validator, root, proof_type));
CREATE TABLE IF NOT EXISTS signed_envelopes (
    validator INTEGER NOT NULL, root BLOB NOT NULL, proof_type INTEGER NOT NULL,
    envelope_root BLOB NOT NULL, slot INTEGER NOT NULL, PRIMARY KEY (validator, root, proof_type));
CREATE INDEX IF NOT EXISTS proofs_slot ON proofs (slot);
CREATE INDEX IF NOT EXISTS seen_roots_slot ON seen_roots (slot);
CREATE INDEX IF NOT EXISTS seen_provers_slot ON seen_provers (slot);
"""
_PRUNED: Final = (
    "proofs",
    "accepted",
    "seen_roots",
    "seen_provers",
    "invalid_provers",
    "signed_envelopes",
)


class NodeStorageError(Eip8025Error):
    """The state file is unusable or belongs to another spec profile or chain."""


class NodeStorage:
    """The SQLite state of one node (see the module docstring). Thread-safe."""

    def __init__(self, path: str | Path, *, profile: SpecProfile, chain: str) -> None:
        """Open (or create) the state file.

        Args:
            path: The database file (``DATADIR/state.sqlite3``).
            profile: The spec profile the node runs (envelopes decode as its type).
            chain: What identifies the chain (e.g. the fork digest, hex).

        Raises:
            NodeStorageError: Unreadable, or made for another profile, chain or schema.
        """
        self.profile = profile
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._check_meta(
                {"schema": SCHEMA_VERSION, "spec_profile": profile.name, "chain": chain}
            )
        except sqlite3.Error as exc:
            raise NodeStorageError(f"{self.path}: {exc}") from None

    def _check_meta(self, expected: dict[str, str]) -> None:
        stored = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        for key, value in expected.items():
            if key in stored and stored[key] != value:
                raise NodeStorageError(
                    f"{self.path} holds the state of {key} {stored[key]!r}, not {value!r}; "
                    "use another --datadir"
                )
            if key not in stored:
                self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        """Close the database (committed writes are kept)."""
        with self._lock:
            self._db.close()

    def _write(self, sql: str, parameters: tuple[object, ...]) -> None:
        with self._lock:
            self._db.execute(sql, parameters)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Several statements, committed together (under the lock)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- ProofArchive --------------------------------------------------------------------------

    def save_proof(self, slot: int, envelope: ExecutionProofEnvelopeBase) -> None:
        """Write a verified envelope (committed when this returns)."""
        self._write(
            "INSERT OR IGNORE INTO proofs (root, proof_type, slot, envelope) VALUES (?, ?, ?, ?)",
            (envelope.beacon_block_root, envelope.proof_type, slot, envelope.encode_bytes()),
        )

    def load_proof(self, beacon_block_root: bytes, proof_type: int) -> ExecutionProofEnvelopeBase:
        """Read an envelope back (KeyError if there is none)."""
        with self._lock:
            row = self._db.execute(
                "SELECT envelope FROM proofs WHERE root = ? AND proof_type = ?",
                (beacon_block_root, proof_type),
            ).fetchone()
        if row is None:
            raise KeyError(f"no proof of type {proof_type} for 0x{beacon_block_root.hex()}")
        return self.profile.ExecutionProofEnvelope.decode_bytes(row[0])

    def save_acceptance(self, record: AcceptanceRecord) -> None:
        """Write that a block met the policy."""
        self._write(
            "INSERT OR REPLACE INTO accepted (root, slot, proof_types) VALUES (?, ?, ?)",
            (record.beacon_block_root, record.slot, json.dumps(list(record.proof_types))),
        )

    def proof_index(self) -> Iterable[tuple[bytes, int, int]]:
        """``(root, proof_type, slot)`` of every stored proof."""
        with self._lock:
            rows = self._db.execute("SELECT root, proof_type, slot FROM proofs").fetchall()
        return [(bytes(root), int(proof_type), int(slot)) for root, proof_type, slot in rows]

    def acceptances(self) -> Iterable[AcceptanceRecord]:
        """Every recorded acceptance."""
        with self._lock:
            rows = self._db.execute("SELECT root, slot, proof_types FROM accepted").fetchall()
        return [
            AcceptanceRecord(bytes(root), int(slot), tuple(json.loads(types)))
            for root, slot, types in rows
        ]

    def prune(self, finalized_slot: int) -> None:
        """Drop everything of blocks below ``finalized_slot`` (proofs, marks, acceptances)."""
        with self._transaction() as db:
            for table in _PRUNED:
                db.execute(f"DELETE FROM {table} WHERE slot < ?", (finalized_slot,))
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('finalized_slot', ?) ON CONFLICT(key) DO "
                "UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                (str(finalized_slot),),
            )

    @property
    def finalized_slot(self) -> int:
        """The highest slot pruned at (0 if never pruned)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'finalized_slot'").fetchone()
        return 0 if row is None else int(row[0])

    # -- Journal -------------------------------------------------------------------------------

    def record_seen(self, prover_key: ProverKey, proof_root: bytes, slot: int) -> None:
        """Write a proof root and its prover attempt as seen."""
        root, proof_type, validator = prover_key
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO seen_roots (root, proof_root, slot) VALUES (?, ?, ?)",
                (root, proof_root, slot),
            )
            db.execute(
                "INSERT OR IGNORE INTO seen_provers (root, proof_type, validator, slot) "
                "VALUES (?, ?, ?, ?)",
                (root, proof_type, validator, slot),
            )

    def record_invalid_prover(self, prover_key: ProverKey, slot: int) -> None:
        """Write that a validator signed a proof the engine found invalid."""
        root, proof_type, validator = prover_key
        self._write(
            "INSERT OR IGNORE INTO invalid_provers (validator, root, proof_type, slot) "
            "VALUES (?, ?, ?, ?)",
            (validator, root, proof_type, slot),
        )

    def invalid_provers(self) -> list[tuple[int, bytes, int, int]]:
        """``(validator, root, proof_type, slot)`` of every recorded invalid proof."""
        with self._lock:
            rows = self._db.execute(
                "SELECT validator, root, proof_type, slot FROM invalid_provers ORDER BY slot"
            ).fetchall()
        return [(int(v), bytes(r), int(t), int(s)) for v, r, t, s in rows]

    def restore_seen(self, seen: Seen) -> int:
        """Load the recorded marks into ``seen``; return the number of blocks."""
        with self._lock:
            roots = self._db.execute("SELECT root, proof_root, slot FROM seen_roots").fetchall()
            provers = self._db.execute(
                "SELECT root, proof_type, validator, slot FROM seen_provers"
            ).fetchall()
        for root, proof_root, slot in roots:
            seen.execution_proof_roots.setdefault(bytes(root), set()).add(bytes(proof_root))
            seen.block_slots[bytes(root)] = int(slot)
        for root, proof_type, validator, slot in provers:
            seen.execution_proof_provers.add((bytes(root), int(proof_type), int(validator)))
            seen.block_slots[bytes(root)] = int(slot)
        return len(seen.block_slots)

    # -- SigningProtection ---------------------------------------------------------------------

    def signed_envelope_root(
        self, validator_index: int, beacon_block_root: bytes, proof_type: int
    ) -> bytes | None:
        """See :meth:`eip8025.signing_protection.SigningProtection.signed_envelope_root`."""
        with self._lock:
            row = self._db.execute(
                "SELECT envelope_root FROM signed_envelopes "
                "WHERE validator = ? AND root = ? AND proof_type = ?",
                (validator_index, beacon_block_root, proof_type),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def record_signing(
        self,
        validator_index: int,
        beacon_block_root: bytes,
        proof_type: int,
        envelope_root: bytes,
        slot: int,
    ) -> bool:
        """Committed before it returns: see ``SigningProtection.record_signing``."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO signed_envelopes "
                "(validator, root, proof_type, envelope_root, slot) VALUES (?, ?, ?, ?, ?)",
                (validator_index, beacon_block_root, proof_type, envelope_root, slot),
            )
            row = db.execute(
                "SELECT envelope_root FROM signed_envelopes "
                "WHERE validator = ? AND root = ? AND proof_type = ?",
                (validator_index, beacon_block_root, proof_type),
            ).fetchone()
        return bytes(row[0]) == envelope_root

    def prune_signings(self, finalized_slot: int) -> None:
        """See :meth:`eip8025.signing_protection.SigningProtection.prune_signings`."""
        self._write("DELETE FROM signed_envelopes WHERE slot < ?", (finalized_slot,))
