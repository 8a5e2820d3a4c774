"""LLM tasks over the evidence: analysis, drafting, translation, answering."""
