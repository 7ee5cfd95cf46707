"""POST /webhooks/telegram with verbatim Updates: verified, parsed, answered, never twice.

The Updates follow core.telegram.org/bots/webhooks ("Testing your bot with updates": update_id
10000, message_id 1365, date 1441645532, chat 1111111), with the fields today's Bot API always
sends (chat.type, from.is_bot) and the media objects of core.telegram.org/bots/api#message.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.messages import Button
from bot.models import Contact, Message, OutboxItem
from bot.outbox import OutboxWorker, enqueue
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.senders import build_senders
from webhooks.telegram import callback_data

from .conftest import TELEGRAM_SECRET, contact_of, db_of, messages_of, post_update

CHAT = 1111111
USER = {
    "id": 1111111,
    "is_bot": False,
    "first_name": "Test",
    "last_name": "Test Lastname",
    "username": "Test",
    "language_code": "id",
}
PRIVATE_CHAT = {
    "id": 1111111,
    "first_name": "Test",
    "last_name": "Test Lastname",
    "username": "Test",
    "type": "private",
}

START = {
    "update_id": 10000,
    "message": {
        "message_id": 1365,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645532,
        "text": "/start",
        "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
    },
}
TEXT = {
    "update_id": 10001,
    "message": {
        "message_id": 1366,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645540,
        "text": "syarat dokumen apa saja untuk kerja di Malaysia?",
    },
}
VOICE = {
    "update_id": 10002,
    "message": {
        "message_id": 1367,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645550,
        "voice": {
            "file_id": "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX",
            "file_unique_id": "AgADbX",
            "duration": 5,
            "mime_type": "audio/ogg",
            "file_size": 23000,
        },
    },
}
PHOTO = {
    "update_id": 10003,
    "message": {
        "message_id": 1368,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645560,
        "photo": [
            {
                "file_id": "AgACAgUAAxkBAAIBsmall",
                "file_unique_id": "AQADs",
                "file_size": 1290,
                "width": 90,
                "height": 67,
            },
            {
                "file_id": "AgACAgUAAxkBAAIBlarge",
                "file_unique_id": "AQADl",
                "file_size": 51002,
                "width": 1280,
                "height": 960,
            },
        ],
    },
}
DOCUMENT = {
    "update_id": 10004,
    "message": {
        "message_id": 1369,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645570,
        "document": {
            "file_name": "kontrak.pdf",
            "mime_type": "application/pdf",
            "file_id": "BQADBAADdocXXXXXXXXXXX",
            "file_unique_id": "AgADdo",
            "file_size": 120000,
        },
    },
}
STICKER = {
    "update_id": 10005,
    "message": {
        "message_id": 1370,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645580,
        "sticker": {
            "file_id": "CAACAgIAAxkBAAIBsticker",
            "file_unique_id": "AgADst",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "\U0001f64f",
        },
    },
}
LOCATION = {
    "update_id": 10006,
    "message": {
        "message_id": 1371,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645590,
        "location": {"latitude": -10.1772, "longitude": 123.6070},
    },
}
GIF = {
    "update_id": 10011,
    "message": {
        "message_id": 1372,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645595,
        "animation": {
            "file_name": "giphy.mp4",
            "mime_type": "video/mp4",
            "duration": 2,
            "width": 480,
            "height": 270,
            "file_id": "CgACAgQAAxkBAAIBgif",
            "file_unique_id": "AgADgif",
            "file_size": 95000,
        },
        "document": {
            "file_name": "giphy.mp4",
            "mime_type": "video/mp4",
            "file_id": "CgACAgQAAxkBAAIBgif",
            "file_unique_id": "AgADgif",
            "file_size": 95000,
        },
    },
}
EDITED = {
    "update_id": 10007,
    "edited_message": {
        "message_id": 1366,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1441645540,
        "edit_date": 1441646600,
        "text": "Edited text",
    },
}
CHANNEL_POST = {
    "update_id": 10008,
    "channel_post": {
        "message_id": 7,
        "date": 1441645600,
        "text": "announcement",
        "sender_chat": {"id": -1001234567890, "title": "Info PMI", "type": "channel"},
        "chat": {"id": -1001234567890, "title": "Info PMI", "type": "channel"},
    },
}
MY_CHAT_MEMBER = {
    "update_id": 10009,
    "my_chat_member": {
        "chat": PRIVATE_CHAT,
        "from": USER,
        "date": 1441645610,
        "old_chat_member": {
            "user": {"id": 123456789, "is_bot": True, "first_name": "Aman"},
            "status": "member",
        },
        "new_chat_member": {
            "user": {"id": 123456789, "is_bot": True, "first_name": "Aman"},
            "status": "kicked",
            "until_date": 0,
        },
    },
}
GROUP_MESSAGE = {
    "update_id": 10010,
    "message": {
        "message_id": 55,
        "from": USER,
        "date": 1441645620,
        "text": "halo semua",
        "chat": {
            "id": -987654321,
            "title": "Keluarga",
            "type": "group",
            "all_members_are_administrators": True,
        },
    },
}


def callback_update(update_id: int, data: str) -> dict[str, Any]:
    """A button press on a message the bot sent (core.telegram.org/bots/api#callbackquery)."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": USER,
            "chat_instance": "-2837482734823",
            "data": data,
            "message": {
                "message_id": 1001,
                "date": 1441645532,
                "text": "Pilih topik",
                "from": {
                    "id": 123456789,
                    "is_bot": True,
                    "first_name": "Aman",
                    "username": "aman_test_bot",
                },
                "chat": PRIVATE_CHAT,
            },
        },
    }


