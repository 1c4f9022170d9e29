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
  of the G1 subgroup that is not the point at infinity.

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
* Differences: (1) ``milagro_bls_binding`` has no KeyValidate function at all, so
  :meth:`MilagroBackend.key_validate` uses the pure-Python check in this module (decoding, curve
  equation, and a G1 subgroup test using the GLV endomorphism, about 1 ms); the tests compare it
  with py_ecc's KeyValidate, including on points whose order divides the cofactor.
  (2) Non-``bytes`` input: given a valid key as a ``bytearray``, milagro's ``Verify`` raises
  ``TypeError`` while py_ecc's returns ``False``; py_ecc's ``KeyValidate`` raises ``TypeError``
  for ``None``/``str``. Both wrappers turn bytes-like input (``bytearray``, ``memoryview``) into
  ``bytes`` first, so both say ``True`` there, and return ``False`` for any other type.
  (3) Importing ``milagro_bls_binding`` emits a ``DeprecationWarning`` (the binding is no longer
  maintained); it is silenced at import.

Even though the libraries agree on every bytes input tried, each ``verify`` call first goes
through the same cheap, library-independent checks, so the spec rules do not depend on a library's
behaviour: exact lengths (48/96); the compression flag set on both; the public key's infinity flag
clear (``0xc0 || 47 zero bytes`` is the point at infinity, an invalid key, and any other
infinity-flagged key encoding is malformed). A valid public key with the infinity signature
``0xc0 || 95 zero bytes`` is rejected here too: ``e(pk, H(m))`` is never 1 for a valid ``pk``, so
the pairing check could only fail.
"""

from __future__ import annotations

import warnings
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

# Base field modulus p of BLS12-381.
_P: Final = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f624"
    "1eabfffeb153ffffb9feffffffffaaab",
    16,
)
# |z| for the BLS parameter z = -0xd201000000010000 (r = z^4 - z^2 + 1).
_Z_ABS: Final = 0xD201000000010000
# Primitive cube root of unity in F_p such that (x, y) -> (beta * x, y) acts on G1 as [-z^2].
_BETA: Final = int(
    "5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe",
    16,
)
_SQRT_EXP: Final = (_P + 1) // 4  # p = 3 (mod 4), so a square root of a is a^((p+1)/4)
_FLAG_COMPRESSED: Final = 0x80
_FLAG_INFINITY: Final = 0x40

_Jacobian = tuple[int, int, int]
_JAC_INFINITY: Final[_Jacobian] = (1, 1, 0)


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


def _precheck_verify(
    pubkey: object, message: object, signature: object
) -> tuple[bytes, bytes, bytes] | None:
    """Library-independent checks run before any ``verify``.

    Returns:
        The three inputs as ``bytes`` if they may form a valid triple, or ``None`` if
        verification must fail.
    """
    pk = _to_bytes(pubkey)
    msg = _to_bytes(message)
    sig = _to_bytes(signature)
    if pk is None or msg is None or sig is None:
        return None
    if len(pk) != BLS_PUBKEY_LENGTH or len(sig) != BLS_SIGNATURE_LENGTH:
        return None
    if not (pk[0] & _FLAG_COMPRESSED and sig[0] & _FLAG_COMPRESSED):
        return None
    # An infinity public key is never valid (KeyValidate).  With a valid public key the
    # infinity signature cannot verify either, since e(pk, H(m)) != 1.
    if pk[0] & _FLAG_INFINITY or sig == G2_POINT_AT_INFINITY:
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
# Pure-Python KeyValidate (milagro_bls_binding has none)
# --------------------------------------------------------------------------------------------


def _jac_double(pt: _Jacobian) -> _Jacobian:
    """Double a Jacobian point on ``y^2 = x^3 + 4`` over F_p."""
    x, y, z = pt
    if z == 0 or y == 0:
        return _JAC_INFINITY
    a = x * x % _P
    b = y * y % _P
    c = b * b % _P
    d = 2 * ((x + b) * (x + b) - a - c) % _P
    e = 3 * a % _P
    x3 = (e * e - 2 * d) % _P
    y3 = (e * (d - x3) - 8 * c) % _P
    z3 = 2 * y * z % _P
    return x3, y3, z3


def _jac_add_affine(pt: _Jacobian, ax: int, ay: int) -> _Jacobian:
    """Add the affine point ``(ax, ay)`` to a Jacobian point (all cases handled)."""
    x1, y1, z1 = pt
    if z1 == 0:
        return ax, ay, 1
    z1z1 = z1 * z1 % _P
    h = (ax * z1z1 - x1) % _P
    rr = (ay * z1 * z1z1 - y1) % _P
    if h == 0:
        return _jac_double(pt) if rr == 0 else _JAC_INFINITY
    hh = h * h % _P
    hhh = h * hh % _P
    v = x1 * hh % _P
    x3 = (rr * rr - hhh - 2 * v) % _P
    y3 = (rr * (v - x3) - y1 * hhh) % _P
    z3 = z1 * h % _P
    return x3, y3, z3


def _mul_affine(ax: int, ay: int, k: int) -> _Jacobian:
    """Compute ``[k](ax, ay)`` for ``k > 0`` by left-to-right double-and-add."""
    acc = _JAC_INFINITY
    for bit in bin(k)[2:]:
        acc = _jac_double(acc)
        if bit == "1":
            acc = _jac_add_affine(acc, ax, ay)
    return acc


def _g1_in_subgroup(x: int, y: int) -> bool:
    """Whether the affine point ``(x, y)`` of E(F_p) lies in the order-r subgroup G1.

    Test: ``sigma(P) == [-z^2] P`` with ``sigma(x, y) = (beta * x, y)``.  On G1, sigma acts as
    ``[-z^2]`` (``beta`` is chosen so).  Conversely, a point of prime order l | h (the cofactor)
    passing the test would give ``c = -z^2 mod l`` with ``c^3 = 1``; ``c^2 + c + 1 = r != 0
    (mod l)`` forces ``c = 1``, so ``sigma(P) = P``, so ``x = 0``: the order-3 points
    ``(0, +-2)``, for which ``-z^2 = 2 (mod 3) != 1``.  Hence the kernel of ``sigma + [z^2]`` on
    E(F_p) is exactly G1.
    """
    zp = _mul_affine(x, y, _Z_ABS)
    if zp[2] == 0:
        return False  # [z]P = O with P != O: P's order divides z, which is prime to r
    zinv = pow(zp[2], -1, _P)
    zinv2 = zinv * zinv % _P
    qx = zp[0] * zinv2 % _P
    qy = zp[1] * zinv2 * zinv % _P
    qx2, qy2, qz2 = _mul_affine(qx, qy, _Z_ABS)  # [z^2]P (the sign of z cancels)
    if qz2 == 0:
        return False  # sigma(P) is never O
    z2 = qz2 * qz2 % _P
    # sigma(P) == -[z^2]P, i.e. (beta*x, y) == (X/Z^2, -Y/Z^3)
    return _BETA * x * z2 % _P == qx2 and y * z2 * qz2 % _P == (-qy2) % _P


def _g1_key_validate(pubkey: object) -> bool:
    """KeyValidate (IETF BLS draft, section 2.5) for a compressed G1 public key.

    Checks, in order: bytes-like of length 48; compression flag set; infinity flag clear (an
    infinity key is invalid whatever its encoding); ``x < p``; ``x^3 + 4`` is a square (the point
    is on the curve); the point is in the G1 subgroup.  The sign flag only selects between
    ``(x, y)`` and ``(x, -y)``, which are both in G1 or both outside it, so it is not consulted.
    """
    pk = _to_bytes(pubkey)
    if pk is None or len(pk) != BLS_PUBKEY_LENGTH:
        return False
    if not pk[0] & _FLAG_COMPRESSED or pk[0] & _FLAG_INFINITY:
        return False
    x = int.from_bytes(pk, "big") & ((1 << 381) - 1)
    if x >= _P:
        return False
    rhs = (x * x * x + 4) % _P
    y = pow(rhs, _SQRT_EXP, _P)
    if y * y % _P != rhs:
        return False
    return _g1_in_subgroup(x, y)


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


class MilagroBackend:
    """BLS backend on ``milagro_bls_binding`` (Rust); the fast default."""

    __slots__ = ()

    @property
    def name(self) -> str:
        """The backend name, ``"milagro"``."""
        return "milagro"

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
        sk = _check_privkey(privkey).to_bytes(32, "big")
        try:
            return bytes(_milagro.SkToPk(sk))
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            raise ValueError(f"milagro SkToPk failed: {exc}") from exc

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
        sk = _check_privkey(privkey).to_bytes(32, "big")
        msg = _message_for_sign(message)
        try:
            return bytes(_milagro.Sign(sk, msg))
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            raise ValueError(f"milagro Sign failed: {exc}") from exc

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
            return _milagro.Verify(*checked) is True
        except BaseException as exc:
            if not _is_library_failure(exc):
                raise
            return False

    def key_validate(self, pubkey: bytes) -> bool:
        """KeyValidate, computed in pure Python (the binding does not expose one).

        Args:
            pubkey: Candidate compressed G1 public key.

        Returns:
            Whether ``pubkey`` encodes a non-identity point of G1.
        """
        try:
            return _g1_key_validate(pubkey)
        except Exception:
            return False

    def __repr__(self) -> str:
        return "MilagroBackend()"


def _py_ecc_pop() -> type[G2ProofOfPossession]:
    """Import and return py_ecc's proof-of-possession ciphersuite (deferred: slow import)."""
    from py_ecc.bls.ciphersuites import G2ProofOfPossession

    return G2ProofOfPossession


