"""Before the session (flipped learning): a capsule to explore, and the readiness board."""
