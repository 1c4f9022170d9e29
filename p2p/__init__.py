"""Network adapters for the EIP-8025 core (installed as ``eip8025_p2p``).

This package is where trio and py-libp2p meet the pure core in :mod:`eip8025`; the core never
imports from here. The gossip node lands with the p2p issue.
"""

__all__: list[str] = []
