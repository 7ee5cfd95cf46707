"""The JSON API for integrations and tests: a bearer token per officer, the pages' rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from bot import handoff
from bot.cases import Case

from . import views
from .deps import ApiCtx, ApiDep, visible_case

router = APIRouter(prefix="/api", tags=["console"])


class ReplyBody(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class CloseBody(BaseModel):
    outcome: str = Field(max_length=20)
    note: str = Field(default="", max_length=1000)


def _case(ctx: ApiCtx, case_id: int) -> Case:
    return visible_case(ctx.session, ctx.officer, case_id)


def _run(ctx: ApiCtx, case_id: int, action: Callable[[], Any]) -> dict[str, Any]:
    _case(ctx, case_id)
    try:
        action()
    except handoff.PermissionDenied as e:
        ctx.session.rollback()
        raise HTTPException(status_code=403, detail=str(e)) from None
    except handoff.InvalidCaseState as e:
        ctx.session.rollback()
        raise HTTPException(status_code=409, detail=str(e)) from None
    except handoff.CaseError as e:
        ctx.session.rollback()
        raise HTTPException(status_code=422, detail=str(e)) from None
    ctx.session.commit()
    case = ctx.session.get(Case, case_id)
    assert case is not None
    return views.case_public(session=ctx.session, case=case, officer=ctx.officer)


@router.get("/cases")
def list_cases(
    ctx: ApiDep,
    status: Annotated[str, Query(pattern="^(open|closed|all)$")] = "open",
    view: Annotated[str, Query(pattern="^(unassigned|mine|open|breached)$")] = "open",
) -> dict[str, Any]:
    """Cases the officer may see, by priority then age."""
    rows = views.queue(session=ctx.session, officer=ctx.officer, view=view, status=status)
    return {"cases": [views.row_public(r, ctx.officer) for r in rows]}


@router.get("/cases/{case_id}")
def get_case(ctx: ApiDep, case_id: int) -> dict[str, Any]:
    case = _case(ctx, case_id)
    body = views.case_public(
        session=ctx.session, case=case, officer=ctx.officer, with_transcript=True
    )
    handoff.audit(
        session=ctx.session, officer=ctx.officer, action="viewed", case_id=case.id, detail="api"
    )
    ctx.session.commit()
    return body


@router.post("/cases/{case_id}/claim")
def claim(ctx: ApiDep, case_id: int) -> dict[str, Any]:
    return _run(
        ctx,
        case_id,
        lambda: handoff.claim_case(session=ctx.session, case_id=case_id, officer=ctx.officer),
    )


@router.post("/cases/{case_id}/reply")
def reply(ctx: ApiDep, case_id: int, body: ReplyBody) -> dict[str, Any]:
    sent: dict[str, Any] = {}

    def act() -> None:
        msg = handoff.reply_to_case(
            session=ctx.session, case_id=case_id, officer=ctx.officer, text=body.text
        )
        sent.update(id=msg.id, delivery_status=msg.delivery_status)

    out = _run(ctx, case_id, act)
    out["message"] = sent
    return out


@router.post("/cases/{case_id}/close")
def close(ctx: ApiDep, case_id: int, body: CloseBody, request: Request) -> dict[str, Any]:
    catalog = request.app.state.catalog
    return _run(
        ctx,
        case_id,
        lambda: handoff.close_case(
            session=ctx.session,
            case_id=case_id,
            officer=ctx.officer,
            outcome=body.outcome,
            catalog=catalog,
            note=body.note,
        ),
    )
