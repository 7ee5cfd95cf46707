"""The conversation engine: every channel calls `Engine.handle(inbound)` and renders the replies.

The path of one message (../shared/ARCHITECTURE.md): drop duplicates, store, relay to the officer
if a case holds the conversation, parse, decide, answer from the catalog (or check an agency, or
open a case), store the replies.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy.engine import Engine as DbEngine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from content.catalog import more_payload
from content.types import Button, MessageCatalog, Rendered
from nlu.spec import INTENTS, LANGUAGES
from nlu.types import Entity, IntentScore, LanguageGuess, Parse, Parser

from .db import session_scope
from .messages import Inbound, Reply, parse_payload
from .metrics import Metrics
from .models import Contact, Conversation, Message, utcnow
from .outbox import enqueue
from .policy import CaseRequest, Decision, Say, decide
from .settings import Settings

log = logging.getLogger(__name__)

#: Whole-message commands that work in any state, even while an officer holds the conversation.
DELETE_COMMANDS = frozenset({"hapus data", "hapus data saya", "delete my data", "/delete_data"})
STOP_COMMANDS = frozenset({"stop", "berhenti", "/stop"})
#: The "Talk to an officer" button's payload (content/data/buttons.yml `officer`).
OFFICER_PAYLOAD = "/request_human"
#: Below this the language guess does not change the contact's language.
LANGUAGE_SWITCH_CONFIDENCE = 0.6
#: Indonesian, Kupang Malay, English and Uab Meto are told apart by a statistical guess that is
#: often 0.75-0.95 on short or neutral messages ("biaya brapa?", "pt sampel samudra harapan",
#: "ok bos" came out Uab Meto 0.74); switching on those flips a Kupang Malay speaker to
#: Indonesian and back from one reply to the next. For these only a sure guess on a real
#: sentence switches: three words ("ok thanks", "thank you" are everyday Indonesian chat), two
#: for Kupang Malay, whose sure guesses rest on its own words ("pagi ooo", "sonde tau").
MODEL_LANGUAGE_SWITCH_CONFIDENCE = 0.97
MODEL_LANGUAGE_SWITCH_MIN_WORDS = {"id": 3, "en": 3, "aoz": 3, "mkn": 2}
#: First messages that need nothing but the welcome.
_WELCOME_ONLY = frozenset({"greet", "ask_menu", "out_of_scope", "thanks", "affirm", "deny"})


class CatalogPort(MessageCatalog, Protocol):
    """What the engine needs of content.Catalog: system messages, answers, detail, flag titles."""

    def for_intent(
        self,
        intent: str,
        *,
        language: str,
        entities: dict[str, str] | None = None,
        channel: str = "rest",
    ) -> Rendered: ...

    def more(self, answer_id: str, *, language: str, channel: str = "rest") -> Rendered: ...

    def flags_text(self, flags: Sequence[str], *, language: str) -> str: ...


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    case_id: int
    created: bool
    priority: str


class HandoffPort(Protocol):
    """What the engine needs of the case service (bot/handoff.py)."""

    def open_case(
        self, *, session: Session, contact: Contact, message: Message, request: CaseRequest
    ) -> CaseOutcome: ...

    def add_user_message(self, *, session: Session, contact: Contact, message: Message) -> None: ...


AgencyChecker = Callable[..., Rendered]


@dataclass(slots=True)
class HandleResult:
    """The replies to send now, and whether this delivery was a duplicate of an earlier one."""

    replies: list[Reply] = field(default_factory=list)
    duplicate: bool = False
    contact_id: int | None = None
    message_id: int | None = None


def _default_agency_checker() -> AgencyChecker:
    from .agencies import answer_agency_check

    return answer_agency_check


class Engine:
    """One per process; stateless apart from per-contact locks (the database holds everything)."""

    def __init__(
        self,
        *,
        db: DbEngine,
        parser: Parser,
        catalog: CatalogPort,
        settings: Settings,
        handoff: HandoffPort,
        metrics: Metrics | None = None,
        agency_checker: AgencyChecker | None = None,
    ) -> None:
        self.db = db
        self.parser = parser
        self.catalog = catalog
        self.settings = settings
        self.handoff = handoff
        self.metrics = metrics or Metrics()
        self._agency_checker = agency_checker
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # -- public -------------------------------------------------------------------------------

    def handle(self, inbound: Inbound, *, deliver: str = "inline") -> HandleResult:
        """Handle one inbound message; `deliver="outbox"` queues the replies instead of returning
        them for an inline answer."""
        started = time.perf_counter()
        with self._contact_lock(inbound), session_scope(self.db) as s:
            result = self._handle(s, inbound, deliver=deliver)
        self.metrics.handle_seconds.labels(inbound.channel).observe(time.perf_counter() - started)
        if not result.duplicate:
            self.metrics.messages_in.labels(inbound.channel).inc()
            self.metrics.messages_out.labels(inbound.channel).inc(len(result.replies))
        return result

    # -- steps --------------------------------------------------------------------------------

    def _handle(self, s: Session, inbound: Inbound, *, deliver: str) -> HandleResult:
        contact = self._contact(s, inbound)
        stored = self._store_inbound(s, contact, inbound)
        if stored is None:
            return self._replay(s, inbound)
        assert contact.id is not None and stored.id is not None
        result = HandleResult(contact_id=contact.id, message_id=stored.id)
        conversation = self._conversation(s, contact)
        text = inbound.text.strip()
        command = as_command(text)

        if command in DELETE_COMMANDS or inbound.payload == "/delete_data":
            result.replies = [self._delete_contact(s, contact)]
            return result
        if command in STOP_COMMANDS:
            contact.stopped_at = utcnow()
            return self._reply(s, result, contact, stored, [self._msg("stopped", contact)], deliver)
        if contact.stopped_at is not None:
            contact.stopped_at = None  # writing again means they are back

        if conversation.handled_by == "officer":
            # The bot is paused: the message belongs to the officer's case, and we say nothing.
            self._annotate(stored, self._parse(inbound, contact))
            self.handoff.add_user_message(session=s, contact=contact, message=stored)
            return result

        if inbound.media and not text and not inbound.payload:
            media_reply = [self._msg("media_unsupported", contact)]
            return self._reply(s, result, contact, stored, media_reply, deliver)

        parse = self._parse(inbound, contact)
        self._annotate(stored, parse)
        names_an_agency = (
            bool(parse.entity_values("agency") or parse.entity_values("licence_number"))
            or conversation.context.get("awaiting") == "agency_name"
        )
        # Agency names are Indonesian words whatever the user speaks: "check PT Sampel Komodo
        # Duta Pekerja" from an English speaker must not turn the answers Indonesian.
        if not names_an_agency and switches_language(contact.language, parse.language, text):
            contact.language = parse.language.code

        payload = parse_payload(inbound.payload or "") if inbound.payload else None
        case_open = self._has_open_case(s, contact)
        decision = decide(
            parse,
            context=conversation.context,
            payload_args=payload[1] if payload else None,
            case_open=case_open,
        )
        self._update_context(conversation, decision)

        rendered: list[Rendered] = []
        if contact.consent_version is None:
            contact.consent_version = self.settings.CONSENT_VERSION
            contact.consent_at = utcnow()
            # A dangerous first message still gets the consent notice, but not the topic menu.
            welcome = self._msg(
                "welcome" if decision.case is None else "welcome_notice",
                contact,
                {"consent_version": str(contact.consent_version)},
            )
            rendered.append(welcome)
            if parse.intent.name in _WELCOME_ONLY and decision.case is None:
                return self._reply(s, result, contact, stored, rendered, deliver)

        outcome: CaseOutcome | None = None
        if decision.case is not None:
            outcome = self.handoff.open_case(
                session=s, contact=contact, message=stored, request=decision.case
            )
            self.metrics.escalations.labels(outcome.priority).inc()
            log.info(
                "case %s %s for contact %s (%s): %s",
                outcome.case_id,
                "opened" if outcome.created else "raised",
                contact.id,
                outcome.priority,
                decision.case.reason,
            )
        rendered.extend(self._render(s, decision, parse, contact))
        self.metrics.replies_by_intent.labels(parse.intent.name).inc(len(rendered))
        shown = self._loop_payloads(rendered, contact.language)
        if case_open or outcome is not None:
            # An officer is already on the way: "Talk to an officer" would only say so again.
            shown.add(OFFICER_PAYLOAD)
        return self._reply(s, result, contact, stored, rendered, deliver, shown=shown)

    def _contact(self, s: Session, inbound: Inbound) -> Contact:
        """Get or create the contact, then lock its row so one contact's messages run in order."""
        q = select(Contact).where(
            Contact.channel == inbound.channel, Contact.external_id == inbound.sender_id
        )
        contact = s.exec(q).first()
        if contact is None:
            try:
                with s.begin_nested():
                    contact = Contact(
                        channel=inbound.channel,
                        external_id=inbound.sender_id,
                        language=inbound.language_hint
                        if inbound.language_hint in LANGUAGES
                        else "id",
                    )
                    s.add(contact)
            except IntegrityError:  # created by a concurrent delivery
                contact = None
        if self.db.dialect.name == "postgresql" or contact is None:
            contact = s.exec(q.with_for_update()).one()
        contact.last_seen_at = utcnow()
        return contact

    def _store_inbound(self, s: Session, contact: Contact, inbound: Inbound) -> Message | None:
        """Insert the inbound message; None when the same delivery was already stored."""
        assert contact.id is not None
        msg = Message(
            contact_id=contact.id,
            direction="in",
            author="user",
            channel=inbound.channel,
            provider_message_id=inbound.provider_message_id,
            text=inbound.text,
            payload=inbound.payload,
            media=[{"kind": m.kind, "ref": m.ref} for m in inbound.media],
            created_at=inbound.received_at,
        )
        try:
            with s.begin_nested():
                s.add(msg)
                s.flush()
        except IntegrityError:
            log.info(
                "duplicate delivery %s/%s ignored", inbound.channel, inbound.provider_message_id
            )
            return None
        return msg

    def _replay(self, s: Session, inbound: Inbound) -> HandleResult:
        """A repeated delivery: give the first delivery's answers again, and do nothing else."""
        original = s.exec(
            select(Message).where(
                Message.channel == inbound.channel,
                Message.provider_message_id == inbound.provider_message_id,
            )
        ).one()
        replies = s.exec(
            select(Message).where(Message.reply_to_id == original.id).order_by(col(Message.id))
        ).all()
        return HandleResult(
            replies=[self._as_reply(m) for m in replies],
            duplicate=True,
            contact_id=original.contact_id,
            message_id=original.id,
        )

    def _conversation(self, s: Session, contact: Contact) -> Conversation:
        conv = s.exec(select(Conversation).where(Conversation.contact_id == contact.id)).first()
        if conv is None:
            assert contact.id is not None
            conv = Conversation(contact_id=contact.id)
            s.add(conv)
            s.flush()
        return conv

    def _parse(self, inbound: Inbound, contact: Contact) -> Parse:
        """A button press is its own parse (confidence 1); free text goes to the NLU."""
        raw = inbound.payload or (
            inbound.text.strip() if inbound.text.strip().startswith("/") else ""
        )
        payload = parse_payload(raw) if raw else None
        if payload is not None:
            name, args = payload
            if name == "ask_menu" or name in INTENTS or name in {"more", "agency"}:
                return Parse(
                    text=raw,
                    intent=IntentScore(name, 1.0),
                    intent_ranking=(IntentScore(name, 1.0),),
                    entities=tuple(
                        Entity(k, v, 0, 0, extractor="payload") for k, v in args.items()
                    ),
                    language=LanguageGuess(contact.language, 0.0),
                )
        return self.parser.parse(inbound.text, language_hint=contact.language)

    @staticmethod
    def _has_open_case(s: Session, contact: Contact) -> bool:
        """An open case (not held by an officer, or the engine would not get here) waits for
        this contact: what they write now is for the officer who will take it."""
        from .cases import Case  # cases is the escalation helper's table; no import cycle here

        q = select(Case.id).where(Case.contact_id == contact.id, Case.status == "open")
        return s.exec(q).first() is not None

    @staticmethod
    def _annotate(stored: Message, parse: Parse) -> None:
        """Keep what the NLU saw on the message, for officers and evaluation."""
        stored.intent = parse.intent.name
        stored.intent_confidence = round(parse.intent.confidence, 4)
        stored.language = parse.language.code
        stored.risk_level = parse.risk.level
        stored.risk_flags = [
            {"flag": f.name, "text": f.trigger, "source": f.source} for f in parse.risk.flags
        ]

    @staticmethod
    def _update_context(conversation: Conversation, decision: Decision) -> None:
        if not decision.context:
            return
        ctx: dict[str, Any] = dict(conversation.context)
        for key, value in decision.context.items():
            if value is None:
                ctx.pop(key, None)
            else:
                ctx[key] = value
        conversation.context = ctx
        conversation.updated_at = utcnow()
        flag_modified(conversation, "context")

    def _render(
        self, s: Session, decision: Decision, parse: Parse, contact: Contact
    ) -> list[Rendered]:
        out: list[Rendered] = []
        for say in decision.says:
            rendered = self._render_one(s, say, contact, decision)
            if rendered is not None:
                out.append(rendered)
        return out

    def _render_one(
        self, s: Session, say: Say, contact: Contact, decision: Decision
    ) -> Rendered | None:
        lang, channel = contact.language, contact.channel
        if say.kind == "intent":
            return self.catalog.for_intent(
                say.key, language=lang, entities=say.params, channel=channel
            )
        if say.kind == "more":
            return self.catalog.more(say.key, language=lang, channel=channel)
        if say.kind == "agency":
            checker = self._agency_checker or _default_agency_checker()
            return checker(
                session=s, catalog=self.catalog, query=say.key, language=lang, channel=channel
            )
        params = dict(say.params)
        if "flags" in params:  # risk flag ids become their short titles in the user's language
            flags = [f for f in params.pop("flags").split(",") if f]
            params["flags_text"] = self.catalog.flags_text(flags, language=lang)
        if say.key == "case_opened" and decision.case is not None:
            params.setdefault("eta", self.eta_text(decision.case.priority, lang))
        try:
            return self.catalog.message(say.key, language=lang, params=params, channel=channel)
        except KeyError:
            if say.key.startswith("risk."):
                return None  # no explanation written for this flag: the warning itself still goes
            raise

    def eta_text(self, priority: str, language: str) -> str:
        """'about 4 hours' in the user's language, from the response target of the priority."""
        minutes = {
            "urgent": self.settings.CASE_TARGET_URGENT_MINUTES,
            "high": self.settings.CASE_TARGET_HIGH_MINUTES,
        }.get(priority, self.settings.CASE_TARGET_NORMAL_MINUTES)
        hours = minutes // 60
        if language == "en":
            return f"{minutes} minutes" if minutes < 120 else f"{hours} hours"
        return f"{minutes} menit" if minutes < 120 else f"{hours} jam"

    def _loop_payloads(self, rendered: Sequence[Rendered], language: str) -> set[str]:
        """Button payloads that would show again an answer this turn already shows (a "Rights"
        button under the rights answer): a loop, not a next step. An intent button counts only
        when its plain answer is shown ("Legal way" under the Hong Kong note is a next step)."""
        ids = {r.id for r in rendered}
        loops = {more_payload(i) for i in ids}
        for payload in {b.payload for r in rendered for b in r.buttons}:
            parsed = parse_payload(payload)
            if parsed is None or parsed[1] or parsed[0] not in INTENTS:
                continue
            try:
                if self.catalog.for_intent(parsed[0], language=language).id in ids:
                    loops.add(payload)
            except KeyError:
                continue
        return loops

    def _msg(
        self, message_id: str, contact: Contact, params: dict[str, str] | None = None
    ) -> Rendered:
        return self.catalog.message(
            message_id, language=contact.language, params=params or {}, channel=contact.channel
        )

    def _reply(
        self,
        s: Session,
        result: HandleResult,
        contact: Contact,
        inbound: Message,
        rendered: list[Rendered],
        deliver: str,
        *,
        shown: set[str] | None = None,
    ) -> HandleResult:
        """Store every reply (provenance: content id and version) and queue them if asked."""
        for r in without_repeated_buttons(rendered, shown=shown or set()):
            msg = (
                enqueue(
                    s,
                    contact=contact,
                    text=r.text,
                    buttons=r.buttons,
                    content_id=r.id,
                    content_version=r.version,
                    reply_to_id=inbound.id,
                    language=r.language,
                )
                if deliver == "outbox"
                else self._store_inline(s, contact, inbound, r)
            )
            result.replies.append(self._as_reply(msg))
        return result

    @staticmethod
    def _store_inline(s: Session, contact: Contact, inbound: Message, r: Rendered) -> Message:
        assert contact.id is not None
        msg = Message(
            contact_id=contact.id,
            direction="out",
            author="bot",
            channel=contact.channel,
            text=r.text,
            buttons=[{"title": b.title, "payload": b.payload} for b in r.buttons],
            content_id=r.id,
            content_version=r.version,
            reply_to_id=inbound.id,
            language=r.language,
            delivery_status="inline",
        )
        s.add(msg)
        s.flush()
        return msg

    @staticmethod
    def _as_reply(m: Message) -> Reply:
        return Reply(
            text=m.text,
            buttons=tuple(Button(b["title"], b["payload"]) for b in m.buttons),
            content_id=m.content_id,
            content_version=m.content_version,
            language=m.language,
            message_id=m.id,
        )

    def _delete_contact(self, s: Session, contact: Contact) -> Reply:
        """UU 27/2022: the user may have their data erased. Everything of theirs goes (cascade)."""
        rendered = self._msg("data_deleted", contact)
        log.info("contact %s deleted their data", contact.id)
        s.delete(contact)
        s.flush()
        return Reply(
            text=rendered.text,
            buttons=rendered.buttons,
            content_id=rendered.id,
            content_version=rendered.version,
            language=rendered.language,
        )

    def _contact_lock(self, inbound: Inbound) -> threading.Lock:
        """In-process order per contact (Postgres adds a row lock for several processes)."""
        key = (inbound.channel, inbound.sender_id)
        with self._locks_guard:
            lock = self._locks.get(key)
            if lock is None:
                if len(self._locks) > 10_000:
                    self._locks.clear()
                lock = self._locks[key] = threading.Lock()
            return lock


