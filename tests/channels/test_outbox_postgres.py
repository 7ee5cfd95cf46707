"""Several outbox workers on Postgres (FOR UPDATE SKIP LOCKED) never send one row twice."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import Contact, OutboxItem
from bot.outbox import OutboxWorker, enqueue
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.senders import build_senders

from .conftest import TELEGRAM_TOKEN

pytestmark = pytest.mark.postgres

ROWS = 60
WORKERS = 4


def test_several_workers_deliver_every_row_exactly_once(
    pg_engine: Engine, settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    with Session(pg_engine, expire_on_commit=False) as s:
        contacts = [Contact(channel="telegram", external_id=str(5000 + i)) for i in range(6)]
        s.add_all(contacts)
        s.flush()
        for i in range(ROWS):
            enqueue(s, contact=contacts[i % len(contacts)], text=f"pesan {i}", author="officer")
        s.commit()
    tg = settings.model_copy(
        update={
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
        }
    )
    start = threading.Barrier(WORKERS)

    def one_worker() -> None:
        async def run() -> None:
            worker = OutboxWorker(pg_engine, build_senders(tg), batch_size=5)
            start.wait()
            while await worker.run_once():
                pass

        asyncio.run(run())

    threads = [threading.Thread(target=one_worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    sent = Counter(fake_telegram.sent_texts())
    assert sorted(sent) == sorted(f"pesan {i}" for i in range(ROWS))
    assert max(sent.values()) == 1  # no row went out twice
    with Session(pg_engine) as s:
        statuses = Counter(item.status for item in s.exec(select(OutboxItem)))
    assert statuses == {"sent": ROWS}
