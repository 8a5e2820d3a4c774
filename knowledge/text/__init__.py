"""Text in the languages the product serves: which language, normalisation, word segmentation, what
in a text is not customer experience, and numbers and plurals as each language writes them."""
