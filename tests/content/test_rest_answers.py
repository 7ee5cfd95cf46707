"""Through the REST channel, every intent of the spec gets a non-empty answer in id, mkn and en,
stored with the content id and version it came from, and sourced where it states a fact."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from bot.models import Message
from content import Catalog
from nlu.spec import ANSWERED_LANGUAGES, INTENTS

FACT = re.compile(r"\d|\bPasal\b|\bUU\b|\bRp\b|\.go\.id")


def say(client: TestClient, sender: str, text: str, language: str) -> list[dict[str, Any]]:
    res = client.post(
        "/webhooks/rest/webhook",
        json={"sender": sender, "message": text, "metadata": {"language": language}},
    )
    assert res.status_code == 200, res.text
    return res.json()


@pytest.mark.parametrize("language", ANSWERED_LANGUAGES)
def test_every_intent_gets_a_sourced_answer_over_rest(
    client: TestClient, catalog: Catalog, language: str
) -> None:
    for intent in INTENTS:
        sender = f"{language}-{intent}"
        say(client, sender, "halo", language)  # first contact: the welcome and consent notice
        replies = say(client, sender, f"/{intent}", language)
        assert replies, f"no answer to {intent} in {language}"
        assert all(r["text"].strip() for r in replies), (intent, language)
        with Session(client.app.state.db) as s:  # type: ignore[attr-defined]
            inbound = s.exec(
                select(Message).where(Message.payload == f"/{intent}", Message.direction == "in")
            ).all()
            sent = s.exec(
                select(Message)
                .where(Message.reply_to_id == inbound[-1].id)
                .order_by(col(Message.id))
            ).all()
        assert sent and all(m.content_id and m.content_version for m in sent), (intent, language)
        for m in sent:
            entry = catalog.entries[m.content_id or ""]
            assert m.content_version == entry.version
            if FACT.search(m.text):
                assert entry.sources, f"{m.content_id} states a fact without sources"
            assert m.language in (language, "id"), (m.content_id, m.language)
        ids = {m.content_id for m in sent}
        assert ids & ({e.id for e in catalog.answers_for(intent)} | _case_messages()), (
            intent,
            ids,
        )


def _case_messages() -> set[str]:
    """What the policy sends instead of the plain answer when an intent opens a case."""
    return {"emergency", "case_opened"}


def test_checking_an_agency_over_rest_from_button_to_answer(
    client: TestClient, catalog: Catalog
) -> None:
    from bot.agencies import import_csv
    from bot.db import session_scope
    from content.catalog import DATA_DIR

    with session_scope(client.app.state.db) as s:  # type: ignore[attr-defined]
        assert import_csv(session=s, path=DATA_DIR / "agencies_sample.csv").ok
    say(client, "ag", "halo", "mkn")
    ask = say(client, "ag", "/check_agency", "mkn")
    assert ask[0]["custom"]["content_id"] == "agency_ask_name"
    answer = say(client, "ag", "PT Sampel Sinar Jaya Abadi", "mkn")
    assert answer[0]["custom"]["content_id"] == "agency_licensed"
    assert "SAMPEL/SIP3MI/001/2025" in answer[0]["text"]

    say(client, "ag", "/check_agency", "mkn")
    several = say(client, "ag", "sampel sinar jaya", "mkn")
    assert several[0]["custom"]["content_id"] == "agency_several"
    picks = [b for b in several[0]["buttons"] if b["payload"].startswith("/agency")]
    revoked = next(b for b in picks if "002" in b["payload"])
    picked = say(client, "ag", revoked["payload"], "mkn")
    assert picked[0]["custom"]["content_id"] == "agency_revoked"
    assert "DICABUT" in picked[0]["text"]


def test_a_registered_name_typed_without_pt_is_checked_in_one_message(
    settings: Any, parser: Any, catalog: Catalog
) -> None:
    from bot.agencies import AgencyGazetteer, import_csv
    from bot.db import make_engine, migrate, session_scope
    from content.catalog import DATA_DIR
    from nlu.parser import LocalParser
    from webhooks.app import create_app

    migrate(settings.database_url)
    db = make_engine(settings.database_url)
    with session_scope(db) as s:
        assert import_csv(session=s, path=DATA_DIR / "agencies_sample.csv").ok
    with_registry = LocalParser(parser.model, gazetteer=AgencyGazetteer.live(db))
    parse = with_registry.parse("sampel mitra karya sentosa tu resmi ko sonde?")
    assert parse.entity_values("agency") == ["PT Sampel Mitra Karya Sentosa"]
    app = create_app(settings, parser=with_registry, catalog=catalog, run_worker=False)
    with TestClient(app) as client:
        say(client, "one", "halo", "mkn")
        replies = say(client, "one", "sampel mitra karya sentosa tu resmi ko sonde?", "mkn")
    assert "agency_suspended" in [r["custom"]["content_id"] for r in replies]
    db.dispose()
