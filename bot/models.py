"""The tables of the conversation core: contacts, conversations, messages and the outbox.

Other tables live beside their service (bot/agencies.py, bot/handoff models) and are re-exported
at the end of this module, so Alembic and `SQLModel.metadata` see every table from one import.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps on every database: SQLite drops the zone, so we put UTC back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware UTC timestamps")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def ts_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


def opt_ts_column(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=index))


def json_column(default: Any) -> Any:
    return Field(default_factory=lambda: default.copy(), sa_column=Column(JSON, nullable=False))


class Contact(SQLModel, table=True):
    """One person on one channel. Minimal data: the channel's id for them, language, consent."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_contact_channel_external"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    #: The provider's id for the user: Telegram chat id, phone number (E.164), web chat sender id.
    external_id: str = Field(max_length=100)
    language: str = Field(default="id", max_length=8)
    #: Version of the privacy notice the contact was shown; None until shown.
    consent_version: int | None = None
    consent_at: datetime | None = opt_ts_column()
    #: Set when the user sent STOP or the provider said the user blocked the bot.
    stopped_at: datetime | None = opt_ts_column()
    created_at: datetime = ts_column()
    last_seen_at: datetime = ts_column()


class Conversation(SQLModel, table=True):
    """The dialogue with a contact: who answers now (bot or officer), and short-lived context."""

    __tablename__ = "conversations"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", unique=True, ondelete="CASCADE")
    #: "bot" answers, or "officer" when a case holds the conversation (the bot is paused).
    handled_by: str = Field(default="bot", max_length=10)
    #: Small state between turns, e.g. {"awaiting": "agency_name"} or the last numbered buttons.
    context: dict[str, Any] = json_column({})
    updated_at: datetime = ts_column()


class Message(SQLModel, table=True):
    """Every message in and out, with what the NLU saw and which content it came from."""

    __tablename__ = "messages"
    __table_args__ = (
        # A repeated delivery is harmless: the second insert fails on this constraint.
        UniqueConstraint("channel", "provider_message_id", name="uq_message_channel_provider_id"),
        Index("ix_messages_contact_id_id", "contact_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", ondelete="CASCADE")
    direction: str = Field(max_length=3)  # "in" | "out"
    #: "user", "bot", "officer" or "system".
    author: str = Field(max_length=10)
    channel: str = Field(max_length=20)
    #: Inbound: the provider's unique id of the delivery (used for de-duplication).
    provider_message_id: str | None = Field(default=None, max_length=120)
    #: Outbound: the id the provider gave the sent message.
    external_message_id: str | None = Field(default=None, max_length=120)
    text: str = ""
    payload: str | None = None
    buttons: list[dict[str, str]] = json_column([])
    #: Inbound media the bot cannot read (kind, provider file id / URL), kept for the officer.
    media: list[dict[str, str]] = json_column([])
    intent: str | None = Field(default=None, max_length=40)
    intent_confidence: float | None = None
    language: str | None = Field(default=None, max_length=8)
    risk_level: str | None = Field(default=None, max_length=10)
    #: [{"flag": ..., "text": trigger words, "source": ...}]
    risk_flags: list[dict[str, str]] = json_column([])
    content_id: str | None = Field(default=None, max_length=80)
    content_version: int | None = None
    reply_to_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="SET NULL")
    officer_id: int | None = None
    #: Outbound delivery: "inline" (in the webhook response), "pending", "sent", "failed".
    delivery_status: str | None = Field(default=None, max_length=10)
    created_at: datetime = ts_column(index=True)


class OutboxItem(SQLModel, table=True):
    """A message waiting to be sent by a worker, retried with backoff until sent or dead."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        # claim() asks "is an earlier row of this contact still waiting?" for every due row.
        Index("ix_outbox_contact_id_id", "contact_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="messages.id", unique=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contacts.id", ondelete="CASCADE")
    channel: str = Field(max_length=20)
    #: "pending" → "sending" (claimed, lease until next_attempt_at) → "sent" | "dead".
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = ts_column()
    last_error: str | None = None
    created_at: datetime = ts_column()
    sent_at: datetime | None = opt_ts_column()


from . import cases as cases  # noqa: E402  (officers, cases, audit tables: bot/cases.py)
from .agency_table import Agency as Agency  # noqa: E402  (agency registry: bot/agency_table.py)
