"""Team glossaries: read by everyone in the workspace, written by editors (JSON or a file)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile, status
from pydantic import Field

from api.http.deps import Caller, GlossariesDep, require
from api.http.problems import WRITE, TooLarge, documented
from api.http.schemas import Body, GlossaryInfoOut, Lang
from knowledge.translation.glossary import Glossary, GlossaryError, parse_glossary
from knowledge.translation.glossary.model import MAX_TERM_CHARS, MAX_TERMS

router = APIRouter(
    prefix="/v1/workspaces/{workspace}/glossaries", tags=["glossaries"], responses=WRITE
)
MAX_FILE_BYTES = 2 << 20
Name = Annotated[str, Path(max_length=64, examples=["delivery-terms"])]


Word = Annotated[str, Field(min_length=1, max_length=MAX_TERM_CHARS)]
TermIn = Annotated[dict[Lang, Word], Field(min_length=2)]


class GlossaryIn(Body):
    terms: list[TermIn] = Field(
        min_length=1,
        max_length=MAX_TERMS,
        examples=[
            [
                {"en": "courier", "fa": "پیک", "ru": "курьер", "th": "ไรเดอร์", "zh": "骑手"},
                {"en": "refund", "fa": "بازپرداخت", "ru": "возврат", "th": "คืนเงิน", "zh": "退款"},
            ]
        ],
    )


@router.get("", response_model=list[GlossaryInfoOut])
def list_glossaries(caller: Caller, store: GlossariesDep) -> list[GlossaryInfoOut]:
    return [GlossaryInfoOut(**asdict(g)) for g in store.list(caller.workspace)]


@router.get("/{name}", response_model=Glossary)
def get_glossary(caller: Caller, store: GlossariesDep, name: Name) -> Glossary:
    return store.get(caller.workspace, name)


def _store(
    caller: Caller, store: GlossariesDep, glossary: Glossary, response: Response
) -> GlossaryInfoOut:
    info, created = store.put(caller.workspace, glossary, caller.name)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return GlossaryInfoOut(**asdict(info))


@router.put(
    "/{name}",
    response_model=GlossaryInfoOut,
    status_code=status.HTTP_200_OK,
    responses={201: {"model": GlossaryInfoOut, "description": "Created."}},
)
def put_glossary(
    caller: Caller, store: GlossariesDep, name: Name, body: GlossaryIn, response: Response
) -> GlossaryInfoOut:
    """Create or replace a glossary (201 when created)."""
    require(caller, "editor")
    try:
        glossary = Glossary(name=name, terms=[dict(t) for t in body.terms])
    except ValueError as exc:
        raise GlossaryError(str(exc)) from exc
    return _store(caller, store, glossary, response)


@router.put(
    "/{name}/file",
    response_model=GlossaryInfoOut,
    status_code=status.HTTP_200_OK,
    responses={**documented(413), 201: {"model": GlossaryInfoOut, "description": "Created."}},
)
def put_glossary_file(
    caller: Caller,
    store: GlossariesDep,
    name: Name,
    file: Annotated[
        UploadFile,
        File(description="CSV with a header of language codes, or YAML: a list of terms."),
    ],
    response: Response,
) -> GlossaryInfoOut:
    """Create or replace a glossary from a CSV or YAML file (errors name the line)."""
    require(caller, "editor")
    raw = file.file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise TooLarge(f"a glossary file is at most {MAX_FILE_BYTES} bytes")
    fmt = (file.filename or "").rsplit(".", 1)[-1].lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError("the glossary file is not UTF-8 text") from exc
    try:
        glossary = parse_glossary(text, name, fmt)
    except ValueError as exc:
        raise GlossaryError(str(exc)) from exc
    return _store(caller, store, glossary, response)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_glossary(caller: Caller, store: GlossariesDep, name: Name) -> None:
    require(caller, "editor")
    store.delete(caller.workspace, name)
