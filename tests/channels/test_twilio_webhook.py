"""POST /webhooks/twilio with verbatim Twilio forms: signed over the public URL, answered in TwiML.

The forms carry the fields Twilio sends (twilio.com/docs/messaging/guides/webhook-request): SMS
with the From*/To* geography, WhatsApp with ProfileName/WaId/MessageType, media with
MediaUrl0/MediaContentType0, status callbacks with MessageStatus and no Body.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.models import Contact, Message
from bot.outbox import enqueue
from content.length import gsm7_septets
from webhooks.text import SMS_MAX_SEPTETS

from .conftest import PUBLIC, TWILIO_SID, contact_of, db_of, messages_of, post_twilio

WA_USER = "+6281234567890"
SMS_USER = "+6285212345678"

WHATSAPP_TEXT = {
    "SmsMessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "NumMedia": "0",
    "ProfileName": "Maria",
    "MessageType": "text",
    "SmsSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "WaId": "6281234567890",
    "SmsStatus": "received",
    "Body": "halo",
    "To": "whatsapp:+14155238886",
    "NumSegments": "1",
    "ReferralNumMedia": "0",
    "MessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "AccountSid": TWILIO_SID,
    "From": "whatsapp:+6281234567890",
    "ApiVersion": "2010-04-01",
}
SMS_TEXT = {
    "ToCountry": "US",
    "ToState": "CA",
    "SmsMessageSid": "SM8f3c0a7b9d2e4f1a6b5c4d3e2f1a0b9c",
    "NumMedia": "0",
    "ToCity": "",
    "FromZip": "",
    "SmsSid": "SM8f3c0a7b9d2e4f1a6b5c4d3e2f1a0b9c",
    "FromState": "",
    "SmsStatus": "received",
    "FromCity": "",
    "Body": "halo",
    "FromCountry": "ID",
    "To": "+15017122661",
    "ToZip": "",
    "NumSegments": "1",
    "MessageSid": "SM8f3c0a7b9d2e4f1a6b5c4d3e2f1a0b9c",
    "AccountSid": TWILIO_SID,
    "From": "+6285212345678",
    "ApiVersion": "2010-04-01",
}
WHATSAPP_VOICE = {
    "MediaContentType0": "audio/ogg",
    "SmsMessageSid": "MM4b8e2c1d7f3a9e6b5c4d3e2f1a0b9c8d",
    "NumMedia": "1",
    "ProfileName": "Maria",
    "MessageType": "audio",
    "SmsSid": "MM4b8e2c1d7f3a9e6b5c4d3e2f1a0b9c8d",
    "WaId": "6281234567890",
    "SmsStatus": "received",
    "Body": "",
    "To": "whatsapp:+14155238886",
    "NumSegments": "1",
    "ReferralNumMedia": "0",
    "MessageSid": "MM4b8e2c1d7f3a9e6b5c4d3e2f1a0b9c8d",
    "AccountSid": TWILIO_SID,
    "From": "whatsapp:+6281234567890",
    "MediaUrl0": f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages/"
    "MM4b8e2c1d7f3a9e6b5c4d3e2f1a0b9c8d/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "ApiVersion": "2010-04-01",
}
WHATSAPP_LOCATION = {
    "Latitude": "-10.1772",
    "Longitude": "123.6070",
    "SmsMessageSid": "SM2c3d4e5f60718293a4b5c6d7e8f9a0b1",
    "NumMedia": "0",
    "ProfileName": "Maria",
    "MessageType": "location",
    "SmsSid": "SM2c3d4e5f60718293a4b5c6d7e8f9a0b1",
    "WaId": "6281234567890",
    "SmsStatus": "received",
    "Body": "",
    "To": "whatsapp:+14155238886",
    "NumSegments": "1",
    "ReferralNumMedia": "0",
    "MessageSid": "SM2c3d4e5f60718293a4b5c6d7e8f9a0b1",
    "AccountSid": TWILIO_SID,
    "From": "whatsapp:+6281234567890",
    "ApiVersion": "2010-04-01",
}
STATUS_CALLBACK = {
    "SmsSid": "SM5e6f708192a3b4c5d6e7f8091a2b3c4d",
    "SmsStatus": "delivered",
    "MessageStatus": "delivered",
    "ChannelToAddress": "+62812345XXXX",
    "To": "whatsapp:+6281234567890",
    "ChannelPrefix": "whatsapp",
    "MessageSid": "SM5e6f708192a3b4c5d6e7f8091a2b3c4d",
    "AccountSid": TWILIO_SID,
    "From": "whatsapp:+14155238886",
    "ApiVersion": "2010-04-01",
    "ChannelInstallSid": "XE0a1b2c3d4e5f60718293a4b5c6d7e8f9",
}


def twiml_bodies(res: Any) -> list[str]:
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(res.text)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def with_(form: dict[str, str], **changes: str) -> dict[str, str]:
    return {**form, **changes}


# -- verification ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"signature": None}, "missing"),
        ({"signature": "bm90IGEgc2lnbmF0dXJl"}, "garbage"),
        ({"token": "another-accounts-token"}, "signed with another token"),
        ({"signed_url": "http://testserver/webhooks/twilio"}, "signed over the request URL"),
        ({"signed_url": PUBLIC + "/webhooks/twilio?x=1"}, "signed over another URL"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_request_not_signed_over_the_public_url_with_our_token_is_refused(
    channel_client: TestClient, kwargs: dict[str, Any], why: str
) -> None:
    res = post_twilio(channel_client, WHATSAPP_TEXT, **kwargs)
    assert res.status_code == 403, why
    assert contact_of(db_of(channel_client), "whatsapp", WA_USER) is None


def test_a_tampered_body_breaks_the_signature(channel_client: TestClient) -> None:
    from .conftest import twilio_signature

    signature = twilio_signature(PUBLIC + "/webhooks/twilio", WHATSAPP_TEXT)
    tampered = with_(WHATSAPP_TEXT, Body="kirim uang")
    res = post_twilio(channel_client, tampered, signature=signature)
    assert res.status_code == 403


def test_without_an_auth_token_the_twilio_route_is_not_served(client: TestClient) -> None:
    assert post_twilio(client, WHATSAPP_TEXT).status_code == 404


# -- what the user sees -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "channel", "number"),
    [(WHATSAPP_TEXT, "whatsapp", WA_USER), (SMS_TEXT, "sms", SMS_USER)],
    ids=["whatsapp", "sms"],
)
def test_a_signed_greeting_is_answered_with_the_welcome_in_twiml(
    channel_client: TestClient, form: dict[str, str], channel: str, number: str
) -> None:
    bodies = twiml_bodies(post_twilio(channel_client, form))
    stored = messages_of(db_of(channel_client), channel, number)
    inbound, *replies = stored
    assert inbound.provider_message_id == form["MessageSid"] and inbound.text == "halo"
    assert replies[0].content_id == "welcome"
    joined = "\n".join(bodies)
    assert replies[0].text.split()[0] in joined  # the welcome's own words, not a generic text
    for i, b in enumerate(replies[0].buttons, start=1):
        assert f"{i}: {b['title']}" in joined  # buttons as a numbered list


def test_sms_replies_are_gsm7_and_at_most_three_segments_each(channel_client: TestClient) -> None:
    bodies = twiml_bodies(post_twilio(channel_client, SMS_TEXT))
    assert bodies
    for body in bodies:
        septets = gsm7_septets(body)
        assert septets is not None and septets <= SMS_MAX_SEPTETS


def test_typing_a_number_presses_that_button(channel_client: TestClient) -> None:
    post_twilio(channel_client, WHATSAPP_TEXT)
    welcome = [
        m
        for m in messages_of(db_of(channel_client), "whatsapp", WA_USER)
        if m.direction == "out" and m.buttons
    ][-1]
    second = welcome.buttons[1]
    reply = with_(
        WHATSAPP_TEXT,
        Body="2",
        MessageSid="SMaaaa0000000000000000000000000002",
        SmsMessageSid="SMaaaa0000000000000000000000000002",
        SmsSid="SMaaaa0000000000000000000000000002",
    )
    bodies = twiml_bodies(post_twilio(channel_client, reply))
    pressed = [
        m for m in messages_of(db_of(channel_client), "whatsapp", WA_USER) if m.direction == "in"
    ][-1]
    assert pressed.text == "2" and pressed.payload == second["payload"]
    assert bodies and bodies[0]


def test_a_number_after_an_officers_question_is_just_text(channel_client: TestClient) -> None:
    post_twilio(channel_client, WHATSAPP_TEXT)  # the welcome, with its numbered menu
    with Session(db_of(channel_client)) as s:
        contact = s.exec(select(Contact).where(Contact.external_id == WA_USER)).one()
        enqueue(
            s,
            contact=contact,
            text="Berapa orang yang berangkat bersama Anda?",
            author="officer",
            officer_id=1,
        )
        s.commit()
    reply = with_(WHATSAPP_TEXT, Body="2", MessageSid="SMbbbb0000000000000000000000000002")
    post_twilio(channel_client, reply)
    answer = [
        m for m in messages_of(db_of(channel_client), "whatsapp", WA_USER) if m.direction == "in"
    ][-1]
    assert answer.text == "2" and answer.payload is None


@pytest.mark.parametrize(
    ("form", "kind", "ref"),
    [
        (WHATSAPP_VOICE, "audio", WHATSAPP_VOICE["MediaUrl0"]),
        (WHATSAPP_LOCATION, "location", "-10.1772,123.6070"),
    ],
    ids=["voice-note", "location"],
)
def test_media_gets_the_kind_reply_and_is_kept(
    channel_client: TestClient, form: dict[str, str], kind: str, ref: str
) -> None:
    bodies = twiml_bodies(post_twilio(channel_client, form))
    inbound, reply = messages_of(db_of(channel_client), "whatsapp", WA_USER)
    assert inbound.media == [{"kind": kind, "ref": ref}]
    assert reply.content_id == "media_unsupported"
    numbered = [f"{i}: {b['title']}" for i, b in enumerate(reply.buttons, start=1)]
    assert bodies == ["\n".join([reply.text, *numbered])]  # offer an officer, as a numbered list


def test_status_callbacks_are_acknowledged_and_ignored(
    channel_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="webhooks.twilio"):
        bodies = twiml_bodies(post_twilio(channel_client, STATUS_CALLBACK))
    assert bodies == []
    assert "status callback delivered" in caplog.text
    with Session(db_of(channel_client)) as s:
        assert s.exec(select(Message)).first() is None


def test_a_query_string_is_part_of_the_signed_url(channel_client: TestClient) -> None:
    from .conftest import twilio_signature

    url = PUBLIC + "/webhooks/twilio?src=wa"
    res = channel_client.post(
        "/webhooks/twilio?src=wa",
        data=SMS_TEXT,
        headers={"X-Twilio-Signature": twilio_signature(url, SMS_TEXT)},
    )
    assert res.status_code == 200


# -- idempotency -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form", [WHATSAPP_TEXT, SMS_TEXT, WHATSAPP_VOICE], ids=["whatsapp", "sms", "media"]
)
def test_a_replayed_request_gets_the_same_twiml_and_no_second_processing(
    channel_client: TestClient, form: dict[str, str]
) -> None:
    first = post_twilio(channel_client, form)
    count = len(messages_of(db_of(channel_client), *_contact_key(form)))
    again = post_twilio(channel_client, form)
    assert again.status_code == 200 and again.text == first.text
    assert len(messages_of(db_of(channel_client), *_contact_key(form))) == count


def _contact_key(form: dict[str, str]) -> tuple[str, str]:
    sender = form["From"]
    return ("whatsapp", sender[9:]) if sender.startswith("whatsapp:") else ("sms", sender)
