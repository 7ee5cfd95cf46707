"""What to do with one parsed message: answer, ask, check an agency, or hand over to an officer.

Pure: it reads the Parse and the conversation context and returns a Decision; the engine acts on it.
Risk always wins over the intent: a dangerous story phrased as a question still reaches an officer.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from content.agency_match import LEGAL_FORMS, normalise_name
from nlu.spec import level_at_least
from nlu.types import Parse

log = logging.getLogger(__name__)

#: Intents that always hand the conversation to a person, whatever the risk level says.
HANDOFF_INTENTS = frozenset({"emergency", "lost_contact", "request_human"})
#: Handoff intents asked about first ("are you in danger, do you need an officer?") when guessed
#: under these confidences with no risk words: a weak request_human guess on an ordinary question
#: ("do I need to speak japanese?" 0.50) or a weak emergency guess on Uab Meto ("Au pelu loit. Au
#: mau karja di Malaysia" 0.35) would page an officer. Real cries for help ("tolong", "tolong
#: kaka") come out far surer, and the question carries an Emergency button.
_ASK_FIRST_HANDOFFS = {"request_human": 0.6, "lost_contact": 0.6, "emergency": 0.5}
#: Intents the user may send while we wait for an agency name without it being read as the name.
_NOT_A_NAME = frozenset(
    {"ask_menu", "request_human", "emergency", "lost_contact", "greet", "goodbye", "thanks", "deny"}
)
#: While we wait for an agency name, a message the NLU reads as another question this surely is
#: answered as that question ("how much are the fees?"); a less sure guess is read as the name
#: (names like "Lontar Mandiri" or "Komodo Duta Pekerja" get weak guesses of other intents).
NAME_OVER_INTENT_BELOW = 0.6
#: Intents whose answer depends on the destination: a follow-up that names only a country or a
#: place ("kalo ke taiwan?") is that same question about the new destination.
_TOPIC_INTENTS = frozenset(
    {"ask_procedure", "ask_jobs", "ask_costs", "ask_training", "ask_documents"}
)
_PLACE_ENTITIES = ("country", "place")
#: Such a follow-up gets weak guesses of unrelated intents ("kalo ke malaysia?" looks a little
#: like ask_contacts); under this confidence the earlier topic wins.
FOLLOW_UP_BELOW = 0.6
#: While a case waits for an officer, these say nothing the bot should answer by itself ("halo??",
#: "ya", a story the NLU cannot place): the user is told the officer has their message. So is a
#: weak guess ("namanya Maria, kerja di kebun sawit tawau" looks a little like ask_jobs): only a
#: question the NLU is sure of gets the bot's own answer.
_FOR_THE_OFFICER = frozenset({"greet", "affirm", "deny", "out_of_scope"})
CASE_QUESTION_CONFIDENCE = 0.6
#: Handoff intents whose own catalog answer says more than the generic "case opened" message
#: (what a family should prepare; that the user is being passed to an officer).
_OWN_HANDOFF_ANSWER = frozenset({"lost_contact", "request_human"})
#: Words around an agency name that are not part of it, beside content.agency_match's fillers:
#: a check_agency question is only looked up without an `agency` entity when something remains.
_NOT_NAME = """
    how do does i if can could should we you he she they my your his her our their it its
    legit real fake okay ok about what which who where when why whether
    soal tentang cara caranya gmn gimana bgmn bagaimana gmana tau tahu bisa boleh kah dimana
    mana siapa ini itu punya pung dia dong mereka kami kita katong lu ko buat untuk sama
    dengan lewat mau pi pergi berangkat barangkat agent agents agencies recruiters
