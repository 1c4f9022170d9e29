"""BLS12-381 signature backends for Ethereum consensus.

Ciphersuite ``BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`` in the *minimal-pubkey-size* variant
used by the consensus layer: public keys are 48-byte compressed G1 points, signatures are 96-byte
compressed G2 points, private keys are integers in ``[1, r)``.

Two interchangeable implementations of the :class:`BLSBackend` protocol are provided:

* :class:`MilagroBackend` (``"milagro"``): ``milagro_bls_binding`` (Rust). Fast; the default.
* :class:`PyEccBackend` (``"py_ecc"``): ``py_ecc.bls.G2ProofOfPossession`` (pure Python), the
  reference. Slow: on the development machine about 0.14 s per sign and 0.34 s per verify,
  against 1.3 ms and 4.3 ms for milagro.

Contract shared by both backends:

* ``verify`` never raises. Any input that is not a valid (public key, signature) pair - wrong
  type, wrong length, bad flag bits, x >= p, not on the curve, not in the prime-order subgroup,
  a point-at-infinity public key - gives ``False``.
* ``sign`` / ``sk_to_pk`` reject a private key outside ``[1, r)`` with ``ValueError`` (and a
  non-``int`` private key, or a ``bool``, with ``TypeError``) before the library is called, so
  both backends fail in the same way.
* ``key_validate`` implements KeyValidate from the IETF BLS draft: the bytes decode to a point
  of the G1 subgroup that is not the point at infinity; never raises.

Both backends derive from :class:`CheckedBackend`, which runs those checks and turns library
failures into the contract's outcomes; a backend supplies only the library calls (its
``_sk_to_pk``, ``_sign``, ``_verify`` and ``_key_validate`` primitives).

What was measured (milagro-bls-binding 1.9.1, which builds on milagro_bls v1.5.0, and py_ecc
8.0.0), by running both libraries on the same crafted inputs:

* Verify gave the same verdict in every case tried: the valid pair; an infinity public key with a
  valid signature and with the infinity signature (the pair that satisfies the raw pairing
  equation ``e(O, H(m)) == e(g1, O)``); a valid key with the infinity signature; a key that is
  ``pk + T`` for a non-trivial point ``T`` of cofactor order, which also satisfies the raw pairing
  equation with the original signature (both reject it, so both check the G1 subgroup); pure
  cofactor-torsion keys; an x coordinate not on the curve; ``x == p``; the compression flag
  cleared on the key or on the signature; the infinity flag set together with the sign flag or with
  non-zero x; the sign flag flipped; lengths 0/47/49 and 0/95/97; ``0xff`` filled bytes; a
  signature plus a G2 cofactor-torsion point; another key's signature; another message. In
  milagro's source ``PublicKey::from_bytes`` runs KeyValidate (infinity and G1 subgroup checks)
  and ``Signature::verify`` runs the G2 subgroup check, which matches these results. py_ecc does
  the same checks in ``_CoreVerify``.
* Invalid private keys: both libraries raise (milagro ``ValueError``, py_ecc ``ValidationError``),
  and milagro cannot take a negative or oversized integer at all (it wants exactly 32 bytes), so
  the range check is done here, in front of both.
* Differences: (1) ``milagro_bls_binding`` has no public KeyValidate function, so
  :meth:`MilagroBackend.key_validate` aggregates the one key with the binding's (underscored)
  ``_AggregatePKs``, which decodes it with ``PublicKey::from_bytes`` (KeyValidate) and raises on
  an invalid key, and requires the result to re-encode to the same 48 bytes (about 0.3 ms); the
  tests compare it with py_ecc's KeyValidate, including on points whose order divides the
  cofactor, so a binding without that function fails them rather than accepting keys.
  (2) Non-``bytes`` input: given a valid key as a ``bytearray``, milagro's ``Verify`` raises
  ``TypeError`` while py_ecc's returns ``False``; py_ecc's ``KeyValidate`` raises ``TypeError``
  for ``None``/``str``. Both wrappers turn bytes-like input (``bytearray``, ``memoryview``) into
  ``bytes`` first, so both say ``True`` there, and return ``False`` for any other type.
  (3) Importing ``milagro_bls_binding`` emits a ``DeprecationWarning`` (the binding is no longer
  maintained); it is silenced at import.

Even though the libraries agree on every bytes input tried, each ``verify`` and ``key_validate``
call first goes through the same cheap, library-independent checks in :class:`CheckedBackend`,
so the spec rules do not depend on a library's behaviour: exact lengths (48/96); the compression
flag set on both; the public key's infinity flag clear (``0xc0 || 47 zero bytes`` is the point at
infinity, an invalid key, and any other infinity-flagged key encoding is malformed). A valid
public key with the infinity signature ``0xc0 || 95 zero bytes`` is rejected here too:
``e(pk, H(m))`` is never 1 for a valid ``pk``, so the pairing check could only fail. The subgroup
checks (G1 for keys, G2 for signatures) are the libraries' own.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Final, Protocol, cast, runtime_checkable

with warnings.catch_warnings():
    # milagro_bls_binding >= 1.9.1 warns at import that it is unmaintained; we use it on purpose.
    warnings.simplefilter("ignore", DeprecationWarning)
    import milagro_bls_binding as _milagro

if TYPE_CHECKING:
    from eth_typing import BLSPubkey, BLSSignature
    from py_ecc.bls.ciphersuites import G2ProofOfPossession

__all__ = [
    "BACKEND_NAMES",
    "BLS_PUBKEY_LENGTH",
    "BLS_SIGNATURE_LENGTH",
    "CURVE_ORDER",
    "DST",
    "G1_POINT_AT_INFINITY",
    "G2_POINT_AT_INFINITY",
    "BLSBackend",
    "CheckedBackend",
    "MilagroBackend",
    "PyEccBackend",
    "default_backend",
    "get_backend",
]

CURVE_ORDER: Final = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
"""Order ``r`` of the G1/G2 subgroups; valid private keys are ``1 <= privkey < r``."""

DST: Final = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
"""Domain separation tag of the proof-of-possession ciphersuite used by Ethereum consensus."""

BLS_PUBKEY_LENGTH: Final = 48
"""Length of a compressed G1 public key."""

BLS_SIGNATURE_LENGTH: Final = 96
"""Length of a compressed G2 signature."""

G1_POINT_AT_INFINITY: Final = b"\xc0" + b"\x00" * (BLS_PUBKEY_LENGTH - 1)
"""Compressed encoding of the G1 identity (an invalid public key)."""

G2_POINT_AT_INFINITY: Final = b"\xc0" + b"\x00" * (BLS_SIGNATURE_LENGTH - 1)
"""Compressed encoding of the G2 identity."""

BACKEND_NAMES: Final = ("milagro", "py_ecc")
"""Names accepted by :func:`get_backend`."""

_FLAG_COMPRESSED: Final = 0x80
_FLAG_INFINITY: Final = 0x40


# --------------------------------------------------------------------------------------------
# Input checks shared by both backends
# --------------------------------------------------------------------------------------------


def _check_privkey(privkey: object) -> int:
    """Return ``privkey`` if it is a valid secret key, else raise.

    Raises:
        TypeError: ``privkey`` is not an ``int`` (``bool`` is refused too).
        ValueError: ``privkey`` is not in ``[1, CURVE_ORDER)``.
    """
    if isinstance(privkey, bool) or not isinstance(privkey, int):
        raise TypeError(f"BLS private key must be an int, not {type(privkey).__name__}")
    if not 0 < privkey < CURVE_ORDER:
        raise ValueError("BLS private key must satisfy 1 <= privkey < curve order r")
    return privkey


def _to_bytes(data: object) -> bytes | None:
    """Return ``data`` as ``bytes`` if it is bytes-like, else ``None``."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    return None


