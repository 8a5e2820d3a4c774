"""Drafting journey maps from an evidence analysis."""
