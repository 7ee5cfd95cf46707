"""Read-only queries behind the queue, the case page and the API (no writes: bot/handoff writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.cases import Case, CaseEvent, Officer
from bot.handoff import can_act, can_claim, queue_order, visible_cases_filter
from bot.models import Contact, Conversation, Message, utcnow

VIEWS = ("unassigned", "mine", "open", "breached")


@dataclass(frozen=True, slots=True)
class CaseRow:
    case: Case
    channel: str
    language: str
    assignee: str | None
    breached: bool
    handled_by: str = "bot"


def is_breached(case: Case, now: datetime) -> bool:
    """Flagged by check_breaches, or unclaimed past its target right now."""
    return case.breached_at is not None or (
        case.status == "open" and case.assignee_id is None and case.due_at <= now
    )


def queue(
    *,
    session: Session,
    officer: Officer,
    view: str,
    now: datetime | None = None,
    status: str = "open",
) -> list[CaseRow]:
    """The cases of one queue view the officer may see, by priority then age."""
    now = now or utcnow()
    q = (
        select(Case, Contact, Conversation.handled_by)
        .join(Contact, col(Contact.id) == col(Case.contact_id))
        .outerjoin(Conversation, col(Conversation.contact_id) == col(Case.contact_id))
    )
    if status in ("open", "closed"):
        q = q.where(Case.status == status)
    for cond in visible_cases_filter(officer):
        q = q.where(cond)  # type: ignore[arg-type]
    if view == "unassigned":
        q = q.where(col(Case.assignee_id).is_(None))
    elif view == "mine":
        q = q.where(Case.assignee_id == officer.id)
    elif view == "breached":
        q = q.where(
            or_(
                col(Case.breached_at).is_not(None),
                (col(Case.assignee_id).is_(None)) & (col(Case.due_at) <= now),
            )
        )
    q = q.order_by(*queue_order()).limit(500)  # type: ignore[arg-type]
    rows = session.exec(q).all()
    names = _officer_names(session, {c.assignee_id for c, _, _ in rows if c.assignee_id})
    return [
        CaseRow(
            case=c,
            channel=ct.channel,
            language=ct.language,
            assignee=names.get(c.assignee_id) if c.assignee_id else None,
            breached=is_breached(c, now),
            handled_by=handled_by or "bot",
        )
        for c, ct, handled_by in rows
    ]


def _officer_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Officer).where(col(Officer.id).in_(wanted))).all()
    return {o.id: (o.display_name or o.username) for o in rows if o.id is not None}


def transcript(*, session: Session, case: Case) -> list[dict[str, Any]]:
    """Every message of the contact, oldest first, with what the NLU saw and delivery status."""
    msgs = session.exec(
        select(Message).where(Message.contact_id == case.contact_id).order_by(col(Message.id))
    ).all()
    names = _officer_names(session, {m.officer_id for m in msgs if m.officer_id})
    return [
        {
            "id": m.id,
            "at": m.created_at.isoformat(),
            "created_at": m.created_at,
            "direction": m.direction,
            "author": m.author,
            "officer": names.get(m.officer_id) if m.officer_id else None,
            "text": m.text,
            "payload": m.payload,
            "media": m.media,
            "intent": m.intent,
            "intent_confidence": m.intent_confidence,
            "language": m.language,
            "risk_level": m.risk_level,
            "risk_flags": m.risk_flags,
            "content_id": m.content_id,
            "delivery_status": m.delivery_status,
        }
        for m in msgs
    ]


def events(*, session: Session, case: Case) -> list[dict[str, Any]]:
    rows = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.id))
    ).all()
    names = _officer_names(session, {e.officer_id for e in rows if e.officer_id})
    return [
        {
            "kind": e.kind,
            "text": e.text,
            "at": e.created_at.isoformat(),
            "created_at": e.created_at,
            "officer": names.get(e.officer_id) if e.officer_id else None,
        }
        for e in rows
    ]


def row_public(row: CaseRow, officer: Officer) -> dict[str, Any]:
    """The JSON shape of a case in a list (no extra queries: the queue row has it all)."""
    return _public(row.case, officer, row.channel, row.language, row.handled_by, row.assignee)


def case_public(
    *, session: Session, case: Case, officer: Officer, with_transcript: bool = False
) -> dict[str, Any]:
    """The JSON shape of one case in the API, with its transcript and history if asked."""
    contact = session.get(Contact, case.contact_id)
    conv = session.exec(
        select(Conversation).where(Conversation.contact_id == case.contact_id)
    ).first()
    names = _officer_names(session, {case.assignee_id})
    out = _public(
        case,
        officer,
        contact.channel if contact else None,
        contact.language if contact else None,
        conv.handled_by if conv else "bot",
        names.get(case.assignee_id) if case.assignee_id else None,
    )
    if with_transcript:
        out["transcript"] = [
            {k: v for k, v in m.items() if k != "created_at"}
            for m in transcript(session=session, case=case)
        ]
        out["events"] = [
            {k: v for k, v in e.items() if k != "created_at"}
            for e in events(session=session, case=case)
        ]
    return out


def _public(
    case: Case,
    officer: Officer,
    channel: str | None,
    language: str | None,
    handled_by: str,
    assignee: str | None,
) -> dict[str, Any]:
    now = utcnow()
    out: dict[str, Any] = {
        "id": case.id,
        "status": case.status,
        "priority": case.priority,
        "reason": case.reason,
        "intent": case.intent,
        "flags": case.flags,
        "triggers": case.triggers,
        "team": case.team,
        "assignee": assignee,
        "outcome": case.outcome,
        "channel": channel,
        "language": language,
        "handled_by": handled_by,
        "breached": is_breached(case, now),
        "can_claim": can_claim(officer, case),
        "can_act": can_act(officer, case),
    }
    for name in (
        "opened_at",
        "due_at",
        "claimed_at",
        "first_reply_at",
        "closed_at",
        "breached_at",
        "last_activity_at",
    ):
        value = getattr(case, name)
        out[name] = value.isoformat() if value is not None else None
    return out


def transfer_targets(*, session: Session) -> list[Officer]:
    return list(
        session.exec(
            select(Officer).where(col(Officer.active).is_(True)).order_by(col(Officer.username))
        ).all()
    )
