"""Checks that keep a drafted map grounded: quotes are verbatim substrings of evidence that
exists (and belongs where it is cited, and does not address an AI unless nothing else can be
quoted), ids point at things the analysis found, and every text a person reads is in the map's
language. Each check returns readable errors that are sent back
to the model when it is re-asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator.analysis.evidence import Evidence
from generator.drafting.parts import Quote
from generator.llm.language import in_language
from knowledge.journey.review.integrity import is_verbatim
from knowledge.text.hygiene import ADDRESSES_AI
from knowledge.vocabulary import ENGLISH_NAMES


@dataclass
class Grounding:
    """What an answer may refer to: the evidence in scope, and which evidence supports which
    pain point or delighter id."""

    evidence: Mapping[str, Evidence]
    lang: str
    members: dict[str, set[str]] = field(default_factory=dict)  # pp-/dl- id -> evidence ids

    def quotes(self, where: str, quotes: Iterable[Quote], owner: str | None = None) -> list[str]:
        errors = []
        for q in quotes:
            item = self.evidence.get(q.evidence_id)
            if item is None:
                errors.append(f"{where}: evidence id {q.evidence_id} does not exist")
                continue
            if owner is not None and q.evidence_id not in self.members.get(owner, set()):
                errors.append(
                    f"{where}: {q.evidence_id} is not evidence of {owner}; quote only evidence "
                    f"listed under {owner}"
                )
                continue
            if item.hygiene.addresses_ai and self._plain_alternative(owner):
                errors.append(
                    f"{where}: {q.evidence_id} addresses an AI (flag={ADDRESSES_AI}); quote "
                    "other evidence" + (f" of {owner}" if owner else "")
                )
                continue
            if not q.quote.strip():
                errors.append(f"{where}: empty quote from {q.evidence_id}")
            elif not is_verbatim(q.quote, item.text):
                errors.append(
                    f"{where}: the quote {q.quote[:80]!r} is not a verbatim part of "
                    f"{q.evidence_id}; copy the customer's words exactly, untranslated"
                )
        return errors

    def _plain_alternative(self, owner: str | None) -> bool:
        """Whether evidence that does not address an AI could be quoted instead."""
        pool = self.members.get(owner, set()) if owner is not None else self.evidence.keys()
        return any(
            (item := self.evidence.get(i)) is not None and not item.hygiene.addresses_ai
            for i in pool
        )

    def texts(self, fields: Iterable[tuple[str, str | None]]) -> list[str]:
        name = ENGLISH_NAMES.get(self.lang, self.lang)
        return [
            f"{where}: {text[:60]!r} is not in {name}; write it in {name}"
            for where, text in fields
            if text is not None and not in_language(text, self.lang)
        ]

    def ids(self, where: str, ids: Iterable[str], allowed: Iterable[str]) -> list[str]:
        known = set(allowed)
        return [f"{where}: {i} is not one of the listed ids" for i in ids if i not in known]
