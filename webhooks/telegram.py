"""Telegram: verify the webhook, parse an Update into an Inbound, render inline keyboards, send.

Protocol: core.telegram.org/bots/api#setwebhook (secret_token → X-Telegram-Bot-Api-Secret-Token)
and core.telegram.org/bots/faq#how-can-i-make-requests-in-response-to-updates (one method may be
answered in the webhook response itself).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import warnings
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.engine import Engine, HandleResult
from bot.messages import Button, Inbound, Media, Reply
from bot.outbox import Blocked, Outgoing, PermanentSendError, Throttled, TransientSendError
from bot.settings import Settings

from .common import delivery_statuses, queue_inline_replies, recent_buttons
from .text import split_at_words

log = logging.getLogger(__name__)

CHANNEL = "telegram"
PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: The update kinds we ask Telegram for (setWebhook allowed_updates); others are ignored anyway.
ALLOWED_UPDATES = ("message", "callback_query")
#: core.telegram.org/bots/api#inlinekeyboardbutton: callback_data is 1-64 bytes.
CALLBACK_DATA_MAX_BYTES = 64
#: core.telegram.org/bots/api#sendmessage: 1-4096 characters after entity parsing.
TEXT_MAX_CHARS = 4096
#: Message fields that carry something the bot cannot read; kept for the officer.
MEDIA_FIELDS = (
    "voice",
    "audio",
    "video_note",
    "video",
    "animation",
    "photo",
    "document",
    "sticker",
    "location",  # a venue carries its location here too
    "contact",
)
_HASHED_PREFIX = "#"

router = APIRouter()


# -- configuration ------------------------------------------------------------------------------


def not_configured_reason(settings: Settings) -> str | None:
    """Why the Telegram route must not be served (fail closed), or None when it may be."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return "TELEGRAM_BOT_TOKEN is not set"
    if not settings.TELEGRAM_WEBHOOK_SECRET:
        return "TELEGRAM_WEBHOOK_SECRET is not set: an unverified webhook is refused"
    return None


def include(app: FastAPI, settings: Settings) -> bool:
    """Mount POST /webhooks/telegram only when the bot has a token and a webhook secret."""
    reason = not_configured_reason(settings)
    if reason is not None:
        level = logging.WARNING if settings.TELEGRAM_BOT_TOKEN else logging.INFO
        log.log(level, "Telegram channel not served: %s", reason)
        return False
    app.include_router(router)
    log.info("Telegram channel served at %s", PATH)
    return True


def make_bot(settings: Settings, *, request: HTTPXRequest | None = None) -> Bot:
    """A python-telegram-bot client pointed at TELEGRAM_API_BASE_URL (a local fake in tests)."""
    base = settings.TELEGRAM_API_BASE_URL.rstrip("/")
    return Bot(settings.TELEGRAM_BOT_TOKEN, base_url=f"{base}/bot", request=request)


# -- verify -------------------------------------------------------------------------------------


def verify_secret(settings: Settings, header: str | None) -> bool:
    """Constant-time check of the secret Telegram echoes; no configured secret means refuse."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not secret or not header:
        return False
    return hmac.compare_digest(header.encode("utf-8"), secret.encode("utf-8"))


# -- parse --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parsed:
    """An Update as the engine sees it: an Inbound, or why it is ignored."""

    inbound: Inbound | None = None
    #: A button press: answered so the user's spinner stops.
    callback_query_id: str | None = None
    #: The raw callback_data, before mapping a hashed one back to its payload.
    callback_data: str | None = None
    ignored: str | None = None


def parse_update(data: dict[str, Any]) -> Parsed:
    """Turn an Update into an Inbound. The update_id is unique per bot (a message_id only per
    chat), so it is the provider message id: a redelivered update is recognised as a duplicate."""
    update = Update.de_json(data, None)
    provider_id = str(update.update_id)
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        if message is None:
            return Parsed(
                ignored="callback query from an inline message", callback_query_id=query.id
            )
        if not query.data:
            return Parsed(ignored="callback query without data", callback_query_id=query.id)
        if message.chat.type != "private":
            return Parsed(
                ignored=f"callback query in a {message.chat.type} chat", callback_query_id=query.id
            )
        inbound = Inbound(
            channel=CHANNEL,
            sender_id=str(message.chat.id),
            provider_message_id=provider_id,
            payload=query.data or None,
            language_hint=_language(query.from_user.language_code),
        )
        return Parsed(inbound=inbound, callback_query_id=query.id, callback_data=query.data)
    message = update.message
    if message is None:
        kind = next((k for k, v in data.items() if k != "update_id" and v is not None), "unknown")
        return Parsed(ignored=f"update kind {kind!r}")
    if message.chat.type != "private":
        return Parsed(ignored=f"message in a {message.chat.type} chat")
    return Parsed(inbound=_message_inbound(message, provider_id))


def _message_inbound(message: Message, provider_id: str) -> Inbound:
    text = message.text or message.caption or ""
    payload = None
    command = text.strip().split(maxsplit=1)[0].split("@", 1)[0].lower() if text.strip() else ""
    if command == "/start":
        payload = "/greet"  # the first thing every Telegram user sends; deep-link text is ignored
    media = _media(message)
    user = message.from_user
    return Inbound(
        channel=CHANNEL,
        sender_id=str(message.chat.id),
        text=text,
        provider_message_id=provider_id,
        payload=payload,
        received_at=message.date.astimezone(UTC) if message.date else datetime.now(UTC),
        language_hint=_language(user.language_code if user else None),
        media=media,
    )


def _media(message: Message) -> tuple[Media, ...]:
    found: dict[str, Media] = {}  # by ref: a GIF fills both `animation` and `document`
    for kind in MEDIA_FIELDS:
        value = getattr(message, kind, None)
        if not value:
            continue
        if kind == "photo":
            media = Media("photo", value[-1].file_id)  # the largest size comes last
        elif kind == "location":
            media = Media("location", f"{value.latitude},{value.longitude}")
        elif kind == "contact":
            media = Media("contact", value.phone_number)
        else:
            media = Media(kind, value.file_id)
        found.setdefault(media.ref, media)
    return tuple(found.values())


def _language(code: str | None) -> str | None:
    """Telegram's IETF tag ("id", "en-GB") as our language code, when it is one we answer in."""
    if not code:
        return None
    base = code.split("-", 1)[0].lower()
    return base if base in {"id", "en"} else None


