"""Twilio, for WhatsApp and SMS: verify the signature, parse the form into an Inbound, answer TwiML.

Protocol: twilio.com/docs/usage/security#validating-requests (the signature covers the exact
public URL Twilio called, so it is rebuilt from PUBLIC_BASE_URL, never from the request, which a
proxy rewrites) and twilio.com/docs/messaging/guides/webhook-request (the form fields).
Buttons become a numbered list ("1: Title"); a reply of "1", "2", ... is that button's payload.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    add_port,
    get_signature_algorithm,
    remove_port,
)
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.engine import Engine, HandleResult
from bot.messages import Button, Inbound, Media, Reply
from bot.outbox import Blocked, Outgoing, PermanentSendError, Throttled, TransientSendError
from bot.settings import Settings
from content.length import as_plain_text

from .common import last_shown_buttons
from .text import sms_parts, split_at_words

log = logging.getLogger(__name__)

PATH = "/webhooks/twilio"
WHATSAPP_PREFIX = "whatsapp:"
#: twilio.com/docs/messaging/guides/how-long-can-my-sms-be: a body is at most 1600 characters.
WHATSAPP_MAX_CHARS = 1600
#: Twilio's 429 carries no Retry-After we can read through the client: wait this long.
THROTTLE_SECONDS = 10.0
#: twilio.com/docs/api/errors/21610: the user replied STOP (opted out): stop sending to them.
BLOCKED_CODES = frozenset({21610})
#: Retrying cannot help: invalid or unreachable number, outside the WhatsApp 24-hour window
#: (63016: a free-form message needs a template then), invalid recipient...
PERMANENT_CODES = frozenset({21211, 21214, 21408, 21612, 21614, 63003, 63016, 63024, 63032})
_NUMBER_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")

router = APIRouter()


# -- configuration ------------------------------------------------------------------------------


def include(app: FastAPI, settings: Settings) -> bool:
    """Mount POST /webhooks/twilio. Without TWILIO_AUTH_TOKEN the route is not served: nothing
    could be verified (fail closed)."""
    if not settings.TWILIO_AUTH_TOKEN:
        log.info("Twilio channel not served: TWILIO_AUTH_TOKEN is not set")
        return False
    app.include_router(router)
    log.info("Twilio channel (WhatsApp, SMS) served at %s", PATH)
    return True


# -- verify -------------------------------------------------------------------------------------


def public_url(settings: Settings, request: Request) -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + the path (+ query), as configured at Twilio."""
    url = settings.PUBLIC_BASE_URL.rstrip("/") + request.url.path
    return f"{url}?{request.url.query}" if request.url.query else url


