"""The ``cjm`` command line."""