# -- render -------------------------------------------------------------------------------------


def callback_data(payload: str) -> str:
    """The callback_data for a button: the payload itself when it fits 64 bytes, else a hash
    that is mapped back through the buttons recently sent to the same chat."""
    if len(payload.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES and not payload.startswith(
        _HASHED_PREFIX
    ):
        return payload
    digest = hashlib.sha256(payload.encode("utf-8")).digest()[:16]
    return _HASHED_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One button per row: titles stay readable on a narrow phone."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title, callback_data=callback_data(b.payload))] for b in buttons]
    )


def text_parts(text: str) -> list[str]:
    """Telegram refuses a message over 4096 characters: split between words."""
    return split_at_words(text, TEXT_MAX_CHARS) or [" "]


def send_message_method(chat_id: str, reply: Reply) -> dict[str, Any]:
    """A sendMessage call as a webhook response body (no extra HTTP request of ours)."""
    body: dict[str, Any] = {"method": "sendMessage", "chat_id": int(chat_id), "text": reply.text}
    markup = keyboard(reply.buttons)
    if markup is not None:
        body["reply_markup"] = markup.to_dict()
    return body


def _fits_inline(reply: Reply) -> bool:
    return len(reply.text) <= TEXT_MAX_CHARS


# -- receive ------------------------------------------------------------------------------------


@router.post(PATH, include_in_schema=False)
async def telegram_webhook(request: Request) -> Response:
    """Receive one Update. 403 when the secret is wrong, 200 for what we ignore, 5xx on our bugs
    (Telegram then redelivers, and the duplicate check makes that harmless)."""
    settings: Settings = request.app.state.settings
    if not verify_secret(settings, request.headers.get(SECRET_HEADER)):
        log.warning("telegram webhook refused: missing or wrong secret token")
        return Response(status_code=403)
    try:
        data = await request.json()
    except ValueError:
        return Response(status_code=400)
    if not isinstance(data, dict) or "update_id" not in data:
        return Response(status_code=400)
    parsed = parse_update(data)
    officers_chat = settings.OFFICER_TELEGRAM_CHAT_ID.strip()
    if parsed.inbound is not None and officers_chat and parsed.inbound.sender_id == officers_chat:
        # The officers' own notification chat is not a user: never answer or store it as one.
        parsed = Parsed(ignored="message in the officers' chat")
    if parsed.inbound is None:
        log.info("telegram update %s ignored: %s", data.get("update_id"), parsed.ignored)
        if parsed.callback_query_id:
            return _answer_callback(parsed.callback_query_id)
        return Response(status_code=200)
    body = await run_in_threadpool(_process, request.app.state.engine, parsed)
    return JSONResponse(body) if body else Response(status_code=200)


def _process(engine: Engine, parsed: Parsed) -> dict[str, Any] | None:
    """Handle the Inbound (in a worker thread: the engine is synchronous) and decide how the
    replies travel: one plain reply inline in the webhook response, everything else by outbox."""
    inbound = parsed.inbound
    assert inbound is not None
    if parsed.callback_data is not None:
        payload = _resolve_callback(engine, inbound.sender_id, parsed.callback_data)
        if payload is None:
            log.info("telegram callback %r matches no recent button; ignored", parsed.callback_data)
            return _answer_callback_body(parsed.callback_query_id)
        inbound = replace(inbound, payload=payload)
    deliver = "outbox" if parsed.callback_query_id else "inline"
    result = engine.handle(inbound, deliver=deliver)
    if result.duplicate:
        log.info(
            "telegram update %s is a redelivery: answered as before", inbound.provider_message_id
        )
    return _answer(engine, inbound.sender_id, result, parsed.callback_query_id)


