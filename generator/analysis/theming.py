"""Themes from placed evidence: in each stage, the evidence of one code is one theme (a pain
point, a delighter or a neutral theme, by its members' polarity), and the evidence no code
covers is clustered into emergent themes across languages (``themes.cluster_stage``).

Numbers come from the data: a theme's frequency is its counted members (complaints of a pain
point, praise of a delighter), per language; severity is their mean; priority frequency x
severity. Quotes are the counted members, several languages in turn, most typical first, and
evidence that addresses an AI system only when nothing else can be quoted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import EvidenceSet
from generator.analysis.keyphrases import Background, keyphrases, show, surface_forms
from generator.analysis.quotes import best_quote
from generator.analysis.result import PAIN_POLARITIES, Theme, counted_polarities, theme_kind
from generator.analysis.themes import ThemeParams, cluster_stage, language_scale, tfidf
from generator.analysis.titles import clause_title
from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import NONE_STAGE
from knowledge.search.dense import normalise
from knowledge.text.segment import tokenize
from knowledge.vocabulary import SUPPORTED_LANGUAGES

REPRESENTATIVES = 6


@dataclass(frozen=True)
class Placed:
    """What the analysis decided for one substantive evidence item."""

    stage: str
    polarity: str
    severity: int | None
    code: str | None
    code_confidence: float


def _interleave(order: Sequence[int], langs: Sequence[str], limit: int) -> list[int]:
    """Up to ``limit`` of ``order``, taking the languages in turn (most represented first)."""
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i in order:
        by_lang[langs[i]].append(i)
    ranked = sorted(by_lang, key=lambda lang: (-len(by_lang[lang]), lang))
    out: list[int] = []
    while len(out) < min(limit, len(order)):
        for lang in ranked:
            if by_lang[lang] and len(out) < limit:
                out.append(by_lang[lang].pop(0))
    return out


class ThemeBuilder:
    def __init__(
        self,
        evidence: EvidenceSet,
        placed: Sequence[Placed],
        params: ThemeParams,
        codebook: Codebook | None,
    ) -> None:
        self.evidence = evidence
        self.items = evidence.items
        self.placed = placed
        self.params = params
        self.codebook = codebook
        self.langs = [e.lang for e in evidence.items]
        self.centred = LanguageCentring(evidence.vectors, self.langs).centre(
            evidence.vectors, self.langs
        )
        self._code_terms: dict[str, frozenset[str]] = {}

    def build(self, stage_order: Sequence[str]) -> tuple[list[Theme], dict[int, str]]:
        items, placed = self.items, self.placed
        customer = [
            i
            for i, e in enumerate(items)
            if e.kind != "competitor" and placed[i].stage != NONE_STAGE
        ]
        if not customer:
            return [], {}
        self.backgrounds = {
            lang: Background([items[i].tokens for i in customer if self.langs[i] == lang])
            for lang in sorted({self.langs[i] for i in customer})
        }
        by_stage: dict[str, list[int]] = defaultdict(list)
        for i in customer:
            by_stage[placed[i].stage].append(i)
        uncoded = [i for i in customer if placed[i].code is None]
        words = tfidf([items[i].tokens for i in uncoded])
        row_of = {i: r for r, i in enumerate(uncoded)}
        scale = (
            language_scale(
                self.centred[uncoded], words, [self.langs[i] for i in uncoded], self.params
            )
            if uncoded
            else None
        )
        code_order = {c: n for n, c in enumerate(self.codebook.code_ids)} if self.codebook else {}
        themes: list[Theme] = []
        theme_of: dict[int, str] = {}
        for stage in [s for s in stage_order if s in by_stage]:
            idx = by_stage[stage]
            coded: dict[str, list[int]] = defaultdict(list)
            for i in idx:
                code = placed[i].code
                if code is not None:
                    coded[code].append(i)
            for code in sorted(coded, key=lambda c: code_order.get(c, len(code_order))):
                theme = self._theme(f"{stage}-{code}", stage, coded[code], code)
                themes.append(theme)
                theme_of.update(dict.fromkeys(coded[code], theme.id))
            rest = [i for i in idx if placed[i].code is None]
            if not rest:
                continue
            rows = [row_of[i] for i in rest]
            labels = cluster_stage(
                self.centred[rest],
                words[rows],
                self.params,
                scale[rows] if scale is not None else None,
            )
            groups: dict[int, list[int]] = defaultdict(list)
            for i, label in zip(rest, labels.tolist(), strict=True):
                groups[label].append(i)
            ordered = sorted(groups.values(), key=lambda g: (-len(g), items[g[0]].id))
            for n, members in enumerate(ordered, start=1):
                theme = self._theme(f"{stage}-e{n}", stage, members, None)
                themes.append(theme)
                theme_of.update(dict.fromkeys(members, theme.id))
        return themes, theme_of

    def _theme(self, theme_id: str, stage: str, members: list[int], code: str | None) -> Theme:
        items, placed, langs = self.items, self.placed, self.langs
        polarity_counts = dict(sorted(Counter(placed[i].polarity for i in members).items()))
        valence = self.codebook.code(code).valence if code and self.codebook else None
        counted = counted_polarities(theme_kind(polarity_counts, valence), code is not None)
        frequent = [i for i in members if counted is None or placed[i].polarity in counted]
        if not frequent:  # e.g. a complaint code whose members all read as praise: no count
            valence, counted, frequent = "neutral", None, list(members)
        frequent_langs = Counter(langs[i] for i in frequent)
        forms = surface_forms([items[i].text for i in frequent])
        phrases = {
            lang: [
                show(term, forms)
                for term in keyphrases(
                    [items[i].tokens for i in frequent if langs[i] == lang], self.backgrounds[lang]
                )
            ]
            for lang in sorted(frequent_langs)
        }
        pains = [placed[i].severity or 1 for i in members if placed[i].polarity in PAIN_POLARITIES]
        mean_severity = sum(pains) / len(pains) if pains else None
        order = self._typical_first(frequent, code)
        if code is not None and self.codebook is not None:
            definition = self.codebook.code(code)
            titles = {
                lang: definition.names[lang]
                for lang in SUPPORTED_LANGUAGES
                if lang in definition.names
            }
        else:
            titles = self._clause_titles(order, phrases)
        dominant = sorted(frequent_langs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        quoted = self._quotes(order)
        terms = self._terms(code, phrases)
        return Theme(
            id=theme_id,
            stage=stage,
            title=titles.get(dominant) or next(iter(titles.values()), ""),
            keyphrases=phrases,
            members=[items[i].id for i in members],
            language_counts=dict(sorted(Counter(langs[i] for i in members).items())),
            polarity_counts=polarity_counts,
            severity=round(mean_severity, 3) if mean_severity is not None else None,
            priority=round(len(pains) * (mean_severity or 0.0), 3),
            representatives=[items[i].id for i in quoted],
            frequency_by_language=dict(sorted(frequent_langs.items())),
            code=code,
            titles=titles,
            valence=valence,
            quotes={items[i].id: list(best_quote(items[i].text, terms)) for i in quoted},
        )

    def _terms(self, code: str | None, phrases: dict[str, list[str]]) -> frozenset[str]:
        """The words a quote of the theme should hold: its code's, or its keyphrases."""
        if code is not None and self.codebook is not None:
            if code not in self._code_terms:
                texts = self.codebook.code(code).texts()
                self._code_terms[code] = frozenset(w for t in texts for w in tokenize(t))
            return self._code_terms[code]
        return frozenset(w for ps in phrases.values() for p in ps for w in tokenize(p))

    def _typical_first(self, members: list[int], code: str | None) -> list[int]:
        """Members most typical of the theme first: by code confidence for a code, else by
        closeness to the theme's centre; ties by id, so the order never depends on the run."""
        if code is not None:
            return sorted(
                members, key=lambda i: (-self.placed[i].code_confidence, self.items[i].id)
            )
        centre = normalise(self.centred[members].mean(axis=0, keepdims=True))[0]
        sims = self.centred[members] @ centre
        return [
            members[j]
            for j in sorted(
                range(len(members)), key=lambda j: (-float(sims[j]), self.items[members[j]].id)
            )
        ]

    def _quotes(self, order: list[int]) -> list[int]:
        clean = [i for i in order if not self.items[i].hygiene.addresses_ai]
        flagged = [i for i in order if self.items[i].hygiene.addresses_ai]
        chosen = _interleave(clean, self.langs, REPRESENTATIVES)
        return chosen + flagged[: REPRESENTATIVES - len(chosen)]

    def _clause_titles(self, order: list[int], phrases: dict[str, list[str]]) -> dict[str, str]:
        titles: dict[str, str] = {}
        for lang in sorted({self.langs[i] for i in order}):
            for i in order:
                item = self.items[i]
                if item.lang != lang or item.hygiene.addresses_ai:
                    continue
                title = clause_title(item.text, lang, phrases.get(lang, []))
                if title:
                    titles[lang] = title
                    break
        return titles
