"""The durable outbox: what is not answered inline is stored here and sent by a worker.

A message and its outbox row are written in the same transaction as the event that caused them,
so nothing is lost if a process dies. Workers claim rows (FOR UPDATE SKIP LOCKED on Postgres, so
several can run at once), send through the channel's Sender, and retry with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, exists
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from content.types import Button

from .db import session_scope
from .models import Contact, Message, OutboxItem, utcnow

log = logging.getLogger(__name__)

#: Channels whose messages are fetched by the client (web chat polling) rather than pushed.
PULL_CHANNELS = frozenset({"rest", "cli"})
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 600.0
#: A claimed row not finished within this lease is claimed again (its worker died).
CLAIM_LEASE = timedelta(seconds=120)


class SendError(Exception):
    """Base of the few typed outcomes a Sender reports; retry logic branches on the type."""


class Throttled(SendError):
    """The provider said slow down (Telegram retry_after, Twilio 429)."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"throttled, retry after {retry_after}s")
        self.retry_after = retry_after


class Blocked(SendError):
    """The user blocked the bot or opted out: stop sending to this contact."""


class PermanentSendError(SendError):
    """Retrying cannot help (bad chat id, invalid number)."""


class TransientSendError(SendError):
    """Network trouble or a 5xx: retry with backoff."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What a Sender needs to deliver one message."""

    outbox_id: int
    channel: str
    recipient: str
    text: str
    buttons: tuple[Button, ...]


class Sender(Protocol):
    """One per push channel (Telegram, WhatsApp, SMS): deliver, return the provider's message id."""

    async def send(self, message: Outgoing) -> str | None: ...


