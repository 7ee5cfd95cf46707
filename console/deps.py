"""Dependencies of console pages and the API: the database session, who is asking, CSRF.

Pages: the signed session cookie; without one the request is refused with a redirect to the
login page. API: a bearer token; without one, 401. Forms: a CSRF token tied to the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from bot import handoff
from bot.cases import Case, Officer
from bot.db import session_scope
from bot.officers import officer_for_token
from bot.settings import Settings

from .i18n import LANGUAGES
from .security import (
    LANG_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    csrf_token,
    read_session_cookie,
)

LOGIN_PATH = "/console/login"
PASSWORD_PATH = "/console/password"
LOGOUT_PATH = "/console/logout"


def get_db_session(request: Request) -> Iterator[Session]:
    """One transaction per request (commits at the end; action handlers commit before answering)."""
    with session_scope(request.app.state.db) as s:
        yield s


SessionDep = Annotated[Session, Depends(get_db_session)]


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def request_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "id"
    return lang if lang in LANGUAGES else "id"


@dataclass(slots=True)
class Ctx:
    """The signed-in officer of a page request, with what templates need."""

    officer: Officer
    session: Session
    settings: Settings
    csrf: str
    lang: str


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return HTTPException(
        status_code=303,
        detail="login required",
        headers={"Location": f"{LOGIN_PATH}?next={quote(target, safe='')}"},
    )


def page_ctx(request: Request, session: SessionDep) -> Ctx:
    """The signed-in officer, or a redirect to the login page (the request is refused)."""
    settings = get_settings_dep(request)
    data = read_session_cookie(settings, request.cookies.get(SESSION_COOKIE))
    if data is None:
        raise _login_redirect(request)
    officer = session.get(Officer, data.officer_id)
    if officer is None or not officer.active or officer.session_epoch != data.epoch:
        raise _login_redirect(request)
    if officer.must_change_password and request.url.path not in (PASSWORD_PATH, LOGOUT_PATH):
        raise HTTPException(
            status_code=303, detail="password change required", headers={"Location": PASSWORD_PATH}
        )
    return Ctx(
        officer=officer,
        session=session,
        settings=settings,
        csrf=csrf_token(settings, data.sid),
        lang=request_lang(request),
    )


PageCtx = Annotated[Ctx, Depends(page_ctx)]


async def form_ctx(request: Request, ctx: PageCtx) -> Ctx:
    """A signed-in officer posting a form that carries this session's CSRF token."""
    form = await request.form()
    given = form.get("csrf_token")
    if not csrf_ok(ctx.csrf, given if isinstance(given, str) else None):
        raise HTTPException(status_code=403, detail="invalid CSRF token")
    return ctx


FormCtx = Annotated[Ctx, Depends(form_ctx)]


@dataclass(slots=True)
class ApiCtx:
    officer: Officer
    session: Session
    settings: Settings


def api_ctx(request: Request, session: SessionDep) -> ApiCtx:
    """The officer owning the bearer token; 401 without a valid one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    officer = (
        officer_for_token(session=session, token=token.strip())
        if scheme.lower() == "bearer" and token.strip()
        else None
    )
    if officer is None:
        raise HTTPException(
            status_code=401, detail="bearer token required", headers={"WWW-Authenticate": "Bearer"}
        )
    return ApiCtx(officer=officer, session=session, settings=get_settings_dep(request))


ApiDep = Annotated[ApiCtx, Depends(api_ctx)]


def visible_case(session: Session, officer: Officer, case_id: int) -> Case:
    """The case, if this officer may see it: 404 when there is none, 403 for another team's."""
    case = session.get(Case, case_id)
    if case is None:
        raise HTTPException(status_code=404, detail="no such case")
    if not handoff.can_view(officer, case):
        raise HTTPException(status_code=403, detail="not allowed for this officer")
    return case
