"""Small factories for case tests: contacts with a message, officers, and case requests."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.cases import Officer
from bot.models import Contact, Conversation, Message
from bot.officers import create_officer
from bot.policy import CaseRequest

URGENT = CaseRequest(
    "urgent",
    "risk level urgent (intent emergency)",
    ("confinement_abuse",),
    ('confinement_abuse: "dikurung majikan"',),
)
HIGH = CaseRequest(
    "high",
    "risk level high (intent report_risk)",
    ("passport_withheld",),
    ('passport_withheld: "paspor ditahan"',),
)
BUTTON = CaseRequest("high", "intent request_human")


def contact_with_message(
    session: Session,
    *,
    channel: str = "telegram",
    external_id: str = "5001",
    text: str = "tolong",
    intent: str = "emergency",
    flags: list[dict[str, str]] | None = None,
    language: str = "id",
) -> tuple[Contact, Message]:
    contact = Contact(channel=channel, external_id=external_id, language=language)
    session.add(contact)
    session.flush()
    assert contact.id is not None
    session.add(Conversation(contact_id=contact.id))
    msg = Message(
        contact_id=contact.id,
        direction="in",
        author="user",
        channel=channel,
        text=text,
        intent=intent,
        risk_flags=flags or [],
        language=language,
    )
    session.add(msg)
    session.flush()
    return contact, msg


def officer(
    session: Session,
    username: str,
    *,
    role: str = "officer",
    team: str | None = None,
    **kw: Any,
) -> Officer:
    o, _ = create_officer(session=session, username=username, role=role, team=team)
    o.must_change_password = False
    for k, v in kw.items():
        setattr(o, k, v)
    session.add(o)
    session.flush()
    return o
