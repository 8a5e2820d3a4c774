"""Offline evidence analysis: stages, themes, polarity and severity, priorities, coverage."""