def _message_for_sign(message: object) -> bytes:
    """Return the message to sign as ``bytes`` or raise ``TypeError``."""
    data = _to_bytes(message)
    if data is None:
        raise TypeError(f"message must be bytes-like, not {type(message).__name__}")
    return data


def _precheck_pubkey(pubkey: object) -> bytes | None:
    """Library-independent checks of a public key, run before any ``verify`` or ``key_validate``.

    Returns:
        The key as ``bytes`` if it may be valid: bytes-like, 48 bytes, compression flag set and
        infinity flag clear (an infinity key is never valid, whatever its encoding); else
        ``None``.
    """
    pk = _to_bytes(pubkey)
    if pk is None or len(pk) != BLS_PUBKEY_LENGTH:
        return None
    if not pk[0] & _FLAG_COMPRESSED or pk[0] & _FLAG_INFINITY:
        return None
    return pk


def _precheck_verify(
    pubkey: object, message: object, signature: object
) -> tuple[bytes, bytes, bytes] | None:
    """Library-independent checks run before any ``verify``.

    Returns:
        The three inputs as ``bytes`` if they may form a valid triple, or ``None`` if
        verification must fail.
    """
    pk = _precheck_pubkey(pubkey)
    msg = _to_bytes(message)
    sig = _to_bytes(signature)
    if pk is None or msg is None or sig is None:
        return None
    if len(sig) != BLS_SIGNATURE_LENGTH or not sig[0] & _FLAG_COMPRESSED:
        return None
    # With a valid public key the infinity signature cannot verify, since e(pk, H(m)) != 1.
    if sig == G2_POINT_AT_INFINITY:
        return None
    return pk, msg, sig


