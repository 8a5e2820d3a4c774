"""The review page in the browser: sign in with an API key (kept in a SameSite=Strict,
HttpOnly cookie; the form is guarded against login CSRF by ``sign_in_guard``), the workspace's
maps, and a page per map version with the review panel. Fonts are served from the project (no
CDN)."""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Cookie, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.http.deps import MAX_VERSION, REVIEW_COOKIE, DatabaseDep, LibraryDep, MapsDep
from api.http.sign_in_guard import TOKEN_MAX_CHARS, bind, forget, new_token, refusal
from api.web.chromium import available as printing_available
from api.web.element_names import element_names, selectable
from api.web.render import render_html
from api.web.review import panel, script
from api.web.review_labels import label_config
from api.web.service import map_for_export
from generator.evaluation.map_health import evaluate_map
from generator.translation.fields import translatable
from knowledge.platform.errors import NotFound
from knowledge.platform.keys import Principal, authenticate

router = APIRouter(prefix="/review", include_in_schema=False)
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:40px;max-width:720px}}
input{{width:100%;padding:8px}} li{{margin:6px 0}}</style></head><body>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(title), body=body), status_code=status)


def _who(db: DatabaseDep, key: str | None) -> Principal | None:
    return authenticate(db, key) if key else None


def _login(next_url: str, error: str = "", status: int = 200) -> HTMLResponse:
    message = f'<p style="color:#b42318">{escape(error)}</p>' if error else ""
    token = new_token()
    response = _page(
        "cjm review: sign in",
        f"<h1>cjm review</h1>{message}<form method=post action=/review/login>"
        f'<input type=hidden name=next value="{escape(next_url)}">'
        f'<input type=hidden name=csrf value="{token}">'
        "<label>API key <input name=key type=password autocomplete=off required></label>"
        "<p><button type=submit>Sign in</button></p></form>",
        status,
    )
    bind(response, token)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(next: Annotated[str, Query(max_length=500)] = "/review") -> HTMLResponse:  # noqa: A002
    return _login(next)


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: DatabaseDep,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/review",  # noqa: A002
    csrf: Annotated[str | None, Form(max_length=TOKEN_MAX_CHARS)] = None,
) -> HTMLResponse | RedirectResponse:
    refused = refusal(request, csrf)
    if refused is not None:
        return _login(next, refused, 403)
    who = _who(db, key.strip())
    if who is None:
        return _login(next, "unknown or revoked API key", 401)
    target = next if next.startswith("/review/") else f"/review/{quote(who.workspace, safe='')}"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(REVIEW_COOKIE, key.strip(), httponly=True, samesite="strict", path="/")
    forget(response)
    return response


@router.get("/logout", response_model=None)
def logout() -> RedirectResponse:
    response = RedirectResponse("/review/login", status_code=303)
    response.delete_cookie(REVIEW_COOKIE, path="/")
    return response


@router.get("", response_model=None)
def home(db: DatabaseDep, cjm_key: Annotated[str | None, Cookie()] = None) -> RedirectResponse:
    who = _who(db, cjm_key)
    if who is None:
        return RedirectResponse("/review/login", status_code=303)
    return RedirectResponse(f"/review/{quote(who.workspace, safe='')}", status_code=303)


@router.get("/{workspace}", response_model=None)
def workspace_maps(
    workspace: str,
    db: DatabaseDep,
    repo: MapsDep,
    cjm_key: Annotated[str | None, Cookie()] = None,
) -> HTMLResponse | RedirectResponse:
    who = _who(db, cjm_key)
    if who is None:
        return RedirectResponse(f"/review/login?next=/review/{quote(workspace)}", status_code=303)
    if who.workspace != workspace:
        return _page("not found", "<h1>Not found</h1>", 404)
    infos, _ = repo.list_maps(workspace, 0, 200)
    items = "".join(
        f'<li><a href="/review/{quote(workspace)}/{quote(i.id)}">{escape(i.title)}</a> '
        f"({i.language}, {i.status}, v{i.head})</li>"
        for i in infos
    )
    return _page(f"cjm review: {workspace}", f"<h1>{escape(workspace)}</h1><ul>{items}</ul>")


@router.get("/{workspace}/{map_id}", response_model=None)
def map_page(
    workspace: str,
    map_id: str,
    db: DatabaseDep,
    repo: MapsDep,
    library: LibraryDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
    cjm_key: Annotated[str | None, Cookie()] = None,
) -> HTMLResponse | RedirectResponse:
    who = _who(db, cjm_key)
    here = f"/review/{quote(workspace)}/{quote(map_id)}"
    if who is None:
        return RedirectResponse(f"/review/login?next={quote(here)}", status_code=303)
    try:
        if who.workspace != workspace:
            raise NotFound(map_id)
        journey, info = map_for_export(repo, workspace, map_id, version)
        summary = repo.get(workspace, map_id)
    except NotFound:
        return _page("not found", "<h1>Not found</h1>", 404)
    number = info.version or summary.head
    changes = repo.diff(workspace, map_id, number - 1, number) if number > 1 else []
    comments, _ = repo.comments(workspace, map_id, 0, 500)
    content = journey.model_dump(mode="json")
    texts = {f.path: f.source for f in translatable(content, "-") if f.kind == "text"}
    may_edit = who.may("editor")
    names = element_names(content, [*selectable(texts), *(c.anchor for c in comments)])
    html = render_html(
        journey,
        status=info.status,
        version=number,
        warnings=info.warnings,
        embed_fonts=False,
        font_base="/static/fonts/",
        review_panel=panel(
            journey.language,
            summary,
            number,
            who,
            changes,
            comments,
            evaluate_map(library, journey, workspace),
            names=names,
            printing=printing_available(),
        ),
        review_script=script(
            workspace,
            map_id,
            summary.head,
            texts,
            label_config(db, workspace, map_id, journey, may_edit),
            names=names,
            may_edit=may_edit,
            lang=journey.language,
        ),
    )
    return HTMLResponse(html)
