"""EIP-2335 keystores against the EIP's own test vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eip8025.bls import MilagroBackend
from eip8025.keystore import KeystoreError, decrypt_keystore, load_validator_key, process_password

PASSWORD = (  # "testpassword" in mathematical fraktur letters, then a key emoji
    "\U0001d531\U0001d522\U0001d530\U0001d531\U0001d52d\U0001d51e\U0001d530"
    "\U0001d530\U0001d534\U0001d52c\U0001d52f\U0001d521\U0001f511"
)
SECRET = 0x000000000019D6689C085AE165831E934FF763AE46A2A6C172B3F1B60A8CE26F
PUBKEY = (
    "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27"
    "f4ae4040902382ae2910c15e2b420d07"
)
SALT = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
IV = "264daa3f303d7259501c93d997d84fe6"


def _keystore(kdf: dict, checksum: str, cipher: str) -> dict:
    return {
        "crypto": {
            "kdf": kdf,
            "checksum": {"function": "sha256", "params": {}, "message": checksum},
            "cipher": {"function": "aes-128-ctr", "params": {"iv": IV}, "message": cipher},
        },
        "pubkey": PUBKEY,
        "path": "m/12381/60/3141592653/589793238",
        "uuid": "1d85ae20-35c5-4611-98e8-aa14a633906f",
        "version": 4,
    }


SCRYPT = _keystore(
    {
        "function": "scrypt",
        "params": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": SALT},
        "message": "",
    },
    "d2217fe5f3e9a1e34581ef8a78f7c9928e436d36dacc5e846690a5581e8ea484",
    "06ae90d55fe0a6e9c5c3bc5b170827b2e5cce3929ed3f116c2811e6366dfe20f",
)
PBKDF2 = _keystore(
    {
        "function": "pbkdf2",
        "params": {"dklen": 32, "c": 262144, "prf": "hmac-sha256", "salt": SALT},
        "message": "",
    },
    "8a9f5d9912ed7e75ea794bc5a89bca5f193721d30868ade6f73043c6ea6febf1",
    "cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad",
)


def test_password_processing_matches_the_eip() -> None:
    assert process_password(PASSWORD).hex() == "7465737470617373776f7264f09f9491"
    assert process_password("a\x00b\x7fc\x85d") == b"abcd"


@pytest.mark.parametrize("keystore", [SCRYPT, PBKDF2], ids=["scrypt", "pbkdf2"])
def test_eip2335_vectors_decrypt(keystore: dict) -> None:
    assert decrypt_keystore(keystore, PASSWORD) == SECRET
    assert MilagroBackend().sk_to_pk(SECRET).hex() == PUBKEY


def test_wrong_password_is_refused() -> None:
    with pytest.raises(KeystoreError, match="wrong password"):
        decrypt_keystore(PBKDF2, "testpassword")


def test_load_from_files_and_raw(tmp_path: Path) -> None:
    (tmp_path / "k.json").write_text(json.dumps(PBKDF2))
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    bls = MilagroBackend()
    assert (
        load_validator_key(
            str(tmp_path / "k.json"), password_file=str(tmp_path / "pw.txt"), bls=bls
        )
        == SECRET
    )
    assert load_validator_key(hex(SECRET)) == SECRET
    with pytest.raises(KeystoreError, match="password file"):
        load_validator_key(str(tmp_path / "k.json"))
    with pytest.raises(KeystoreError):
        load_validator_key("0x0")
    mismatched = dict(PBKDF2, pubkey="aa" * 48)
    (tmp_path / "m.json").write_text(json.dumps(mismatched))
    with pytest.raises(KeystoreError, match="does not match"):
        load_validator_key(
            str(tmp_path / "m.json"), password_file=str(tmp_path / "pw.txt"), bls=bls
        )
