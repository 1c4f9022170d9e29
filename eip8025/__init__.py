"""EIP-8025 optional execution proofs: the pure core (no network, no event loop)."""
