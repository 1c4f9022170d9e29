"""EIP-2335 BLS keystores (version 4): decrypt a validator key with its password.

Supports the ``scrypt`` and ``pbkdf2`` (HMAC-SHA256) KDFs, the ``sha256`` checksum and the
``aes-128-ctr`` cipher, with the EIP's password processing (NFKD, control codes stripped, UTF-8).
Raw keys (``0x``-hex) are accepted too, for devnets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from eip8025.bls import CURVE_ORDER, BLSBackend
from eip8025.errors import Eip8025Error
from eip8025.hexbytes import HexError, parse_hex, parse_hex_int

__all__ = ["KeystoreError", "decrypt_keystore", "load_validator_key", "process_password"]


class KeystoreError(Eip8025Error, ValueError):
    """The keystore is malformed, unsupported, or the password is wrong."""


def process_password(password: str) -> bytes:
    """EIP-2335 password processing: NFKD, strip C0/C1/DEL control codes, UTF-8."""
    normalized = unicodedata.normalize("NFKD", password)
    kept = "".join(ch for ch in normalized if not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F))
    return kept.encode("utf-8")


def _field(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise KeystoreError(f"keystore is missing {'.'.join(path)}")
        data = data[key]
    return data


def _hex(value: Any, name: str) -> bytes:
    """EIP-2335 keystores write hex without ``0x``."""
    try:
        return parse_hex(value, what=name, prefix_optional=True)
    except HexError as exc:
        raise KeystoreError(str(exc)) from None


def _decryption_key(kdf: dict[str, Any], password: bytes) -> bytes:
    function = _field(kdf, "function")
    params = _field(kdf, "params")
    salt = _hex(_field(params, "salt"), "kdf salt")
    dklen = int(_field(params, "dklen"))
    if dklen < 32:
        raise KeystoreError("kdf dklen must be at least 32")
    if function == "scrypt":
        n, r, p = int(_field(params, "n")), int(_field(params, "r")), int(_field(params, "p"))
        return hashlib.scrypt(
            password, salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=2 * 128 * r * n + 2**20
        )
    if function == "pbkdf2":
        if _field(params, "prf") != "hmac-sha256":
            raise KeystoreError("only the hmac-sha256 PRF is supported")
        return hashlib.pbkdf2_hmac("sha256", password, salt, int(_field(params, "c")), dklen)
    raise KeystoreError(f"unsupported kdf {function!r}")


def decrypt_keystore(keystore: dict[str, Any], password: str) -> int:
    """Return the secret key of an EIP-2335 keystore.

    Raises:
        KeystoreError: Unsupported version/functions, malformed fields, or a wrong password.
    """
    if keystore.get("version") != 4:
        raise KeystoreError("only version 4 keystores are supported")
    crypto = _field(keystore, "crypto")
    key = _decryption_key(_field(crypto, "kdf"), process_password(password))
    cipher_message = _hex(_field(crypto, "cipher", "message"), "cipher message")
    if _field(crypto, "checksum", "function") != "sha256":
        raise KeystoreError("only the sha256 checksum is supported")
    checksum = hashlib.sha256(key[16:32] + cipher_message).digest()
    if not hmac.compare_digest(checksum, _hex(_field(crypto, "checksum", "message"), "checksum")):
        raise KeystoreError("wrong password (checksum mismatch)")
    if _field(crypto, "cipher", "function") != "aes-128-ctr":
        raise KeystoreError("only the aes-128-ctr cipher is supported")
    iv = _hex(_field(crypto, "cipher", "params", "iv"), "cipher iv")
    decryptor = Cipher(algorithms.AES(key[:16]), modes.CTR(iv)).decryptor()
    secret = int.from_bytes(decryptor.update(cipher_message) + decryptor.finalize(), "big")
    if not 0 < secret < CURVE_ORDER:
        raise KeystoreError("decrypted secret is not a valid BLS private key")
    return secret


def load_validator_key(
    source: str, *, password_file: str | None = None, bls: BLSBackend | None = None
) -> int:
    """Load a key from a raw ``0x``-hex secret or an EIP-2335 keystore file + password file.

    If the keystore names a ``pubkey`` and ``bls`` is given, the decrypted key must match it.
    """
    if source.startswith("0x"):
        try:
            secret = parse_hex_int(source, what="raw key")
        except HexError as exc:
            raise KeystoreError(str(exc)) from None
        if not 0 < secret < CURVE_ORDER:
            raise KeystoreError("raw key is not a valid BLS private key")
        return secret
    if password_file is None:
        raise KeystoreError(f"{source}: a keystore needs a password file")
    try:
        keystore = json.loads(Path(source).read_text(encoding="utf-8"))
        password = Path(password_file).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, ValueError) as exc:  # ValueError: JSON or UTF-8 decoding
        raise KeystoreError(f"{source}: not a readable keystore ({exc})") from None
    if not isinstance(keystore, dict):
        raise KeystoreError(f"{source}: an EIP-2335 keystore is a JSON object")
    secret = decrypt_keystore(keystore, password)
    pubkey = keystore.get("pubkey")
    if bls is not None and pubkey and bls.sk_to_pk(secret).hex() != str(pubkey).removeprefix("0x"):
        raise KeystoreError(f"{source}: decrypted key does not match the keystore pubkey")
    return secret