def _is_library_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure of a BLS library that must be turned into a verdict.

    ``Exception`` subclasses are, and so is pyo3's ``PanicException`` (a Rust panic surfacing in
    Python), which derives from ``BaseException``.  ``KeyboardInterrupt``, ``SystemExit`` and
    other control-flow exceptions are not.
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


# --------------------------------------------------------------------------------------------
# Backends
# --------------------------------------------------------------------------------------------


@runtime_checkable
class BLSBackend(Protocol):
    """A BLS signature implementation for the Ethereum consensus ciphersuite.

    Implementations must give identical results for identical inputs; they differ only in speed.
    """

    @property
    def name(self) -> str:
        """Short identifier of the backend, as accepted by :func:`get_backend`."""
        ...

    def sk_to_pk(self, privkey: int) -> bytes:
        """Derive the compressed public key of a private key.

        Args:
            privkey: Secret scalar, ``1 <= privkey < CURVE_ORDER``.

        Returns:
            The 48-byte compressed G1 public key.

        Raises:
            ValueError: ``privkey`` is out of range.
            TypeError: ``privkey`` is not an ``int``.
        """
        ...

    def sign(self, privkey: int, message: bytes) -> bytes:
        """Sign a message.

        Args:
            privkey: Secret scalar, ``1 <= privkey < CURVE_ORDER``.
            message: The message bytes (signed as is; no hashing beyond hash-to-curve).

        Returns:
            The 96-byte compressed G2 signature.

        Raises:
            ValueError: ``privkey`` is out of range.
            TypeError: ``privkey`` is not an ``int`` or ``message`` is not bytes-like.
        """
        ...

    def verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        """Verify a signature; never raises.

        Args:
            pubkey: Compressed G1 public key (48 bytes to have any chance of being valid).
            message: The signed message.
            signature: Compressed G2 signature (96 bytes to have any chance of being valid).

        Returns:
            ``True`` only if the public key passes KeyValidate, the signature is a G2 subgroup
            point and the pairing check holds; ``False`` for everything else.
        """
        ...

    def key_validate(self, pubkey: bytes) -> bool:
        """KeyValidate: whether ``pubkey`` encodes a non-identity point of G1; never raises.

        Args:
            pubkey: Candidate compressed G1 public key.

        Returns:
            ``True`` if valid, ``False`` otherwise (including for non-bytes input).
        """
        ...


