"""The console's pages: login, queues, the case page and its actions, agencies, statistics, audit.

Plain HTML forms (work on any phone, no JavaScript needed); every POST carries a CSRF token;
every state change goes through bot/handoff (the one writer) and is committed before the redirect.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import col, select

from bot import handoff
from bot.cases import OUTCOMES, AuditLog, Case, Officer
from bot.models import Contact, Conversation, utcnow
from bot.officers import AccountError, authenticate, get_officer, set_password

from . import charts, stats, views
from .deps import FormCtx, PageCtx, SessionDep, get_settings_dep, request_lang, visible_case
from .i18n import OUTCOME_LABELS, PRIORITY_LABELS, STATUS_LABELS, label, translator
from .security import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    cookie_options,
    csrf_ok,
    new_session_cookie,
)

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
CSS_PATH = HERE / "static" / "console.css"

router = APIRouter(prefix="/console", include_in_schema=False)

#: Paths of this router that answer without a session (everything else refuses anonymous requests).
PUBLIC_PATHS = frozenset({"/console/login", "/console/static/console.css"})


def _render(
    request: Request, name: str, lang: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.update(
        t=translator(lang),
        lang=lang,
        plabel=lambda p: label(PRIORITY_LABELS, p, lang),
        olabel=lambda o: label(OUTCOME_LABELS, o, lang),
        slabel=lambda st: label(STATUS_LABELS, st, lang),
        outcomes=OUTCOMES,
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _page(
    request: Request, ctx: Any, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return _render(
        request,
        name,
        ctx.lang,
        status_code=status_code,
        ctx=ctx,
        officer=ctx.officer,
        csrf=ctx.csrf,
        **context,
    )


def _safe_next(target: str | None) -> str:
    """Only local console paths: never redirect an officer to another site after login."""
    if not target:
        return "/console"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console"):
        return "/console"
    return target


def _forbidden(request: Request, ctx: Any, detail: str) -> HTMLResponse:
    return _page(request, ctx, "error.html", status_code=403, message=detail)


# -- public: login and the stylesheet -----------------------------------------------------------


@router.get("/static/console.css")
def stylesheet() -> FileResponse:
    return FileResponse(CSS_PATH, media_type="text/css")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/console") -> HTMLResponse:
    lang = request_lang(request)
    token = secrets.token_urlsafe(24)
    resp = _render(
        request, "login.html", lang, login_csrf=token, next=_safe_next(next), error=False
    )
    resp.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, **cookie_options(get_settings_dep(request))
    )
    return resp


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=60)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/console",
) -> Response:
    settings = get_settings_dep(request)
    lang = request_lang(request)
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        raise HTTPException(status_code=403, detail="invalid CSRF token")
    officer = authenticate(session=session, username=username, password=password)
    session.commit()
    if officer is None:
        token = secrets.token_urlsafe(24)
        resp = _render(
            request,
            "login.html",
            lang,
            status_code=401,
            login_csrf=token,
            next=_safe_next(next),
            error=True,
        )
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **cookie_options(settings))
        return resp
    assert officer.id is not None
    done = RedirectResponse(_safe_next(next), status_code=303)
    done.set_cookie(
        SESSION_COOKIE,
        new_session_cookie(settings, officer_id=officer.id, epoch=officer.session_epoch),
        max_age=12 * 3600,
        **cookie_options(settings),
    )
    done.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return done


# -- session ------------------------------------------------------------------------------------


@router.post("/logout")
def logout(ctx: FormCtx) -> RedirectResponse:
    ctx.officer.session_epoch += 1  # every cookie of this officer stops working
    ctx.session.add(ctx.officer)
    handoff.audit(session=ctx.session, officer=ctx.officer, action="logout")
    ctx.session.commit()
    resp = RedirectResponse("/console/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request, ctx: PageCtx) -> HTMLResponse:
    return _page(request, ctx, "password.html", error=False)


@router.post("/password", response_model=None)
def password_change(
    request: Request,
    ctx: FormCtx,
    current: Annotated[str, Form(max_length=200)],
    new: Annotated[str, Form(max_length=200)],
    repeat: Annotated[str, Form(max_length=200)],
) -> Response:
    from bot.officers import verify_password

    if new != repeat or not verify_password(ctx.officer.password_hash, current):
        return _page(request, ctx, "password.html", status_code=400, error=True)
    try:
        set_password(session=ctx.session, officer=ctx.officer, password=new)
    except AccountError:
        return _page(request, ctx, "password.html", status_code=400, error=True)
    ctx.session.commit()
    assert ctx.officer.id is not None
    resp = RedirectResponse("/console", status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        new_session_cookie(
            ctx.settings, officer_id=ctx.officer.id, epoch=ctx.officer.session_epoch
        ),
        max_age=12 * 3600,
        **cookie_options(ctx.settings),
    )
    return resp


@router.get("/lang")
def switch_language(ctx: PageCtx, to: str = "id", next: str = "/console") -> RedirectResponse:
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        LANG_COOKIE,
        "en" if to == "en" else "id",
        max_age=365 * 86400,
        **cookie_options(ctx.settings),
    )
    return resp


# -- queues and cases ---------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def queue_page(
    request: Request,
    ctx: PageCtx,
    view: Annotated[str, Query(pattern="^(unassigned|mine|open|breached)$")] = "unassigned",
) -> HTMLResponse:
    open_rows = views.queue(session=ctx.session, officer=ctx.officer, view="open")
    by_view = {
        "open": open_rows,
        "unassigned": [r for r in open_rows if r.case.assignee_id is None],
        "mine": [r for r in open_rows if r.case.assignee_id == ctx.officer.id],
        "breached": [r for r in open_rows if r.breached],
    }
    rows = by_view[view]
    counts = {v: len(by_view[v]) for v in views.VIEWS}
    return _page(request, ctx, "queue.html", rows=rows, view=view, counts=counts, now=utcnow())


def _visible_case(ctx: Any, case_id: int) -> Case:
    return visible_case(ctx.session, ctx.officer, case_id)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, ctx: PageCtx, case_id: int) -> HTMLResponse:
    case = _visible_case(ctx, case_id)
    contact = ctx.session.get(Contact, case.contact_id)
    conv = ctx.session.exec(
        select(Conversation).where(Conversation.contact_id == case.contact_id)
    ).first()
    _audit_view(ctx, case)
    return _page(
        request,
        ctx,
        "case.html",
        case=case,
        contact=contact,
        handled_by=conv.handled_by if conv else "bot",
        messages=views.transcript(session=ctx.session, case=case),
        events=views.events(session=ctx.session, case=case),
        can_claim=handoff.can_claim(ctx.officer, case),
        can_act=handoff.can_act(ctx.officer, case) and case.status == "open",
        breached=views.is_breached(case, utcnow()),
        targets=[o for o in views.transfer_targets(session=ctx.session) if o.id != ctx.officer.id],
    )


#: Reloads of a case page within this window are one "viewed" in the audit log.
VIEW_AUDIT_WINDOW = timedelta(minutes=10)


def _audit_view(ctx: Any, case: Case) -> None:
    """Log `viewed`, unless this officer's last logged action here was a view moments ago."""
    last = ctx.session.exec(
        select(AuditLog)
        .where(AuditLog.officer_id == ctx.officer.id, AuditLog.case_id == case.id)
        .order_by(col(AuditLog.id).desc())
        .limit(1)
    ).first()
    if last is None or last.action != "viewed" or utcnow() - last.created_at > VIEW_AUDIT_WINDOW:
        handoff.audit(session=ctx.session, officer=ctx.officer, action="viewed", case_id=case.id)
        ctx.session.commit()


