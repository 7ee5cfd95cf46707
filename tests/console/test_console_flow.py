"""The officer's work, through the pages and the JSON API, with the real engine behind them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from bot.cases import AuditLog, Case
from bot.models import Conversation
from bot.settings import Settings
from tests.console.conftest import csrf_of, open_case_via_button, token_for, user_says


def _later_messages(client: TestClient, sender: str) -> list[dict[str, object]]:
    r = client.get("/webhooks/rest/messages", params={"sender": sender, "after": 0})
    assert r.status_code == 200
    messages: list[dict[str, object]] = r.json()["messages"]
    return messages


def test_the_officer_button_opens_a_case_that_appears_in_the_unassigned_queue(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    case_id = open_case_via_button(client, app, "u-queue")
    ana = logged_in("ana")
    page = ana.get("/console")
    assert page.status_code == 200
    assert f'data-case-id="{case_id}"' in page.text and "intent request_human" in page.text
    assert f'data-case-id="{case_id}"' not in ana.get("/console?view=mine").text


def test_claim_pauses_the_bot_reply_reaches_the_user_and_close_hands_back(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    sender = "u-flow"
    case_id = open_case_via_button(client, app, sender)
    ana = logged_in("ana")
    page = ana.get(f"/console/cases/{case_id}")
    csrf = csrf_of(page.text)
    assert (
        ana.post(
            f"/console/cases/{case_id}/claim", data={"csrf_token": csrf}, follow_redirects=False
        ).status_code
        == 303
    )

    # While held, the user's message reaches the case and the bot says nothing.
    assert user_says(client, sender, "anak saya masih di Johor, belum ada kabar") == []
    page = ana.get(f"/console/cases/{case_id}")
    assert "belum ada kabar" in page.text and "Bot dijeda" in page.text

    r = ana.post(
        f"/console/cases/{case_id}/reply",
        data={"csrf_token": csrf, "text": "Halo, saya Ana dari BP3MI. Kami bantu."},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert any("saya Ana" in str(m["text"]) for m in _later_messages(client, sender))
    assert "saya Ana" in ana.get(f"/console/cases/{case_id}").text

    r = ana.post(
        f"/console/cases/{case_id}/close",
        data={"csrf_token": csrf, "outcome": "referred_bp3mi"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert any("Petugas telah selesai" in str(m["text"]) for m in _later_messages(client, sender))
    assert user_says(client, sender, "halo") != []  # the bot answers again
    with Session(app.state.db) as s:
        case = s.get(Case, case_id)
        assert case is not None and case.outcome == "referred_bp3mi"
        conv = s.exec(select(Conversation).where(Conversation.contact_id == case.contact_id)).one()
        assert conv.handled_by == "bot"
        actions = [
            a.action
            for a in s.exec(
                select(AuditLog).where(AuditLog.case_id == case_id).order_by(col(AuditLog.id))
            ).all()
        ]
        assert {"viewed", "claimed", "replied", "closed"} <= set(actions)


def test_notes_transfer_and_export_are_recorded(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    case_id = open_case_via_button(client, app, "u-notes")
    ana = logged_in("ana", team="kupang")
    logged_in("budi", team="ende")
    csrf = csrf_of(ana.get(f"/console/cases/{case_id}").text)
    ana.post(f"/console/cases/{case_id}/claim", data={"csrf_token": csrf})
    ana.post(f"/console/cases/{case_id}/note", data={"csrf_token": csrf, "text": "ibu menelpon"})
    assert "ibu menelpon" in ana.get(f"/console/cases/{case_id}").text
    export = ana.get(f"/console/cases/{case_id}/export")
    assert export.status_code == 200 and export.json()["id"] == case_id
    assert any(m["intent"] == "request_human" for m in export.json()["transcript"])
    r = ana.post(
        f"/console/cases/{case_id}/transfer",
        data={"csrf_token": csrf, "to_officer": "budi"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert ana.get(f"/console/cases/{case_id}").status_code == 403  # now team ende's case
    with Session(app.state.db) as s:
        actions = {
            a.action for a in s.exec(select(AuditLog).where(AuditLog.case_id == case_id)).all()
        }
    assert {"noted", "exported", "transferred"} <= actions


def test_the_json_api_lists_claims_replies_and_closes(
    any_settings: Settings, parser: Any, catalog: Any
) -> None:
    """On SQLite and, marked postgres, on the real Postgres."""
    from tests.conftest import build_app

    app = build_app(any_settings, parser, catalog)
    with TestClient(app) as client:
        _api_flow(app, client)


def _api_flow(app: FastAPI, client: TestClient) -> None:
    from tests.console.conftest import add_officer

    sender = "u-api"
    case_id = open_case_via_button(client, app, sender)
    add_officer(app, "ana")
    auth = {"Authorization": f"Bearer {token_for(app, 'ana')}"}
    listed = client.get("/api/cases?status=open", headers=auth).json()["cases"]
    assert [c["id"] for c in listed] == [case_id] and listed[0]["priority"] == "high"
    detail = client.get(f"/api/cases/{case_id}", headers=auth).json()
    assert detail["transcript"][0]["intent"] == "request_human" and detail["channel"] == "rest"
    claimed = client.post(f"/api/cases/{case_id}/claim", headers=auth).json()
    assert claimed["assignee"] == "ana" and claimed["handled_by"] == "officer"
    replied = client.post(
        f"/api/cases/{case_id}/reply", json={"text": "Kami di sini."}, headers=auth
    ).json()
    assert replied["first_reply_at"] is not None and replied["message"]["id"]
    bad = client.post(f"/api/cases/{case_id}/close", json={"outcome": "done"}, headers=auth)
    assert bad.status_code == 422
    closed = client.post(f"/api/cases/{case_id}/close", json={"outcome": "resolved"}, headers=auth)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(f"/api/cases/{case_id}/claim", headers=auth).status_code == 409
    assert client.get("/api/cases?status=open", headers=auth).json()["cases"] == []


def test_queues_sort_by_priority_then_age(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    from datetime import timedelta

    high_old = open_case_via_button(client, app, "u-old")
    high_new = open_case_via_button(client, app, "u-new")
    with Session(app.state.db) as s:  # make the second case urgent and the first older
        old = s.get(Case, high_old)
        new = s.get(Case, high_new)
        assert old is not None and new is not None
        old.opened_at -= timedelta(hours=1)
        new.priority, new.priority_rank = "urgent", 0
        s.add(old)
        s.add(new)
        s.commit()
    page = logged_in("ana").get("/console?view=open").text
    assert page.index(f'data-case-id="{high_new}"') < page.index(f'data-case-id="{high_old}"')


def test_the_statistics_page_draws_its_charts_as_inline_svg(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    user_says(client, "u-stats", "halo")
    case_id = open_case_via_button(client, app, "u-stats2")
    boss = logged_in("boss", role="supervisor")
    csrf = csrf_of(boss.get(f"/console/cases/{case_id}").text)
    boss.post(f"/console/cases/{case_id}/claim", data={"csrf_token": csrf})
    boss.post(f"/console/cases/{case_id}/reply", data={"csrf_token": csrf, "text": "halo"})
    page = boss.get("/console/stats")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 4 and "rest" in page.text and "request_human" in page.text
    assert "<script" not in page.text and "http://" not in page.text.replace(
        "http://www.w3.org", ""
    )
    median = page.text.split('id="median-first-reply">')[1].split("<")[0]
    assert "menit" in median
    en = boss.get("/console/stats?lang=en").text
    assert "Median time to the first officer reply" in en


def test_admins_search_and_import_the_agency_registry(
    app: FastAPI, logged_in: Callable[..., TestClient]
) -> None:
    sample = Path(__file__).resolve().parents[2] / "content" / "data" / "agencies_sample.csv"
    admin = logged_in("root", role="admin")
    csrf = csrf_of(admin.get("/console/agencies").text)
    r = admin.post(
        "/console/agencies/import",
        data={"csrf_token": csrf},
        files={"file": ("agencies.csv", sample.read_bytes(), "text/csv")},
    )
    assert r.status_code == 200 and 'id="import-result"' in r.text, r.text
    first_name = sample.read_text(encoding="utf-8").splitlines()[1].split(",")[0].strip('"')
    found = admin.get("/console/agencies", params={"q": first_name})
    assert 'id="agency-results"' in found.text
    with Session(app.state.db) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "agencies_imported")).first()


def test_deleting_my_data_removes_my_case_from_the_console(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    case_id = open_case_via_button(client, app, "u-erase")
    boss = logged_in("boss", role="supervisor")
    assert boss.get(f"/console/cases/{case_id}").status_code == 200
    user_says(client, "u-erase", "hapus data")
    assert boss.get(f"/console/cases/{case_id}").status_code == 404
    with Session(app.state.db) as s:
        trail = s.exec(select(AuditLog).where(AuditLog.action == "viewed")).all()
        assert trail and all(a.case_id is None for a in trail)  # kept, but anonymous


def test_an_unclaimed_case_past_its_target_shows_in_the_breached_view(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    from datetime import timedelta

    late = open_case_via_button(client, app, "u-late")
    fresh = open_case_via_button(client, app, "u-fresh")
    with Session(app.state.db) as s:
        case = s.get(Case, late)
        assert case is not None
        case.due_at -= timedelta(days=1)
        s.add(case)
        s.commit()
    page = logged_in("ana").get("/console?view=breached").text
    assert f'data-case-id="{late}"' in page and f'data-case-id="{fresh}"' not in page
