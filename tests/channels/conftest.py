"""Fixtures of the channel tests: an app with Telegram and Twilio configured against fakes, and
helpers that sign requests the way Telegram and Twilio do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from twilio.request_validator import RequestValidator

from bot.db import migrate
from bot.models import Contact, Message
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import FakeTwilioHttp

TELEGRAM_TOKEN = "123456789:AAHtest-token-for-the-fake-api"
TELEGRAM_SECRET = "tg-webhook-secret_0123456789"
TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "twilio-test-auth-token-0123456789"
WHATSAPP_FROM = "whatsapp:+14155238886"
SMS_FROM = "+15017122661"
PUBLIC = "https://bot.example.org"


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
def fake_twilio() -> FakeTwilioHttp:
    return FakeTwilioHttp()


@pytest.fixture
def channel_settings(settings: Settings, fake_telegram: FakeTelegramAPI) -> Settings:
    return settings.model_copy(
        update={
            "PUBLIC_BASE_URL": PUBLIC,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
            "TWILIO_SMS_FROM": SMS_FROM,
        }
    )


@pytest.fixture
def channel_app(channel_settings: Settings, parser: Any, catalog: Any) -> FastAPI:
    from webhooks.app import create_app

    migrate(channel_settings.database_url)
    return create_app(channel_settings, parser=parser, catalog=catalog, run_worker=False)


@pytest.fixture
def channel_client(channel_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(channel_app) as c:
        yield c


# -- signing as the providers do ---------------------------------------------------------------


def post_update(
    client: TestClient, update: dict[str, Any], *, secret: str | None = TELEGRAM_SECRET
) -> Any:
    """POST an Update as Telegram does: JSON, with the secret token header when given."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return client.post("/webhooks/telegram", content=json.dumps(update), headers=headers)


def twilio_signature(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, form))


def post_twilio(
    client: TestClient,
    form: dict[str, str],
    *,
    signed_url: str = PUBLIC + "/webhooks/twilio",
    token: str = TWILIO_TOKEN,
    signature: str | None = "compute",
) -> Any:
    """POST a form as Twilio does, signed over the public URL (unless told otherwise)."""
    headers = {}
    if signature == "compute":
        headers["X-Twilio-Signature"] = twilio_signature(signed_url, form, token)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return client.post("/webhooks/twilio", data=form, headers=headers)


# -- reading what happened -------------------------------------------------------------------


def db_of(client: TestClient) -> Engine:
    return client.app.state.db  # type: ignore[attr-defined,no-any-return]


def messages_of(db: Engine, channel: str, external_id: str) -> list[Message]:
    """Every stored message of one contact, oldest first."""
    with Session(db) as s:
        contact = s.exec(
            select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
        ).first()
        if contact is None:
            return []
        q = select(Message).where(Message.contact_id == contact.id).order_by(col(Message.id))
        return list(s.exec(q))


def contact_of(db: Engine, channel: str, external_id: str) -> Contact | None:
    with Session(db) as s:
        return s.exec(
            select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
        ).first()
