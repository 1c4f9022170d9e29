"""Ethereum Node Records (EIP-778, "v4" identity scheme) with the EIP-8025 ``eproof`` key.

A record carries the node's secp256k1 key, its IPv4 address and TCP port (the libp2p address), the
``eth2`` field (an SSZ ``ENRForkID`` holding the fork digest) and ``eproof`` (``Uint8``; a node is
execution-proof aware when the key is present and not zero). py-libp2p has no discv5, so records
are exchanged out of band (``--peers enr:...``) and used to pick and dial peers.

RLP comes from the ``rlp`` package; signatures from ``coincurve`` (libsecp256k1); keccak from
``eth-hash``.
"""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
from collections.abc import Mapping

import base58
import coincurve
import rlp
import rlp.exceptions
from eth_hash.auto import keccak

from eip8025.containers import ENRForkID
from eip8025.errors import Eip8025Error

__all__ = ["ENR", "MAX_ENR_SIZE", "ENRError"]

MAX_ENR_SIZE = 300
_ID_V4 = b"v4"


class ENRError(Eip8025Error, ValueError):
    """A record is malformed, too large, or its signature does not verify."""


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


def _content(seq: int, pairs: Mapping[bytes, bytes]) -> list[bytes]:
    items: list[bytes] = [_int_bytes(seq)]
    for key in sorted(pairs):
        items += [key, pairs[key]]
    return items


