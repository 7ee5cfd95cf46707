"""The case service: the one writer of case state (open, raise, claim, transfer, reply, close,
breach).

Rules (issue #6):
- Urgent/high risk, the handoff intents or the officer button open a case; at most one open case
  per contact; a new risk on an open case raises its priority (and pulls its target closer).
- Claiming hands the conversation to the officer (Conversation.handled_by = "officer"): the engine
  then stores every user message, calls `add_user_message`, and answers nothing itself.
- Closing, with an outcome, hands it back to the bot, which tells the user ("case_closed").
- An unclaimed case past its target is breached: flagged and announced again, for supervisors.
- New, raised and breached cases are announced in the officers' Telegram chat through the outbox:
  the chat is a Contact row (channel "telegram", external_id OFFICER_TELEGRAM_CHAT_ID), so the
  announcement is retried like any message. Announcements carry no message text, only a link.

Who may do what (the same for console pages and the JSON API):
- supervisor, admin: see and act on every case.
- officer: sees the shared pool (cases without a team), their team's cases and cases assigned to
  them; claims an unassigned case they can see (the case then takes their team); replies, adds
  notes, transfers and closes only cases assigned to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, col, select

from content.types import MessageCatalog

from .cases import OUTCOMES, PRIORITY_RANK, AuditLog, Case, CaseEvent, Officer
from .db import session_scope
from .engine import CaseOutcome
from .models import Contact, Conversation, Message, utcnow
from .outbox import enqueue
from .policy import CaseRequest
from .settings import Settings, get_settings

log = logging.getLogger(__name__)

SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})
#: The officers' chat is addressed as a contact on this channel.
OFFICER_CHAT_CHANNEL = "telegram"


class CaseError(Exception):
    """A case action that cannot be done."""


class PermissionDenied(CaseError):
    """The officer's role or team does not allow this action on this case."""


class InvalidCaseState(CaseError):
    """The case is not in a state that allows this action (closed, already claimed, ...)."""


# -- rules --------------------------------------------------------------------------------------


def target_minutes(priority: str, settings: Settings) -> int:
    """The response target of a priority, from settings."""
    return {
        "urgent": settings.CASE_TARGET_URGENT_MINUTES,
        "high": settings.CASE_TARGET_HIGH_MINUTES,
    }.get(priority, settings.CASE_TARGET_NORMAL_MINUTES)


def is_supervisor(officer: Officer) -> bool:
    return officer.role in SUPERVISOR_ROLES


def can_view(officer: Officer, case: Case) -> bool:
    """Supervisors see everything; an officer sees the pool, their team and their own cases."""
    if not officer.active:
        return False
    if is_supervisor(officer):
        return True
    return case.assignee_id == officer.id or case.team is None or case.team == officer.team


def can_claim(officer: Officer, case: Case) -> bool:
    """An open case nobody holds, that the officer can see; supervisors may also take one over."""
    if case.status != "open" or not can_view(officer, case):
        return False
    return case.assignee_id is None or (is_supervisor(officer) and case.assignee_id != officer.id)


def can_act(officer: Officer, case: Case) -> bool:
    """Reply, note, transfer, close: the assignee, or a supervisor/admin."""
    if not officer.active:
        return False
    return is_supervisor(officer) or (
        case.assignee_id is not None and case.assignee_id == officer.id
    )


def visible_cases_filter(officer: Officer) -> list[object]:
    """SQL conditions matching `can_view`, for queue queries."""
    if is_supervisor(officer):
        return []
    from sqlalchemy import or_

    return [
        or_(
            col(Case.assignee_id) == officer.id,
            col(Case.team).is_(None),
            col(Case.team) == officer.team,
        )
    ]


# -- reading ------------------------------------------------------------------------------------


def open_case_for(session: Session, contact_id: int) -> Case | None:
    return session.exec(
        select(Case).where(Case.contact_id == contact_id, Case.status == "open")
    ).first()


def _locked_case(session: Session, case_id: int) -> Case:
    """The case row, locked for this transaction on Postgres (two officers claiming at once)."""
    q = select(Case).where(Case.id == case_id)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        q = q.with_for_update()
    case = session.exec(q).first()
    if case is None:
        raise CaseError(f"no case {case_id}")
    session.refresh(case)
    return case


def _conversation(session: Session, contact_id: int) -> Conversation:
    conv = session.exec(select(Conversation).where(Conversation.contact_id == contact_id)).first()
    if conv is None:
        conv = Conversation(contact_id=contact_id)
        session.add(conv)
        session.flush()
    return conv


def _contact(session: Session, case: Case) -> Contact:
    contact = session.get(Contact, case.contact_id)
    if contact is None:  # the FK cascades, so this is only a race with a deletion
        raise CaseError(f"case {case.id} has no contact")
    return contact


