"""The web chat page in a real browser: greet, press a button, and see an officer's later reply."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from bot.models import Contact
from bot.outbox import enqueue

pytestmark = pytest.mark.browser


def test_web_chat_greets_shows_buttons_and_receives_an_officer_reply(
    app: FastAPI, live_server: Any, browser: Any
) -> None:
    app.state.settings.WEB_CHAT_POLL_SECONDS = 0.3
    base = live_server(app)
    page = browser.new_page(viewport={"width": 360, "height": 740})  # a cheap phone
    page.goto(f"{base}/chat")
    page.fill("#text", "halo")
    page.click("#send")
    page.wait_for_selector(".msg.bot")
    assert "HAPUS DATA" in page.inner_text(".msg.bot >> nth=0")
    buttons = page.locator(".buttons button")
    assert buttons.count() >= 4
    before = page.locator(".msg.bot").count()
    buttons.first.click()
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length > {before}")

    with Session(app.state.db) as s:
        contact = s.exec(select(Contact).where(Contact.channel == "rest")).one()
        enqueue(
            s, contact=contact, text="Halo, saya petugas. Apa yang bisa dibantu?", author="officer"
        )
        s.commit()
    page.wait_for_selector(".msg.officer", timeout=10_000)
    assert "saya petugas" in page.inner_text(".msg.officer")
    page.close()
