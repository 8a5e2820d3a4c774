"""Upload research files; they are ingested by a job (a broken file is reported in the job's
result while the rest goes in)."""

from __future__ import annotations

import re
import shutil
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile, status

from api.http.deps import Caller, JobsDep, LibraryDep, RunnerDep, require
from api.http.jobs_common import accepted
from api.http.problems import WRITE, TooLarge, documented
from api.http.schemas import JobOut
from knowledge.ingest import IngestOptions, Ingestor
from knowledge.settings import get_settings

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["documents"], responses=WRITE)
CHUNK = 1 << 20


def _safe_name(name: str) -> str:
    base = re.sub(r"[^\w.\-]+", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], flags=re.UNICODE)
    return base.strip("._") or "upload"


@router.post(
    "/documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(413),
)
def upload(
    caller: Caller,
    files: Annotated[
        list[UploadFile],
        File(description="Research files (csv, xlsx, json, jsonl, txt, md, docx, pdf, srt, vtt)."),
    ],
    kind: Annotated[
        Literal["feedback", "review", "survey", "support", "interview", "competitor"], Form()
    ],
    jobs: JobsDep,
    runner: RunnerDep,
    library: LibraryDep,
    request: Request,
    response: Response,
    product: Annotated[str | None, Form(max_length=200)] = None,
    segment: Annotated[str | None, Form(max_length=200)] = None,
) -> JobOut:
    """Store the files and ingest them as a job; the job's result lists every file's outcome."""
    require(caller, "editor")
    settings = get_settings()
    limit = settings.max_upload_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit:
        raise TooLarge(f"the upload is {declared} bytes; the limit is {limit}")
    job = jobs.create(
        caller.workspace,
        "ingest",
        caller.name,
        {"files": [f.filename for f in files], "kind": kind},
    )
    folder = settings.home / "uploads" / job.id
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    paths = []
    try:
        for n, upload_file in enumerate(files):
            path = folder / f"{n:03d}-{_safe_name(upload_file.filename or 'upload')}"
            with path.open("wb") as sink:
                while chunk := upload_file.file.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise TooLarge(f"the upload is over the limit of {limit} bytes")
                    sink.write(chunk)
            paths.append(path)
    except TooLarge:
        shutil.rmtree(folder, ignore_errors=True)
        jobs.fail(job.id, "upload over the size limit")
        raise
    options = IngestOptions(kind=kind, workspace=caller.workspace, product=product, segment=segment)

    def work(progress: Any) -> dict[str, Any]:
        progress(f"ingesting {len(paths)} file(s)")
        report = Ingestor(library).run(paths, options)
        return report.summary()

    runner.submit(job, work)
    return accepted(request, response, job)
