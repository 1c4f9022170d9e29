"""``ValidatorRegistry``: the validator registry of each epoch, fetched once and shared.

EIP-8025 reads a validator's ``pubkey``, ``activation_epoch`` and ``exit_epoch`` from the state of
the proof's block. The registry only changes at epoch boundaries (deposits are applied and exits
scheduled by epoch processing), so one ``/eth/v1/beacon/states/{state_id}/validators`` per epoch
serves every block of that epoch. Entries equal to the previous epoch's are reused (not copied),
so consecutive registries share almost all their memory, and only the newest ``keep`` epochs are
cached (blocks still in the chain view keep theirs alive through their state).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from eip8025.chain import ValidatorView
from eip8025_p2p.beacon.errors import BeaconNodeUnavailable

__all__ = ["Registry", "ValidatorRegistry"]

Registry = tuple[ValidatorView, ...]
Fetch = Callable[[str], Awaitable[Registry | None]]


class ValidatorRegistry:
    """Per-epoch cache of the validator registry (see the module docstring).

    Args:
        fetch: ``client.validators``: the registry at a state id, None if the node lacks it.
        keep: How many epochs to keep cached.
    """

    def __init__(self, fetch: Fetch, *, keep: int = 3) -> None:
        self._fetch = fetch
        self.keep = keep
        self._by_epoch: dict[int, Registry] = {}
        self._latest: Registry = ()
        self.fetches = 0
        """Registry downloads so far (one per epoch in normal operation)."""

    async def at(self, epoch: int, state_ids: tuple[str, ...]) -> Registry:
        """The registry of ``epoch``, fetched from the first of ``state_ids`` the node has.

        Raises:
            BeaconNodeUnavailable: The node has none of those states.
        """
        cached = self._by_epoch.get(epoch)
        if cached is not None:
            return cached
        registry: Registry | None = None
        for state_id in state_ids:
            registry = await self._fetch(state_id)
            if registry is not None:
                break
        if registry is None:
            raise BeaconNodeUnavailable(f"no validator registry for states {state_ids}")
        self.fetches += 1
        registry = self._intern(registry)
        self._by_epoch[epoch] = registry
        self._latest = registry
        for old in sorted(self._by_epoch)[: -self.keep]:
            del self._by_epoch[old]
        return registry

    def _intern(self, registry: Registry) -> Registry:
        previous = self._latest
        shared = min(len(previous), len(registry))
        return tuple(
            previous[i] if i < shared and previous[i] == validator else validator
            for i, validator in enumerate(registry)
        )

    def prune(self, below_epoch: int) -> None:
        """Drop cached registries of epochs below ``below_epoch``."""
        for epoch in [e for e in self._by_epoch if e < below_epoch]:
            del self._by_epoch[epoch]