def _answer(
    engine: Engine, chat_id: str, result: HandleResult, callback_query_id: str | None
) -> dict[str, Any] | None:
    unstored = [r for r in result.replies if r.message_id is None]
    if unstored:  # the user's data was just erased: no row to queue, so answer right here
        return send_message_method(chat_id, unstored[0])
    stored = [r.message_id for r in result.replies if r.message_id is not None]
    statuses = delivery_statuses(engine.db, stored)
    inline_now = [
        r for r in result.replies if r.message_id is None or statuses.get(r.message_id) == "inline"
    ]
    if (
        callback_query_id is None
        and len(result.replies) == 1
        and inline_now
        and _fits_inline(inline_now[0])
    ):
        return send_message_method(chat_id, inline_now[0])
    # Several replies (or a button press, whose answer is the callback): the outbox sends them
    # in order. Idempotent, so a redelivery after a crash still queues what was left inline.
    queue_inline_replies(engine.db, [r.message_id for r in inline_now if r.message_id is not None])
    return _answer_callback_body(callback_query_id) if callback_query_id else None


def _answer_callback(callback_query_id: str) -> Response:
    return JSONResponse(_answer_callback_body(callback_query_id))


def _answer_callback_body(callback_query_id: str | None) -> dict[str, Any]:
    return {"method": "answerCallbackQuery", "callback_query_id": callback_query_id}


def _resolve_callback(engine: Engine, chat_id: str, data: str) -> str | None:
    """A callback_data back to its payload; hashed ones through the buttons sent to this chat."""
    if not data.startswith(_HASHED_PREFIX):
        return data
    for buttons in recent_buttons(engine.db, channel=CHANNEL, external_id=chat_id):
        for b in buttons:
            if callback_data(b.payload) == data:
                return b.payload
    return None


# -- send ---------------------------------------------------------------------------------------


class TelegramSender:
    """Sends outbox messages with python-telegram-bot and maps its errors to the outbox's types."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        #: Parts of a split message already delivered, so a retry does not send them again.
        self._sent_parts: dict[int, int] = {}

    async def send(self, message: Outgoing) -> str | None:
        parts = text_parts(message.text)
        done = self._sent_parts.get(message.outbox_id, 0)
        sent_id: str | None = None
        for index in range(done, len(parts)):
            last = index == len(parts) - 1
            try:
                sent = await self.bot.send_message(
                    chat_id=int(message.recipient),
                    text=parts[index],
                    reply_markup=keyboard(message.buttons) if last else None,
                )
            except Exception as e:
                raise map_error(e) from e
            sent_id = str(sent.message_id)
            self._sent_parts[message.outbox_id] = index + 1
        self._sent_parts.pop(message.outbox_id, None)
        return sent_id

    async def aclose(self) -> None:
        await self.bot.shutdown()


def map_error(e: Exception) -> Exception:
    """python-telegram-bot's exceptions as the outbox's few typed outcomes."""
    if isinstance(e, RetryAfter):
        return Throttled(_retry_seconds(e), str(e))
    if isinstance(e, Forbidden):
        # "bot was blocked by the user", "user is deactivated", "bot can't initiate conversation"
        return Blocked(str(e))
    if isinstance(e, BadRequest):
        return PermanentSendError(str(e))  # "chat not found", a malformed message: no retry helps
    if isinstance(e, InvalidToken):
        log.error("Telegram refused the bot token: check TELEGRAM_BOT_TOKEN")
        return TransientSendError(str(e))  # the operator can fix it; keep the messages
    if isinstance(e, NetworkError):
        return TransientSendError(str(e))  # timeouts, 5xx
    return e


def _retry_seconds(e: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 deprecates the int form; both are accepted here
        warnings.simplefilter("ignore")
        value = e.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# -- set-webhook --------------------------------------------------------------------------------


def webhook_url(settings: Settings) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + PATH


async def set_webhook(settings: Settings, *, drop_pending_updates: bool = False) -> str:
    """Register PUBLIC_BASE_URL/webhooks/telegram with the secret and the update kinds we use."""
    reason = not_configured_reason(settings)
    if reason is not None:
        raise ValueError(reason)
    url = webhook_url(settings)
    if not url.startswith("https://"):
        raise ValueError(f"Telegram only calls https:// webhooks; PUBLIC_BASE_URL gives {url}")
    async with make_bot(settings) as bot:
        await bot.set_webhook(
            url=url,
            secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=drop_pending_updates,
        )
    return url


async def webhook_info(settings: Settings) -> dict[str, Any]:
    """What Telegram knows of our webhook: URL, pending updates, last error."""
    async with make_bot(settings) as bot:
        info = await bot.get_webhook_info()
    return info.to_dict()
