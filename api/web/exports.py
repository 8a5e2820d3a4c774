"""A map version as a file: JSON (the published schema), Markdown, CSV (one row per element,
UTF-8 with BOM, numbers as numbers, formula-like text cells neutralised), self-contained HTML,
PDF (landscape sheets, ``api.web.paper``) and PNG (the whole page; numbered PNGs in a zip when
it is taller than one image can be)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Literal

from api.web.filenames import download_name, stem
from api.web.labels import LABELS
from api.web.paper import paper_for
from api.web.pdf import to_pdf
from api.web.render import render_html
from api.web.snapshot import numbered_zip, to_pngs
from api.web.terms import CSV_HEADERS
from api.web.wording import MapWords
from knowledge.journey.elements import Element, iter_elements
from knowledge.journey.model import (
    Delighter,
    Emotion,
    EvidenceRef,
    JourneyMap,
    PainPoint,
    Persona,
    Recommendation,
    Stage,
    Text,
    Touchpoint,
)
from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import SHARED_LANES, STAGE_LANES

Format = Literal["json", "md", "csv", "html", "pdf", "png"]
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),  # application/zip (ZIP) when the map needs several images
}
ZIP = "application/zip"
# OWASP's formula triggers and their full-width forms, which spreadsheets also accept
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_COLUMNS = [
    "element", "kind", "stage", "text", "origin", "frequency", "severity", "priority",
    "owner_team", "effort", "impact", "kpi", "status", "evidence_ids", "quotes",
]  # fmt: skip


@dataclass
class ExportInfo:
    status: str | None = None
    version: int | None = None
    warnings: list[str] | None = None


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet could run as a formula is prefixed with an apostrophe: one that
    starts with a formula trigger, also after leading spaces, line breaks or invisible format
    characters. A customer's quote that starts with "-" gets it too (in the CSV only)."""
    start = cell.lstrip()
    while start and unicodedata.category(start[0]) == "Cf":
        start = start[1:].lstrip()
    return "'" + cell if cell.startswith(FORMULA_START) or start.startswith(FORMULA_START) else cell


