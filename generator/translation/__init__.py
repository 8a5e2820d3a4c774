"""Translating a journey map into another team's language: same structure, ids, numbers and
evidence; texts translated in batches, quotes kept verbatim with a translation alongside."""
