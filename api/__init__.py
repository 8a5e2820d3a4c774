"""The ways in: the ``cjm`` command line (and, later, the HTTP API)."""
