"""ENR (EIP-778 v4) with the eproof key."""

from __future__ import annotations

import pytest
from libp2p.crypto.secp256k1 import Secp256k1PrivateKey
from libp2p.peer.id import ID

from eip8025 import containers
from eip8025_p2p.enr import ENR, ENRError

# The example record of EIP-778 (private key b71c71a6...f291, seq 1, ip 127.0.0.1, udp 30303).
EIP778_TEXT = (
    "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRc"
    "y5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8"
)
EIP778_KEY = bytes.fromhex("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")


def test_parses_and_verifies_the_eip778_example() -> None:
    record = ENR.from_text(EIP778_TEXT)
    assert record.seq == 1
    assert record.ip == "127.0.0.1"
    assert record.node_id.hex() == (
        "a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7"
    )
    assert record.eproof is None
    assert not record.is_eproof_aware


def test_creating_the_eip778_example_reproduces_it() -> None:
    record = ENR.create(EIP778_KEY, seq=1, ip="127.0.0.1", udp=30303, eproof=None)
    assert record.to_text() == EIP778_TEXT


def test_eproof_round_trip_and_libp2p_identity() -> None:
    key = bytes(range(1, 33))
    fork_id = containers.ENRForkID(
        fork_digest=b"\x01\x02\x03\x04", next_fork_version=b"\x00" * 4, next_fork_epoch=2**64 - 1
    )
    record = ENR.create(key, seq=7, ip="127.0.0.1", tcp=9000, fork_id=fork_id, eproof=1)
    parsed = ENR.from_text(record.to_text())
    assert parsed == record
    assert parsed.is_eproof_aware
    assert parsed.eproof == 1
    assert parsed.fork_id == fork_id
    expected_peer = ID.from_pubkey(Secp256k1PrivateKey.new(key).get_public_key())
    assert parsed.peer_id == expected_peer.to_base58()
    assert parsed.multiaddr == f"/ip4/127.0.0.1/tcp/9000/p2p/{expected_peer.to_base58()}"
    assert not ENR.create(key, eproof=0).is_eproof_aware


def test_tampered_record_is_refused() -> None:
    record = ENR.create(bytes(range(1, 33)), ip="127.0.0.1", tcp=9000)
    forged = ENR(
        seq=record.seq, pairs={**record.pairs, b"tcp": b"\x23\x29"}, signature=record.signature
    )
    with pytest.raises(ENRError, match="signature"):
        ENR.decode(forged.encode())


@pytest.mark.parametrize("text", ["enr:", "enr:!!!", "nope", "enr:" + "A" * 500])
def test_malformed_text_is_refused(text: str) -> None:
    with pytest.raises(ENRError):
        ENR.from_text(text)
