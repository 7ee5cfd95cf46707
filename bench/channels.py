"""Channel figures: signed webhook latency (Telegram, Twilio) and outbox throughput to a fake API.

    .venv/bin/python bench/channels.py                  # SQLite in a temp dir
    .venv/bin/python bench/channels.py --postgres URL   # also on Postgres, in a throwaway schema

Everything stays on this machine: the Telegram Bot API is tests/fakes/telegram_api.py, served
on 127.0.0.1. The webhook figures are in-process (TestClient), so they show our handling time,
NLU included, with no network in between.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from bot.db import make_engine, migrate, temporary_schema
from bot.models import Contact
from bot.outbox import OutboxWorker, enqueue
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.app import create_app
from webhooks.senders import build_senders

SECRET = "bench-secret"
TOKEN = "123:bench"
TWILIO_TOKEN = "bench-twilio-token"
PUBLIC = "https://bench.example.org"
TEXTS = ("halo", "syarat dokumen apa saja?", "berapa biaya ke Malaysia?", "paspor saya ditahan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def webhook_latency(client: TestClient, n: int) -> tuple[list[float], list[float]]:
    tg, tw = [], []
    validator = RequestValidator(TWILIO_TOKEN)
    for i in range(n):
        update = {
            "update_id": 900000 + i,
            "message": {
                "message_id": i + 1,
                "date": 1441645532,
                "text": TEXTS[i % len(TEXTS)],
                "from": {"id": 7000 + i % 50, "is_bot": False, "first_name": "B"},
                "chat": {"id": 7000 + i % 50, "first_name": "B", "type": "private"},
            },
        }
        t = time.perf_counter()
        res = client.post(
            "/webhooks/telegram",
            content=json.dumps(update),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        tg.append(time.perf_counter() - t)
        assert res.status_code == 200, res.text
        form = {
            "MessageSid": f"SM{i:032d}",
            "From": f"whatsapp:+62812{i % 50:07d}",
            "To": "whatsapp:+14155238886",
            "Body": TEXTS[i % len(TEXTS)],
            "NumMedia": "0",
        }
        sig = validator.compute_signature(PUBLIC + "/webhooks/twilio", form)
        t = time.perf_counter()
        res = client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": sig})
        tw.append(time.perf_counter() - t)
        assert res.status_code == 200, res.text
    return tg, tw


async def outbox_throughput(settings: Settings, api: FakeTelegramAPI, n: int) -> float:
    db = make_engine(settings.database_url)
    with Session(db) as s:
        contacts = [Contact(channel="telegram", external_id=str(8000 + i)) for i in range(20)]
        s.add_all(contacts)
        s.flush()
        ids = [c.id for c in contacts]
        s.commit()
    worker = OutboxWorker(db, build_senders(settings))
    while await worker.run_once():  # first what the webhooks above queued
        pass
    api.reset()
    with Session(db) as s:
        for i in range(n):
            contact = s.get(Contact, ids[i % 20])
            assert contact is not None
            enqueue(s, contact=contact, text=f"pesan {i}", author="officer")
        s.commit()
    t = time.perf_counter()
    while await worker.run_once():
        pass
    elapsed = time.perf_counter() - t
    sent = api.sent_texts()
    assert sorted(sent) == sorted(f"pesan {i}" for i in range(n)), len(sent)
    db.dispose()
    return n / elapsed


def run(label: str, url: str, data_dir: Path, n: int) -> None:
    with FakeTelegramAPI() as api:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            ENVIRONMENT="test",
            DATA_DIR=data_dir,
            DATABASE_URL=url,
            EMBEDDED_WORKER=False,
            PUBLIC_BASE_URL=PUBLIC,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_API_BASE_URL=api.base_url,
            TWILIO_ACCOUNT_SID="AC" + "0" * 32,
            TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
            TWILIO_WHATSAPP_FROM="whatsapp:+14155238886",
        )
        migrate(url)
        with TestClient(create_app(settings, run_worker=False)) as client:
            client.post(
                "/webhooks/telegram",
                content="{}",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )  # warm up
            tg, tw = webhook_latency(client, n)
        rate = asyncio.run(outbox_throughput(settings, api, n))
    for name, values in (("telegram webhook", tg), ("twilio webhook", tw)):
        ms = [v * 1000 for v in values]
        print(
            f"{label:8} {name:17} n={len(ms):4}  p50 {statistics.median(ms):6.1f} ms  "
            f"p95 {pct(ms, 0.95):6.1f} ms  max {max(ms):6.1f} ms"
        )
    print(f"{label:8} outbox to fake Telegram API: {rate:6.0f} messages/s (one worker, n={n})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("-n", type=int, default=200, help="requests per channel")
    ap.add_argument("--postgres", help="a Postgres URL; a throwaway schema is used")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db", Path(tmp), args.n)
        if args.postgres:
            with temporary_schema(args.postgres, prefix="bench") as url:
                run("postgres", url, Path(tmp), args.n)


if __name__ == "__main__":
    main()
