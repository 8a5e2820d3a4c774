"""How far a map can be trusted: checks a reviewer reads before approving."""
