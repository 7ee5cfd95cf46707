"""One contact's messages are handled one at a time, in arrival order; the same update delivered
twice at once is processed once. In one process (the engine's lock) and across processes on
Postgres (the contact's row lock)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine as DbEngine

from bot.engine import Engine, HandleResult
from bot.messages import Inbound
from bot.settings import Settings
from nlu.types import Parse
from webhooks.telegram import parse_update

from .conftest import messages_of

CHAT = 2222222


def text_update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id - 30000,
            "date": 1441645532,
            "text": text,
            "from": {"id": CHAT, "is_bot": False, "first_name": "Yohana", "language_code": "id"},
            "chat": {"id": CHAT, "first_name": "Yohana", "type": "private"},
        },
    }


class GatedParser:
    """The real parser, except that parsing `held` waits until the test releases it: the first
    message is then provably still being handled when the second arrives."""

    def __init__(self, inner: Any, held: str) -> None:
        self.inner, self.held = inner, held
        self.entered, self.release = threading.Event(), threading.Event()

    def parse(self, text: str, *, language_hint: str | None = None) -> Parse:
        if text == self.held and not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(10), "test never released the parser"
        return self.inner.parse(text, language_hint=language_hint)


def inbound(update_id: int, text: str) -> Inbound:
    parsed = parse_update(text_update(update_id, text)).inbound
    assert parsed is not None
    return parsed


def run_concurrently(
    first: tuple[Engine, Inbound], second: tuple[Engine, Inbound], gate: GatedParser
) -> tuple[HandleResult, HandleResult]:
    """Start `first`, wait until it is inside the parser, start `second`, check that `second`
    waits, then let both finish."""
    results: dict[str, HandleResult] = {}

    def run(key: str, engine: Engine, message: Inbound) -> None:
        results[key] = engine.handle(message, deliver="outbox")

    # The contact writes again: a new contact would be serialised by its unique key anyway.
    first[0].handle(inbound(39999, "halo"), deliver="outbox")
    a = threading.Thread(target=run, args=("first", *first))
    b = threading.Thread(target=run, args=("second", *second))
    a.start()
    assert gate.entered.wait(10)
    b.start()
    time.sleep(0.3)
    assert "second" not in results  # it waits for the first message of the same contact
    gate.release.set()
    a.join(15)
    b.join(15)
    return results["first"], results["second"]


def check_order(db: DbEngine, first: str, second: str) -> None:
    stored = messages_of(db, "telegram", str(CHAT))
    ins = [m for m in stored if m.direction == "in"][1:]  # after the warm-up "halo"
    assert [m.text for m in ins] == [first, second]
    first_replies = [m.id or 0 for m in stored if m.reply_to_id == ins[0].id]
    second_replies = [m.id or 0 for m in stored if m.reply_to_id == ins[1].id]
    assert first_replies and second_replies
    assert max(first_replies) < min(second_replies)  # answered in arrival order too


def check_once(db: DbEngine, a: HandleResult, b: HandleResult) -> None:
    assert sorted([a.duplicate, b.duplicate]) == [False, True]
    assert [r.text for r in a.replies] == [r.text for r in b.replies]
    stored = messages_of(db, "telegram", str(CHAT))
    assert [m.text for m in stored if m.direction == "in"] == ["halo", FIRST]
    answers = [m for m in stored if m.direction == "out" and m.reply_to_id == a.message_id]
    assert len(answers) == len(a.replies)


FIRST, SECOND = "syarat dokumen apa saja?", "berapa biaya resmi ke Malaysia?"


def test_two_messages_of_one_contact_are_handled_in_arrival_order(channel_app: FastAPI) -> None:
    engine: Engine = channel_app.state.engine
    gate = GatedParser(engine.parser, held=FIRST)
    engine.parser = gate
    run_concurrently((engine, inbound(40001, FIRST)), (engine, inbound(40002, SECOND)), gate)
    check_order(engine.db, FIRST, SECOND)


def test_the_same_update_delivered_twice_at_once_is_processed_once(channel_app: FastAPI) -> None:
    engine: Engine = channel_app.state.engine
    gate = GatedParser(engine.parser, held=FIRST)
    engine.parser = gate
    a, b = run_concurrently((engine, inbound(40010, FIRST)), (engine, inbound(40010, FIRST)), gate)
    check_once(engine.db, a, b)


def _engine(db: DbEngine, parser: Any, catalog: Any, settings: Settings) -> Engine:
    """One more engine: as a second web process would have (no shared in-process lock)."""
    from bot.handoff import CaseService

    return Engine(
        db=db,
        parser=parser,
        catalog=catalog,
        settings=settings,
        handoff=CaseService(settings=settings, catalog=catalog),
    )


@pytest.mark.postgres
def test_across_processes_on_postgres_order_and_once_hold(
    pg_engine: DbEngine, parser: Any, catalog: Any, settings: Settings
) -> None:
    gate = GatedParser(parser, held=FIRST)
    one, two = (_engine(pg_engine, gate, catalog, settings) for _ in range(2))
    run_concurrently((one, inbound(40021, FIRST)), (two, inbound(40022, SECOND)), gate)
    check_order(pg_engine, FIRST, SECOND)


@pytest.mark.postgres
def test_across_processes_on_postgres_a_redelivery_is_processed_once(
    pg_engine: DbEngine, parser: Any, catalog: Any, settings: Settings
) -> None:
    gate = GatedParser(parser, held=FIRST)
    one, two = (_engine(pg_engine, gate, catalog, settings) for _ in range(2))
    a, b = run_concurrently((one, inbound(40030, FIRST)), (two, inbound(40030, FIRST)), gate)
    check_once(pg_engine, a, b)
