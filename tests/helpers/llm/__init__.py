"""Helpers for the tests of the OpenAI-compatible client: cassettes, the wire format, a
loopback endpoint."""
