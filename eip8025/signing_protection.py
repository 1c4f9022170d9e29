"""A prover never signs two different proofs for one (validator, block, proof type).

Peers keep only a prover's first proof for ``(beacon_block_root, proof_type, validator_index)``
(the gossip rule "prover's first valid or invalid proof"), and a second, different signed proof
is evidence against the validator. Like a validator's slashing-protection database, the record
of what was signed is written *before* the signature is released, and a durable one survives
restarts (the node's datadir: :class:`~eip8025_p2p.storage.NodeStorage`). Signing the *same*
envelope again is allowed (BLS signatures are deterministic: it is the same signed proof).

:class:`SigningProtection` is the interface; :class:`MemorySigningProtection` keeps the record
for the life of the process (a node without a datadir).
"""

from __future__ import annotations

import threading
from typing import Protocol

__all__ = ["MemorySigningProtection", "SigningProtection"]


class SigningProtection(Protocol):
    """What a prover has signed, by ``(validator_index, beacon_block_root, proof_type)``."""

    def signed_envelope_root(
        self, validator_index: int, beacon_block_root: bytes, proof_type: int
    ) -> bytes | None:
        """The root of the envelope signed for this key, if any."""
        ...

    def record_signing(
        self,
        validator_index: int,
        beacon_block_root: bytes,
        proof_type: int,
        envelope_root: bytes,
        slot: int,
    ) -> bool:
        """Record the envelope about to be signed (durably before returning, when durable).

        Returns:
            True to sign: nothing was signed for this key, or this very envelope. False: a
            different envelope was signed; signing this one is refused.
        """
        ...

    def prune_signings(self, finalized_slot: int) -> None:
        """Forget records of blocks below ``finalized_slot`` (no proof for them is accepted)."""
        ...


class MemorySigningProtection:
    """A :class:`SigningProtection` in a dictionary (thread-safe; lost with the process)."""

    def __init__(self) -> None:
        self._signed: dict[tuple[int, bytes, int], tuple[bytes, int]] = {}
        self._lock = threading.Lock()

    def signed_envelope_root(
        self, validator_index: int, beacon_block_root: bytes, proof_type: int
    ) -> bytes | None:
        """See :meth:`SigningProtection.signed_envelope_root`."""
        entry = self._signed.get((validator_index, beacon_block_root, proof_type))
        return None if entry is None else entry[0]

    def record_signing(
        self,
        validator_index: int,
        beacon_block_root: bytes,
        proof_type: int,
        envelope_root: bytes,
        slot: int,
    ) -> bool:
        """See :meth:`SigningProtection.record_signing`."""
        key = (validator_index, beacon_block_root, proof_type)
        with self._lock:
            entry = self._signed.setdefault(key, (envelope_root, slot))
        return entry[0] == envelope_root

    def prune_signings(self, finalized_slot: int) -> None:
        """See :meth:`SigningProtection.prune_signings`."""
        with self._lock:
            for key in [k for k, (_, slot) in self._signed.items() if slot < finalized_slot]:
                del self._signed[key]