"""
_NOT_NAME_WORDS = frozenset(_NOT_NAME.split())

SayKind = Literal["message", "intent", "more", "agency"]


@dataclass(frozen=True, slots=True)
class Say:
    """One thing to tell the user: a system message id, the answer to an intent, more detail, or an
    agency check for a query."""

    kind: SayKind
    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseRequest:
    """Hand the conversation to an officer, with the reason an officer (and the log) will read."""

    priority: Literal["urgent", "high", "normal"]
    reason: str
    flags: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()


@dataclass(slots=True)
class Decision:
    says: list[Say] = field(default_factory=list)
    case: CaseRequest | None = None
    #: Keys to set in the conversation context (None removes the key).
    context: dict[str, Any] = field(default_factory=dict)


def _unsure_handoff(parse: Parse) -> bool:
    """The classifier guessed a handoff intent, but unsure and with no risk words to back it:
    ask the user instead of paging an officer for "haloo, sy dari lembata". A weak guess above
    the fallback threshold is asked about too (see _ASK_FIRST_HANDOFFS)."""
    if parse.risk.flags or parse.intent.name not in HANDOFF_INTENTS:
        return False
    if parse.is_fallback:
        return True
    bar = _ASK_FIRST_HANDOFFS.get(parse.intent.name, 0.0)
    return parse.intent.confidence < bar


def _case_for(parse: Parse) -> CaseRequest | None:
    if _unsure_handoff(parse):
        return None
    level = parse.risk.level
    intent = parse.intent.name if not parse.is_fallback else ""
    flags = tuple(parse.risk.flag_names)
    triggers = tuple(f'{f.name}: "{f.trigger}"' for f in parse.risk.flags)
    if level == "urgent":
        return CaseRequest(
            "urgent", f"risk level urgent (intent {parse.intent.name})", flags, triggers
        )
    if level == "high":
        return CaseRequest("high", f"risk level high (intent {parse.intent.name})", flags, triggers)
    if intent in HANDOFF_INTENTS:
        priority: Literal["urgent", "high"] = "urgent" if intent == "emergency" else "high"
        return CaseRequest(priority, f"intent {intent}", flags, triggers)
    return None


def decide(
    parse: Parse,
    *,
    context: dict[str, Any],
    payload_args: dict[str, str] | None = None,
    case_open: bool = False,
) -> Decision:
    """Choose the replies and whether to open a case for one message.

    `case_open`: the contact already has an open case that no officer holds yet; what they write
    now is mostly for that officer, so they hear that it was passed on, not the same "case
    opened" story again.
    """
    d = Decision()
    intent = parse.intent.name
    args = payload_args or {}

    d.case = _case_for(parse)
    if d.case is not None:
        log.info("escalate: %s; flags=%s triggers=%s", d.case.reason, d.case.flags, d.case.triggers)
        d.context["awaiting"] = None
        explained: set[str] = set()
        if d.case.priority == "urgent":
            d.says.append(Say("message", "emergency"))
            explained.add("confinement_abuse")  # the emergency message already says what to do
        elif case_open:
            d.says.append(Say("message", "case_already_open"))
        elif intent in _OWN_HANDOFF_ANSWER and not parse.is_fallback:
            d.says.append(Say("intent", intent))
            explained.add(intent)  # lost_contact.help is the lost_contact flag's advice, fuller
        else:
            d.says.append(Say("message", "case_opened"))
        if case_open:
            return d  # the explanations were given when the case opened; the officer has it now
        for flag in [f for f in parse.risk.flag_names if f not in explained][:2]:
            d.says.append(Say("message", f"risk.{flag}"))
        return d

    if intent == "more" and "id" in args:
        d.says.append(Say("more", args["id"]))
        return d
    if intent == "agency" and "licence_number" in args:
        d.says.append(Say("agency", args["licence_number"]))
        d.context["awaiting"] = None
        return d

    if context.get("awaiting") == "agency_name":
        d.context["awaiting"] = None  # one answer, whatever it is, ends the wait
        if _reads_as_agency_name(parse):
            d.says.append(Say("agency", _agency_query(parse)))
            return _with_risk_note(d, parse)

    if case_open and (
        parse.is_fallback
        or intent in _FOR_THE_OFFICER
        or parse.intent.confidence < CASE_QUESTION_CONFIDENCE
        or level_at_least(parse.risk.level, "medium")
    ):
        log.info("case open: %s (%s) passed on to the officer", intent, parse.fallback_reason)
        d.says.append(Say("message", "case_already_open"))
        return d

    if _unsure_handoff(parse):
        log.info(
            "no case, asked to confirm: unsure %s (%.2f, %s)",
            intent,
            parse.intent.confidence,
            parse.fallback_reason,
        )
        d.says.append(Say("message", "confirm_danger"))
        return d

    if parse.is_fallback and parse.entity_values("age") and not parse.risk.flags:
        # "kalo umur 17 bisa brgkt ga?": the requirements answer says the minimum age.
        log.info("fallback with an age: the requirements answer")
        d.says.append(Say("intent", "ask_documents"))
        return d

    places = {e.entity: e.value for e in parse.entities if e.entity in _PLACE_ENTITIES}
    destination = _destination_topic(parse, context.get("topic"))
    if (
        destination
        and places
        and intent not in {"greet", "thanks", "goodbye"}  # "haloo, sy dari lembata"
        and not level_at_least(parse.risk.level, "medium")
    ):
        log.info("unsure question about %s: the %s answer for it", places, destination)
        d.says.append(Say("intent", destination, places))
        d.context["topic"] = destination
        return d

    if parse.is_fallback and not level_at_least(parse.risk.level, "medium"):
        log.info("fallback: %s", parse.fallback_reason)
        d.says.append(Say("message", "fallback"))
        return d

    if intent == "check_agency":
        query = _agency_query(parse, require_entity=True) or _name_in_question(parse)
        if query:
            d.says.append(Say("agency", query))
        else:
            d.context["awaiting"] = "agency_name"
            d.says.append(Say("message", "agency_ask_name"))
        return _with_risk_note(d, parse)

    entities = {e.entity: e.value for e in parse.entities}
    entities.update(args)
    d.says.append(Say("intent", intent, entities))
    if intent in _TOPIC_INTENTS:
        d.context["topic"] = intent
    if parse.risk.level == "low" and intent == "report_risk":
        d.says.append(Say("message", "red_flags_reminder"))
    return _with_risk_note(d, parse)


def _with_risk_note(d: Decision, parse: Parse) -> Decision:
    """Medium risk: warn about each raised flag and offer an officer, after the answer."""
    if parse.risk.level == "medium":
        log.info("warn (no case): medium risk, flags=%s", parse.risk.flag_names)
        flags = parse.risk.flag_names
        d.says.append(Say("message", "risk_warning", {"flags": ",".join(flags)}))
        for flag in flags[:2]:
            d.says.append(Say("message", f"risk.{flag}"))
    return d


def _destination_topic(parse: Parse, topic: Any) -> str | None:
    """Which answer an unsure question that names a destination gets, if not its own guess.

    Unclear: the earlier topic, else the legal way there. A weak guess of an unrelated intent
    right after a topic ("kalo ke taiwan?" after a costs question looks a little like
    ask_contacts): that topic (without one, "nomor KBRI malaysia?" keeps its own guess). A weak
    documents or training guess ("kalau ke arab saudi masih dibuka?"): the destination's note,
    which the legal-way answer is, rather than the general list of documents.
    """
    weak = parse.intent.confidence < FOLLOW_UP_BELOW or _names_only_a_destination(parse)
    if parse.is_fallback:
        return topic if topic in _TOPIC_INTENTS else "ask_procedure"
    if weak and topic in _TOPIC_INTENTS and parse.intent.name not in _TOPIC_INTENTS:
        return str(topic)
    if weak and parse.intent.name in {"ask_documents", "ask_training"}:
        return "ask_procedure"
    return None


#: Words a follow-up wraps around a destination without asking anything new ("kalo ke taiwan?",
#: "how about Japan?", "yang ke korea gmn kak").
_FOLLOW_UP_WORDS = frozenset(
    {
        "kalau",
        "kalo",
        "klo",
        "kl",
        "kalu",
        "ke",
        "k",
        "pi",
        "di",
        "untuk",
        "utk",
        "buat",
        "yang",
        "yg",
        "itu",
        "tu",
        "gmn",
        "gimana",
        "bagaimana",
        "kermana",
        "karmana",
        "kak",
        "kaka",
        "kakak",
        "min",
        "ya",
        "ka",
        "ko",
        "kah",
        "sih",
        "dong",
        "how",
        "about",
        "what",
        "if",
        "and",
        "to",
        "in",
        "for",
        "the",
    }
)


def _names_only_a_destination(parse: Parse) -> bool:
    """Whether the message is a destination and follow-up words only: then whatever the
    classifier makes of it, it asks the earlier question again for the new place."""
    places = [e for e in parse.entities if e.entity in _PLACE_ENTITIES]
    if not places:
        return False
    text = parse.text.casefold()
    for e in sorted(places, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + " " + text[e.end :]
    words = re.findall(r"\w+", text)
    return all(w in _FOLLOW_UP_WORDS for w in words)


def _reads_as_agency_name(parse: Parse) -> bool:
    """Is this answer to "which agency?" the name? Not a button, not a greeting or a cry for help,
    and not a question the NLU is sure is something else."""
    text = parse.text.strip()
    if not text or text.startswith("/") or parse.intent.name in _NOT_A_NAME:
        return False
    if parse.entity_values("agency") or parse.entity_values("licence_number"):
        return True
    return (
        parse.is_fallback
        or parse.intent.name in {"check_agency", "out_of_scope"}
        or parse.intent.confidence < NAME_OVER_INTENT_BELOW
    )


def _name_in_question(parse: Parse) -> str:
    """A check_agency question the NLU found no `agency` in ("cek agen mitra karya"): the words
    left when the cue words, countries and places are taken out, if they can be a name (two
    words, a legal form such as PT, or a licence-like number); else "" and we ask for the name."""
    text = parse.text
    if text.strip().startswith("/"):
        return ""
    for e in sorted(parse.entities, key=lambda e: e.start, reverse=True):
        if e.entity in ("country", "place", "age") and 0 <= e.start < e.end <= len(text):
            text = text[: e.start] + " " + text[e.end :]
    words = [w for w in normalise_name(text).split() if w not in _NOT_NAME_WORDS]
    raw = text.casefold().replace(".", " ").split()
    licence_like = any(
        sum(ch.isalnum() for ch in w) >= 4 and any(ch.isdigit() for ch in w) for w in raw
    )
    legal_form = any(w in LEGAL_FORMS for w in raw)
    if len(words) >= 2 or (words and legal_form) or licence_like:
        return text.strip()
    return ""


def _agency_query(parse: Parse, *, require_entity: bool = False) -> str:
    for name in ("licence_number", "agency"):
        values = parse.entity_values(name)
        if values:
            return values[0]
    return "" if require_entity else parse.text.strip()
