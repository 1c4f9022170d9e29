"""Spec-shaped SSZ container classes.

Containers are written the way the consensus specs write them::

    class Fork(Container):
        previous_version: Version
        current_version: Version
        epoch: Epoch

    class PublicInput(ProgressiveContainer, active_fields=(1, 1, 1, 1)):
        new_payload_request_root: Root
        ...

Field types are ``typing.Annotated[python_type, sedes]`` aliases (see :mod:`eip8025.ssz.types`)
or other container classes. Each class becomes a frozen, keyword-only dataclass (so values are
immutable and hashable) and carries its py-ssz sedes as ``ssz_sedes``. Because values are
immutable, ``hash_tree_root()`` is computed once per value and cached.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from typing import Any, ClassVar, Self, dataclass_transform

from eip8025.ssz.sedes import ContainerSedes, ProgressiveContainerSedes, Sedes, decode

__all__ = ["Container", "ProgressiveContainer", "hash_tree_root", "sedes_of"]

_ROOT_CACHE = "_ssz_root"


def sedes_of(annotation: Any) -> Sedes:
    """Return the sedes behind a field annotation (``Annotated[..., sedes]`` or a container)."""
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            if hasattr(meta, "get_hash_tree_root"):
                return typing.cast(Sedes, meta)
    sedes = getattr(annotation, "ssz_sedes", None)
    if sedes is not None:
        return typing.cast(Sedes, sedes)
    raise TypeError(f"annotation {annotation!r} carries no SSZ sedes")


def _is_classvar(annotation: Any) -> bool:
    return typing.get_origin(annotation) is ClassVar or annotation is ClassVar


@dataclass_transform(frozen_default=True, kw_only_default=True)
class Container:
    """Base class of SSZ containers (frozen keyword-only dataclasses with a sedes)."""

    ssz_sedes: ClassVar[ContainerSedes]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        active_fields = kwargs.pop("active_fields", None)
        super().__init_subclass__(**kwargs)
        own = inspect.get_annotations(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        fields = [(name, sedes_of(hints[name])) for name in own if not _is_classvar(hints[name])]
        if not fields and active_fields is None:
            return  # an abstract base such as ProgressiveContainer itself
        dataclasses.dataclass(frozen=True, kw_only=True, eq=True, repr=False)(cls)
        if active_fields is None:
            if ProgressiveContainer in cls.__mro__:
                raise TypeError(f"{cls.__name__}: a ProgressiveContainer needs active_fields")
            cls.ssz_sedes = ContainerSedes(cls.__name__, fields, cls)
        else:
            cls.ssz_sedes = ProgressiveContainerSedes(cls.__name__, fields, cls, active_fields)

    def hash_tree_root(self) -> bytes:
        """Return the SSZ hash_tree_root (cached: values are immutable)."""
        cached: bytes | None = self.__dict__.get(_ROOT_CACHE)
        if cached is None:
            cached = bytes(self.ssz_sedes.get_hash_tree_root(self))
            object.__setattr__(self, _ROOT_CACHE, cached)
        return cached

    def encode_bytes(self) -> bytes:
        """Return the SSZ serialization."""
        return self.ssz_sedes.serialize(self)

    @classmethod
    def decode_bytes(cls, data: bytes | memoryview) -> Self:
        """Strictly decode SSZ bytes; raises ``ssz.exceptions.DeserializationError``."""
        return typing.cast(Self, decode(cls.ssz_sedes, data))

    def copy_with(self, **changes: Any) -> Self:
        """Return a copy with some fields replaced."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def __repr__(self) -> str:
        parts = []
        for name in self.ssz_sedes.field_names:
            value = getattr(self, name)
            if isinstance(value, bytes):
                text = "0x" + value[:16].hex() + ("..." if len(value) > 16 else "")
                if len(value) > 16:
                    text += f"({len(value)} bytes)"
            else:
                text = repr(value)
            parts.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"


class ProgressiveContainer(Container):
    """Base class of EIP-7495 progressive containers; subclass with ``active_fields=(...)``."""

    ssz_sedes: ClassVar[ProgressiveContainerSedes]


def hash_tree_root(value: Any, sedes: Sedes | None = None) -> bytes:
    """Spec ``hash_tree_root``: containers know their sedes; other values need ``sedes``."""
    if isinstance(value, Container):
        return value.hash_tree_root()
    if sedes is None:
        raise TypeError(f"hash_tree_root of {type(value).__name__} needs its sedes")
    return bytes(sedes.get_hash_tree_root(value))
