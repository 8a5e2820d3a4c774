"""Researchers' corrections of the analysis: labels on evidence (stage, code, not customer
experience) and constraints on themes (merge two, move evidence out of one)."""