class CheckedBackend(ABC):
    """The :class:`BLSBackend` contract around a BLS library's four primitives.

    The public methods run the shared checks (private-key range and type, message type, the
    :func:`_precheck_verify` / :func:`_precheck_pubkey` encoding checks) and turn a library's
    failures into the contract's outcomes: ``ValueError`` from ``sk_to_pk`` / ``sign``, ``False``
    from ``verify`` / ``key_validate``. A subclass implements only the primitives, which receive
    checked input (a private key in ``[1, r)``, ``bytes``, 48-byte keys and 96-byte signatures
    with plausible flags) and may raise anything on a library failure.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def name(self) -> str:
        """Short identifier of the backend, as accepted by :func:`get_backend`."""

    @abstractmethod
    def _sk_to_pk(self, privkey: int) -> bytes:
        """The library's SkToPk: the 48-byte public key of a checked private key."""

    @abstractmethod
    def _sign(self, privkey: int, message: bytes) -> bytes:
        """The library's Sign: the 96-byte signature of ``message``."""

    @abstractmethod
    def _verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        """The library's Verify, including its G1 (key) and G2 (signature) subgroup checks."""

    @abstractmethod
    def _key_validate(self, pubkey: bytes) -> bool:
        """The library's KeyValidate (decoding, curve and G1 subgroup checks)."""

    def sk_to_pk(self, privkey: int) -> bytes:
        """Derive the compressed public key of a private key.

        Args:
            privkey: Secret scalar, ``1 <= privkey < CURVE_ORDER``.

        Returns:
            The 48-byte compressed G1 public key.

        Raises:
            ValueError: ``privkey`` is out of range, or the library refused it.
            TypeError: ``privkey`` is not an ``int``.
        """
        sk = _check_privkey(privkey)
        try:
            return bytes(self._sk_to_pk(sk))
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            raise ValueError(f"{self.name} SkToPk failed: {exc}") from exc

    def sign(self, privkey: int, message: bytes) -> bytes:
        """Sign a message.

        Args:
            privkey: Secret scalar, ``1 <= privkey < CURVE_ORDER``.
            message: The message bytes.

        Returns:
            The 96-byte compressed G2 signature.

        Raises:
            ValueError: ``privkey`` is out of range, or the library refused it.
            TypeError: ``privkey`` is not an ``int`` or ``message`` is not bytes-like.
        """
        sk = _check_privkey(privkey)
        msg = _message_for_sign(message)
        try:
            return bytes(self._sign(sk, msg))
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            raise ValueError(f"{self.name} Sign failed: {exc}") from exc

    def verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        """Verify a signature; never raises.

        Args:
            pubkey: Compressed G1 public key.
            message: The signed message.
            signature: Compressed G2 signature.

        Returns:
            Whether the signature is valid for ``pubkey`` and ``message``.
        """
        checked = _precheck_verify(pubkey, message, signature)
        if checked is None:
            return False
        try:
            return self._verify(*checked) is True
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            return False

    def key_validate(self, pubkey: bytes) -> bool:
        """KeyValidate: whether ``pubkey`` encodes a non-identity point of G1; never raises.

        Args:
            pubkey: Candidate compressed G1 public key.

        Returns:
            ``True`` if valid, ``False`` otherwise (including for non-bytes input).
        """
        pk = _precheck_pubkey(pubkey)
        if pk is None:
            return False
        try:
            return self._key_validate(pk) is True
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MilagroBackend(CheckedBackend):
    """BLS backend on ``milagro_bls_binding`` (Rust); the fast default."""

    __slots__ = ()

    @property
    def name(self) -> str:
        """The backend name, ``"milagro"``."""
        return "milagro"

    def _sk_to_pk(self, privkey: int) -> bytes:
        return bytes(_milagro.SkToPk(privkey.to_bytes(32, "big")))

    def _sign(self, privkey: int, message: bytes) -> bytes:
        return bytes(_milagro.Sign(privkey.to_bytes(32, "big"), message))

    def _verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        return _milagro.Verify(pubkey, message, signature) is True

    def _key_validate(self, pubkey: bytes) -> bool:
        # The binding has no KeyValidate; aggregating the one key decodes it with milagro's
        # PublicKey::from_bytes (KeyValidate), which raises on an invalid key.
        return bytes(_milagro._AggregatePKs([pubkey])) == pubkey


def _py_ecc_pop() -> type[G2ProofOfPossession]:
    """Import and return py_ecc's proof-of-possession ciphersuite (deferred: slow import)."""
    from py_ecc.bls.ciphersuites import G2ProofOfPossession

    return G2ProofOfPossession


class PyEccBackend(CheckedBackend):
    """BLS backend on ``py_ecc.bls.G2ProofOfPossession`` (pure Python); the reference.

    ``py_ecc`` is imported on first use: importing it costs about 0.35 s.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """The backend name, ``"py_ecc"``."""
        return "py_ecc"

    def _sk_to_pk(self, privkey: int) -> bytes:
        return bytes(_py_ecc_pop().SkToPk(privkey))

    def _sign(self, privkey: int, message: bytes) -> bytes:
        return bytes(_py_ecc_pop().Sign(privkey, message))

    def _verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        pk, sig = cast("BLSPubkey", pubkey), cast("BLSSignature", signature)
        return _py_ecc_pop().Verify(pk, message, sig) is True

    def _key_validate(self, pubkey: bytes) -> bool:
        return _py_ecc_pop().KeyValidate(cast("BLSPubkey", pubkey)) is True


_MILAGRO: Final = MilagroBackend()
_PY_ECC: Final = PyEccBackend()
_BACKENDS: Final[dict[str, BLSBackend]] = {"milagro": _MILAGRO, "py_ecc": _PY_ECC}


def get_backend(name: str) -> BLSBackend:
    """Return the backend called ``name``.

    Args:
        name: ``"milagro"`` or ``"py_ecc"``.

    Returns:
        The shared (stateless) backend instance.

    Raises:
        ValueError: ``name`` is not a known backend.
    """
    try:
        return _BACKENDS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(n) for n in BACKEND_NAMES)
        raise ValueError(f"unknown BLS backend {name!r}; valid names: {valid}") from None


def default_backend() -> BLSBackend:
    """Return the default backend, the module-level :class:`MilagroBackend`.

    Returns:
        The shared milagro backend instance.
    """
    return _MILAGRO
