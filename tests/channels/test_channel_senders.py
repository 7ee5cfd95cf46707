"""The outbox worker with the real Senders against fake Telegram and Twilio APIs: throttling is
honoured, a blocked bot stops the contact, and nothing is delivered twice."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import Contact, Message, OutboxItem
from bot.outbox import Blocked, OutboxWorker, Outgoing, Throttled, enqueue
from bot.settings import Settings
from tests.fakes.telegram_api import (
    FakeTelegramAPI,
    blocked,
    chat_not_found,
    retry_after,
    server_error,
)
from tests.fakes.twilio_api import FakeTwilioHttp, twilio_error
from webhooks.senders import build_senders
from webhooks.telegram import text_parts
from webhooks.text import sms_segments
from webhooks.twilio import TwilioSender, make_client

OFFICER_TEXT = "Halo, saya petugas BP3MI. Paspor Anda tidak boleh ditahan siapa pun."


def officer_message(
    db: Engine, *, channel: str = "telegram", external_id: str = "1111111", text: str = OFFICER_TEXT
) -> tuple[int, int]:
    """Queue an officer's reply to a contact, as the console does; (contact id, message id)."""
    with Session(db, expire_on_commit=False) as s:
        contact = s.exec(
            select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
        ).first()
        if contact is None:
            contact = Contact(channel=channel, external_id=external_id)
            s.add(contact)
            s.flush()
        msg = enqueue(s, contact=contact, text=text, author="officer", officer_id=1)
        s.commit()
        assert contact.id is not None and msg.id is not None
        return contact.id, msg.id