def bot_replies(client: TestClient) -> list[Message]:
    return [m for m in messages_of(db_of(client), "telegram", str(CHAT)) if m.direction == "out"]


# -- verification ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [None, "", "wrong", TELEGRAM_SECRET[:-1] + "X", TELEGRAM_SECRET + " "],
    ids=["missing", "empty", "wrong", "one-char-off", "trailing-space"],
)
def test_an_update_without_the_right_secret_is_refused_and_not_stored(
    channel_client: TestClient, secret: str | None
) -> None:
    res = post_update(channel_client, START, secret=secret)
    assert res.status_code == 403
    assert contact_of(db_of(channel_client), "telegram", str(CHAT)) is None


def test_without_a_webhook_secret_the_telegram_route_is_not_served(
    settings: Any, parser: Any, catalog: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from webhooks.app import create_app

    no_secret = settings.model_copy(update={"TELEGRAM_BOT_TOKEN": "123:abc"})
    with caplog.at_level(logging.INFO, logger="webhooks.telegram"):
        app = create_app(no_secret, parser=parser, catalog=catalog, run_worker=False)
    with TestClient(app) as client:
        assert post_update(client, START, secret="").status_code == 404
        assert post_update(client, START, secret="anything").status_code == 404
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in caplog.text


def test_the_default_app_without_tokens_starts_and_serves_no_telegram_route(
    client: TestClient,
) -> None:
    assert client.get("/healthz").status_code == 200
    assert post_update(client, START).status_code == 404


# -- what the user sees -------------------------------------------------------------------------


def test_start_is_answered_inline_with_the_welcome_and_an_inline_keyboard(
    channel_client: TestClient,
) -> None:
    res = post_update(channel_client, START)
    assert res.status_code == 200
    body = res.json()
    (reply,) = bot_replies(channel_client)
    assert reply.content_id == "welcome" and reply.delivery_status == "inline"
    assert body["method"] == "sendMessage" and body["chat_id"] == CHAT
    assert body["text"] == reply.text
    keyboard = body["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == [b["title"] for b in reply.buttons]
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)


@pytest.mark.parametrize(
    ("update", "kind", "ref"),
    [
        (VOICE, "voice", "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX"),
        (PHOTO, "photo", "AgACAgUAAxkBAAIBlarge"),
        (DOCUMENT, "document", "BQADBAADdocXXXXXXXXXXX"),
        (STICKER, "sticker", "CAACAgIAAxkBAAIBsticker"),
        (GIF, "animation", "CgACAgQAAxkBAAIBgif"),  # one animation, not also a document
        (LOCATION, "location", "-10.1772,123.607"),
    ],
    ids=["voice", "photo", "document", "sticker", "gif", "location"],
)
def test_media_gets_the_kind_text_only_reply_and_is_kept_for_the_officer(
    channel_client: TestClient, update: dict[str, Any], kind: str, ref: str
) -> None:
    res = post_update(channel_client, update)
    assert res.status_code == 200
    stored = messages_of(db_of(channel_client), "telegram", str(CHAT))
    inbound = [m for m in stored if m.direction == "in"]
    assert inbound[0].media == [{"kind": kind, "ref": ref}]
    (reply,) = bot_replies(channel_client)
    assert reply.content_id == "media_unsupported"
    assert res.json()["text"] == reply.text


@pytest.mark.parametrize(
    "update",
    [EDITED, CHANNEL_POST, MY_CHAT_MEMBER, GROUP_MESSAGE],
    ids=["edited_message", "channel_post", "my_chat_member", "group_message"],
)
def test_other_update_kinds_are_acknowledged_and_ignored(
    channel_client: TestClient, update: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="webhooks.telegram"):
        res = post_update(channel_client, update)
    assert res.status_code == 200 and res.content == b""
    assert "ignored" in caplog.text
    with Session(db_of(channel_client)) as s:
        assert s.exec(select(Message)).first() is None


def test_a_question_with_two_replies_goes_through_the_outbox_in_order(
    channel_client: TestClient, fake_telegram: FakeTelegramAPI
) -> None:
    res = post_update(channel_client, TEXT)  # first contact: the welcome, then the answer
    assert res.status_code == 200 and res.content == b""
    replies = bot_replies(channel_client)
    assert len(replies) >= 2 and replies[0].content_id == "welcome"
    assert all(r.delivery_status == "pending" for r in replies)

    settings = channel_client.app.state.settings  # type: ignore[attr-defined]
    worker = OutboxWorker(db_of(channel_client), build_senders(settings))
    assert asyncio.run(worker.run_once()) == len(replies)
    assert fake_telegram.sent_texts(CHAT) == [r.text for r in replies]


def test_a_button_press_answers_the_callback_and_queues_the_answer(
    channel_client: TestClient,
) -> None:
    post_update(channel_client, START)
    (welcome,) = bot_replies(channel_client)
    button = welcome.buttons[0]
    res = post_update(channel_client, callback_update(10020, callback_data(button["payload"])))
    assert res.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": "4382bfdwdsb323b2d9",
    }
    stored = messages_of(db_of(channel_client), "telegram", str(CHAT))
    pressed = [m for m in stored if m.direction == "in"][-1]
    assert pressed.payload == button["payload"]
    answers = [m for m in stored if m.direction == "out" and m.reply_to_id == pressed.id]
    assert answers and all(a.delivery_status == "pending" for a in answers)
    with Session(db_of(channel_client)) as s:
        queued = s.exec(select(OutboxItem).where(OutboxItem.status == "pending")).all()
    assert {q.message_id for q in queued} == {a.id for a in answers}


