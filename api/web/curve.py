"""The emotion curve as inline SVG: one point per stage (score -1..+1), mirrored for
right-to-left maps so it runs the way the stage columns do."""

from __future__ import annotations

from html import escape

from knowledge.journey.model import JourneyMap, Stage

WIDTH_PER_STAGE = 220  # the grid's stage column width
HEIGHT = 140
PAD = 24


def emotion_svg(
    journey: JourneyMap, rtl: bool, title: str, stages: list[Stage] | None = None
) -> str:
    """The curve over ``stages`` (default: all of the map's; a printed page group its own)."""
    stages = journey.stages if stages is None else stages
    n = len(stages)
    width = max(1, n) * WIDTH_PER_STAGE
    points = []
    for i, stage in enumerate(stages):
        if stage.emotion is None:
            continue
        col = n - 1 - i if rtl else i
        x = col * WIDTH_PER_STAGE + WIDTH_PER_STAGE / 2
        y = PAD + (1 - stage.emotion.score) / 2 * (HEIGHT - 2 * PAD)
        points.append((x, y, stage))
    parts = [
        f'<svg class="curve" role="img" viewBox="0 0 {width} {HEIGHT}" width="{width}" '
        f'height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg" data-rtl="{str(rtl).lower()}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{HEIGHT / 2}" x2="{width}" y2="{HEIGHT / 2}" class="axis"/>',
    ]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in sorted(points, key=lambda p: p[0]))
        parts.append(f'<polyline points="{path}" class="line"/>')
    for x, y, stage in points:
        assert stage.emotion is not None
        label = escape(stage.emotion.label.text)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" class="dot" data-stage="{escape(stage.id)}">'
            f"<title>{escape(stage.name.text)}: {stage.emotion.score:+.2f}</title></circle>"
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" class="label">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
