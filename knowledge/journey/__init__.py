"""The journey map: its model, string bounds, stage frameworks, codebooks, coverage notices,
vocabulary, and the maps under review (``review/``)."""
