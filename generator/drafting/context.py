"""What the model sees: themes with their counts, ids and a few fenced verbatim quotes — never
the whole corpus — so a prompt grows with the number of themes shown (capped), not with the
number of reviews."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.analysis.evidence import Evidence
from generator.analysis.quotes import quote_of
from generator.analysis.result import Theme
from knowledge.journey.model import JourneyMap, PainPoint, Stage
from knowledge.text.hygiene import addresses_ai
from prompts.fencing import Fence

QUOTES_SHOWN = 3
PAINS_PER_STAGE = 8
DELIGHTS_PER_STAGE = 4
THEMES_FOR_PERSONAS = 16
PAINS_FOR_RECOMMENDATIONS = 30


@dataclass(frozen=True)
class ShownTheme:
    """A theme as offered to the model under its map id (pp-... or dl-...)."""

    map_id: str
    theme: Theme

    @property
    def kind(self) -> str:
        return "pain point" if self.map_id.startswith("pp-") else "delighter"


def shown_themes(themes: list[Theme]) -> list[ShownTheme]:
    """The highest-priority pain points and most frequent delighters of one stage."""
    pains = sorted((t for t in themes if t.is_pain), key=lambda t: (-t.priority, t.id))
    delights = sorted(
        (t for t in themes if t.is_delight),
        key=lambda t: (-t.polarity_counts.get("positive", 0), t.id),
    )
    return [ShownTheme(f"pp-{t.id}", t) for t in pains[:PAINS_PER_STAGE]] + [
        ShownTheme(f"dl-{t.id}", t) for t in delights[:DELIGHTS_PER_STAGE]
    ]


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def theme_block(
    shown: ShownTheme, evidence: Mapping[str, Evidence], fence: Fence, quotes: int = QUOTES_SHOWN
) -> str:
    t = shown.theme
    head = f"- {shown.map_id} ({shown.kind}): {t.count} evidence ({_counts(t.language_counts)})"
    if shown.map_id.startswith("pp-"):
        head += f"; severity {t.severity or 1:.1f} of 3; priority {t.priority:.1f}"
    named = f"code {t.code}: {t.title}" if t.code else f"emergent theme: {t.title}"
    lines = [head, f"  {named}"]
    for evidence_id in t.representatives[:quotes]:
        item = evidence[evidence_id]
        quote = quote_of(item.text, t.quotes.get(evidence_id))
        lines.append(fence.block(quote, item.hygiene.addresses_ai, id=item.id, lang=item.lang))
    return "\n".join(lines)


def themes_block(
    shown: list[ShownTheme],
    evidence: Mapping[str, Evidence],
    fence: Fence,
    quotes: int = QUOTES_SHOWN,
) -> str:
    if not shown:
        return "(no themes: this stage has no customer evidence)"
    return "\n".join(theme_block(s, evidence, fence, quotes) for s in shown)


def stage_line(stage: Stage, description: str) -> str:
    return f"{stage.id} — {stage.name.text}: {description}"


def pain_block(
    pains: list[tuple[Stage, PainPoint]], evidence: Mapping[str, Evidence], fence: Fence
) -> str:
    lines = []
    for stage, p in pains:
        lines.append(
            f"- {p.id} (stage {stage.name.text}): {p.title.text} — {p.description.text} "
            f"[{p.frequency} mentions, severity {p.severity:.1f}, priority {p.priority:.1f}]"
        )
        for ref in p.evidence[:1]:
            item = evidence.get(ref.evidence_id)
            if item is not None:
                lines.append(
                    fence.block(
                        quote_of(item.text), item.hygiene.addresses_ai, id=item.id, lang=item.lang
                    )
                )
    return "\n".join(lines) or "(no pain points)"


def current_stage_block(journey: JourneyMap, stage: Stage, fence: Fence) -> str:
    def items(label: str, texts: list[str]) -> str:
        return f"{label}: " + ("; ".join(texts) if texts else "(none)")

    lines = [
        items("actions", [t.text for t in stage.actions]),
        items("thoughts", [t.text for t in stage.thoughts]),
        f"emotion: {stage.emotion.score:+.2f} {stage.emotion.label.text}"
        if stage.emotion
        else "emotion: (unknown)",
        items("touchpoints", [f"{t.name.text} ({t.channel.text})" for t in stage.touchpoints]),
        "pain points:",
    ]
    for p in stage.pain_points[:PAINS_PER_STAGE]:
        lines.append(
            f"- {p.id}: {p.title.text} — {p.description.text} "
            f"[{p.frequency} mentions, priority {p.priority:.1f}]"
        )
        for ref in p.evidence[:1]:
            lines.append(
                fence.block(ref.quote, addresses_ai(ref.quote), id=ref.evidence_id, lang=ref.lang)
            )
    recs = [
        r.action.text
        for r in journey.recommendations
        if set(r.addresses) & {p.id for p in stage.pain_points}
    ]
    lines.append(items("recommendations already made", recs))
    return "\n".join(lines)