def _act(request: Request, ctx: Any, case_id: int, action: Any) -> Response:
    """Run one handoff action; refusals become a 403/409 page, success a redirect to the case."""
    _visible_case(ctx, case_id)
    try:
        action()
    except handoff.PermissionDenied:
        ctx.session.rollback()
        return _forbidden(request, ctx, "Anda tidak berhak melakukan ini.")
    except handoff.CaseError as e:
        ctx.session.rollback()
        return _page(request, ctx, "error.html", status_code=409, message=str(e))
    ctx.session.commit()
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/claim", response_model=None)
def claim(request: Request, ctx: FormCtx, case_id: int) -> Response:
    return _act(
        request,
        ctx,
        case_id,
        lambda: handoff.claim_case(session=ctx.session, case_id=case_id, officer=ctx.officer),
    )


@router.post("/cases/{case_id}/reply", response_model=None)
def reply(
    request: Request,
    ctx: FormCtx,
    case_id: int,
    text: Annotated[str, Form(max_length=4000)],
) -> Response:
    return _act(
        request,
        ctx,
        case_id,
        lambda: handoff.reply_to_case(
            session=ctx.session, case_id=case_id, officer=ctx.officer, text=text
        ),
    )


@router.post("/cases/{case_id}/note", response_model=None)
def note(
    request: Request,
    ctx: FormCtx,
    case_id: int,
    text: Annotated[str, Form(max_length=4000)],
) -> Response:
    return _act(
        request,
        ctx,
        case_id,
        lambda: handoff.add_note(
            session=ctx.session, case_id=case_id, officer=ctx.officer, text=text
        ),
    )


