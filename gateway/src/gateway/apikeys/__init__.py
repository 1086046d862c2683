"""API keys for other municipal systems: stored hashed, scoped per area, revocable."""