def test_a_payload_longer_than_64_bytes_travels_as_a_hash_and_comes_back_whole(
    channel_client: TestClient,
) -> None:
    post_update(channel_client, START)
    long_payload = '/more{"answer_id": "costs.placement_fee_components.detail.malaysia"}'
    assert len(long_payload.encode()) > 64
    db = db_of(channel_client)
    with Session(db) as s:
        contact = s.exec(select(Contact).where(Contact.external_id == str(CHAT))).one()
        enqueue(
            s, contact=contact, text="Mau tahu lebih?", buttons=[Button("Rincian", long_payload)]
        )
        s.commit()
    data = callback_data(long_payload)
    assert len(data.encode()) <= 64
    post_update(channel_client, callback_update(10021, data))
    pressed = [m for m in messages_of(db, "telegram", str(CHAT)) if m.direction == "in"][-1]
    assert pressed.payload == long_payload


# -- idempotency -------------------------------------------------------------------------------


@pytest.mark.parametrize("update", [START, VOICE], ids=["start", "voice"])
def test_a_redelivered_update_gets_the_same_answer_and_no_second_processing(
    channel_client: TestClient, update: dict[str, Any]
) -> None:
    first = post_update(channel_client, update)
    again = post_update(channel_client, copy.deepcopy(update))
    assert again.status_code == 200 and again.json() == first.json()
    stored = messages_of(db_of(channel_client), "telegram", str(CHAT))
    assert [m.direction for m in stored] == ["in", "out"]


def test_a_redelivered_button_press_is_not_queued_twice(channel_client: TestClient) -> None:
    post_update(channel_client, START)
    (welcome,) = bot_replies(channel_client)
    press = callback_update(10030, callback_data(welcome.buttons[0]["payload"]))
    post_update(channel_client, press)
    with Session(db_of(channel_client)) as s:
        before = len(s.exec(select(OutboxItem)).all())
    res = post_update(channel_client, press)
    assert res.json()["method"] == "answerCallbackQuery"
    with Session(db_of(channel_client)) as s:
        assert len(s.exec(select(OutboxItem)).all()) == before


def test_the_embedded_worker_of_aman_serve_delivers_what_was_queued(
    channel_settings: Any, parser: Any, catalog: Any, fake_telegram: FakeTelegramAPI
) -> None:
    from bot.db import migrate
    from webhooks.app import create_app

    migrate(channel_settings.database_url)
    app = create_app(channel_settings, parser=parser, catalog=catalog, run_worker=True)
    with TestClient(app) as client:
        assert post_update(client, TEXT).status_code == 200
        replies = bot_replies(client)
        fake_telegram.wait_for_calls(len(replies), method="sendMessage", timeout=10)
    assert fake_telegram.sent_texts(CHAT) == [r.text for r in replies]


def test_our_own_failure_is_a_5xx_so_the_provider_delivers_again(
    channel_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import post_twilio
    from .test_twilio_webhook import SMS_TEXT

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(channel_app.state.engine, "handle", broken)
    with TestClient(channel_app, raise_server_exceptions=False) as client:
        assert post_update(client, START).status_code == 500
        assert post_twilio(client, SMS_TEXT).status_code == 500


def test_the_officers_notification_chat_is_never_treated_as_a_user(
    channel_settings: Any, parser: Any, catalog: Any
) -> None:
    from bot.db import migrate
    from webhooks.app import create_app

    officers = channel_settings.model_copy(update={"OFFICER_TELEGRAM_CHAT_ID": str(CHAT)})
    migrate(officers.database_url)
    app = create_app(officers, parser=parser, catalog=catalog, run_worker=False)
    with TestClient(app) as client:
        res = post_update(client, START)
        assert res.status_code == 200 and res.content == b""
        with Session(db_of(client)) as s:
            assert s.exec(select(Message)).first() is None