@router.post("/cases/{case_id}/transfer", response_model=None)
def transfer(
    request: Request,
    ctx: FormCtx,
    case_id: int,
    to_officer: Annotated[str, Form(max_length=60)] = "",
    to_team: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    target: Officer | None = None
    if to_officer:
        target = get_officer(session=ctx.session, username=to_officer)
        if target is None:
            return _page(request, ctx, "error.html", status_code=400, message="unknown officer")
    return _act(
        request,
        ctx,
        case_id,
        lambda: handoff.transfer_case(
            session=ctx.session,
            case_id=case_id,
            officer=ctx.officer,
            to_officer=target,
            to_team=to_team.strip() or None,
        ),
    )


@router.post("/cases/{case_id}/close", response_model=None)
def close(
    request: Request,
    ctx: FormCtx,
    case_id: int,
    outcome: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    catalog = request.app.state.catalog
    return _act(
        request,
        ctx,
        case_id,
        lambda: handoff.close_case(
            session=ctx.session,
            case_id=case_id,
            officer=ctx.officer,
            outcome=outcome,
            catalog=catalog,
            note=note,
        ),
    )


@router.get("/cases/{case_id}/export")
def export(ctx: PageCtx, case_id: int) -> Response:
    """The case with its whole transcript as JSON (for a referral); logged as `exported`."""
    case = _visible_case(ctx, case_id)
    body = views.case_public(
        session=ctx.session, case=case, officer=ctx.officer, with_transcript=True
    )
    handoff.audit(session=ctx.session, officer=ctx.officer, action="exported", case_id=case.id)
    ctx.session.commit()
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="kasus-{case_id}.json"'},
    )


# -- agencies, statistics, audit ----------------------------------------------------------------


def _agencies_module() -> Any:
    try:
        from bot import agencies
    except ImportError:
        return None
    return agencies


@router.get("/agencies", response_class=HTMLResponse)
def agencies_page(request: Request, ctx: PageCtx, q: str = "") -> HTMLResponse:
    module = _agencies_module()
    match: Any = None
    if module is not None and q.strip():
        match = module.lookup(session=ctx.session, query=q.strip()[:200])
    return _page(
        request, ctx, "agencies.html", available=module is not None, q=q, match=match, imported=None
    )


@router.post("/agencies/import", response_class=HTMLResponse)
async def agencies_import(
    request: Request,
    ctx: FormCtx,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    if ctx.officer.role != "admin":
        return _forbidden(request, ctx, "Anda tidak berhak melakukan ini.")
    module = _agencies_module()
    if module is None:
        return _page(
            request,
            ctx,
            "agencies.html",
            status_code=503,
            available=False,
            q="",
            match=None,
            imported=None,
        )
    data = await file.read()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agencies.csv"
        path.write_bytes(data)
        result = module.import_csv(session=ctx.session, path=path)
    handoff.audit(
        session=ctx.session,
        officer=ctx.officer,
        action="agencies_imported",
        detail=result.summary(),
    )
    ctx.session.commit()
    return _page(
        request,
        ctx,
        "agencies.html",
        status_code=200 if result.ok else 400,
        available=True,
        q="",
        match=None,
        imported=result,
    )


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, ctx: PageCtx) -> HTMLResponse:
    st = stats.compute(session=ctx.session)
    t = translator(ctx.lang)
    svg = {
        "per_day": charts.stacked_columns(
            st.days, st.per_day, title=t("Pesan per hari menurut kanal")
        ),
        "intents": charts.hbar_chart(st.intents, title=t("Intent teratas")),
        "languages": charts.hbar_chart(st.languages, title=t("Bahasa pesan masuk")),
        "priorities": charts.hbar_chart(
            [(label(PRIORITY_LABELS, p, ctx.lang), n) for p, n in st.priorities],
            title=t("Kasus menurut prioritas"),
        ),
        "outcomes": charts.hbar_chart(
            [(label(OUTCOME_LABELS, o, ctx.lang), n) for o, n in st.outcomes],
            title=t("Kasus menurut hasil"),
        ),
    }
    return _page(request, ctx, "stats.html", st=st, svg=svg)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, ctx: PageCtx, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> HTMLResponse:
    if not handoff.is_supervisor(ctx.officer):
        return _forbidden(request, ctx, "Anda tidak berhak melakukan ini.")
    rows = ctx.session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)).all()
    names = {o.id: o.username for o in ctx.session.exec(select(Officer)).all()}
    return _page(request, ctx, "audit.html", rows=rows, names=names)


def login_url(next_path: str) -> str:
    return f"/console/login?next={quote(next_path, safe='')}"
