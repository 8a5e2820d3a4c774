"""Upload research files; they are ingested by a job (a broken file is reported in the job's
result while the rest goes in). The files are kept in the store until the job ends, so the
worker that runs it may be on another machine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile, status

from api.http.deps import SettingsDep
from api.http.launcher import JobLauncherDep
from api.http.problems import WRITE, TooLarge, documented
from api.http.schemas import JobOut
from api.http.uploads import read_uploads
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
    uploads = read_uploads(files, limit)
    spec = {
        "files": [name for name, _ in uploads],
        "kind": kind,
        "product": product,
        "segment": segment,
        "bytes": [len(content) for _, content in uploads],
    }
    return launcher.launch(
        "ingest", spec, prepare=lambda job: launcher.jobs.attach(job.id, uploads)
    )