def csv_cell(value: Any) -> str:
    """Numbers as numbers (a negative score stays a number), text neutralised."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return neutralise(str(value))


def _quotes(refs: list[EvidenceRef]) -> tuple[str, str]:
    return " | ".join(r.evidence_id for r in refs), " | ".join(r.quote for r in refs)


# the rows of a stage: its name, its lanes, then touchpoints, emotion, pain points, delighters
STAGE_ROWS = {kind: n for n, kind in enumerate(("stage", *STAGE_LANES, "touchpoint", "emotion"))}
STAGE_ROWS |= {"pain_point": len(STAGE_ROWS), "delighter": len(STAGE_ROWS) + 1}


def csv_rows(j: JourneyMap) -> Iterator[dict[str, Any]]:
    """A row per element of ``knowledge.journey.elements`` a person reads on its own (a
    persona's name and description are two), in document order but within a stage in
    ``STAGE_ROWS`` order; texts inside an element, quotes, changes and competitor notes are
    not rows of their own."""
    for _, group in groupby(iter_elements(j), key=lambda e: e.stage and e.stage.id):
        for e in sorted(group, key=lambda e: STAGE_ROWS.get(e.kind, 0)):
            yield from _rows(e)


def _row(element: str, kind: str, stage: str, text: Text, **more: Any) -> dict[str, Any]:
    return {
        "element": element,
        "kind": kind,
        "stage": stage,
        "text": text.text,
        "origin": text.origin,
        **more,
    }


def _rows(e: Element) -> Iterator[dict[str, Any]]:
    v, stage = e.value, e.stage.id if e.stage else ""
    if e.kind == "title" and isinstance(v, Text):
        yield _row("title", "title", "", v)
    elif isinstance(v, Persona):
        ids, quotes = _quotes(v.evidence)
        yield _row(f"{e.path}/name", "persona", "", v.name, evidence_ids=ids, quotes=quotes)
        yield _row(f"{e.path}/description", "persona_description", "", v.description)
    elif e.kind in ("goal", "frustration") and isinstance(v, Text):
        yield _row(e.path, e.kind, "", v)
    elif isinstance(v, Stage):
        yield _row(f"{e.path}/name", "stage", stage, v.name)
    elif e.kind in STAGE_LANES and isinstance(v, Text):
        yield _row(e.path, e.kind, stage, v)
    elif isinstance(v, Touchpoint):
        yield _row(
            e.path,
            "touchpoint",
            stage,
            v.name,
            owner_team=v.owner_team.text if v.owner_team else "",
            kpi="",
            status=v.channel.text,
        )
    elif isinstance(v, Emotion):
        yield _row(e.path, "emotion", stage, v.label, severity=v.score)
    elif isinstance(v, PainPoint):
        ids, quotes = _quotes(v.evidence)
        yield _row(
            e.path,
            "pain_point",
            stage,
            v.title,
            frequency=v.frequency,
            severity=v.severity,
            priority=v.priority,
            evidence_ids=ids,
            quotes=quotes,
        )
    elif isinstance(v, Delighter):
        ids, quotes = _quotes(v.evidence)
        yield _row(
            e.path,
            "delighter",
            stage,
            v.title,
            frequency=v.frequency,
            evidence_ids=ids,
            quotes=quotes,
        )
    elif isinstance(v, Recommendation):
        yield _row(
            e.path,
            "recommendation",
            "",
            v.action,
            owner_team=v.owner_team.text if v.owner_team else "",
            effort=v.effort or "",
            impact=v.impact or "",
            kpi=v.kpi.text if v.kpi else "",
            status=v.status,
            evidence_ids=" | ".join(v.addresses),
        )


def to_csv(j: JourneyMap) -> bytes:
    """One row per element under a header in the map's language (``terms.CSV_HEADERS``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    headers = CSV_HEADERS.get(j.language, CSV_HEADERS["en"])
    writer.writerow({column: headers[column] for column in CSV_COLUMNS})
    for r in csv_rows(j):
        writer.writerow({k: csv_cell(v) for k, v in r.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]+")


def _md(text: str) -> str:
    """Text inline in Markdown: its marks escaped, every kind of line break a space."""
    return LINE_BREAKS.sub(" ", re.sub(r"([\\`*_{}\[\]<>|])", r"\\\1", text))


def to_markdown(j: JourneyMap, info: ExportInfo | None = None) -> str:
    L = LABELS[j.language]
    w = MapWords.of(j)
    num, count = w.num, w.count
    out = [f"# {_md(j.title.text)}", ""]
    meta = [w.map_type(j.map_type), w.language(j.language), _md(j.framework.name)]
    if info and info.status:
        meta.append(w.status(info.status))
    if info and info.version:
        meta.append(f"{L['version']} {num(info.version)}")
    out += [" · ".join(meta), ""]
    if j.evidence_only:
        out += [f"> {L['evidence_only']}", ""]
    for warning in (info.warnings if info else None) or []:
        out += [f"> ⚠ {_md(warning)}", ""]
    if j.personas:
        out += [f"## {L['personas']}", ""]
        for pe in j.personas:
            out += [f"### {_md(pe.name.text)}", "", _md(pe.description.text), ""]
            out += [f"- **{L['goals']}**: " + "; ".join(_md(g.text) for g in pe.goals)]
            out += [
                f"- **{L['frustrations']}**: " + "; ".join(_md(g.text) for g in pe.frustrations)
            ]
            out.append("")
    out += [f"## {L['journey']}", ""]
    for s in j.stages:
        out += [f"### {_md(s.name.text)}", ""]
        for lane in SHARED_LANES:
            items = getattr(s, lane)
            if items:
                out.append(f"- **{L[lane]}**: " + "; ".join(_md(t.text) for t in items))
        if s.touchpoints:
            out.append(
                f"- **{L['touchpoints']}**: "
                + "; ".join(f"{_md(t.name.text)} ({_md(t.channel.text)})" for t in s.touchpoints)
            )
        if s.emotion:
            out.append(
                f"- **{L['emotion']}**: {_md(s.emotion.label.text)} ({w.signed(s.emotion.score)})"
            )
        out.append("")
        if s.pain_points:
            out += [f"#### {L['pain_points']}", ""]
            for pp in s.pain_points:
                out.append(
                    f"- **{_md(pp.title.text)}** — {count('mentions', pp.frequency)}, "
                    f"{L['severity']} {num(pp.severity, 1)}, {L['priority']} {num(pp.priority, 1)}"
                )
                for ref in pp.evidence:
                    line = f"  > “{_md(ref.quote)}” ({w.language(ref.lang)}, {ref.evidence_id})"
                    if ref.translation:
                        line += f" — {_md(ref.translation)}"
                    out.append(line)
            out.append("")
        if s.delighters:
            out += [f"#### {L['delighters']}", ""]
            out += [
                f"- {_md(d.title.text)} — {count('mentions', d.frequency)}" for d in s.delighters
            ]
            out.append("")
    if j.recommendations:
        out += [f"## {L['recommendations']}", ""]
        out.append(
            f"| {L['recommendations']} | {L['owner']} | {L['effort']} | {L['impact']} | "
            f"{L['kpi']} | {L['status']} |"
        )
        out.append("|---|---|---|---|---|---|")
        for rec in j.recommendations:
            owner = _md(rec.owner_team.text) if rec.owner_team else ""
            kpi = _md(rec.kpi.text) if rec.kpi else ""
            out.append(
                f"| {_md(rec.action.text)} | {owner} | {w.level(rec.effort)} | "
                f"{w.level(rec.impact)} | {kpi} | {w.rec_status(rec.status)} |"
            )
        out.append("")
    c = j.coverage
    out += [
        f"## {L['coverage']}",
        "",
        f"{count('evidence', c.total_evidence)}; "
        + w.listed([f"{w.language(x.lang)} {num(x.count)}" for x in c.by_language])
        + f"; {L['unplaced']} {num(c.unplaced)}"
        + (f"; {L['addresses_ai']} {num(c.addresses_ai)}" if c.addresses_ai else ""),
        "",
    ]
    coverage_warnings = w.warnings(j)
    if coverage_warnings:
        out += [f"### {L['warnings']}", ""]
        out += [f"- {_md(text)}" for text in coverage_warnings]
        out.append("")
    return "\n".join(out)


@dataclass(frozen=True)
class ExportOptions:
    """How a PDF or PNG is laid out: ``paper`` (PDF; default by the map's language, see
    ``api.web.paper``) and ``section`` (PDF or PNG: one part of the map, or one stage by id)."""

    paper: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    media_type: str
    extension: str  # ``zip`` when a PNG export is several images


def export_file(
    j: JourneyMap, fmt: str, info: ExportInfo | None = None, options: ExportOptions | None = None
) -> ExportFile:
    info = info or ExportInfo()
    options = options or ExportOptions()
    if options.paper and fmt != "pdf":
        raise UserInputError(f"paper applies to PDF exports only, not {fmt}")
    if options.section and fmt not in ("pdf", "png"):
        raise UserInputError(f"section applies to PDF and PNG exports only, not {fmt}")
    media, ext = FORMATS[fmt]
    if fmt == "json":
        body = (json.dumps(j.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n").encode()
        return ExportFile(body, media, ext)
    if fmt == "md":
        return ExportFile(to_markdown(j, info).encode("utf-8"), media, ext)
    if fmt == "csv":
        return ExportFile(to_csv(j), media, ext)
    paper = paper_for(j.language, options.paper) if fmt == "pdf" else None
    printed = fmt in ("pdf", "png")  # on paper and in images every quote is shown
    html = render_html(
        j,
        status=info.status,
        version=info.version,
        warnings=info.warnings,
        expand_quotes=printed,
        paper=paper,
        section=options.section,
    )
    if fmt == "html":
        return ExportFile(html.encode("utf-8"), media, ext)
    if paper is not None:
        return ExportFile(to_pdf(html, paper), media, ext)
    if fmt == "png":
        images = to_pngs(html)
        if len(images) == 1:
            return ExportFile(images[0], media, ext)
        return ExportFile(numbered_zip(images, stem(j.title.text, j.id)), ZIP, "zip")
    raise ValueError(f"unknown export format {fmt}")


def export_bytes(
    j: JourneyMap, fmt: str, info: ExportInfo | None = None, options: ExportOptions | None = None
) -> bytes:
    return export_file(j, fmt, info, options).body


def filename(
    j: JourneyMap, fmt: str, version: int | None = None, extension: str | None = None
) -> str:
    """A download name from the map's title in any script (``api.web.filenames``)."""
    return download_name(j.title.text, extension or FORMATS[fmt][1], version, fallback=j.id)