class PyEccBackend:
    """BLS backend on ``py_ecc.bls.G2ProofOfPossession`` (pure Python); the reference.

    ``py_ecc`` is imported on first use: importing it costs about 0.35 s.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """The backend name, ``"py_ecc"``."""
        return "py_ecc"

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
            return bytes(_py_ecc_pop().SkToPk(sk))
        except Exception as exc:
            raise ValueError(f"py_ecc SkToPk failed: {exc}") from exc

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
            return bytes(_py_ecc_pop().Sign(sk, msg))
        except Exception as exc:
            raise ValueError(f"py_ecc Sign failed: {exc}") from exc

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
            pk, msg, sig = checked
            verdict = _py_ecc_pop().Verify(cast("BLSPubkey", pk), msg, cast("BLSSignature", sig))
            return verdict is True
        except Exception:
            return False

    def key_validate(self, pubkey: bytes) -> bool:
        """KeyValidate via ``py_ecc``.

        Args:
            pubkey: Candidate compressed G1 public key.

        Returns:
            Whether ``pubkey`` encodes a non-identity point of G1.
        """
        pk = _to_bytes(pubkey)
        if pk is None or len(pk) != BLS_PUBKEY_LENGTH:
            return False
        try:
            return _py_ecc_pop().KeyValidate(cast("BLSPubkey", pk)) is True
        except Exception:
            return False

    def __repr__(self) -> str:
        return "PyEccBackend()"


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
