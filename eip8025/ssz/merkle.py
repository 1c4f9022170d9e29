"""SSZ merkleization: binary merkle trees, EIP-7916 progressive trees and mix-ins.

Chunks are handled as one contiguous ``bytes``/``memoryview`` of ``32 * n`` bytes rather than a
tuple of 32-byte objects: a 4 MiB ``ProofData`` is 131,072 chunks, and keeping them in one buffer
lets a layer of the tree be hashed in one pass (and, when the native extension is present, in C).

``hash_layer`` is the single hot loop. :func:`set_layer_hasher` lets the native extension replace
it; the pure-Python version here is the reference and is always available.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

__all__ = [
    "BYTES_PER_CHUNK",
    "ZERO_HASHES",
    "get_layer_hasher",
    "hash_layer",
    "hash_pair",
    "merkleize",
    "merkleize_packed",
    "merkleize_progressive",
    "mix_in_active_fields",
    "mix_in_length",
    "pack_bits",
    "pack_bytes",
    "set_layer_hasher",
]

BYTES_PER_CHUNK = 32
_ZERO_CHUNK = bytes(BYTES_PER_CHUNK)
_sha256 = hashlib.sha256


def hash_pair(left: bytes, right: bytes) -> bytes:
    """Return ``sha256(left || right)``."""
    return _sha256(left + right).digest()


def _build_zero_hashes(depth: int) -> tuple[bytes, ...]:
    hashes = [_ZERO_CHUNK]
    for _ in range(depth):
        hashes.append(hash_pair(hashes[-1], hashes[-1]))
    return tuple(hashes)


ZERO_HASHES: tuple[bytes, ...] = _build_zero_hashes(64)
"""``ZERO_HASHES[d]`` is the root of a depth-``d`` tree of zero chunks."""


def _hash_layer_python(layer: bytes | memoryview) -> bytes:
    """Hash adjacent 32-byte chunk pairs of an even-length chunk buffer (reference version)."""
    view = memoryview(layer)
    sha = _sha256
    return b"".join([sha(view[i : i + 64]).digest() for i in range(0, len(view), 64)])


_layer_hasher: Callable[[bytes | memoryview], bytes] = _hash_layer_python


def set_layer_hasher(hasher: Callable[[bytes | memoryview], bytes] | None) -> None:
    """Install a faster pair-hashing function (e.g. the native one); ``None`` restores Python's.

    The replacement must return exactly what :func:`hash_layer` returns for every input; the test
    suite cross-checks the native hasher against the reference.
    """
    global _layer_hasher
    _layer_hasher = _hash_layer_python if hasher is None else hasher


def get_layer_hasher() -> Callable[[bytes | memoryview], bytes]:
    """Return the pair-hashing function currently in use."""
    return _layer_hasher


def hash_layer(layer: bytes | memoryview) -> bytes:
    """Hash each adjacent pair of chunks; ``len(layer)`` must be a multiple of 64."""
    if len(layer) % 64:
        raise ValueError(f"layer of {len(layer)} bytes is not a whole number of chunk pairs")
    return _layer_hasher(layer)


def _depth_for(limit: int) -> int:
    """Depth of the tree whose width is ``next_pow_of_two(limit)`` (0 maps to 1)."""
    return (limit - 1).bit_length() if limit > 1 else 0


def merkleize(chunks: bytes | memoryview, limit: int | None = None) -> bytes:
    """Merkleize a chunk buffer as the SSZ ``merkleize(chunks, limit)`` helper does.

    Args:
        chunks: Concatenated 32-byte chunks.
        limit: Virtual width of the tree in chunks; ``None`` means ``len(chunks)``.

    Returns:
        The 32-byte root.

    Raises:
        ValueError: If the buffer is not whole chunks or holds more chunks than ``limit``.
    """
    if len(chunks) % BYTES_PER_CHUNK:
        raise ValueError(f"chunk buffer of {len(chunks)} bytes is not a whole number of chunks")
    count = len(chunks) // BYTES_PER_CHUNK
    if limit is None:
        limit = count
    if count > limit:
        raise ValueError(f"{count} chunks exceed the merkleization limit of {limit}")
    depth = _depth_for(limit)
    if count == 0:
        return ZERO_HASHES[depth]
    layer: bytes | memoryview = chunks
    for level in range(depth):
        layer = _hash_level(layer, level)
    return bytes(layer)


def _hash_level(layer: bytes | memoryview, level: int) -> bytes:
    """One level up; an odd last chunk pairs with the zero subtree (no copy of the layer)."""
    count = len(layer) // BYTES_PER_CHUNK
    if count % 2 == 0:
        return hash_layer(layer)
    view = memoryview(layer)
    head = hash_layer(view[:-BYTES_PER_CHUNK]) if count > 1 else b""
    return head + hash_pair(bytes(view[-BYTES_PER_CHUNK:]), ZERO_HASHES[level])


def merkleize_packed(data: bytes | memoryview, limit: int) -> bytes:
    """``merkleize(pack_bytes(data), limit)`` without copying ``data`` into a padded buffer.

    The first level hashes whole 64-byte pairs straight from ``data``; only the last, partial
    pair is padded. For a 4 MiB ``ByteList`` this saves copying the input and every odd level.

    Raises:
        ValueError: ``data`` needs more chunks than ``limit``.
    """
    count = (len(data) + BYTES_PER_CHUNK - 1) // BYTES_PER_CHUNK
    if count > limit:
        raise ValueError(f"{count} chunks exceed the merkleization limit of {limit}")
    depth = _depth_for(limit)
    if count == 0:
        return ZERO_HASHES[depth]
    if depth == 0:
        return pack_bytes(data)
    view = memoryview(data)
    whole = len(view) // 64 * 64
    layer = hash_layer(view[:whole]) if whole else b""
    if whole < len(view):
        layer += _sha256(bytes(view[whole:]).ljust(64, b"\x00")).digest()
    for level in range(1, depth):
        layer = _hash_level(layer, level)
    return layer


def merkleize_progressive(chunks: bytes | memoryview, num_leaves: int = 1) -> bytes:
    """EIP-7916 ``merkleize_progressive``: subtrees of 1, 4, 16, ... leaves, first subtree left.

    ``hash(merkleize(chunks[:n], n), merkleize_progressive(chunks[n:], 4 * n))`` with the empty
    tail being the zero chunk (the layout after consensus-specs #4813).
    """
    if len(chunks) % BYTES_PER_CHUNK:
        raise ValueError(f"chunk buffer of {len(chunks)} bytes is not a whole number of chunks")
    view = memoryview(chunks)
    subtree_roots: list[bytes] = []
    start = 0
    width = num_leaves
    total = len(view)
    while start < total:
        end = min(start + width * BYTES_PER_CHUNK, total)
        subtree_roots.append(merkleize(view[start:end], width))
        start = end
        width *= 4
    root = _ZERO_CHUNK
    for subtree_root in reversed(subtree_roots):
        root = hash_pair(subtree_root, root)
    return root


def mix_in_length(root: bytes, length: int) -> bytes:
    """Return ``hash(root, uint256(length))``."""
    return hash_pair(root, length.to_bytes(32, "little"))


def mix_in_active_fields(root: bytes, active_fields: Sequence[int | bool]) -> bytes:
    """Return ``hash(root, pack_bits(active_fields))`` (EIP-7495; at most 256 bits)."""
    if len(active_fields) > 256:
        raise ValueError("active_fields is limited to 256 bits")
    return hash_pair(root, pack_bits(active_fields).ljust(BYTES_PER_CHUNK, b"\x00"))


def pack_bits(bits: Sequence[int | bool]) -> bytes:
    """Pack booleans little-endian into bytes (no delimiter), zero-padded to whole chunks."""
    out = bytearray((len(bits) + 7) // 8)
    for index, bit in enumerate(bits):
        if bit:
            out[index >> 3] |= 1 << (index & 7)
    return pack_bytes(bytes(out))


def pack_bytes(data: bytes | memoryview) -> bytes:
    """Right-pad serialized bytes with zeros to a whole number of chunks (empty stays empty)."""
    remainder = len(data) % BYTES_PER_CHUNK
    if remainder == 0:
        return bytes(data)
    return bytes(data) + bytes(BYTES_PER_CHUNK - remainder)
