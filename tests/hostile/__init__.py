"""Regression tests of the hostile world: bad files, hostile models, careless edits, races."""
