"""The Rasa-compatible REST channel and the engine behind it, on SQLite and on Postgres."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from bot.models import Contact, Message


def say(client: TestClient, text: str, sender: str = "u1", **extra: Any) -> list[dict[str, Any]]:
    res = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text, **extra})
    assert res.status_code == 200, res.text
    return res.json()


def db_session(client: TestClient) -> Session:
    return Session(client.app.state.db)  # type: ignore[attr-defined]


def test_halo_on_first_contact_shows_the_welcome_with_menu_buttons(any_client: TestClient) -> None:
    replies = say(any_client, "halo")
    assert replies[0]["recipient_id"] == "u1"
    assert replies[0]["custom"]["content_id"] == "welcome"
    assert "HAPUS DATA" in replies[0]["text"]  # how to delete is part of the consent notice
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert len(buttons) >= 4
    assert all(b["title"] and b["payload"].startswith("/") for b in buttons)


def test_first_contact_stores_the_consent_version(any_client: TestClient) -> None:
    say(any_client, "halo", sender="consenting")
    with db_session(any_client) as s:
        contact = s.exec(select(Contact).where(Contact.external_id == "consenting")).one()
    assert contact.consent_version == any_client.app.state.settings.CONSENT_VERSION  # type: ignore[attr-defined]
    assert contact.consent_at is not None and contact.consent_at.tzinfo is not None


def test_second_greeting_is_not_the_welcome_again(client: TestClient) -> None:
    say(client, "halo")
    replies = say(client, "halo")
    assert all(r["custom"]["content_id"] != "welcome" for r in replies)


def test_button_payload_answers_its_intent(client: TestClient) -> None:
    say(client, "halo")
    replies = say(client, "/ask_documents")
    assert replies and replies[0]["text"]
    with db_session(client) as s:
        msg = s.exec(select(Message).where(Message.payload == "/ask_documents")).one()
    assert msg.intent == "ask_documents"


def test_repeated_delivery_is_processed_once_and_answered_the_same(any_client: TestClient) -> None:
    first = say(any_client, "syarat dokumen apa saja?", message_id="m-1")
    again = say(any_client, "syarat dokumen apa saja?", message_id="m-1")
    assert [r["text"] for r in again] == [r["text"] for r in first]
    with db_session(any_client) as s:
        inbound = s.exec(
            select(func.count()).select_from(Message).where(Message.direction == "in")
        ).one()
        outbound = s.exec(
            select(func.count()).select_from(Message).where(Message.direction == "out")
        ).one()
    assert inbound == 1
    assert outbound == len(first)


def test_every_message_in_and_out_is_stored_with_its_provenance(any_client: TestClient) -> None:
    say(any_client, "halo")
    say(any_client, "berapa biaya penempatan ke Hong Kong?")
    with db_session(any_client) as s:
        rows = s.exec(select(Message).order_by(col(Message.id))).all()
    ins = [m for m in rows if m.direction == "in"]
    outs = [m for m in rows if m.direction == "out"]
    assert [m.text for m in ins] == ["halo", "berapa biaya penempatan ke Hong Kong?"]
    assert ins[1].intent == "ask_costs" and ins[1].language == "id"
    assert outs and all(m.content_id and m.content_version for m in outs)
    assert all(m.reply_to_id in {i.id for i in ins} for m in outs)


def test_emergency_on_first_contact_is_not_swallowed_by_the_welcome(any_client: TestClient) -> None:
    replies = say(any_client, "tolong saya dikurung majikan, tidak dikasih makan", sender="first")
    ids = [r["custom"]["content_id"] for r in replies]
    assert ids[0] == "welcome_notice"  # the consent notice, without the topic menu
    assert "HAPUS DATA" in replies[0]["text"]
    assert "emergency" in ids


def test_deleting_my_data_erases_the_contact_and_every_message(any_client: TestClient) -> None:
    say(any_client, "halo", sender="forget-me")
    say(any_client, "paspor saya ditahan agen", sender="forget-me")
    replies = say(any_client, "HAPUS DATA", sender="forget-me")
    assert replies[0]["text"]
    with db_session(any_client) as s:
        assert s.exec(select(Contact).where(Contact.external_id == "forget-me")).first() is None
        assert s.exec(select(func.count()).select_from(Message)).one() == 0


def test_later_messages_reach_the_web_chat_by_polling(client: TestClient) -> None:
    from bot.outbox import enqueue

    say(client, "halo", sender="poller")
    first = client.get("/webhooks/rest/messages", params={"sender": "poller"}).json()
    assert first["messages"] == []  # inline answers were already shown
    with Session(client.app.state.db) as s:  # type: ignore[attr-defined]
        contact = s.exec(select(Contact).where(Contact.external_id == "poller")).one()
        enqueue(s, contact=contact, text="Halo, saya petugas BP3MI.", author="officer")
        s.commit()
    later = client.get(
        "/webhooks/rest/messages", params={"sender": "poller", "after": first["last_id"]}
    ).json()
    assert [(m["author"], m["text"]) for m in later["messages"]] == [
        ("officer", "Halo, saya petugas BP3MI.")
    ]


def test_healthz_checks_the_database(any_client: TestClient) -> None:
    res = any_client.get("/healthz")
    assert res.status_code == 200
    assert res.json()["status"] == "ok"


def test_metrics_count_messages_and_replies(client: TestClient) -> None:
    say(client, "halo")
    say(client, "bagaimana cara urus paspor?")
    body = client.get("/metrics").text
    assert 'aman_messages_in_total{channel="rest"} 2.0' in body
    assert 'aman_replies_by_intent_total{intent="ask_passport"}' in body
    assert "aman_handle_seconds_bucket" in body


def test_chat_page_is_served_for_phones(client: TestClient) -> None:
    res = client.get("/chat")
    assert res.status_code == 200
    assert 'name="viewport"' in res.text
    assert "/webhooks/rest/webhook" in res.text and "/webhooks/rest/messages" in res.text


def test_a_medium_risk_warning_names_the_flags_in_the_users_words(client: TestClient) -> None:
    say(client, "halo", sender="warned")
    replies = say(client, "my recruiter asked me to pay 20 million rupiah placement fee", "warned")
    warning = next(r for r in replies if r["custom"]["content_id"] == "risk_warning")
    assert "placement fees" in warning["text"]
    assert "illegal_fees" not in warning["text"]
    # the officer is offered once in the turn, under its last message
    officer = [
        r for r in replies if "/request_human" in [b["payload"] for b in r.get("buttons", [])]
    ]
    assert officer == [replies[-1]]
