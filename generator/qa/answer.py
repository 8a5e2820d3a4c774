"""Answer a question about maps: of each map and its translations take the version in the
asker's language (else the source: ``generator.qa.families``), read the question's intent,
compute facts from the data, retrieve the closest elements and their evidence across
languages, and have the model write the answer in the asker's language — validated: every
citation exists and belongs to the scoped maps, evidence ids belong to the elements in scope,
every number is one the data gives (as the map's page shows it), stages and elements are named,
never shown by id, the answer is in the asker's language, and it passes the screen every model
answer passes (no link, contact, talk of instructions or planted name the evidence shown cannot
justify). Without a model the answer is composed from the same facts and elements — and so it
is, with a note and a ``failed/ask-*.json`` record, when the model's answers keep failing those
checks and the caller asked for that fallback (the HTTP API does); a model that fails otherwise
(unreachable, timed out, junk) fails the answer. When the maps do not answer the question, the
answer says so."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from generator.llm.errors import ModelTaskFailed
from generator.llm.failures import save_failure
from generator.llm.interface import ChatModel
from generator.llm.job import LLMJob
from generator.llm.language import in_language
from generator.llm.screening import numbers_in
from generator.qa.elements import Element, ScopedMap, elements_of, stage_name
from generator.qa.facts import facts_for
from generator.qa.families import languages_of, one_per_map
from generator.qa.intent import Intent, read_intent
from generator.qa.numbers import shown_numbers, shown_text
from generator.qa.phrases import KIND_NAMES, LANG_NAMES, PHRASES, STATUS_NAMES
from generator.qa.retrieval import ElementIndex, EvidenceText
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from knowledge.text.hygiene import addresses_ai
from knowledge.text.languages import detect_language
from knowledge.vocabulary import PROMPT_NAMES, SUPPORTED_LANGUAGES

ELEMENTS_SHOWN = 8
EVIDENCE_SHOWN = 8


class CitationPart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    element: str = Field(description="An element ref exactly as given (MAP:path).")
    evidence_ids: list[str] = Field(description="Evidence ids behind that element, as given.")


class AnswerPart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answerable: bool = Field(description="False when the maps do not contain the answer.")
    answer: str
    citations: list[CitationPart]


@dataclass
class Answer:
    question: str
    lang: str
    answerable: bool
    text: str
    citations: list[dict[str, Any]]
    facts: dict[str, Any] | None
    intent: str
    scope: list[dict[str, Any]]
    generator: str  # llm or data
    seconds: float = 0.0
    related: list[str] = field(default_factory=list)
    note: str | None = None  # why a model's answer was not used, when it was not

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "lang": self.lang,
            "answerable": self.answerable,
            "answer": self.text,
            "citations": self.citations,
            "facts": self.facts,
            "intent": self.intent,
            "scope": self.scope,
            "generator": self.generator,
            "seconds": round(self.seconds, 3),
            "note": self.note,
        }


def asker_language(question: str, lang: str | None) -> str:
    if lang:
        if lang not in SUPPORTED_LANGUAGES:
            raise UserInputError(
                f"lang must be one of {', '.join(SUPPORTED_LANGUAGES)}", field="lang"
            )
        return lang
    found = detect_language(question)
    return found if found in SUPPORTED_LANGUAGES else "en"


def _shows(id_: str, text: str) -> bool:
    if id_.isascii():  # a whole id, also next to CJK or Thai letters: "support_refund阶段"
        return re.search(rf"(?<![a-z0-9_-]){re.escape(id_)}(?![a-z0-9_-])", text) is not None
    return id_ in text


def ids_in(text: str, elements: list[Element]) -> list[str]:
    """Element refs, map ids and stage or element ids ``text`` shows instead of names (an id
    that is also a word of some name, such as ``delivery`` in "Delivery", is a name)."""
    folded = text.casefold()
    ids = {e.ref for e in elements} | {e.map_id for e in elements}
    ids |= {part for e in elements for part in e.path.split("/")[1::2]}
    shown = [i for i in ids if len(i) > 2 and not i.isdigit() and _shows(i.casefold(), folded)]
    if not shown:
        return []
    names = " ".join(f"{e.title} {e.stage_name or ''} {e.text}" for e in elements).casefold()
    found = [i for i in shown if not _shows(i.casefold(), names)]
    return sorted(found, key=lambda i: (-len(i), i))


def without_names(text: str, elements: list[Element]) -> str:
    """``text`` without the names of elements and stages it quotes: a map without a version in
    the asker's language is named in its own language, inside an answer in the asker's."""
    names = {e.title for e in elements} | {e.stage_name for e in elements if e.stage_name}
    for name in sorted((n for n in names if n in text), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


class Asker:
    def __init__(
        self,
        library: Library,
        model: ChatModel | None,
        settings: Settings,
        progress: Callable[[str], None] | None = None,
        fallback: bool = False,
    ) -> None:
        self.library = library
        self.model = model
        self.settings = settings
        self.progress = progress
        self.fallback = fallback  # a failed model answer gives way to the data's answer

    def ask(self, question: str, maps: list[ScopedMap], lang: str | None = None) -> Answer:
        started = time.monotonic()
        if not question.strip():
            raise UserInputError("ask a question")
        if not maps:
            raise UserInputError(
                "no maps in scope: name them with maps, or approve one first", field="maps"
            )
        lang = asker_language(question, lang)
        chosen = one_per_map(maps, lang)
        elements = [e for m in chosen for e in elements_of(m)]
        index = ElementIndex(self.library, elements, progress=self.progress)
        intent = read_intent(question, chosen, vocabulary=maps)
        facts = facts_for(intent, chosen, index)
        cited_by_facts = self._fact_refs(facts)
        by_ref = {e.ref: e for e in elements}
        shown = [by_ref[r] for r in cited_by_facts if r in by_ref]
        for e in index.search(question, ELEMENTS_SHOWN * 2):
            if len(shown) >= ELEMENTS_SHOWN + len(cited_by_facts):
                break
            if e not in shown and (intent.stage is None or e.stage in (intent.stage, None)):
                shown.append(e)
        evidence = index.evidence(question, shown, EVIDENCE_SHOWN)
        scope = [
            {
                "map": m.map_id,
                "version": m.version,
                "language": m.journey.language,
                "languages": languages_of(maps, m),
            }
            for m in chosen
        ]
        if self.model is None:
            answer = self._from_data(question, lang, intent, facts, shown, scope, chosen)
        else:
            try:
                answer = self._from_model(
                    question, lang, intent, facts, shown, evidence, by_ref, scope, elements
                )
            except ModelTaskFailed as exc:
                if not self.fallback or not exc.checks_failed:
                    raise
                saved = save_failure(self.settings.home, "ask", exc)
                answer = self._from_data(question, lang, intent, facts, shown, scope, chosen)
                answer.note = (
                    f"the model's answer could not be used ({exc}); this answer is composed "
                    f"from the maps' data (details: {saved.name})"
                )
        answer.seconds = time.monotonic() - started
        return answer

    @staticmethod
    def _fact_refs(facts: dict[str, Any] | None) -> list[str]:
        if not facts:
            return []
        text = json.dumps(facts, ensure_ascii=False)
        refs = re.findall(r'"(?:element|a|b)": "([^"]+)"', text)
        for listed in re.findall(r'"resolved_elements": \[([^\]]*)\]', text):
            refs += re.findall(r'"([^"]+)"', listed)
        return list(dict.fromkeys(refs))

    @staticmethod
    def _citation(e: Element, evidence_ids: list[str] | None = None) -> dict[str, Any]:
        refs = [r for r in e.evidence if evidence_ids is None or r.evidence_id in evidence_ids]
        return {
            "element": e.ref,
            "map": e.map_id,
            "version": e.version,
            "kind": e.kind,
            "title": e.title,
            "stage": e.stage_name,
            "lang": e.lang,
            "evidence": [
                {"evidence_id": r.evidence_id, "quote": r.quote, "lang": r.lang} for r in refs
            ],
        }

    # -- without a model ----------------------------------------------------------------

    def _from_data(
        self,
        question: str,
        lang: str,
        intent: Intent,
        facts: dict[str, Any] | None,
        shown: list[Element],
        scope: list[dict[str, Any]],
        maps: list[ScopedMap],
    ) -> Answer:
        ph = PHRASES[lang]
        names = LANG_NAMES[lang]
        statuses = STATUS_NAMES[lang]
        lines: list[str] = []
        cited: list[Element] = []
        by_ref = {e.ref: e for e in shown}
        if facts and "top_pain_points" in facts:
            rows = facts["top_pain_points"]
            head = ph["top"]
            if intent.customer_lang:
                head += " " + ph["for_lang"].format(lang=names[intent.customer_lang])
            if intent.stage:
                name = stage_name(maps, intent.stage, lang)
                if name:  # no map has the stage: its rows are empty, and no id is shown
                    head += " " + ph["at_stage"].format(stage=name)
            lines.append(head + ":")
            for n, r in enumerate(rows, 1):
                detail = ph["mentions"].format(
                    n=r["mentions"],
                    sev=shown_text("severity", r["severity"], lang),
                    pri=shown_text("priority", r["priority"], lang),
                )
                at = ""
                if r["stage"] and not intent.stage:  # which stage, when the question named none
                    at = f"（{r['stage']}）" if lang == "zh" else f" ({r['stage']})"
                lines.append(f"{n}. {r['title']}{at} — {detail}")
            cited = [by_ref[r["element"]] for r in rows if r["element"] in by_ref]
        elif facts and "count" in facts:
            c = facts["count"]
            lines.append(ph["count"].format(n=c["count"], kind=KIND_NAMES[lang][c["kind"]]))
            cited = [by_ref[r] for r in c["elements"] if r in by_ref]
        elif facts and "resolved" in facts:
            r = facts["resolved"]
            lines.append(ph["resolved"].format(k=r["resolved"], n=r["pain_points"]))
            if r["open"]:
                lines.append(ph["open"] + ":")
                lines += [
                    f"- {o['title']}" + (f" ({o['stage']})" if o["stage"] else "")
                    for o in r["open"]
                ]
            refs = [o["element"] for o in r["open"]] + r["resolved_elements"]
            cited = [by_ref[x] for x in refs if x in by_ref]
        elif facts and "recommendations" in facts:
            rows = facts["recommendations"]
            if rows:
                lines.append(ph["recs"] + ":")
                lines += [
                    f"- {r['action']} ({r['owner_team'] or '—'}, {statuses[r['status']]})"
                    for r in rows
                ]
            cited = [by_ref[r["element"]] for r in rows if r["element"] in by_ref]
        elif facts and "maps" in facts:
            lines.append(ph["status"] + ":")
            lines += [
                f"- {m['title']} ({m['language']}): {statuses[m['status']]} v{m['version']}"
                for m in facts["maps"]
            ]
        elif facts and "comparison" in facts:
            c = facts["comparison"]
            first, second = (names[x] for x in c["languages"])
            if c["shared"]:
                lines.append(ph["shared"] + ":")
                lines += [f"- {s['a_title']} ≈ {s['b_title']}" for s in c["shared"]]
            for key, which in (("only_in_first", first), ("only_in_second", second)):
                if c[key]:
                    lines.append(ph["only"].format(lang=which) + ":")
                    lines += [f"- {x['title']}" for x in c[key]]
            refs = [s["a"] for s in c["shared"]] + [x["element"] for x in c["only_in_first"]]
            refs += [x["element"] for x in c["only_in_second"]]
            cited = [by_ref[r] for r in refs if r in by_ref]
        else:
            lines.append(ph["related"] + ":")
            lines += [f"- {e.title}" for e in shown[:3]]
            cited = shown[:3]
        answerable = bool(cited) or bool(
            facts and ("maps" in facts or "count" in facts or "resolved" in facts)
        )
        text = "\n".join(lines + [ph["no_model"]]) if answerable else ph["none"]
        return Answer(
            question,
            lang,
            answerable,
            text,
            [self._citation(e) for e in cited] if answerable else [],
            facts,
            intent.kind,
            scope,
            "data",
        )

    # -- with a model -------------------------------------------------------------------

    def _from_model(
        self,
        question: str,
        lang: str,
        intent: Intent,
        facts: dict[str, Any] | None,
        shown: list[Element],
        evidence: list[EvidenceText],
        by_ref: dict[str, Element],
        scope: list[dict[str, Any]],
        in_scope: list[Element],
    ) -> Answer:
        assert self.model is not None
        job = LLMJob.from_settings(self.model, self.settings, lang, self.progress)
        fence = job.fence
        facts_text = json.dumps(facts, ensure_ascii=False) if facts else "(none: a free question)"
        elements_text = "\n".join(
            fence.block(
                f"numbers: {json.dumps(shown_numbers(e.numbers), ensure_ascii=False)}\n"
                f"evidence: {','.join(r.evidence_id for r in e.evidence)}\n"
                + (f"stage: {e.stage_name}\n" if e.stage_name else "")
                + f"{e.text or e.title}",
                ref=e.ref,
                kind=e.kind,
            )
            for e in shown
        )
        evidence_text = "\n".join(
            fence.block(ev.text, addresses_ai(ev.text), id=ev.id, lang=ev.lang) for ev in evidence
        )
        allowed = numbers_in(facts_text) | numbers_in(elements_text) | numbers_in(question)
        allowed |= {str(n) for n in range(0, 11)}  # list markers and small counts
        scoped_evidence = {r.evidence_id for e in by_ref.values() for r in e.evidence}

        def validate(part: AnswerPart) -> list[str]:
            errors = []
            for c in part.citations:
                element = by_ref.get(c.element)
                if element is None:
                    errors.append(f"{c.element} is not an element of the maps in scope")
                    continue
                own = {r.evidence_id for r in element.evidence}
                for ev in c.evidence_ids:
                    if ev not in own and ev not in scoped_evidence:
                        errors.append(f"evidence {ev} is not behind the maps in scope")
            if part.answerable:
                if not part.citations:
                    errors.append("cite the element refs the answer rests on")
                if not in_language(without_names(part.answer, in_scope), lang):
                    errors.append(f"write the answer in {PROMPT_NAMES.get(lang, lang)}")
                guessed = sorted(numbers_in(part.answer) - allowed)
                if guessed:
                    errors.append(
                        f"these numbers are not in the facts or elements: {', '.join(guessed)}"
                        " (quote numbers exactly as given)"
                    )
                ids = ids_in(part.answer, in_scope)
                if ids:
                    errors.append(
                        f"the answer shows ids ({', '.join(ids)}); name stages and elements by "
                        "their names, refs belong in citations only"
                    )
            return errors

        part = job.ask(
            "qa_answer",
            "answer",
            AnswerPart,
            kind="answer",
            validate=validate,
            question=question,
            facts=facts_text,
            elements=elements_text or "(none)",
            evidence=evidence_text or "(none)",
        )
        if not part.answerable:
            text, citations = PHRASES[lang]["none"], []
        else:
            text = part.answer
            citations = [
                self._citation(by_ref[c.element], c.evidence_ids or None) for c in part.citations
            ]
        return Answer(
            question, lang, part.answerable, text, citations, facts, intent.kind, scope, "llm"
        )
