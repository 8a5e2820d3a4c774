"""Upload research files; they are ingested by a job (a broken file is reported in the job's
result while the rest goes in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, status

from api.http.deps import LibraryDep, SettingsDep
from api.http.launcher import JobContext, JobLauncherDep
from api.http.problems import WRITE, TooLarge, documented
from api.http.schemas import JobOut
from api.http.uploads import public_summary, store, uploaded_name
from knowledge.platform.errors import CJMError
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.vocabulary import EvidenceKind

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["documents"], responses=WRITE)


@router.post(
    "/documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(413),
)
def upload(
    files: Annotated[
        list[UploadFile],
        File(description="Research files (csv, xlsx, json, jsonl, txt, md, docx, pdf, srt, vtt)."),
    ],
    kind: Annotated[EvidenceKind, Form()],
    launcher: JobLauncherDep,
    library: LibraryDep,
    settings: SettingsDep,
    request: Request,
    product: Annotated[str | None, Form(max_length=200)] = None,
    segment: Annotated[str | None, Form(max_length=200)] = None,
) -> JobOut:
    """Store the files and ingest them as a job; the job's result lists every file's outcome."""
    limit = settings.max_upload_bytes
    length = request.headers.get("content-length") or "0"
    declared = int(length) if length.isdigit() else 0
    if declared > limit:
        raise TooLarge(f"the upload is {declared} bytes; the limit is {limit}")
    job = launcher.create(
        "ingest", {"files": [uploaded_name(f.filename) for f in files], "kind": kind}
    )
    folder = settings.home / "uploads" / job.id
    try:
        uploads = store(files, folder, limit)
    except Exception as exc:
        launcher.jobs.fail(job.id, str(exc) if isinstance(exc, CJMError) else "upload not stored")
        raise
    workspace = launcher.caller.workspace
    options = IngestOptions(kind=kind, workspace=workspace, product=product, segment=segment)

    def work(run: JobContext) -> dict[str, Any]:
        run.progress(f"ingesting {len(uploads)} file(s)")
        report = Ingestor(library).run([u.path for u in uploads], options)
        return dict(public_summary(report.summary(), uploads, folder))

    return launcher.start(job, work)
