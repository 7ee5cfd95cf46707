"""The case state machine (bot/handoff.py), on SQLite and, marked postgres, on the real Postgres."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import handoff
from bot.cases import AuditLog, Case, CaseEvent
from bot.db import make_engine
from bot.models import Contact, Conversation, Message, OutboxItem
from bot.settings import Settings
from tests.handoff.factories import BUTTON, HIGH, URGENT, contact_with_message, officer

CHAT = "-100777"


@pytest.fixture
def case_settings(any_settings: Settings) -> Settings:
    return any_settings.model_copy(update={"OFFICER_TELEGRAM_CHAT_ID": CHAT})


@pytest.fixture
def engine(case_settings: Settings) -> Iterator[Engine]:
    e = make_engine(case_settings.database_url)
    yield e
    e.dispose()


@pytest.fixture
def s(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _handled_by(s: Session, contact: Contact) -> str:
    conv = s.exec(select(Conversation).where(Conversation.contact_id == contact.id)).one()
    s.refresh(conv)
    return conv.handled_by


def _officer_chat_texts(s: Session) -> list[str]:
    chat = s.exec(select(Contact).where(Contact.external_id == CHAT)).first()
    if chat is None:
        return []
    return [
        m.text
        for m in s.exec(
            select(Message).where(Message.contact_id == chat.id).order_by(col(Message.id))
        ).all()
    ]


def test_an_urgent_message_opens_a_case_with_its_reason_priority_and_target(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    s.commit()
    case = s.get(Case, out.case_id)
    assert out.created and out.priority == "urgent"
    assert case is not None and case.status == "open"
    assert case.reason == URGENT.reason and case.intent == "emergency"
    assert case.flags == ["confinement_abuse"] and "dikurung majikan" in case.triggers[0]
    assert case.due_at - case.opened_at == timedelta(minutes=15)
    assert case.trigger_message_id == msg.id and case.last_activity_at == case.opened_at


def test_a_contact_has_at_most_one_open_case_and_new_risk_raises_its_priority(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s, intent="request_human")
    first = handoff.open_case(
        session=s, contact=contact, message=msg, request=BUTTON, settings=case_settings
    )
    high_due = s.get(Case, first.case_id).due_at  # type: ignore[union-attr]
    again = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    s.commit()
    assert not again.created and again.case_id == first.case_id and again.priority == "urgent"
    case = s.get(Case, first.case_id)
    assert case is not None and case.priority_rank == 0
    assert case.due_at < high_due  # the urgent target pulls the deadline closer
    assert "confinement_abuse" in case.flags
    kinds = [e.kind for e in s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()]
    assert kinds == ["opened", "raised"]
    # A lower risk never lowers the priority.
    handoff.open_case(session=s, contact=contact, message=msg, request=HIGH, settings=case_settings)
    assert s.get(Case, first.case_id).priority == "urgent"  # type: ignore[union-attr]


def test_the_database_refuses_a_second_open_case_for_the_same_contact(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    s.commit()
    assert contact.id is not None
    s.add(Case(contact_id=contact.id, priority="high", priority_rank=1))
    with pytest.raises(IntegrityError):
        s.commit()
    s.rollback()


def test_new_cases_are_announced_in_the_officers_chat_through_the_outbox_without_user_text(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s, text="saya dikurung majikan di Johor")
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    s.commit()
    texts = _officer_chat_texts(s)
    assert len(texts) == 1
    assert f"#{out.case_id}" in texts[0] and "URGENT" in texts[0]
    assert f"https://bot.example.org/console/cases/{out.case_id}" in texts[0]
    assert "Johor" not in texts[0]  # the user's words stay in the console
    chat = s.exec(select(Contact).where(Contact.external_id == CHAT)).one()
    item = s.exec(select(OutboxItem).where(OutboxItem.contact_id == chat.id)).one()
    assert item.channel == "telegram" and item.status == "pending"


def test_claiming_pauses_the_bot_and_a_held_message_goes_into_the_case(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    ana = officer(s, "ana", team="kupang")
    case = handoff.claim_case(session=s, case_id=out.case_id, officer=ana)
    s.commit()
    assert case.assignee_id == ana.id and case.claimed_at is not None and case.team == "kupang"
    assert _handled_by(s, contact) == "officer"
    later = Message(
        contact_id=contact.id or 0,
        direction="in",
        author="user",
        channel="telegram",
        text="masih di sini",
    )
    s.add(later)
    s.flush()
    before = case.last_activity_at
    got = handoff.add_user_message(
        session=s, contact=contact, message=later, settings=case_settings
    )
    assert got.id == out.case_id and got.last_activity_at >= before


def test_a_reply_goes_out_on_the_users_channel_and_sets_the_first_reply_time(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    ana = officer(s, "ana")
    handoff.claim_case(session=s, case_id=out.case_id, officer=ana)
    sent = handoff.reply_to_case(session=s, case_id=out.case_id, officer=ana, text="Kami bantu.")
    s.commit()
    assert sent.author == "officer" and sent.officer_id == ana.id and sent.channel == "telegram"
    assert sent.contact_id == contact.id and sent.delivery_status == "pending"
    item = s.exec(select(OutboxItem).where(OutboxItem.message_id == sent.id)).one()
    assert item.channel == "telegram"
    case = s.get(Case, out.case_id)
    assert case is not None and case.first_reply_at is not None
    actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.case_id == case.id)).all()]
    assert actions == ["claimed", "replied"]


def test_closing_hands_the_conversation_back_and_tells_the_user(
    s: Session, case_settings: Settings, catalog: Any
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    ana = officer(s, "ana")
    handoff.claim_case(session=s, case_id=out.case_id, officer=ana)
    handoff.close_case(
        session=s,
        case_id=out.case_id,
        officer=ana,
        outcome="referred_police",
        catalog=catalog,
    )
    s.commit()
    case = s.get(Case, out.case_id)
    assert case is not None and case.status == "closed" and case.outcome == "referred_police"
    assert case.closed_at is not None
    assert _handled_by(s, contact) == "bot"
    last = s.exec(
        select(Message).where(Message.contact_id == contact.id).order_by(col(Message.id).desc())
    ).first()
    assert last is not None and last.content_id == "case_closed" and last.author == "bot"
    assert "Petugas telah selesai" in last.text
    # A closed case takes no more replies; the next risk opens a new case.
    with pytest.raises(handoff.InvalidCaseState):
        handoff.reply_to_case(session=s, case_id=out.case_id, officer=ana, text="halo")
    again = handoff.open_case(
        session=s, contact=contact, message=msg, request=HIGH, settings=case_settings
    )
    assert again.created and again.case_id != out.case_id


def test_an_unknown_outcome_is_refused(s: Session, case_settings: Settings, catalog: Any) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    boss = officer(s, "boss", role="supervisor")
    with pytest.raises(handoff.CaseError, match="unknown outcome"):
        handoff.close_case(
            session=s, case_id=out.case_id, officer=boss, outcome="solved", catalog=catalog
        )


def test_an_unclaimed_case_past_its_target_is_breached_and_announced_once_to_supervisors(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    other, msg2 = contact_with_message(s, external_id="5002")
    claimed = handoff.open_case(
        session=s, contact=other, message=msg2, request=URGENT, settings=case_settings
    )
    handoff.claim_case(session=s, case_id=claimed.case_id, officer=officer(s, "ana"))
    s.commit()
    opened = s.get(Case, out.case_id).opened_at  # type: ignore[union-attr]

    assert (
        handoff.check_breaches(
            session=s, now=opened + timedelta(minutes=14), settings=case_settings
        )
        == []
    )
    flagged = handoff.check_breaches(
        session=s, now=opened + timedelta(minutes=16), settings=case_settings
    )
    s.commit()
    assert flagged == [out.case_id]  # the claimed case is not breached
    assert s.get(Case, out.case_id).breached_at is not None  # type: ignore[union-attr]
    assert (
        handoff.check_breaches(
            session=s, now=opened + timedelta(minutes=30), settings=case_settings
        )
        == []
    )
    texts = _officer_chat_texts(s)
    assert sum("SUPERVISOR" in t for t in texts) == 1
    assert f"#{out.case_id}" in texts[-1]


def test_an_officer_acts_only_on_cases_of_their_team_or_their_own(
    s: Session, case_settings: Settings, catalog: Any
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    ana = officer(s, "ana", team="kupang")
    budi = officer(s, "budi", team="ende")
    boss = officer(s, "boss", role="supervisor")
    handoff.claim_case(session=s, case_id=out.case_id, officer=ana)
    case = s.get(Case, out.case_id)
    assert case is not None
    assert not handoff.can_view(budi, case)
    with pytest.raises(handoff.PermissionDenied):
        handoff.claim_case(session=s, case_id=out.case_id, officer=budi)
    with pytest.raises(handoff.PermissionDenied):
        handoff.reply_to_case(session=s, case_id=out.case_id, officer=budi, text="halo")
    # A colleague of the same team sees it but cannot take it from the holder.
    cici = officer(s, "cici", team="kupang")
    with pytest.raises(handoff.InvalidCaseState, match="already claimed"):
        handoff.claim_case(session=s, case_id=out.case_id, officer=cici)
    with pytest.raises(handoff.PermissionDenied):
        handoff.close_case(
            session=s, case_id=out.case_id, officer=cici, outcome="resolved", catalog=catalog
        )
    # A supervisor may take over; the holder may transfer to another team's officer.
    handoff.claim_case(session=s, case_id=out.case_id, officer=boss)
    handoff.transfer_case(session=s, case_id=out.case_id, officer=boss, to_officer=budi)
    s.commit()
    case = s.get(Case, out.case_id)
    assert case is not None and case.assignee_id == budi.id and case.team == "ende"
    assert not handoff.can_view(ana, case)


def test_transfer_to_a_team_returns_the_case_to_that_queue_and_the_bot_answers_meanwhile(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    ana = officer(s, "ana", team="kupang")
    handoff.claim_case(session=s, case_id=out.case_id, officer=ana)
    handoff.transfer_case(session=s, case_id=out.case_id, officer=ana, to_team="ende")
    s.commit()
    case = s.get(Case, out.case_id)
    assert case is not None and case.assignee_id is None and case.team == "ende"
    assert _handled_by(s, contact) == "bot"


def test_deleting_a_contact_deletes_its_cases_and_leaves_an_anonymous_audit_trail(
    s: Session, case_settings: Settings
) -> None:
    contact, msg = contact_with_message(s)
    out = handoff.open_case(
        session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
    )
    ana = officer(s, "ana")
    handoff.claim_case(session=s, case_id=out.case_id, officer=ana)
    handoff.add_note(session=s, case_id=out.case_id, officer=ana, text="ibu di Atambua")
    s.commit()
    s.delete(contact)  # what the engine does on "hapus data" (UU 27/2022)
    s.commit()
    assert s.get(Case, out.case_id) is None
    assert s.exec(select(CaseEvent).where(CaseEvent.case_id == out.case_id)).first() is None
    trail = s.exec(select(AuditLog).where(AuditLog.officer_id == ana.id)).all()
    assert {a.action for a in trail} >= {"claimed", "noted"}
    assert all(a.case_id is None for a in trail if a.action in {"claimed", "noted"})
    assert all("Atambua" not in a.detail for a in trail)


def test_two_officers_claiming_at_once_leave_exactly_one_holder(
    engine: Engine, case_settings: Settings
) -> None:
    from bot.officers import get_officer

    with Session(engine) as s:
        contact, msg = contact_with_message(s)
        out = handoff.open_case(
            session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
        )
        officer(s, "ana")
        officer(s, "budi")
        s.commit()
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def claim(name: str) -> None:
        with Session(engine) as s:
            who = get_officer(session=s, username=name)
            assert who is not None
            s.commit()  # end the read transaction (SQLite: BEGIN IMMEDIATE holds the write lock)
            barrier.wait()
            try:
                handoff.claim_case(session=s, case_id=out.case_id, officer=who)
                s.commit()
                results[name] = "claimed"
            except handoff.InvalidCaseState:
                s.rollback()
                results[name] = "refused"

    threads = [threading.Thread(target=claim, args=(n,)) for n in ("ana", "budi")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == ["claimed", "refused"]
    with Session(engine) as s:
        case = s.get(Case, out.case_id)
        holder = get_officer(
            session=s, username=next(n for n, r in results.items() if r == "claimed")
        )
        assert case is not None and holder is not None and case.assignee_id == holder.id


async def test_the_outbox_worker_loop_runs_the_breach_check(
    engine: Engine, case_settings: Settings
) -> None:
    import asyncio

    from bot.outbox import OutboxWorker

    with Session(engine) as s:
        contact, msg = contact_with_message(s)
        out = handoff.open_case(
            session=s, contact=contact, message=msg, request=URGENT, settings=case_settings
        )
        case = s.get(Case, out.case_id)
        assert case is not None
        case.due_at -= timedelta(minutes=30)  # its target passed long ago
        s.add(case)
        s.commit()
    stop = asyncio.Event()
    checked: list[list[int]] = []
    check = handoff.breach_checker(engine, case_settings)

    def periodic() -> None:
        checked.append(check())
        stop.set()

    await OutboxWorker(engine, {}).run_forever(idle_seconds=0.05, stop=stop, periodic=periodic)
    assert checked == [[out.case_id]]
    with Session(engine) as s:
        assert s.get(Case, out.case_id).breached_at is not None  # type: ignore[union-attr]