def enqueue(
    session: Session,
    *,
    contact: Contact,
    text: str,
    buttons: Sequence[Button] = (),
    author: str = "bot",
    officer_id: int | None = None,
    content_id: str | None = None,
    content_version: int | None = None,
    reply_to_id: int | None = None,
    language: str | None = None,
) -> Message:
    """Store an outgoing message and, for push channels, its outbox row (same transaction)."""
    assert contact.id is not None
    msg = Message(
        contact_id=contact.id,
        direction="out",
        author=author,
        channel=contact.channel,
        text=text,
        buttons=[{"title": b.title, "payload": b.payload} for b in buttons],
        officer_id=officer_id,
        content_id=content_id,
        content_version=content_version,
        reply_to_id=reply_to_id,
        language=language,
        delivery_status="pending",
    )
    session.add(msg)
    session.flush()
    assert msg.id is not None
    if contact.channel not in PULL_CHANNELS:
        session.add(OutboxItem(message_id=msg.id, contact_id=contact.id, channel=contact.channel))
    return msg


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: 2, 4, 8 ... seconds, capped at ten minutes."""
    base: float = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


def _waits_for_earlier(now: datetime) -> ColumnElement[bool]:
    """True for a row whose contact has an earlier row not yet delivered and not due (waiting
    for its retry, or being sent by another worker): per-contact order survives retries."""
    earlier = aliased(OutboxItem)
    return exists().where(
        col(earlier.contact_id) == col(OutboxItem.contact_id),
        col(earlier.id) < col(OutboxItem.id),
        col(earlier.status).in_(["pending", "sending"]),
        col(earlier.next_attempt_at) > now,
    )


class OutboxWorker:
    """Claims due outbox rows and sends them; several may run at once on Postgres."""

    def __init__(self, engine: Engine, senders: Mapping[str, Sender], batch_size: int = 20) -> None:
        self.engine = engine
        self.senders = senders
        self.batch_size = batch_size

    def claim(self) -> list[Outgoing]:
        """Mark up to batch_size due rows as ours for CLAIM_LEASE and return them."""
        now = utcnow()
        claimed: list[Outgoing] = []
        with session_scope(self.engine) as s:
            q = (
                select(OutboxItem)
                .where(col(OutboxItem.status).in_(["pending", "sending"]))
                .where(OutboxItem.next_attempt_at <= now)
                .where(col(OutboxItem.channel).in_(list(self.senders)))
                .where(~_waits_for_earlier(now))
                .order_by(col(OutboxItem.id))
                .limit(self.batch_size)
            )
            if self.engine.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            for item in s.exec(q).all():
                msg = s.get(Message, item.message_id)
                contact = s.get(Contact, item.contact_id)
                if msg is None or contact is None:
                    continue
                if contact.stopped_at is not None:
                    item.status = "dead"
                    item.last_error = "contact stopped"
                    msg.delivery_status = "failed"
                    continue
                item.status = "sending"
                item.attempts += 1
                item.next_attempt_at = now + CLAIM_LEASE
                assert item.id is not None
                claimed.append(
                    Outgoing(
                        outbox_id=item.id,
                        channel=item.channel,
                        recipient=contact.external_id,
                        text=msg.text,
                        buttons=tuple(Button(b["title"], b["payload"]) for b in msg.buttons),
                    )
                )
        return claimed

    async def run_once(self) -> int:
        """Send what is due now; returns how many rows were handled."""
        batch = await asyncio.to_thread(self.claim)
        held: set[tuple[str, str]] = set()
        for out in batch:
            recipient = (out.channel, out.recipient)
            if recipient in held:
                # An earlier message to this recipient was not delivered: keep the order.
                await asyncio.to_thread(
                    self._retry, out, 0.0, "waits for an earlier message", count=False
                )
            elif not await self._deliver(out):
                held.add(recipient)
        return len(batch)

    async def _deliver(self, out: Outgoing) -> bool:
        """Send one row; False when it was not delivered and later rows to the same recipient
        must wait (rescheduled or recipient blocked)."""
        sender = self.senders[out.channel]
        try:
            external_id = await sender.send(out)
        except Throttled as e:
            await asyncio.to_thread(self._retry, out, e.retry_after, str(e), count=False)
            return False
        except Blocked as e:
            await asyncio.to_thread(self._blocked, out, str(e))
            return False
        except PermanentSendError as e:
            await asyncio.to_thread(self._dead, out, str(e))
        except Exception as e:  # TransientSendError and anything unforeseen: retry, never drop
            log.warning("outbox %s: send failed, will retry: %r", out.outbox_id, e)
            await asyncio.to_thread(self._retry, out, None, repr(e), count=True)
            return False
        else:
            await asyncio.to_thread(self._sent, out, external_id)
        return True

    def _sent(self, out: Outgoing, external_id: str | None) -> None:
        with session_scope(self.engine) as s:
            item = s.get(OutboxItem, out.outbox_id)
            if item is None:
                return
            item.status = "sent"
            item.sent_at = utcnow()
            item.last_error = None
            msg = s.get(Message, item.message_id)
            if msg is not None:
                msg.delivery_status = "sent"
                msg.external_message_id = external_id

    def _retry(self, out: Outgoing, delay: float | None, error: str, *, count: bool) -> None:
        with session_scope(self.engine) as s:
            item = s.get(OutboxItem, out.outbox_id)
            if item is None:
                return
            if not count:
                # A throttle is not the message's fault: it does not use up an attempt.
                item.attempts = max(0, item.attempts - 1)
            if count and item.attempts >= MAX_ATTEMPTS:
                self._mark_dead(s, item, error)
                return
            wait = delay if delay is not None else backoff_seconds(item.attempts)
            item.status = "pending"
            item.last_error = error
            item.next_attempt_at = utcnow() + timedelta(seconds=wait)
            log.info("outbox %s: retry in %.1fs (%s)", item.id, wait, error)

    def _blocked(self, out: Outgoing, error: str) -> None:
        with session_scope(self.engine) as s:
            item = s.get(OutboxItem, out.outbox_id)
            if item is None:
                return
            contact = s.get(Contact, item.contact_id)
            if contact is not None and contact.stopped_at is None:
                contact.stopped_at = utcnow()
                log.info("contact %s stopped: %s", contact.id, error)
            self._mark_dead(s, item, error)

    def _dead(self, out: Outgoing, error: str) -> None:
        with session_scope(self.engine) as s:
            item = s.get(OutboxItem, out.outbox_id)
            if item is not None:
                self._mark_dead(s, item, error)

    @staticmethod
    def _mark_dead(s: Session, item: OutboxItem, error: str) -> None:
        item.status = "dead"
        item.last_error = error
        msg = s.get(Message, item.message_id)
        if msg is not None:
            msg.delivery_status = "failed"
        log.error("outbox %s: given up: %s", item.id, error)

    async def run_forever(
        self,
        *,
        idle_seconds: float = 1.0,
        stop: asyncio.Event | None = None,
        periodic: Callable[[], object] | None = None,
        periodic_seconds: float = 60.0,
    ) -> None:
        """Poll for due rows until `stop` is set; run `periodic` (e.g. the case breach check,
        bot.handoff.breach_checker) in a thread at most every `periodic_seconds`."""
        stop = stop or asyncio.Event()
        next_periodic = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            if periodic is not None and loop.time() >= next_periodic:
                next_periodic = loop.time() + periodic_seconds
                try:
                    await asyncio.to_thread(periodic)
                except Exception:
                    log.exception("periodic task of the outbox worker failed")
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("outbox worker iteration failed")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle_seconds)
