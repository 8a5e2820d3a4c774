"""Team glossaries: a term in each language, per workspace; translations must use them."""

from knowledge.translation.glossary.model import Glossary, GlossaryError, Term, parse_glossary
from knowledge.translation.glossary.store import GlossaryInfo, GlossaryStore

__all__ = ["Glossary", "GlossaryError", "GlossaryInfo", "GlossaryStore", "Term", "parse_glossary"]
