"""How the quotes of the evidence-only interview maps read: where they are cut.

    python -m bench.quotes [--save FILE] [--baseline FILE]

Ingests shared/data/interviews as ``bench.interviews`` does, drafts the evidence-only maps in
fa, ru, th and zh and looks at every quote (pain points, delighters, competitor notes) against
the evidence chunk it quotes:

- ``cut``: the quote is not the whole chunk;
- ``mid_word``: it starts or ends inside a word of the chunk (``segment.word_boundaries``:
  jieba for Chinese, pythainlp for Thai, word characters with ZWNJ for the rest);
- ``unmarked``: it starts or ends inside a sentence with no ellipsis there;
- ``complaint_after`` / ``complaint_outside``: a pain point's quote holds none of the chunk's
  complaint cues (the lexicon's severity cues in the chunk's language) though the chunk has
  one after the quote's end / anywhere outside it: a quote cut before the complaint;
- ``structure``: a competitor-note quote holding a heading, a metadata line (``**Автор:**``) or
  a table rule.

``--save`` writes the quotes (with their chunks) as JSON; ``--baseline`` measures quotes saved
by another version of the code the same way, side by side.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import fresh_library, require_shared
from bench.interviews import FRAMEWORK, MAP_LANGS, WORKSPACE, ingest, run
from generator.analysis.lexicon import load_lexicon
from generator.analysis.quotes import is_clean_end, is_clean_start
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.journey.model import Scope
from knowledge.journey.review.integrity import quoted_part
from knowledge.text.segment import word_boundaries

COLUMNS = (
    "quotes cut mid_word unmarked pain complaint_after complaint_outside competitor "
    "structure longest"
).split()
_STRUCTURE = re.compile(r"(?m)^\s{0,3}#{1,6}\s|^\s*\*\*[^*\n]{1,40}[:：]\*\*|^\s*\|?\s*-{3,}\s*\|")


def collect() -> list[dict[str, Any]]:
    """Every quote of the four maps, with the chunk it quotes."""
    library = fresh_library("quotes")
    ingest(library, require_shared() / "interviews")
    analysis, evidence = run(library, ())
    items = {e.id: e for e in evidence.items}
    scope = Scope(
        workspace=WORKSPACE, product=None, segment=None, goal=None, languages=[], kinds=[]
    )
    out: list[dict[str, Any]] = []
    for lang in MAP_LANGS:
        journey = build_evidence_only_map(analysis, evidence, FRAMEWORK, lang, scope)
        for stage in journey.stages:
            groups = [
                *(("pain", el.evidence) for el in stage.pain_points),
                *(("delight", el.evidence) for el in stage.delighters),
                *(("competitor", note.evidence) for note in stage.competitor_notes),
            ]
            for element, refs in groups:
                for ref in refs:
                    item = items[ref.evidence_id]
                    out.append(
                        {
                            "map": lang,
                            "element": element,
                            "quote": ref.quote,
                            "text": item.text,
                            "lang": item.lang,
                            "location": item.location,
                        }
                    )
    return out


def _cues(text: str, lang: str) -> list[int]:
    """Offsets of the complaint cues in ``text``."""
    lexicon = load_lexicon()
    lowered = text.casefold()
    cues = [*lexicon.severe.get(lang, []), *lexicon.moderate.get(lang, [])]
    return [m.start() for cue in cues for m in re.finditer(re.escape(cue.casefold()), lowered)]


def measure(quotes: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in (*MAP_LANGS, "all")}
    for q in quotes:
        c = counts[q["map"]]
        text, part = q["text"], quoted_part(q["quote"])
        start = text.find(part)
        if start < 0:
            raise SystemExit(f"not verbatim: {q['quote'][:80]!r}")
        end = start + len(part)
        c["quotes"] += 1
        c["longest"] = max(c["longest"], len(part))
        c["cut"] += part != text.strip()
        bounds = set(word_boundaries(text))
        c["mid_word"] += start not in bounds or end not in bounds
        marked = q["quote"].strip()
        c["unmarked"] += (not is_clean_start(text, start) and not marked.startswith("…")) or (
            not is_clean_end(text, end) and not marked.endswith("…")
        )
        if q["element"] == "pain":
            c["pain"] += 1
            cues = _cues(text, q["lang"])
            if cues and not any(start <= at < end for at in cues):
                c["complaint_outside"] += 1
                c["complaint_after"] += any(at >= end for at in cues)
        if q["element"] == "competitor":
            c["competitor"] += 1
            c["structure"] += bool(_STRUCTURE.search(part))
    for lang in MAP_LANGS:
        longest = max(counts["all"]["longest"], counts[lang]["longest"])
        counts["all"].update(counts[lang])
        counts["all"]["longest"] = longest
    return counts


def show(name: str, counts: dict[str, Counter[str]]) -> None:
    print(f"\n{name}\nmap  " + " ".join(COLUMNS))
    for lang, c in counts.items():
        print(f"{lang:4} " + " ".join(f"{c[col]:{len(col)}}" for col in COLUMNS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the quotes as JSON here")
    parser.add_argument("--baseline", type=Path, help="quotes saved by another version")
    args = parser.parse_args()
    if args.baseline:
        show(f"baseline ({args.baseline})", measure(json.loads(args.baseline.read_text())))
    quotes = collect()
    if args.save:
        args.save.write_text(json.dumps(quotes, ensure_ascii=False, indent=1), encoding="utf-8")
    show("this version", measure(quotes))


if __name__ == "__main__":
    main()
