"""Protection of the review page's sign-in form against login CSRF (another site signing a
person in with the attacker's key, so that what they then write lands in the attacker's
workspace). The form carries a token that must match a cookie set with the form
(SameSite=Strict, so a cross-site post arrives without it), and a post whose Origin or Referer
names another site is refused outright."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

SIGN_IN_COOKIE = "cjm_sign_in"
SIGN_IN_PATH = "/review/login"
TOKEN_MAX_CHARS = 100
TOKEN_SECONDS = 3600


def new_token() -> str:
    """A token for one sign-in form (``bind`` sets its cookie on the form's response)."""
    return secrets.token_urlsafe(32)


def bind(response: Response, token: str) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=TOKEN_SECONDS,
        httponly=True,
        samesite="strict",
        path=SIGN_IN_PATH,
    )


def same_origin(request: Request) -> bool:
    """False when the post says it comes from another site (Origin, else Referer); a request
    with neither (an old browser, a script) is left to the token."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    # behind a proxy that rewrites Host, the name the browser used is in X-Forwarded-Host (a
    # header no cross-site form can set)
    hosts = {
        h.strip().lower()
        for name in ("host", "x-forwarded-host")
        for h in request.headers.get(name, "").split(",")
        if h.strip()
    }
    return urlsplit(source).netloc.lower() in hosts


def refusal(request: Request, token: str | None) -> str | None:
    """Why the sign-in post is refused, or None when it came from this site's own form."""
    if not same_origin(request):
        return "the sign-in form was sent from another site"
    cookie = request.cookies.get(SIGN_IN_COOKIE)
    if not token or not cookie or not hmac.compare_digest(token.encode(), cookie.encode()):
        return "the sign-in form has expired or was not sent from this site: sign in again"
    return None


def forget(response: Response) -> None:
    response.delete_cookie(SIGN_IN_COOKIE, path=SIGN_IN_PATH)
