"""Readers turn one research file into parsed documents; see ``read_file``."""

from knowledge.research.readers.base import ParsedDocument, ReadOptions, Segment
from knowledge.research.readers.dispatch import SUPPORTED_EXTENSIONS, read_file

__all__ = ["SUPPORTED_EXTENSIONS", "ParsedDocument", "ReadOptions", "Segment", "read_file"]
