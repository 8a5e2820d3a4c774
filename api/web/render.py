"""A map as one HTML page: the same page is the review page (linked fonts, review panel and
script) and the self-contained export (fonts embedded, no scripts, no outside links)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from api.web.curve import emotion_svg
from api.web.fonts import STACK, font_css
from api.web.labels import LABELS, RTL
from api.web.paper import Paper, page_groups
from api.web.wording import MapWords
from knowledge.journey.model import JourneyMap, Stage
from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import EARLY_LANES, LATE_LANES, STAGE_LANES

PARTS = ("personas", "journey", "recommendations", "coverage")
STAGE_PX = 220  # a stage column on screen and in images
SOLE_STAGE_PX = 640  # one stage shown alone (an image of that section)
COMMENT_MARK = "💬"  # the style sheet's mark after an element with comments (review page)
FONTS_HERE = "<!-- cjm: @font-face rules -->"  # no text on the page can hold "<" unescaped
_env = Environment(
    loader=PackageLoader("api.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(
    journey: JourneyMap,
    *,
    status: str | None = None,
    version: int | None = None,
    warnings: list[str] | None = None,
    embed_fonts: bool = True,
    font_base: str = "fonts/",
    review_panel: str = "",
    review_script: str = "",
    expand_quotes: bool = False,
    paper: Paper | None = None,
    section: str | None = None,
) -> str:
    """``paper``: laid out for printing on that sheet, the stage columns in page groups.
    ``section``: only that part of the map (see ``sections``)."""
    rtl = journey.language in RTL
    shown, stages = _section(journey, section)
    groups = page_groups(stages, paper.stages_per_page) if paper else [stages]
    lanes = {
        lane: any(getattr(s, lane) for s in journey.stages)
        for lane in (*STAGE_LANES, "touchpoints")
    }
    pain_titles = {p.id: p.title.text for s in journey.stages for p in s.pain_points}
    labels = LABELS[journey.language]
    w = MapWords.of(journey)
    coverage_warnings = w.warnings(journey)
    page = _env.get_template("map.html.j2").render(
        w=w,
        coverage_warnings=coverage_warnings,
        by_language=[
            f"{w.language(c.lang)} {w.num(c.count)}" for c in journey.coverage.by_language
        ],
        by_kind=[f"{w.kind(c.kind)} {w.num(c.count)}" for c in journey.coverage.by_kind],
        j=journey,
        L=labels,
        rtl=rtl,
        status=status,
        version=version,
        warnings=warnings or [],
        review=bool(review_script),
        font_css=FONTS_HERE,
        font_stack=STACK,
        curves=[emotion_svg(journey, rtl, labels["emotion_curve"], g) for g in groups],
        stage_groups=groups,
        shown=shown,
        paper=paper,
        column_px=STAGE_PX if len(stages) > 1 or not section else SOLE_STAGE_PX,
        text_lanes=EARLY_LANES,
        late_lanes=LATE_LANES,
        lane_used=lanes,
        pain_titles=pain_titles,
        review_panel=review_panel,
        review_script=review_script,
        expand_quotes=expand_quotes,
    )
    # the fonts for every character the page shows (the map, the words for its values, the
    # review panel), not for its style sheet; the comment mark only where comments are shown
    visible = page.split("</style>", 1)[1] + (COMMENT_MARK if review_script else "")
    fonts = font_css(journey.model_dump_json() + visible, embed=embed_fonts, base_url=font_base)
    return page.replace(FONTS_HERE, fonts, 1)


def sections(journey: JourneyMap) -> list[str]:
    """What ``section`` may name: a part of the map, or one stage by its id."""
    return [*PARTS, *(s.id for s in journey.stages)]


def _section(journey: JourneyMap, section: str | None) -> tuple[set[str], list[Stage]]:
    if section is None:
        return set(PARTS), journey.stages
    if section in PARTS:
        return {section}, journey.stages
    for stage in journey.stages:
        if stage.id == section:
            return {"journey"}, [stage]
    raise UserInputError(
        f"section must be one of {', '.join(sections(journey))} (a part of the map or a stage "
        f"id), not {section!r}"
    )
