"""Researchers' theme rules, applied to the themes an analysis built: two themes merged into
one, evidence moved out of a theme. A rule names its themes by anchors (``ThemeAnchor``): a
code's theme by its code in the stage, an emergent theme by the evidence it held, so a rule
keeps applying when the analysis runs again and the emergent themes are renumbered. A rule whose
themes are no longer found does nothing until they are."""

from __future__ import annotations

from dataclasses import replace

from generator.analysis.result import Theme
from generator.analysis.theming import ThemeBuilder
from knowledge.research.corrections.model import Correction, ThemeAnchor


def _match(anchor: ThemeAnchor, themes: list[Theme]) -> Theme | None:
    same_stage = [t for t in themes if t.stage == anchor.stage]
    if anchor.code is not None:
        for t in same_stage:
            if t.code == anchor.code:
                return t
    wanted = set(anchor.evidence)
    scored = [(len(wanted & set(t.members)), t.id == anchor.id, t) for t in same_stage]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1], s[2].id))[2]


def apply_rules(
    builder: ThemeBuilder,
    themes: list[Theme],
    theme_of: dict[int, str],
    rules: tuple[Correction, ...],
) -> int:
    """Apply ``rules`` in order, changing ``themes``, ``theme_of`` and ``builder.placed`` in
    place; the number of rules that changed something."""
    if not rules:
        return 0
    row = {e.id: j for j, e in enumerate(builder.items)}
    placed = list(builder.placed)
    applied = 0

    def rebuild(old: Theme, members: list[int], code: str | None) -> None:
        position = themes.index(old)
        for j in members:
            placed[j] = replace(placed[j], code=code)
        builder.placed = placed
        if members:
            new = builder._theme(old.id, old.stage, sorted(members), code)
            themes[position] = new
            theme_of.update(dict.fromkeys(members, new.id))
        else:
            del themes[position]

    for rule in rules:
        if rule.action == "merge" and len(rule.themes) == 2:
            a, b = (_match(anchor, themes) for anchor in rule.themes)
            if a is None or b is None or a is b:
                continue
            members = [row[m] for m in [*a.members, *b.members] if m in row]
            themes.remove(b)
            rebuild(a, members, a.code)
            applied += 1
        elif rule.action == "move_out" and rule.themes and rule.evidence_id:
            t = _match(rule.themes[0], themes)
            j = row.get(rule.evidence_id)
            if t is None or j is None or rule.evidence_id not in t.members:
                continue
            rest = [row[m] for m in t.members if m in row and m != rule.evidence_id]
            placed[j] = replace(placed[j], code=None)
            theme_of.pop(j, None)
            rebuild(t, rest, t.code)
            applied += 1
    builder.placed = placed
    return applied
