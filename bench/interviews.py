"""Evidence-only maps of the synthetic interview set against a labelled line key.

    python -m bench.interviews [--home DIR]

Ingests shared/data/interviews into one workspace (13 transcripts, the survey with its 1-5
ratings, the competitor notes), analyses it with food_delivery and its codebook and drafts
evidence-only maps in fa, ru, th and zh. ``bench/interviews_key.yaml`` labels every participant
line (written by reading the transcripts and the README's answer key). A chunk covers the lines
of its turn where its text sits (a VTT cue is a line); a quote, the lines of its own span.

Per map and overall: quotes of pain points and delighters from lines all ``small_talk``, or
holding a transcript marker (``hygiene.marker_spans``), target 0; "not a complaint": pain-point
quotes of interview evidence none of whose lines has a ``pain:`` label (target <= 5%, listed;
those on ``complaint`` lines, complaints the key does not list, counted apart); titles in the
map's script (``grounding.in_language``), target 100%.

Recall, one pain per id and interview: recalled when a chunk covering one of its lines is a
counted complaint of a pain point (polarity negative or mixed, theme ``is_pain``); strictly,
when that pain point's stage also fits one of the pain's tags (``STAGES``). For the whole
workspace and for the transcripts alone, with the pains missed and how many interview chunks
are counted complaints. Also: unlabelled participant lines and the key's unlocated pains.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.common import fresh_library, require_shared
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.result import PAIN_POLARITIES, Analysis
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from generator.llm.language import in_language
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import Delighter, PainPoint, Scope
from knowledge.journey.review.integrity import quoted_part
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.research.readers.base import ReadOptions
from knowledge.research.readers.subtitles import read_subtitles
from knowledge.research.readers.transcript import parse_transcript
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.text.hygiene import marker_spans
from knowledge.vocabulary import EvidenceKind

KEY = Path(__file__).with_name("interviews_key.yaml")
WORKSPACE = "interviews"
MAP_LANGS = ("fa", "ru", "th", "zh")
FRAMEWORK = load_framework("food_delivery")
# answer-key tag -> the food_delivery stages that fit it (strict recall)
STAGES = {
    "order": {"browse_order"},
    "pay": {"payment_price"},
    "deliv": {"delivery_wait", "courier_handoff"},
    "food": {"food_quality", "packaging"},
    "supp": {"support_refund"},
    "loy": {"loyalty_overall", "payment_price"},
    "app": {"browse_order"},
    "login": {"browse_order"},
    "security": {"browse_order"},
}
COLUMNS = (
    "elements titles quotes small_talk marker pain_quotes no_pain_label other_complaint".split()
)
_TIMING = re.compile(r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->")


@dataclass
class Turn:
    text: str  # as the reader joins it: one line per physical line (or cue), "\n" between
    lines: list[int]
    customer: bool


def turns_of(path: Path) -> dict[str, Turn]:
    """Turns as the project's readers make them, keyed by where they locate them: the first
    line (transcripts) or the start time (VTT, whose cue text is the line after the timing)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out: dict[str, Turn] = {}
    if path.suffix == ".vtt":
        cues = iter([n + 1 for n, line in enumerate(lines, 1) if _TIMING.match(line)])
        for t in read_subtitles(text, ReadOptions(kind="interview"), str(path))[0][0].segments:
            covered = [next(cues) for _ in range(t.text.count("\n") + 1)]
            out[str(t.location["start"])] = Turn(t.text, covered, t.role == "customer")
        return out
    parsed = parse_transcript(text)
    assert parsed is not None, path
    starts = [int(t.location["line"]) for t in parsed.turns] + [len(lines) + 1]
    for t, start, end in zip(parsed.turns, starts, starts[1:], strict=False):
        physical = [n for n in range(start, end) if lines[n - 1].strip()]
        out[str(start)] = Turn(t.text, physical, t.role == "customer")
    return out


