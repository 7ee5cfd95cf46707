"""The figures of the statistics page, computed in SQL where they are counts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.cases import Case
from bot.models import Message, utcnow


@dataclass(slots=True)
class Stats:
    days: list[str] = field(default_factory=list)
    #: channel -> count per day (same order as `days`), inbound messages only.
    per_day: dict[str, list[float]] = field(default_factory=dict)
    intents: list[tuple[str, float]] = field(default_factory=list)
    languages: list[tuple[str, float]] = field(default_factory=list)
    priorities: list[tuple[str, float]] = field(default_factory=list)
    outcomes: list[tuple[str, float]] = field(default_factory=list)
    median_first_reply_minutes: float | None = None
    cases_with_reply: int = 0
    breached_total: int = 0
    open_cases: int = 0


def _day(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)[:10]


def compute(*, session: Session, days: int = 14, now: datetime | None = None) -> Stats:
    """Messages of the last `days` days, and every case (open and closed)."""
    now = now or utcnow()
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    st = Stats(days=[(since + timedelta(days=i)).date().isoformat() for i in range(days)])
    inbound = (Message.direction == "in", col(Message.created_at) >= since)

    day_col = func.date(col(Message.created_at))
    rows = session.exec(
        select(day_col, Message.channel, func.count())
        .where(*inbound)
        .group_by(day_col, Message.channel)
    ).all()
    index = {d: i for i, d in enumerate(st.days)}
    for day, channel, n in rows:
        i = index.get(_day(day))
        if i is None:
            continue
        st.per_day.setdefault(channel, [0.0] * days)[i] += n

    st.intents = [
        (intent or "-", float(n))
        for intent, n in session.exec(
            select(Message.intent, func.count())
            .where(*inbound)
            .group_by(Message.intent)
            .order_by(func.count().desc())
            .limit(10)
        ).all()
    ]
    st.languages = [
        (lang or "-", float(n))
        for lang, n in session.exec(
            select(Message.language, func.count())
            .where(*inbound)
            .group_by(Message.language)
            .order_by(func.count().desc())
        ).all()
    ]
    st.priorities = [
        (p, float(n))
        for p, n in session.exec(
            select(Case.priority, func.count())
            .group_by(Case.priority)
            .order_by(func.min(Case.priority_rank))
        ).all()
    ]
    st.outcomes = [
        (o or "-", float(n))
        for o, n in session.exec(
            select(Case.outcome, func.count())
            .where(Case.status == "closed")
            .group_by(Case.outcome)
            .order_by(func.count().desc())
        ).all()
    ]
    waits = [
        (first - opened).total_seconds() / 60
        for opened, first in session.exec(
            select(Case.opened_at, Case.first_reply_at).where(col(Case.first_reply_at).is_not(None))
        ).all()
        if first is not None
    ]
    st.cases_with_reply = len(waits)
    st.median_first_reply_minutes = round(statistics.median(waits), 1) if waits else None
    st.breached_total = session.exec(
        select(func.count()).select_from(Case).where(col(Case.breached_at).is_not(None))
    ).one()
    st.open_cases = session.exec(
        select(func.count()).select_from(Case).where(Case.status == "open")
    ).one()
    return st