def _event(
    session: Session,
    case: Case,
    kind: str,
    text: str = "",
    officer: Officer | None = None,
    now: datetime | None = None,
) -> None:
    assert case.id is not None
    session.add(
        CaseEvent(
            case_id=case.id,
            officer_id=officer.id if officer else None,
            kind=kind,
            text=text,
            created_at=now or utcnow(),
        )
    )


def audit(
    *,
    session: Session,
    officer: Officer | None,
    action: str,
    case_id: int | None = None,
    detail: str = "",
) -> None:
    """Record an officer action (viewed, claimed, replied, closed, exported, login...)."""
    session.add(
        AuditLog(
            officer_id=officer.id if officer else None,
            action=action,
            case_id=case_id,
            detail=detail[:500],
        )
    )


# -- notifications ------------------------------------------------------------------------------


def officer_chat_contact(*, session: Session, settings: Settings) -> Contact | None:
    """The officers' Telegram chat as a contact (created on first use); None when not configured."""
    chat_id = settings.OFFICER_TELEGRAM_CHAT_ID.strip()
    if not chat_id:
        return None
    contact = session.exec(
        select(Contact).where(
            Contact.channel == OFFICER_CHAT_CHANNEL, Contact.external_id == chat_id
        )
    ).first()
    if contact is None:
        contact = Contact(channel=OFFICER_CHAT_CHANNEL, external_id=chat_id, language="id")
        session.add(contact)
        session.flush()
    return contact


def _case_url(case: Case, settings: Settings) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/console/cases/{case.id}"


def notify_officers(
    *, session: Session, case: Case, kind: str, settings: Settings
) -> Message | None:
    """Announce a new, raised or breached case in the officers' chat (through the outbox)."""
    chat = officer_chat_contact(session=session, settings=settings)
    if chat is None:
        log.warning("case %s %s: OFFICER_TELEGRAM_CHAT_ID not set, console only", case.id, kind)
        return None
    flags = ", ".join(case.flags) or "-"
    head = {
        "new": f"Kasus baru #{case.id}",
        "raised": f"Prioritas kasus #{case.id} naik",
        "breached": f"PERHATIAN SUPERVISOR: kasus #{case.id} melewati target, belum diambil",
    }[kind]
    text = (
        f"{head} [{case.priority.upper()}]\n"
        f"Alasan: {case.reason}\nTanda risiko: {flags}\n"
        f"Target respons: {case.due_at:%Y-%m-%d %H:%M} UTC\n{_case_url(case, settings)}"
    )
    return enqueue(session, contact=chat, text=text, author="system", language="id")


# -- writing ------------------------------------------------------------------------------------


def open_case(
    *,
    session: Session,
    contact: Contact,
    message: Message | None,
    request: CaseRequest,
    settings: Settings,
    now: datetime | None = None,
) -> CaseOutcome:
    """Open a case for the contact, or raise the priority of the one already open."""
    assert contact.id is not None
    now = now or utcnow()
    intent = message.intent if message is not None else None
    existing = open_case_for(session, contact.id)
    if existing is None:
        case = Case(
            contact_id=contact.id,
            priority=request.priority,
            priority_rank=PRIORITY_RANK[request.priority],
            reason=request.reason,
            intent=intent,
            flags=sorted(set(request.flags)),
            triggers=list(dict.fromkeys(request.triggers)),
            trigger_message_id=message.id if message is not None else None,
            opened_at=now,
            last_activity_at=now,
            due_at=now + timedelta(minutes=target_minutes(request.priority, settings)),
        )
        session.add(case)
        session.flush()
        _event(session, case, "opened", request.reason, now=now)
        notify_officers(session=session, case=case, kind="new", settings=settings)
        log.info("case %s opened for contact %s: %s", case.id, contact.id, request.reason)
        assert case.id is not None
        return CaseOutcome(case_id=case.id, created=True, priority=case.priority)

    case = existing
    case.last_activity_at = now
    case.flags = sorted(set(case.flags) | set(request.flags))
    case.triggers = list(dict.fromkeys([*case.triggers, *request.triggers]))
    if PRIORITY_RANK[request.priority] < case.priority_rank:
        old = case.priority
        case.priority = request.priority
        case.priority_rank = PRIORITY_RANK[request.priority]
        case.reason = f"{case.reason}; {request.reason}"
        if intent and case.intent != intent:
            case.intent = intent
        case.due_at = min(
            case.due_at, now + timedelta(minutes=target_minutes(request.priority, settings))
        )
        _event(session, case, "raised", f"{old} -> {case.priority}: {request.reason}", now=now)
        if case.assignee_id is None:
            notify_officers(session=session, case=case, kind="raised", settings=settings)
        log.info("case %s raised %s -> %s: %s", case.id, old, case.priority, request.reason)
    session.add(case)
    session.flush()
    assert case.id is not None
    return CaseOutcome(case_id=case.id, created=False, priority=case.priority)