@dataclass
class Key:
    labels: dict[str, dict[int, list[str]]]  # file -> line -> labels
    unlocated: dict[str, list[str]]
    turns: dict[str, dict[str, Turn]]

    @classmethod
    def load(cls, root: Path) -> Key:
        raw: dict[str, Any] = yaml.safe_load(KEY.read_text(encoding="utf-8"))
        unlocated = raw.pop("unlocated", {}) or {}
        labels = {f: {int(n): list(v) for n, v in lines.items()} for f, lines in raw.items()}
        return cls(labels, unlocated, {f: turns_of(root / f) for f in labels})

    def pains(self) -> dict[tuple[str, str], set[str]]:
        """(file, pain id) -> the stage tags it is written under."""
        out: dict[tuple[str, str], set[str]] = defaultdict(set)
        for f, lines in self.labels.items():
            for label in (x for ls in lines.values() for x in ls if x.startswith("pain:")):
                out[(f, label.split(":")[2])].add(label.split(":")[1])
        return out

    def lines_of(
        self, item: Evidence, quote: str | None = None
    ) -> tuple[str, dict[int, list[str]]]:
        """The file, and the lines with their labels, that an interview chunk covers (or the
        part of it ``quote`` is)."""
        rel = next(f for f in self.labels if Path(f).name == item.location.get("file"))
        turn = self.turns[rel][str(item.location.get("line") or item.location.get("start"))]
        covered, at = turn.lines, turn.text.find(item.text)
        if at >= 0:  # else redacted text: the whole turn
            start, end = at, at + len(item.text)
            part = quoted_part(quote) if quote is not None else ""
            if part and (q := item.text.find(part)) >= 0:
                start, end = at + q, at + q + len(part)
            first, last = (turn.text.count("\n", 0, x) for x in (start, max(start, end - 1)))
            covered = turn.lines[first : last + 1]
        return rel, {n: self.labels[rel].get(n, []) for n in covered}


def ingest(library: Library, root: Path) -> None:
    parts: tuple[tuple[str, EvidenceKind], ...] = (
        ("*/interview_*", "interview"),
        ("survey/*.csv", "survey"),
        ("competitor/*.md", "competitor"),
    )
    for pattern, kind in parts:
        paths = sorted(root.glob(pattern))
        report = Ingestor(library).run(paths, IngestOptions(kind=kind, workspace=WORKSPACE))
        failed = [f"{f.path}: {f.reason}" for f in report.files if f.status == "failed"]
        if failed:
            raise SystemExit("ingest failed: " + "; ".join(failed))


def run(library: Library, kinds: tuple[str, ...]) -> tuple[Analysis, EvidenceSet]:
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace=WORKSPACE, kinds=kinds),
        framework=FRAMEWORK,
        mapping=SourceMapping.parse(None, ["survey=5"]),
        codebook=codebook_for(FRAMEWORK),
    )
    return analyze(library, options)


def recall(analysis: Analysis, evidence: EvidenceSet, key: Key, name: str) -> None:
    pains = key.pains()
    themes = {t.id: t for t in analysis.themes if t.is_pain}
    items = {e.id: e for e in evidence.items}
    hit: set[tuple[str, str]] = set()
    strict: set[tuple[str, str]] = set()
    chunks = complaints = unlabelled = 0
    for p in analysis.placements:
        chunks += p.kind == "interview"
        if p.kind != "interview" or p.theme not in themes or p.polarity not in PAIN_POLARITIES:
            continue
        rel, lines = key.lines_of(items[p.evidence_id])
        ids = {x.split(":")[2] for ls in lines.values() for x in ls if x.startswith("pain:")}
        complaints, unlabelled = complaints + 1, unlabelled + (not ids)
        for pid in ids:
            hit.add((rel, pid))
            if themes[p.theme].stage in set().union(*(STAGES[t] for t in pains[(rel, pid)])):
                strict.add((rel, pid))
    print(f"\nrecall of the answer key's pains, {name}:")
    for lang in ("fa", "ru", "th", "zh", "en", "all"):
        mine = [k for k in pains if lang == "all" or k[0].startswith(lang + "/")]
        n, h, s = len(mine), sum(k in hit for k in mine), sum(k in strict for k in mine)
        print(f"  {lang:3} {n:4} pains  recalled {h:4} ({h / n:4.0%})  strict {s:4} ({s / n:4.0%})")
    missed = sorted(k for k in pains if k not in hit)
    print(f"  missed ({len(missed)}): " + ", ".join(f"{Path(f).stem[10:]}:{p}" for f, p in missed))
    print(
        f"  interview chunks counted as complaints: {complaints} of {chunks}; "
        f"{unlabelled} of them on lines with no pain label"
    )


