"""`aman telegram set-webhook` registers our URL with the secret and the update kinds we use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from tests.fakes.telegram_api import FakeTelegramAPI

from .conftest import PUBLIC, TELEGRAM_SECRET, TELEGRAM_TOKEN


@pytest.fixture
def telegram_env(
    monkeypatch: pytest.MonkeyPatch, fake_telegram: FakeTelegramAPI
) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake_telegram.base_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_set_webhook_registers_the_public_url_the_secret_and_the_update_kinds(
    telegram_env: pytest.MonkeyPatch, fake_telegram: FakeTelegramAPI
) -> None:
    result = CliRunner().invoke(app, ["telegram", "set-webhook"])
    assert result.exit_code == 0, result.output
    assert f"{PUBLIC}/webhooks/telegram" in result.output
    (call,) = fake_telegram.calls_to("setWebhook")
    assert call.token == TELEGRAM_TOKEN
    assert call.params["url"] == f"{PUBLIC}/webhooks/telegram"
    assert call.params["secret_token"] == TELEGRAM_SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]

    info = CliRunner().invoke(app, ["telegram", "webhook-info"])
    assert f"url: {PUBLIC}/webhooks/telegram" in info.output


def test_set_webhook_refuses_without_a_secret(
    telegram_env: pytest.MonkeyPatch, fake_telegram: FakeTelegramAPI
) -> None:
    telegram_env.setenv("TELEGRAM_WEBHOOK_SECRET", "")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["telegram", "set-webhook"])
    assert result.exit_code == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in result.output
    assert fake_telegram.calls_to("setWebhook") == []


def test_set_webhook_refuses_a_plain_http_public_url(
    telegram_env: pytest.MonkeyPatch, fake_telegram: FakeTelegramAPI
) -> None:
    telegram_env.setenv("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["telegram", "set-webhook"])
    assert result.exit_code == 2 and "https://" in result.output
    assert fake_telegram.calls_to("setWebhook") == []