def without_repeated_buttons(
    rendered: Sequence[Rendered], *, shown: set[str] | frozenset[str] = frozenset()
) -> list[Rendered]:
    """One turn shows each button once: an answer, a warning and a flag's explanation each
    offering "Talk to an officer" would put three identical buttons on one phone screen. A
    button is kept on the last reply that has it, where the user's reading ends; a button whose
    payload is in `shown` (it would show again what this turn shows) is dropped."""
    last: dict[str, int] = {}
    for i, r in enumerate(rendered):
        for b in r.buttons:
            last[b.payload] = i
    out: list[Rendered] = []
    for i, r in enumerate(rendered):
        kept = tuple(b for b in r.buttons if last[b.payload] == i and b.payload not in shown)
        out.append(r if len(kept) == len(r.buttons) else replace(r, buttons=kept))
    return out


def switches_language(current: str, guess: LanguageGuess, text: str) -> bool:
    """Whether this message changes the language we answer in (see MODEL_LANGUAGE_SWITCH_*).

    The other local languages are only ever guessed from their own phrases, so that guess is
    taken as it is.
    """
    if guess.code == current or guess.code not in LANGUAGES:
        return False
    min_words = MODEL_LANGUAGE_SWITCH_MIN_WORDS.get(guess.code)
    if min_words is not None:
        return (
            guess.confidence >= MODEL_LANGUAGE_SWITCH_CONFIDENCE and len(text.split()) >= min_words
        )
    return guess.confidence >= LANGUAGE_SWITCH_CONFIDENCE


def as_command(text: str) -> str:
    """A whole message as a command word: "Stop." and "Hapus data!" are STOP and HAPUS DATA
    (a user must be able to stop messages and erase their data however they type it)."""
    return " ".join(text.casefold().strip().strip(".!?,;:'\"").split())