def check_maps(analysis: Analysis, evidence: EvidenceSet, key: Key) -> None:
    items = {e.id: e for e in evidence.items}
    scope = Scope(
        workspace=WORKSPACE, product=None, segment=None, goal=None, languages=[], kinds=[]
    )
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in (*MAP_LANGS, "all")}
    places: dict[str, dict[str, dict[str, str]]] = {"small talk": {}, "no pain label": {}}
    wrong_script: list[str] = []
    for lang in MAP_LANGS:
        c = counts[lang]
        journey = build_evidence_only_map(analysis, evidence, FRAMEWORK, lang, scope)
        for stage in journey.stages:
            elements: list[PainPoint | Delighter] = [*stage.pain_points, *stage.delighters]
            for element in elements:
                c["elements"] += 1
                if in_language(element.title.text, lang):
                    c["titles"] += 1
                else:
                    wrong_script.append(f"{lang} {stage.id}: {element.title.text}")
                for ref in element.evidence:
                    c["quotes"] += 1
                    c["marker"] += bool(marker_spans(ref.quote))
                    if items[ref.evidence_id].kind != "interview":
                        continue
                    rel, lines = key.lines_of(items[ref.evidence_id], ref.quote)
                    labels, where = lines.values(), f"{rel}:{','.join(map(str, lines))}"
                    if all("small_talk" in ls for ls in labels):
                        c["small_talk"] += 1
                        places["small talk"].setdefault(where, {})[lang] = element.title.text
                    if not isinstance(element, PainPoint):
                        continue
                    c["pain_quotes"] += 1
                    if not any(x.startswith("pain:") for ls in labels for x in ls):
                        c["no_pain_label"] += 1
                        c["other_complaint"] += any("complaint" in ls for ls in labels)
                        places["no pain label"].setdefault(where, {})[lang] = element.title.text
        counts["all"].update(c)
    print("\nmap  " + " ".join([*COLUMNS, "not_a_complaint", "in_script"]))
    for name, c in counts.items():
        share, titled = c["no_pain_label"] / max(c["pain_quotes"], 1), c["titles"] / c["elements"]
        cells = [f"{c[col]:{len(col)}}" for col in COLUMNS] + [f"{share:15.1%} {titled:9.0%}"]
        print(f"{name:4} " + " ".join(cells))
    print("targets: small talk and marker 0; not a complaint (no pain label) <= 5%; titles 100%")
    for what, found in places.items():
        print(f"\nquotes from lines with {what} ({len(found)} places; title per map):")
        for where, titles in sorted(found.items()):
            print(f"  {where:30} " + " | ".join(f"{lg}: {t}" for lg, t in sorted(titles.items())))
    if wrong_script:
        print("titles not in the map's script:\n  " + "\n  ".join(wrong_script))


def check_key(key: Key) -> None:
    unlabeled, extra = [], []
    for rel, turns in key.turns.items():
        participant = {n for t in turns.values() if t.customer for n in t.lines}
        unlabeled += [f"{rel}:{n}" for n in sorted(participant - set(key.labels[rel]))]
        extra += [f"{rel}:{n}" for n in sorted(set(key.labels[rel]) - participant)]
    unlocated = [f"{rel}: {p}" for rel, ps in key.unlocated.items() for p in ps]
    n = sum(len(v) for v in key.labels.values())
    print(f"key: {len(key.labels)} transcripts, {n} labelled lines, {len(key.pains())} pains")
    print(f"  unlabeled participant lines: {len(unlabeled)} {' '.join(unlabeled)}")
    print(f"  labelled lines that are not participant lines: {len(extra)} {' '.join(extra)}")
    print(f"  unlocated answer-key pains: {len(unlocated)} {'; '.join(unlocated)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="reuse this CJM_HOME")
    args = parser.parse_args()
    root = require_shared() / "interviews"
    library = Library(Settings(home=args.home)) if args.home else fresh_library("interviews")
    key = Key.load(root)
    check_key(key)
    ingest(library, root)
    analysis, evidence = run(library, ())
    check_maps(analysis, evidence, key)
    recall(analysis, evidence, key, "transcripts + survey + competitor notes")
    recall(*run(library, ("interview",)), key, "transcripts alone")


if __name__ == "__main__":
    main()
