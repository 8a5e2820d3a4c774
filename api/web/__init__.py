"""The review page and the exports (JSON, Markdown, CSV, HTML, PDF, PNG) of a map."""
