"""``cjm draft``: the full map by the configured language model, part by part, else the
evidence-only draft, stored in the workspace as version 1 of a new map (status draft); a failed
part ends the job with its reason, and the attempts and last raw answer are kept in
CJM_HOME/failed/ for debugging."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from api.cli.analysis import (
    CodebookOption,
    FrameworkOption,
    KindsOption,
    LabelMapOption,
    ProductOption,
    RatingScaleOption,
    SegmentOption,
    label_pairs,
    rating_scales,
)
from api.cli.common import WorkspaceOption, err, open_library, out, print_json
from api.cli.errors import fail
from api.cli.map_review import read_map
from api.cli.reviewer import AsOption, local_reviewer
from generator.analysis.request import AnalysisRequest
from generator.drafting.future_state import draft_future_state
from generator.drafting.pipeline import draft_map
from generator.drafting.request import STAGE_METHODS, DraftRequest
from generator.llm.errors import LLMConfigError, LLMError
from generator.llm.factory import configured_model
from generator.llm.failures import save_failure
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from knowledge.journey.model import JourneyMap
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.keys import Principal
from knowledge.platform.settings import get_settings
from knowledge.vocabulary import MAP_TYPES, ONE_OF, SUPPORTED_LANGUAGES

HOW_TO_CONFIGURE = (
    "No language model is configured, so this is an evidence-only draft: stages, themes with "
    "counts, priorities and verbatim quotes, coverage — no personas, lanes or recommendations. "
    "For the full draft, point cjm at any OpenAI-compatible chat endpoint (OpenAI, Azure "
    "OpenAI, Ollama, vLLM, llama.cpp server):\n"
    "  export CJM_LLM_BASE_URL=https://api.openai.com/v1 CJM_LLM_MODEL=gpt-4o-mini "
    "CJM_LLM_API_KEY_ENV=OPENAI_API_KEY\n"
    "  (local servers that ignore json_schema: CJM_LLM_OUTPUT_METHOD=json_mode)"
)


def _progress(message: str) -> None:
    err.print(f"[dim]…[/dim] {message}")


def _write(journey: JourneyMap, output: Path) -> None:
    text = json.dumps(journey.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserInputError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _starting_map(workspace: str, from_map: str) -> JourneyMap:
    if Path(from_map).is_file() or from_map.endswith(".json"):
        return read_map(Path(from_map))
    with open_library() as library:
        return review.standing_version(MapRepository(library.db), workspace, from_map)


def _store(journey: JourneyMap, who: Principal, output: Path | None, json_output: bool) -> None:
    info = None
    with open_library() as library:
        try:
            stores = MapRepository(library.db, stored=store_element_vectors(library, _progress))
            info = review.store_draft(stores, who, journey)
        finally:  # the file is written even when the store refuses the map, with the id stored
            if output is not None:
                _write(journey.model_copy(update={"id": info.id}) if info else journey, output)
    if json_output:
        print_json(
            {
                "map_id": info.id,
                "version": info.head,
                "status": info.status,
                "workspace": info.workspace,
                "evidence_only": journey.evidence_only,
                "output": str(output) if output else None,
            }
        )
    else:
        out.print(
            f"stored map {info.id} version {info.head} ({info.status}) in workspace "
            f"{info.workspace}",
            markup=False,
            highlight=False,
        )
        ws = f" -w {info.workspace}"
        err.print(
            f"next: cjm maps show {info.id}{ws} · cjm maps submit {info.id}{ws} · "
            f"cjm export {info.id}{ws} --format html",
            markup=False,
            highlight=False,
        )


def draft_command(
    workspace: WorkspaceOption = "default",
    framework: FrameworkOption = "six_stage",
    map_type: Annotated[
        str,
        typer.Option(
            "--type",
            "-t",
            help="current_state, future_state (needs --from-map and --goal), "
            "day_in_the_life or service_blueprint.",
        ),
    ] = "current_state",
    lang: Annotated[
        str, typer.Option("--lang", "-l", help=f"Language of the map: {ONE_OF}.")
    ] = "en",
    personas: Annotated[
        int, typer.Option("--personas", min=0, max=8, help="Personas to draft.")
    ] = 3,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Also write the map JSON to this file."),
    ] = None,
    from_map: Annotated[
        str | None,
        typer.Option(
            "--from-map",
            help="Future state: the current-state map it starts from: a map JSON file, or a "
            "stored map's id (its approved version, else its head).",
        ),
    ] = None,
    stage_method: Annotated[
        str,
        typer.Option(help="Stage assignment: offline (embeddings) or llm (batched model calls)."),
    ] = "offline",
    kind: KindsOption = None,
    evidence_lang: Annotated[
        list[str] | None,
        typer.Option("--evidence-lang", help="Only evidence in this language (repeatable)."),
    ] = None,
    product: ProductOption = None,
    segment: SegmentOption = None,
    goal: Annotated[
        str | None, typer.Option(help="What the map is for (future state: goals).")
    ] = None,
    label_map: LabelMapOption = None,
    rating_scale: RatingScaleOption = None,
    codebook: CodebookOption = None,
    actor: AsOption = None,
    json_output: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the stored map's id, version and status as JSON (not the map)."
        ),
    ] = False,
) -> None:
    """Draft a journey map from the evidence (evidence-only without a model) and store it in
    the workspace as a draft; prints its id and version.

    Progress is shown per part on stderr; --output also writes the map JSON to a file (cjm
    maps show ID --json prints it later)."""
    if lang not in SUPPORTED_LANGUAGES:
        err.print(f"[red]error:[/red] --lang must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        raise typer.Exit(2)
    if map_type not in MAP_TYPES:
        err.print(f"[red]error:[/red] --type must be one of {', '.join(MAP_TYPES)}")
        raise typer.Exit(2)
    if stage_method not in STAGE_METHODS:
        err.print("[red]error:[/red] --stage-method must be offline or llm")
        raise typer.Exit(2)
    who = local_reviewer(workspace, actor)
    request = DraftRequest(
        None,  # the evidence's request once the model is known to be there, below
        lang=lang,
        map_type=map_type,  # type: ignore[arg-type]  # checked above
        personas=personas,
        goal=goal,
        stage_method=stage_method,
        from_map=from_map,
    )
    settings = get_settings()
    model = configured_model(settings)
    if model is None and request.needs_model:
        raise LLMConfigError(f"this needs a language model.\n{HOW_TO_CONFIGURE}")
    try:
        if request.map_type == "future_state":
            assert model is not None
            job = LLMJob.from_settings(model, settings, request.lang, _progress)
            if request.from_map is None:
                raise UserInputError(
                    "--type future_state needs --from-map: a current-state map's id or file"
                )
            current = _starting_map(workspace, request.from_map)
            journey = draft_future_state(job, current, request.goal)
        else:
            analysis = AnalysisRequest(
                workspace=workspace,
                framework=framework,
                codebook=codebook,
                kinds=tuple(kind or ()),
                langs=tuple(evidence_lang or ()),
                product=product,
                segment=segment,
                labels=label_pairs(label_map),
                rating_scales=rating_scales(rating_scale),
            )
            request = replace(request, analysis=analysis)
            with open_library() as library:
                options = request.analysis_options()
                journey = draft_map(
                    library,
                    options,
                    request.lang,
                    request.spec,
                    model,
                    settings,
                    request.stage_method,
                    _progress,
                )
    except LLMError as exc:
        saved = save_failure(settings.home, "draft", exc)
        failed = fail(exc)
        err.print(f"  details (attempts, last answer): {saved}", markup=False, highlight=False)
        raise failed from exc
    finally:
        if model is not None:
            model.close()
    pains = sum(len(s.pain_points) for s in journey.stages)
    delights = sum(len(s.delighters) for s in journey.stages)
    what = "evidence-only draft" if journey.evidence_only else f"{journey.map_type} draft"
    err.print(
        f"{what}: {len(journey.personas)} personas, {len(journey.stages)} stages, {pains} pain "
        f"points, {delights} delighters, {len(journey.recommendations)} recommendations from "
        f"{journey.coverage.total_evidence} evidence"
        + (f"; {len(journey.provenance.calls)} model calls" if journey.provenance.calls else "")
        + (f"; wrote {output}" if output else "")
    )
    if journey.evidence_only:
        err.print(HOW_TO_CONFIGURE)
    _store(journey, who, output, json_output)
