"""Offline evidence analysis: stages, themes, polarity and severity, priorities, coverage.

What an analysis is asked for is an ``AnalysisRequest`` (``request``), resolved into the
``AnalysisOptions`` of ``analyze``; the parameters it ran with go into provenance through
``parameters``."""