def verify_signature(
    settings: Settings,
    url: str,
    form: FormData,
    signature: str | None,
    signature_settings: str | None = None,
) -> bool:
    """Recompute X-Twilio-Signature and compare in constant time; no token means refuse."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    algorithm = get_signature_algorithm(signature_settings)
    validator = RequestValidator(token)
    parsed = urlsplit(url)
    # Twilio may have signed the URL with or without the default port (as RequestValidator does).
    candidates = {url, remove_port(parsed), add_port(parsed)}
    matched = False
    for candidate in candidates:
        try:
            expected = validator.compute_signature(candidate, form, algorithm)
        except ValueError:  # an algorithm we do not know: refuse
            return False
        matched |= hmac.compare_digest(expected.encode("utf-8"), signature.encode("utf-8"))
    return matched


# -- parse --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parsed:
    inbound: Inbound | None = None
    ignored: str | None = None


def channel_of(sender: str) -> tuple[str, str]:
    """("whatsapp", "+62...") for "whatsapp:+62...", ("sms", "+62...") for a bare number."""
    if sender.startswith(WHATSAPP_PREFIX):
        return "whatsapp", sender[len(WHATSAPP_PREFIX) :]
    return "sms", sender


def parse_form(form: dict[str, str]) -> Parsed:
    """A Twilio messaging webhook as an Inbound; status callbacks and unknown posts are ignored."""
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
    if "MessageStatus" in form and "Body" not in form:
        return Parsed(ignored=f"status callback {form.get('MessageStatus')} for {sid}")
    sender = form.get("From", "")
    if not sid or not sender:
        return Parsed(ignored="neither MessageSid nor From: not a message")
    channel, number = channel_of(sender)
    media: list[Media] = []
    for i in range(_int(form.get("NumMedia"))):
        kind = form.get(f"MediaContentType{i}", "media").split("/", 1)[0] or "media"
        media.append(Media(kind, form.get(f"MediaUrl{i}", "")))
    if form.get("Latitude") and form.get("Longitude"):
        media.append(Media("location", f"{form['Latitude']},{form['Longitude']}"))
    payload = form.get("ButtonPayload") or None
    inbound = Inbound(
        channel=channel,
        sender_id=number,
        text=form.get("Body", ""),
        provider_message_id=sid,
        payload=payload if payload and payload.startswith("/") else None,
        media=tuple(media),
    )
    return Parsed(inbound=inbound)


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def numbered_choice(text: str, buttons: tuple[Button, ...]) -> str | None:
    """The payload of button N when the whole text is the number N of the list last shown."""
    m = _NUMBER_CHOICE.match(text)
    if not m or not buttons:
        return None
    n = int(m.group(1))
    return buttons[n - 1].payload if 1 <= n <= len(buttons) else None


# -- render -------------------------------------------------------------------------------------


def render_texts(channel: str, text: str, buttons: tuple[Button, ...]) -> list[str]:
    """The message bodies for one reply: buttons as a numbered list; SMS in GSM-7, at most 3
    segments per message; WhatsApp at most 1600 characters; both cut only between words."""
    plain = as_plain_text(text, buttons)
    if channel == "sms":
        return sms_parts(plain) or [" "]
    return split_at_words(plain, WHATSAPP_MAX_CHARS) or [" "]


def twiml(channel: str, replies: list[Reply]) -> str:
    """One TwiML <Message> per body, in order (twilio.com/docs/messaging/twiml)."""
    response = MessagingResponse()
    for reply in replies:
        for body in render_texts(channel, reply.text, reply.buttons):
            response.message(body)
    return str(response)


# -- receive ------------------------------------------------------------------------------------


@router.post(PATH, include_in_schema=False)
async def twilio_webhook(request: Request) -> Response:
    """Receive one WhatsApp or SMS message (or a status callback) and answer with TwiML."""
    settings: Settings = request.app.state.settings
    form = await request.form()
    signature = request.headers.get(SIGNATURE_HEADER)
    url = public_url(settings, request)
    if not verify_signature(
        settings, url, form, signature, request.headers.get(SIGNATURE_SETTINGS_HEADER)
    ):
        log.warning(
            "twilio webhook refused: %s signature for %s", "wrong" if signature else "missing", url
        )
        return Response(status_code=403)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    parsed = parse_form(fields)
    if parsed.inbound is None:
        log.info("twilio webhook ignored: %s", parsed.ignored)
        return _xml(str(MessagingResponse()))
    inbound = parsed.inbound
    result = await run_in_threadpool(_process, request.app.state.engine, inbound)
    if result.duplicate:
        log.info("twilio %s is a redelivery: answered as before", inbound.provider_message_id)
    return _xml(twiml(inbound.channel, result.replies))


def _process(engine: Engine, inbound: Inbound) -> HandleResult:
    """Map a typed number to its button, then handle (in a worker thread)."""
    if inbound.payload is None and _NUMBER_CHOICE.match(inbound.text):
        shown = last_shown_buttons(
            engine.db, channel=inbound.channel, external_id=inbound.sender_id
        )
        payload = numbered_choice(inbound.text, shown)
        if payload is not None:
            inbound = replace(inbound, payload=payload)
    return engine.handle(inbound, deliver="inline")


def _xml(body: str) -> Response:
    return Response(body, media_type="application/xml")


# -- send ---------------------------------------------------------------------------------------


def make_client(settings: Settings, *, http_client: object | None = None) -> Client:
    """The twilio REST client; tests hand it a fake http client (no network)."""
    return Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=http_client,
    )


class TwilioSender:
    """Sends outbox messages on WhatsApp or SMS. The client is synchronous: each call runs in a
    thread so the event loop (the web app's, in embedded mode) is never blocked."""

    def __init__(self, *, channel: str, client: Client, from_: str) -> None:
        self.channel = channel
        self.client = client
        number = from_.removeprefix(WHATSAPP_PREFIX)
        self.from_ = f"{WHATSAPP_PREFIX}{number}" if channel == "whatsapp" else number
        #: Bodies of a split message already delivered, so a retry does not send them again.
        self._sent_parts: dict[int, int] = {}

    def _to(self, recipient: str) -> str:
        return f"{WHATSAPP_PREFIX}{recipient}" if self.channel == "whatsapp" else recipient

    async def send(self, message: Outgoing) -> str | None:
        bodies = render_texts(self.channel, message.text, message.buttons)
        done = self._sent_parts.get(message.outbox_id, 0)
        sid: str | None = None
        for index in range(done, len(bodies)):
            try:
                created = await asyncio.to_thread(
                    self.client.messages.create,
                    to=self._to(message.recipient),
                    from_=self.from_,
                    body=bodies[index],
                )
            except TwilioRestException as e:
                raise map_error(e) from e
            sid = created.sid
            self._sent_parts[message.outbox_id] = index + 1
        self._sent_parts.pop(message.outbox_id, None)
        return sid


def map_error(e: TwilioRestException) -> Exception:
    """The twilio client's errors as the outbox's few typed outcomes."""
    detail = f"twilio {e.status} {e.code}: {e.msg}"
    if e.status == 429 or e.code == 20429:
        return Throttled(THROTTLE_SECONDS, detail)
    if e.code in BLOCKED_CODES:
        return Blocked(detail)
    if e.status >= 500:
        return TransientSendError(detail)
    if e.status == 401:
        log.error("Twilio refused the credentials: check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN")
        return TransientSendError(detail)  # the operator can fix it; keep the messages
    if e.code in PERMANENT_CODES or 400 <= e.status < 500:
        return PermanentSendError(detail)
    return TransientSendError(detail)
