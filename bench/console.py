"""Console figures: case-service throughput and page/API latency with many open cases.

    .venv/bin/python bench/console.py                  # SQLite in a temp dir
    .venv/bin/python bench/console.py --postgres URL   # also on Postgres, in a throwaway schema
    .venv/bin/python bench/console.py --cases 300      # how many open cases to seed

Cases are opened through bot.handoff with invented contacts (no real data). Page latencies are
in-process (TestClient), so they show our handling time without a network.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from bot import handoff
from bot.db import make_engine, migrate, session_scope, temporary_schema
from bot.models import Contact, Conversation, Message
from bot.officers import create_officer, hash_password, issue_token
from bot.policy import CaseRequest
from bot.settings import Settings

PASSWORD = "bench-password-123"
REQUESTS = (
    CaseRequest("urgent", "bench urgent", ("confinement_abuse",)),
    CaseRequest("high", "bench high", ("passport_withheld",)),
    CaseRequest("normal", "bench normal"),
)


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return f"median {statistics.median(samples) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


class _NoParser:
    """The console needs no NLU; the engine is never called in this bench."""

    def parse(self, text: str, *, language_hint: str | None = None) -> Any:
        raise AssertionError("not used")


def run(label: str, url: str, cases: int, rounds: int) -> None:
    from webhooks.app import create_app

    migrate(url)
    settings = Settings(
        _env_file=None,
        ENVIRONMENT="test",
        DATABASE_URL=url,  # type: ignore[call-arg]
        SECRET_KEY="bench-secret",
        PUBLIC_BASE_URL="https://bench.example.org",
        OFFICER_TELEGRAM_CHAT_ID="-1000000000001",
        EMBEDDED_WORKER=False,
    )
    db = make_engine(url)
    started = time.perf_counter()
    with session_scope(db) as s:
        for i in range(cases):
            contact = Contact(channel="telegram", external_id=f"bench-{i}")
            s.add(contact)
            s.flush()
            assert contact.id is not None
            s.add(Conversation(contact_id=contact.id))
            for j in range(6):
                s.add(
                    Message(
                        contact_id=contact.id,
                        direction="in" if j % 2 == 0 else "out",
                        author="user" if j % 2 == 0 else "bot",
                        channel="telegram",
                        text=f"pesan {j}",
                        intent="ask_costs",
                        language="id",
                    )
                )
            s.flush()
            handoff.open_case(
                session=s, contact=contact, message=None, request=REQUESTS[i % 3], settings=settings
            )
    open_s = time.perf_counter() - started
    print(
        f"[{label}] opened {cases} cases (6 messages each): "
        f"{cases / open_s:.0f} cases/s including contacts and messages"
    )

    with session_scope(db) as s:
        boss, _ = create_officer(session=s, username="boss", role="supervisor")
        boss.password_hash = hash_password(PASSWORD)
        boss.must_change_password = False
        token = issue_token(session=s, officer=boss)
    app = create_app(settings, parser=_NoParser(), catalog=None, run_worker=False)
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/console/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        c.post(
            "/console/login",
            data={"username": "boss", "password": PASSWORD, "csrf_token": csrf.group(1)},
        )
        auth = {"Authorization": f"Bearer {token}"}
        for name, path, headers in (
            ("queue page (all open)", "/console?view=open", {}),
            ("case page", "/console/cases/1", {}),
            ("statistics page", "/console/stats", {}),
            ("API GET /api/cases", "/api/cases?status=open", auth),
        ):
            samples = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                r = c.get(path, headers=headers)
                samples.append(time.perf_counter() - t0)
                assert r.status_code == 200, (path, r.status_code)
            print(f"[{label}] {name} with {cases} open cases: {_ms(samples)}")
        claim = []
        for case_id in range(2, min(cases, 2 + rounds) + 1):
            t0 = time.perf_counter()
            r = c.post(f"/api/cases/{case_id}/claim", headers=auth)
            claim.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text
        print(f"[{label}] API claim: {_ms(claim)}")
    db.dispose()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--postgres", help="a Postgres URL; a throwaway schema is used")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db", args.cases, args.rounds)
    if args.postgres:
        with temporary_schema(args.postgres, prefix="bench") as url:
            run("postgres", url, args.cases, args.rounds)


if __name__ == "__main__":
    main()
