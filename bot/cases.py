"""The tables of the handoff to humans: officers and their tokens, cases, case events, audit log.

A case is "a period of human interaction with a contact" (rapidpro's ticket): open or closed, a
nullable assignee, and the times that matter (opened, claimed, first officer reply, closed, last
activity). Only bot/handoff.py writes case state; the console reads these tables.

Data deletion (UU 27/2022): a case belongs to its contact and goes with it (ON DELETE CASCADE,
events too). The audit log outlives it, anonymised: its case reference becomes NULL and it never
holds message text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .models import json_column, opt_ts_column, ts_column

ROLES = ("officer", "supervisor", "admin")
PRIORITIES = ("urgent", "high", "normal")
#: Sort key: lower is more pressing.
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2}
OUTCOMES = (
    "resolved",
    "referred_police",
    "referred_bp3mi",
    "referred_embassy",
    "unreachable",
    "no_risk",
)


class Officer(SQLModel, table=True):
    """A person who answers cases from the console; `team` limits what an `officer` sees."""

    __tablename__ = "officers"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True)
    display_name: str = Field(default="", max_length=120)
    #: "officer", "supervisor" or "admin".
    role: str = Field(default="officer", max_length=12)
    #: An officer sees the shared pool (cases without a team) and their own team's cases.
    team: str | None = Field(default=None, max_length=40)
    password_hash: str = ""
    #: Set for the one-time password printed at creation: the console asks for a new one.
    must_change_password: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = opt_ts_column()
    #: Bumped on logout and password change: every earlier session cookie stops working.
    session_epoch: int = 0
    active: bool = True
    created_at: datetime = ts_column()
    last_login_at: datetime | None = opt_ts_column()


class OfficerToken(SQLModel, table=True):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "officer_tokens"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officers.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = ts_column()
    last_used_at: datetime | None = opt_ts_column()
    revoked_at: datetime | None = opt_ts_column()


class Case(SQLModel, table=True):
    """One period of human help for one contact; at most one open case per contact."""

    __tablename__ = "cases"
    __table_args__ = (
        # At most one open case per contact, enforced by the database (partial unique index).
        Index(
            "uq_cases_open_contact",
            "contact_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_cases_status_rank_opened", "status", "priority_rank", "opened_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", ondelete="CASCADE", index=True)
    #: "open" or "closed".
    status: str = Field(default="open", max_length=8)
    priority: str = Field(default="normal", max_length=8)
    priority_rank: int = 2
    #: Why the case exists, for the officer and the log: "risk level urgent (intent emergency)".
    reason: str = ""
    intent: str | None = Field(default=None, max_length=40)
    #: Every risk flag seen while the case was open, and the words that raised them.
    flags: list[str] = json_column([])
    triggers: list[str] = json_column([])
    #: None is the shared intake pool; claiming or transferring sets the team.
    team: str | None = Field(default=None, max_length=40, index=True)
    assignee_id: int | None = Field(
        default=None, foreign_key="officers.id", ondelete="SET NULL", index=True
    )
    trigger_message_id: int | None = Field(
        default=None, foreign_key="messages.id", ondelete="SET NULL"
    )
    outcome: str | None = Field(default=None, max_length=20)
    opened_at: datetime = ts_column()
    #: The response target: an unclaimed case past this time is breached.
    due_at: datetime = ts_column()
    claimed_at: datetime | None = opt_ts_column()
    first_reply_at: datetime | None = opt_ts_column()
    closed_at: datetime | None = opt_ts_column()
    breached_at: datetime | None = opt_ts_column()
    last_activity_at: datetime = ts_column()


class CaseEvent(SQLModel, table=True):
    """The case's own history: opened, raised, claimed, transferred, note, replied, closed..."""

    __tablename__ = "case_events"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE", index=True)
    officer_id: int | None = Field(default=None, foreign_key="officers.id", ondelete="SET NULL")
    kind: str = Field(max_length=20)
    text: str = ""
    created_at: datetime = ts_column()


class AuditLog(SQLModel, table=True):
    """Who did what in the console or the API. Never message text; outlives deleted cases."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int | None = Field(
        default=None, foreign_key="officers.id", ondelete="SET NULL", index=True
    )
    #: viewed, claimed, transferred, noted, replied, closed, exported, login, login_failed, ...
    action: str = Field(max_length=20)
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    detail: str = ""
    created_at: datetime = ts_column(index=True)
