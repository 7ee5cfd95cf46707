"""What the push channels share: a contact's recent buttons, moving inline replies to the outbox.

Both run in a worker thread (they touch the database synchronously).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import col, select

from bot.db import session_scope
from bot.messages import Button
from bot.models import Contact, Message, OutboxItem

log = logging.getLogger(__name__)

#: How far back a pressed button (or a typed number) is looked for among the bot's messages.
RECENT_BUTTON_MESSAGES = 20


def recent_buttons(db: DbEngine, *, channel: str, external_id: str) -> list[tuple[Button, ...]]:
    """The button sets of the contact's latest outgoing messages, newest first."""
    with session_scope(db) as s:
        contact = s.exec(
            select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
        ).first()
        if contact is None:
            return []
        rows = s.exec(
            select(Message)
            .where(Message.contact_id == contact.id, Message.direction == "out")
            .order_by(col(Message.id).desc())
            .limit(RECENT_BUTTON_MESSAGES)
        ).all()
        return [
            tuple(Button(b["title"], b["payload"]) for b in m.buttons) for m in rows if m.buttons
        ]


def last_shown_buttons(db: DbEngine, *, channel: str, external_id: str) -> tuple[Button, ...]:
    """The numbered list the user last saw: the buttons of the bot's latest reply batch (the
    replies to one inbound message). None once anything else was said after it, such as an
    officer's question, so a typed "2" is then just the text "2"."""
    with session_scope(db) as s:
        contact = s.exec(
            select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
        ).first()
        if contact is None:
            return ()
        rows = s.exec(
            select(Message)
            .where(Message.contact_id == contact.id, Message.direction == "out")
            .order_by(col(Message.id).desc())
            .limit(RECENT_BUTTON_MESSAGES)
        ).all()
        if not rows or rows[0].author != "bot" or rows[0].reply_to_id is None:
            return ()
        batch = [m for m in rows if m.reply_to_id == rows[0].reply_to_id]
        for m in batch:  # newest first
            if m.buttons:
                return tuple(Button(b["title"], b["payload"]) for b in m.buttons)
        return ()


def delivery_statuses(db: DbEngine, message_ids: Iterable[int]) -> dict[int, str | None]:
    """The delivery status of stored replies, by message id."""
    ids = list(message_ids)
    if not ids:
        return {}
    with session_scope(db) as s:
        rows = s.exec(select(Message).where(col(Message.id).in_(ids))).all()
        return {m.id: m.delivery_status for m in rows if m.id is not None}


def queue_inline_replies(db: DbEngine, message_ids: Iterable[int]) -> int:
    """Hand replies stored as "inline" to the outbox instead (when the provider's webhook answer
    can carry only one of them). Idempotent: a reply already queued is left alone."""
    queued = 0
    with session_scope(db) as s:
        for message_id in message_ids:
            msg = s.get(Message, message_id)
            if msg is None or msg.delivery_status != "inline" or msg.id is None:
                continue
            exists = s.exec(select(OutboxItem).where(OutboxItem.message_id == msg.id)).first()
            if exists is not None:
                continue
            msg.delivery_status = "pending"
            s.add(OutboxItem(message_id=msg.id, contact_id=msg.contact_id, channel=msg.channel))
            queued += 1
    if queued:
        log.info("%d replies queued for the outbox", queued)
    return queued