async def drain(worker: OutboxWorker, *, until: Any, timeout: float = 6.0) -> None:
    """Run the worker as `aman worker` would (poll), until `until()` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("outbox did not settle")
        await worker.run_once()
        await asyncio.sleep(0.05)


def row(db: Engine, message_id: int) -> tuple[OutboxItem, Message, Contact]:
    with Session(db) as s:
        item = s.exec(select(OutboxItem).where(OutboxItem.message_id == message_id)).one()
        msg = s.get(Message, message_id)
        contact = s.get(Contact, item.contact_id)
        assert msg is not None and contact is not None
        return item, msg, contact


@pytest.fixture
def senders_settings(settings: Settings, fake_telegram: FakeTelegramAPI) -> Settings:
    from .conftest import SMS_FROM, TELEGRAM_TOKEN, TWILIO_SID, TWILIO_TOKEN, WHATSAPP_FROM

    return settings.model_copy(
        update={
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
            "TWILIO_SMS_FROM": SMS_FROM,
        }
    )


# -- Telegram ----------------------------------------------------------------------------------


async def test_after_a_429_the_officers_message_arrives_exactly_once_after_the_delay(
    db_engine: Engine, senders_settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    _, message_id = officer_message(db_engine)
    fake_telegram.queue_responses(retry_after(1), method="sendMessage")
    worker = OutboxWorker(db_engine, build_senders(senders_settings))

    assert await worker.run_once() == 1  # 429: rescheduled, not counted as an attempt
    item, _, _ = row(db_engine, message_id)
    assert item.status == "pending" and item.attempts == 0
    assert "retry in 1" in str(item.last_error).lower()
    assert await worker.run_once() == 0  # not due before retry_after has passed

    await drain(worker, until=lambda: row(db_engine, message_id)[0].status == "sent")
    throttled, delivered = fake_telegram.calls_to("sendMessage")
    assert (throttled.status, delivered.status) == (429, 200)
    assert delivered.at - throttled.at >= 0.95  # retry_after=1 honoured
    assert fake_telegram.sent_texts(1111111) == [OFFICER_TEXT]  # exactly once
    _, msg, _ = row(db_engine, message_id)
    assert msg.delivery_status == "sent" and msg.external_message_id
    assert await worker.run_once() == 0  # a sent row is never claimed again
    assert len(fake_telegram.calls_to("sendMessage")) == 2


async def test_a_throttled_message_is_not_overtaken_by_the_next_one_to_the_same_chat(
    db_engine: Engine, senders_settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    officer_message(db_engine, text="Pesan pertama")
    _, second = officer_message(db_engine, text="Pesan kedua")
    fake_telegram.queue_responses(retry_after(1), method="sendMessage")
    worker = OutboxWorker(db_engine, build_senders(senders_settings))
    await drain(worker, until=lambda: row(db_engine, second)[0].status == "sent")
    assert fake_telegram.sent_texts(1111111) == ["Pesan pertama", "Pesan kedua"]
    assert len(fake_telegram.calls_to("sendMessage")) == 3  # one 429, then each once


async def test_a_bot_blocked_by_the_user_marks_the_contact_stopped(
    db_engine: Engine, senders_settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    _, message_id = officer_message(db_engine)
    fake_telegram.queue_responses(blocked(), method="sendMessage")
    worker = OutboxWorker(db_engine, build_senders(senders_settings))
    await worker.run_once()

    item, msg, contact = row(db_engine, message_id)
    assert contact.stopped_at is not None
    assert item.status == "dead" and "blocked by the user" in str(item.last_error)
    assert msg.delivery_status == "failed"

    _, later = officer_message(db_engine, text="Pesan kedua")
    await worker.run_once()
    assert row(db_engine, later)[0].status == "dead"  # nothing more goes to a stopped contact
    assert len(fake_telegram.calls_to("sendMessage")) == 1


async def test_chat_not_found_is_given_up_without_stopping_the_contact(
    db_engine: Engine, senders_settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    _, message_id = officer_message(db_engine)
    fake_telegram.queue_responses(chat_not_found(), method="sendMessage")
    await OutboxWorker(db_engine, build_senders(senders_settings)).run_once()
    item, msg, contact = row(db_engine, message_id)
    assert item.status == "dead" and "chat not found" in str(item.last_error).lower()
    assert contact.stopped_at is None and msg.delivery_status == "failed"


async def test_a_server_error_is_retried_with_backoff(
    db_engine: Engine, senders_settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    _, message_id = officer_message(db_engine)
    fake_telegram.queue_responses(server_error(), method="sendMessage")
    await OutboxWorker(db_engine, build_senders(senders_settings)).run_once()
    item, msg, _ = row(db_engine, message_id)
    assert item.status == "pending" and item.attempts == 1 and msg.delivery_status == "pending"
    assert item.next_attempt_at.timestamp() - time.time() > 1  # backoff, not a hot loop


async def test_a_retried_long_message_does_not_resend_the_parts_already_delivered(
    db_engine: Engine, senders_settings: Settings, fake_telegram: FakeTelegramAPI
) -> None:
    long_text = " ".join(f"kata{i}" for i in range(1200))  # > 4096 characters: two messages
    _, message_id = officer_message(db_engine, text=long_text)
    fake_telegram.queue_responses(FakeTelegramAPI_ok(), retry_after(1), method="sendMessage")
    worker = OutboxWorker(db_engine, build_senders(senders_settings))
    await drain(worker, until=lambda: row(db_engine, message_id)[0].status == "sent")
    texts = fake_telegram.sent_texts(1111111)
    assert len(texts) == len(text_parts(long_text)) >= 2
    assert " ".join(texts).split() == long_text.split()  # each part once, in order
    assert all(len(t) <= 4096 for t in texts)
    assert len(fake_telegram.calls_to("sendMessage")) == len(texts) + 1  # + the throttled one


def FakeTelegramAPI_ok() -> Any:
    from tests.fakes.telegram_api import ok

    return ok()


# -- Twilio ------------------------------------------------------------------------------------


async def test_whatsapp_and_sms_go_out_from_our_numbers_to_the_contact(
    db_engine: Engine, senders_settings: Settings, fake_twilio: FakeTwilioHttp
) -> None:
    officer_message(db_engine, channel="whatsapp", external_id="+6281234567890")
    officer_message(
        db_engine,
        channel="sms",
        external_id="+6285212345678",
        text="“Jangan” serahkan paspor—itu hak Anda…",
    )
    senders = build_senders(senders_settings, twilio_http_client=fake_twilio)
    assert await OutboxWorker(db_engine, senders).run_once() == 2
    wa, sms = fake_twilio.calls
    assert (wa.data["From"], wa.data["To"]) == ("whatsapp:+14155238886", "whatsapp:+6281234567890")
    assert wa.data["Body"] == OFFICER_TEXT
    assert (sms.data["From"], sms.data["To"]) == ("+15017122661", "+6285212345678")
    assert sms.data["Body"] == '"Jangan" serahkan paspor-itu hak Anda...'  # GSM-7
    assert wa.url.endswith("/Messages.json")


async def test_a_long_sms_goes_out_in_messages_of_at_most_three_segments(
    db_engine: Engine, senders_settings: Settings, fake_twilio: FakeTwilioHttp
) -> None:
    text = "Petugas akan menghubungi keluarga Anda di Kupang besok pagi. " * 15
    officer_message(db_engine, channel="sms", external_id="+6285212345678", text=text)
    senders = build_senders(senders_settings, twilio_http_client=fake_twilio)
    await OutboxWorker(db_engine, senders).run_once()
    bodies = fake_twilio.bodies("+6285212345678")
    assert len(bodies) >= 2 and all(sms_segments(b) <= 3 for b in bodies)
    assert " ".join(bodies).split() == text.split()


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (twilio_error(429, 20429, "Too Many Requests"), Throttled),
        (twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"), Blocked),
    ],
    ids=["429", "21610-unsubscribed"],
)
async def test_twilio_errors_become_the_outbox_outcomes(
    senders_settings: Settings, fake_twilio: FakeTwilioHttp, response: Any, expected: type
) -> None:
    fake_twilio.queue_responses(response)
    sender = build_senders(senders_settings, twilio_http_client=fake_twilio)["whatsapp"]
    with pytest.raises(expected):
        await sender.send(Outgoing(1, "whatsapp", "+6281234567890", "halo", ()))


async def test_an_unsubscribed_sms_number_stops_the_contact(
    db_engine: Engine, senders_settings: Settings, fake_twilio: FakeTwilioHttp
) -> None:
    _, message_id = officer_message(db_engine, channel="sms", external_id="+6285212345678")
    fake_twilio.queue_responses(
        twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
    )
    senders = build_senders(senders_settings, twilio_http_client=fake_twilio)
    await OutboxWorker(db_engine, senders).run_once()
    item, _, contact = row(db_engine, message_id)
    assert contact.stopped_at is not None and item.status == "dead"


async def test_a_twilio_send_does_not_block_the_event_loop(senders_settings: Settings) -> None:
    class SlowHttp(FakeTwilioHttp):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            time.sleep(0.3)  # the sync client waiting on the network
            return super().request(*args, **kwargs)

    sender = TwilioSender(
        channel="sms",
        client=make_client(senders_settings, http_client=SlowHttp()),
        from_="+15017122661",
    )
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    await sender.send(Outgoing(1, "sms", "+6285212345678", "halo", ()))
    task.cancel()
    assert ticks >= 10  # the loop kept running while the request waited


def test_only_configured_channels_get_a_sender(settings: Settings) -> None:
    assert build_senders(settings) == {}
    only_sms = settings.model_copy(
        update={
            "TWILIO_ACCOUNT_SID": "AC123",
            "TWILIO_AUTH_TOKEN": "t",
            "TWILIO_SMS_FROM": "+15017122661",
        }
    )
    assert set(build_senders(only_sms)) == {"sms"}
