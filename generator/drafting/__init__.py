"""Drafting journey maps from an evidence analysis; what a draft is asked for is a
``DraftRequest`` (``request``)."""
