"""Helpers the tests share, each module named for what it holds; no test module imports
another. Fixtures among them are registered once, as plugins, in ``tests/conftest.py``."""
