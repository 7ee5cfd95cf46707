"""The Rasa-compatible REST channel, and the web chat page that talks to it.

POST /webhooks/rest/webhook {"sender", "message"} answers [{"recipient_id", "text", "buttons"}]
(../shared/spec/nlu.md). Messages that arrive later (an officer's reply, a closed case) are
fetched with GET /webhooks/rest/messages?sender=...&after=ID, which the web chat polls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from bot.db import session_scope
from bot.engine import Engine
from bot.messages import Inbound, Reply
from bot.models import Contact, Message

CHANNEL = "rest"
STATIC = Path(__file__).resolve().parent / "static"

router = APIRouter()


class RestMessage(BaseModel):
    """Rasa's REST input; `message_id` and `metadata.language` are optional extras."""

    sender: str = Field(min_length=1, max_length=100)
    message: str = Field(default="", max_length=4000)
    message_id: str | None = Field(default=None, max_length=100)
    metadata: dict[str, Any] | None = None


def _render(recipient: str, reply: Reply) -> dict[str, Any]:
    out: dict[str, Any] = {"recipient_id": recipient, "text": reply.text}
    if reply.buttons:
        out["buttons"] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    if reply.message_id is not None:
        out["custom"] = {"message_id": reply.message_id, "content_id": reply.content_id}
    return out


@router.post("/webhooks/rest/webhook")
async def rest_webhook(body: RestMessage, request: Request) -> list[dict[str, Any]]:
    """Rasa's REST channel. A message starting with "/" is a button payload, as in Rasa."""
    engine: Engine = request.app.state.engine
    text = body.message.strip()
    hint = (body.metadata or {}).get("language")
    inbound = Inbound(
        channel=CHANNEL,
        sender_id=body.sender,
        text=text,
        payload=text if text.startswith("/") else None,
        provider_message_id=body.message_id,
        language_hint=hint if isinstance(hint, str) else None,
    )
    result = await run_in_threadpool(engine.handle, inbound)
    return [_render(body.sender, r) for r in result.replies]


@router.get("/webhooks/rest/messages")
def rest_messages(
    request: Request,
    sender: str = Query(min_length=1, max_length=100),
    after: int = Query(default=0, ge=0),
) -> dict[str, Any]:
    """Messages queued for this web chat user after message `after` (officer replies, notices)."""
    with session_scope(request.app.state.db) as s:
        contact = s.exec(
            select(Contact).where(Contact.channel == CHANNEL, Contact.external_id == sender)
        ).first()
        if contact is None:
            return {"messages": [], "last_id": after}
        rows = s.exec(
            select(Message)
            .where(Message.contact_id == contact.id, Message.direction == "out")
            .where(col(Message.id) > after)
            .order_by(col(Message.id))
            .limit(50)
        ).all()
        messages = []
        last_id = after
        for m in rows:
            assert m.id is not None
            last_id = m.id
            if m.delivery_status == "inline":
                continue  # already shown as the answer to the user's own message
            if m.delivery_status == "pending":
                m.delivery_status = "sent"
            messages.append({"id": m.id, "author": m.author, "text": m.text, "buttons": m.buttons})
        return {"messages": messages, "last_id": last_id}


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request) -> HTMLResponse:
    """The web chat: what a newcomer opens to try the bot without Telegram or WhatsApp."""
    html = (STATIC / "chat.html").read_text(encoding="utf-8")
    poll_ms = int(request.app.state.settings.WEB_CHAT_POLL_SECONDS * 1000)
    return HTMLResponse(html.replace("__POLL_MS__", str(poll_ms)))