@dataclasses.dataclass(frozen=True)
class ENR:
    """A verified node record. Build with :meth:`create`; parse with :meth:`from_text`."""

    seq: int
    pairs: Mapping[bytes, bytes]
    signature: bytes

    @classmethod
    def create(
        cls,
        private_key: bytes,
        *,
        seq: int = 1,
        ip: str | None = None,
        tcp: int | None = None,
        udp: int | None = None,
        fork_id: ENRForkID | None = None,
        eproof: int | None = 1,
    ) -> ENR:
        """Create and sign a record (``private_key`` is a 32-byte secp256k1 secret)."""
        key = coincurve.PrivateKey(private_key)
        pairs: dict[bytes, bytes] = {
            b"id": _ID_V4,
            b"secp256k1": key.public_key.format(compressed=True),
        }
        if ip is not None:
            pairs[b"ip"] = ipaddress.IPv4Address(ip).packed
        if tcp is not None:
            pairs[b"tcp"] = _int_bytes(tcp)
        if udp is not None:
            pairs[b"udp"] = _int_bytes(udp)
        if fork_id is not None:
            pairs[b"eth2"] = fork_id.encode_bytes()
        if eproof is not None:
            if not 0 <= eproof <= 255:
                raise ENRError("eproof is a Uint8")
            pairs[b"eproof"] = _int_bytes(eproof)
        digest = keccak(rlp.encode(_content(seq, pairs)))
        recoverable = key.sign_recoverable(digest, hasher=None)
        record = cls(seq=seq, pairs=pairs, signature=recoverable[:64])
        if len(record.encode()) > MAX_ENR_SIZE:
            raise ENRError("record exceeds 300 bytes")
        return record

    def encode(self) -> bytes:
        """RLP encoding ``[signature, seq, k, v, ...]``."""
        return bytes(rlp.encode([self.signature, *_content(self.seq, self.pairs)]))

    def to_text(self) -> str:
        """The ``enr:`` text form (URL-safe base64 without padding)."""
        return "enr:" + base64.urlsafe_b64encode(self.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, data: bytes) -> ENR:
        """Parse and verify an RLP record."""
        if len(data) > MAX_ENR_SIZE:
            raise ENRError(f"record of {len(data)} bytes exceeds {MAX_ENR_SIZE}")
        try:
            items = rlp.decode(data)
        except rlp.exceptions.RLPException as exc:
            raise ENRError(f"invalid RLP: {exc}") from None
        if not isinstance(items, list) or len(items) < 2 or len(items) % 2:
            raise ENRError("a record is [signature, seq, k, v, ...]")
        if not all(isinstance(item, bytes) for item in items):
            raise ENRError("record items must be byte strings")
        signature, seq_bytes, *rest = items
        if seq_bytes[:1] == b"\x00":
            raise ENRError("seq has a leading zero byte")
        keys = rest[0::2]
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            raise ENRError("keys must be sorted and unique")
        record = cls(
            seq=int.from_bytes(seq_bytes, "big"),
            pairs=dict(zip(keys, rest[1::2], strict=True)),
            signature=signature,
        )
        record.verify()
        return record

    @classmethod
    def from_text(cls, text: str) -> ENR:
        """Parse and verify an ``enr:`` string."""
        if not text.startswith("enr:"):
            raise ENRError("an ENR text starts with 'enr:'")
        body = text[4:]
        try:
            data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError as exc:
            raise ENRError(f"invalid base64: {exc}") from None
        return cls.decode(data)

    def verify(self) -> None:
        """Check the "v4" identity scheme signature (raises ENRError)."""
        if self.pairs.get(b"id") != _ID_V4:
            raise ENRError("only the v4 identity scheme is supported")
        if len(self.signature) != 64:
            raise ENRError("a v4 signature is 64 bytes")
        digest = keccak(rlp.encode(_content(self.seq, self.pairs)))
        try:
            public_key = coincurve.PublicKey(self.public_key)
            der = coincurve.ecdsa.cdata_to_der(coincurve.ecdsa.deserialize_compact(self.signature))
            valid = public_key.verify(der, digest, hasher=None)
        except ValueError:  # malformed key or signature
            valid = False
        if not valid:
            raise ENRError("record signature does not verify")

    @property
    def public_key(self) -> bytes:
        """The 33-byte compressed secp256k1 public key."""
        key = self.pairs.get(b"secp256k1")
        if key is None or len(key) != 33:
            raise ENRError("record has no valid secp256k1 key")
        return key

    @property
    def node_id(self) -> bytes:
        """keccak256 of the uncompressed public key (without the 0x04 prefix)."""
        uncompressed = coincurve.PublicKey(self.public_key).format(compressed=False)
        return keccak(uncompressed[1:])

    @property
    def ip(self) -> str | None:
        """IPv4 address, if present."""
        raw = self.pairs.get(b"ip")
        return str(ipaddress.IPv4Address(raw)) if raw is not None and len(raw) == 4 else None

    @property
    def tcp(self) -> int | None:
        """TCP port, if present."""
        raw = self.pairs.get(b"tcp")
        return int.from_bytes(raw, "big") if raw is not None else None

    @property
    def fork_id(self) -> ENRForkID | None:
        """The decoded ``eth2`` field, if present and well-formed."""
        raw = self.pairs.get(b"eth2")
        if raw is None:
            return None
        try:
            return ENRForkID.decode_bytes(raw)
        except ValueError:
            return None

    @property
    def eproof(self) -> int | None:
        """The ``eproof`` value, if present."""
        raw = self.pairs.get(b"eproof")
        return int.from_bytes(raw, "big") if raw is not None else None

    @property
    def is_eproof_aware(self) -> bool:
        """p2p-interface.md: aware iff ``eproof`` is present and not 0."""
        return bool(self.eproof)

    @property
    def peer_id(self) -> str:
        """The libp2p peer ID of the record's key (identity multihash of the protobuf key)."""
        protobuf_key = b"\x08\x02\x12\x21" + self.public_key  # KeyType.Secp256k1, 33-byte data
        return base58.b58encode(b"\x00" + bytes([len(protobuf_key)]) + protobuf_key).decode()

    @property
    def multiaddr(self) -> str | None:
        """``/ip4/{ip}/tcp/{tcp}/p2p/{peer_id}``, if the record has an address."""
        if self.ip is None or self.tcp is None:
            return None
        return f"/ip4/{self.ip}/tcp/{self.tcp}/p2p/{self.peer_id}"
