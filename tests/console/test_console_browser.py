"""An officer in a real browser: log in, see a new urgent Telegram case, claim, reply (delivered to
a fake Telegram API by the outbox worker), see the held user's next message, close; the bot then
answers the user again."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.db import migrate
from bot.settings import Settings
from tests.console.conftest import PASSWORD, add_officer
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = pytest.mark.browser

TOKEN = "123456789:AAHtest-token-for-the-console"
SECRET = "tg-secret-for-the-console-test"
USER_CHAT = 3333333
OFFICERS_CHAT = "-1009990001"


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
def live_app(
    settings: Settings, parser: Any, catalog: Any, fake_telegram: FakeTelegramAPI
) -> FastAPI:
    from webhooks.app import create_app

    s = settings.model_copy(
        update={
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
            "OFFICER_TELEGRAM_CHAT_ID": OFFICERS_CHAT,
        }
    )
    migrate(s.database_url)
    return create_app(s, parser=parser, catalog=catalog, run_worker=True)


def _update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "from": {
                "id": USER_CHAT,
                "is_bot": False,
                "first_name": "Maria",
                "language_code": "id",
            },
            "chat": {"id": USER_CHAT, "first_name": "Maria", "type": "private"},
        },
    }


def _inline_answer(r: httpx.Response) -> bool:
    """The webhook answered with a sendMessage method (Telegram's inline reply)."""
    if not r.content:
        return False
    body = r.json()
    return (
        bool(body)
        and body.get("method") == "sendMessage"
        and str(body.get("chat_id")) == str(USER_CHAT)
    )


def _wait(predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_an_officer_takes_an_urgent_telegram_case_from_login_to_close(
    live_app: FastAPI, live_server: Any, browser: Any, fake_telegram: FakeTelegramAPI
) -> None:
    base = live_server(live_app)
    add_officer(live_app, "ana", team="kupang")
    telegram = httpx.Client(base_url=base, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})

    def user_writes(update_id: int, text: str) -> httpx.Response:
        r = telegram.post("/webhooks/telegram", json=_update(update_id, text))
        assert r.status_code == 200, r.text
        return r

    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{base}/console")
    assert "/console/login" in page.url
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console")
    assert page.locator(".case-row").count() == 0

    # A user in danger writes on Telegram: the bot answers with the emergency message at once.
    first = user_writes(1, "tolong saya dikurung majikan, tidak dikasih makan")
    assert (
        _inline_answer(first)
        or _wait(lambda: len(fake_telegram.sent_texts(USER_CHAT)) > 0, "the emergency message")
        is None
    )

    # The new urgent case appears in the queue, and the officers' chat is told.
    def case_listed() -> bool:
        page.goto(f"{base}/console")
        return page.locator(".case-row.prio-urgent").count() == 1

    _wait(case_listed, "the urgent case in the queue")
    _wait(
        lambda: any("Kasus baru" in t for t in fake_telegram.sent_texts(OFFICERS_CHAT)),
        "the officers' chat announcement",
    )
    page.click(".case-row a")
    assert "dikurung majikan" in page.inner_text(".transcript")
    assert "confinement_abuse" in page.inner_text(".transcript")

    page.click("#claim")
    page.wait_for_selector("#reply-text")
    assert "Bot dijeda" in page.inner_text("#handled-by")

    page.fill("#reply-text", "Halo Maria, saya Ana, petugas. Apakah sekarang aman untuk menulis?")
    page.click("#send-reply")
    _wait(
        lambda: any("saya Ana, petugas" in t for t in fake_telegram.sent_texts(USER_CHAT)),
        "the officer's reply at the fake Telegram API",
    )

    def delivered() -> bool:
        page.reload()
        return page.locator(".msg.officer .delivery-sent").count() == 1

    _wait(delivered, "the delivery status in the transcript")

    # While the case is held, the user's message reaches the case and the bot stays silent.
    sent_before = len(fake_telegram.sent_texts(USER_CHAT))
    held = user_writes(2, "iya kaka, saya di rumah majikan di Johor")
    assert not _inline_answer(held)
    page.reload()
    assert "di rumah majikan di Johor" in page.inner_text(".transcript")
    time.sleep(1.5)  # give the worker a chance to (wrongly) send something
    assert len(fake_telegram.sent_texts(USER_CHAT)) == sent_before

    page.select_option("#outcome", "referred_police")
    page.click("#close-case")
    page.wait_for_selector("#case-status[data-status=closed]")
    assert "Dirujuk ke polisi" in page.inner_text("#case-status")
    _wait(
        lambda: any("Petugas telah selesai" in t for t in fake_telegram.sent_texts(USER_CHAT)),
        "the case_closed message to the user",
    )

    # The bot answers the user again.
    closed_total = len(fake_telegram.sent_texts(USER_CHAT))
    again = user_writes(3, "halo")
    if not _inline_answer(again):
        _wait(lambda: len(fake_telegram.sent_texts(USER_CHAT)) > closed_total, "a bot answer")
    page.close()
    telegram.close()
