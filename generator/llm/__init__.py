"""The one narrow seam to language models: an interface, its OpenAI-compatible client, fakes."""
