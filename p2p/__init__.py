"""I/O adapters for the EIP-8025 core (installed as ``eip8025_p2p``).

Here trio and py-libp2p meet the pure core in :mod:`eip8025`; the core never imports from here.
Modules: ``encoding`` (eth2 ssz_snappy gossip encoding and message-id), ``enr`` (ENR with
``eproof``), ``devchain`` (deterministic devnet chain source), ``host`` / ``gossip_topic`` /
``pending`` / ``libp2p_patches`` (the ``execution_proof`` topic on py-libp2p), ``node`` /
``metrics`` / ``devnet`` (``eip8025 node``, its Prometheus metrics, ``eip8025 devnet``).
"""

__all__: list[str] = []