def add_user_message(
    *,
    session: Session,
    contact: Contact,
    message: Message,
    settings: Settings | None = None,
) -> Case:
    """A user wrote while an officer holds the conversation: the message belongs to the case."""
    assert contact.id is not None
    case = open_case_for(session, contact.id)
    if case is None:
        # Held but no open case (should not happen): open one so the message is not lost.
        log.error("contact %s held by an officer without an open case; opening one", contact.id)
        request = CaseRequest("normal", "message while held without an open case")
        outcome = open_case(
            session=session,
            contact=contact,
            message=message,
            request=request,
            settings=settings or get_settings(),
        )
        found = session.get(Case, outcome.case_id)
        assert found is not None
        return found
    case.last_activity_at = utcnow()
    session.add(case)
    return case


def claim_case(
    *, session: Session, case_id: int, officer: Officer, now: datetime | None = None
) -> Case:
    """The officer takes the case: the bot is paused for this contact until it is closed."""
    now = now or utcnow()
    case = _locked_case(session, case_id)
    if case.status != "open":
        raise InvalidCaseState(f"case {case_id} is {case.status}")
    if case.assignee_id == officer.id:
        return case
    if not can_claim(officer, case):
        if case.assignee_id is not None and can_view(officer, case):
            raise InvalidCaseState(f"case {case_id} is already claimed")
        raise PermissionDenied(f"officer {officer.username} may not claim case {case_id}")
    previous = case.assignee_id
    # Compare-and-set, so two officers claiming at once leave one holder on any database.
    taken = session.execute(
        update(Case)
        .where(col(Case.id) == case_id, col(Case.status) == "open")
        .where(
            col(Case.assignee_id).is_(None)
            if previous is None
            else col(Case.assignee_id) == previous
        )
        .values(assignee_id=officer.id)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidCaseState(f"case {case_id} is already claimed")
    case.assignee_id = officer.id
    if officer.team and (case.team is None or not is_supervisor(officer)):
        case.team = officer.team
    if case.claimed_at is None:
        case.claimed_at = now
    case.last_activity_at = now
    _conversation(session, case.contact_id).handled_by = "officer"
    _event(session, case, "claimed", f"from officer {previous}" if previous else "", officer, now)
    audit(session=session, officer=officer, action="claimed", case_id=case.id)
    session.add(case)
    session.flush()
    return case


def transfer_case(
    *,
    session: Session,
    case_id: int,
    officer: Officer,
    to_officer: Officer | None = None,
    to_team: str | None = None,
) -> Case:
    """Hand the case to another officer (who holds it at once) or back to a team's queue."""
    case = _locked_case(session, case_id)
    if case.status != "open":
        raise InvalidCaseState(f"case {case_id} is {case.status}")
    if not can_act(officer, case):
        raise PermissionDenied(f"officer {officer.username} may not transfer case {case_id}")
    if to_officer is None and not to_team:
        raise CaseError("transfer needs an officer or a team")
    now = utcnow()
    if to_officer is not None:
        if not to_officer.active:
            raise CaseError(f"officer {to_officer.username} is not active")
        case.assignee_id = to_officer.id
        case.team = to_officer.team if to_officer.team else case.team
        case.claimed_at = case.claimed_at or now
        _conversation(session, case.contact_id).handled_by = "officer"
        detail = f"to officer {to_officer.username}"
    else:
        # Back to a queue: nobody holds it, so the bot answers again until someone claims it.
        case.assignee_id = None
        case.team = to_team
        _conversation(session, case.contact_id).handled_by = "bot"
        detail = f"to team {to_team}"
    case.last_activity_at = now
    _event(session, case, "transferred", detail, officer, now)
    audit(session=session, officer=officer, action="transferred", case_id=case.id, detail=detail)
    session.add(case)
    session.flush()
    return case


def add_note(*, session: Session, case_id: int, officer: Officer, text: str) -> Case:
    """An internal note on the case (never sent to the user)."""
    text = text.strip()
    if not text:
        raise CaseError("empty note")
    case = _locked_case(session, case_id)
    if not can_act(officer, case):
        raise PermissionDenied(f"officer {officer.username} may not add notes to case {case_id}")
    _event(session, case, "note", text, officer)
    case.last_activity_at = utcnow()
    audit(session=session, officer=officer, action="noted", case_id=case.id)
    session.add(case)
    session.flush()
    return case


def reply_to_case(*, session: Session, case_id: int, officer: Officer, text: str) -> Message:
    """Send the officer's words to the user on the user's own channel (through the outbox)."""
    text = text.strip()
    if not text:
        raise CaseError("empty reply")
    case = _locked_case(session, case_id)
    if case.status != "open":
        raise InvalidCaseState(f"case {case_id} is {case.status}")
    if not can_act(officer, case):
        raise PermissionDenied(f"officer {officer.username} may not reply on case {case_id}")
    contact = _contact(session, case)
    now = utcnow()
    msg = enqueue(
        session,
        contact=contact,
        text=text,
        author="officer",
        officer_id=officer.id,
        language=contact.language,
    )
    if case.first_reply_at is None:
        case.first_reply_at = now
    case.last_activity_at = now
    _event(session, case, "replied", f"message {msg.id}", officer, now)
    audit(session=session, officer=officer, action="replied", case_id=case.id)
    session.add(case)
    session.flush()
    return msg


def close_case(
    *,
    session: Session,
    case_id: int,
    officer: Officer,
    outcome: str,
    catalog: MessageCatalog,
    note: str = "",
) -> Case:
    """Close with an outcome; the bot takes the conversation back and tells the user."""
    if outcome not in OUTCOMES:
        raise CaseError(f"unknown outcome {outcome!r}; one of {', '.join(OUTCOMES)}")
    case = _locked_case(session, case_id)
    if case.status != "open":
        raise InvalidCaseState(f"case {case_id} is {case.status}")
    if not can_act(officer, case):
        raise PermissionDenied(f"officer {officer.username} may not close case {case_id}")
    now = utcnow()
    case.status = "closed"
    case.outcome = outcome
    case.closed_at = now
    case.last_activity_at = now
    if case.assignee_id is None:
        case.assignee_id = officer.id
    _conversation(session, case.contact_id).handled_by = "bot"
    _event(session, case, "closed", f"{outcome}: {note}".rstrip(": "), officer, now)
    audit(session=session, officer=officer, action="closed", case_id=case.id, detail=outcome)
    session.add(case)
    session.flush()
    contact = _contact(session, case)
    try:
        r = catalog.message("case_closed", language=contact.language, channel=contact.channel)
    except (KeyError, ValueError):
        # Closing must never fail on content; the officer sees no bot message in the transcript.
        log.exception("case %s closed but the case_closed message could not be rendered", case_id)
        return case
    enqueue(
        session,
        contact=contact,
        text=r.text,
        buttons=r.buttons,
        content_id=r.id,
        content_version=r.version,
        language=r.language,
    )
    return case


def check_breaches(
    *, session: Session, now: datetime | None = None, settings: Settings | None = None
) -> list[int]:
    """Flag open, unclaimed cases past their target and announce them again, for supervisors."""
    now = now or utcnow()
    settings = settings or get_settings()
    q = (
        select(Case)
        .where(Case.status == "open", col(Case.assignee_id).is_(None))
        .where(col(Case.breached_at).is_(None), col(Case.due_at) <= now)
        .order_by(col(Case.priority_rank), col(Case.opened_at))
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    flagged: list[int] = []
    for case in session.exec(q).all():
        case.breached_at = now
        _event(session, case, "breached", f"target {case.due_at:%Y-%m-%d %H:%M} UTC", now=now)
        notify_officers(session=session, case=case, kind="breached", settings=settings)
        session.add(case)
        assert case.id is not None
        flagged.append(case.id)
        log.warning("case %s breached its target (%s)", case.id, case.priority)
    session.flush()
    return flagged


def breach_checker(db: DbEngine, settings: Settings) -> Callable[[], list[int]]:
    """A no-argument job for the worker loop (OutboxWorker.run_forever(periodic=...))."""

    def run() -> list[int]:
        with session_scope(db) as s:
            return check_breaches(session=s, settings=settings)

    return run


# -- the engine's port --------------------------------------------------------------------------


@dataclass(slots=True)
class CaseService:
    """bot.engine.HandoffPort, backed by the functions above."""

    settings: Settings
    #: content.Catalog, for the `case_closed` message of `close`.
    catalog: MessageCatalog | None = None

    def open_case(
        self, *, session: Session, contact: Contact, message: Message, request: CaseRequest
    ) -> CaseOutcome:
        return open_case(
            session=session,
            contact=contact,
            message=message,
            request=request,
            settings=self.settings,
        )

    def add_user_message(self, *, session: Session, contact: Contact, message: Message) -> None:
        add_user_message(session=session, contact=contact, message=message, settings=self.settings)

    def close(self, *, session: Session, case_id: int, officer: Officer, outcome: str) -> Case:
        if self.catalog is None:
            raise CaseError("CaseService needs a catalog to close cases")
        return close_case(
            session=session,
            case_id=case_id,
            officer=officer,
            outcome=outcome,
            catalog=self.catalog,
        )


def queue_order() -> Sequence[object]:
    """Priority first, then age: the oldest urgent case on top."""
    return (col(Case.priority_rank), col(Case.opened_at), col(Case.id))
