"""What to do with one parsed message: answer, ask, check an agency, or hand over to an officer.

Pure: it reads the Parse and the conversation context and returns a Decision; the engine acts on it.
Risk always wins over the intent: a dangerous story phrased as a question still reaches an officer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from nlu.spec import level_at_least
from nlu.types import Parse

log = logging.getLogger(__name__)

#: Intents that always hand the conversation to a person, whatever the risk level says.
HANDOFF_INTENTS = frozenset({"emergency", "lost_contact", "request_human"})
#: Intents the user may send while we wait for an agency name without it being read as the name.
_NOT_A_NAME = frozenset(
    {"ask_menu", "request_human", "emergency", "lost_contact", "greet", "goodbye", "thanks", "deny"}
)

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
    ask the user instead of paging an officer for "haloo, sy dari lembata"."""
    return parse.is_fallback and not parse.risk.flags and parse.intent.name in HANDOFF_INTENTS


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
    parse: Parse, *, context: dict[str, Any], payload_args: dict[str, str] | None = None
) -> Decision:
    """Choose the replies and whether to open a case for one message."""
    d = Decision()
    intent = parse.intent.name
    args = payload_args or {}

    d.case = _case_for(parse)
    if d.case is not None:
        log.info("escalate: %s; flags=%s triggers=%s", d.case.reason, d.case.flags, d.case.triggers)
        d.context["awaiting"] = None
        if d.case.priority == "urgent":
            d.says.append(Say("message", "emergency"))
        else:
            d.says.append(Say("message", "case_opened"))
        for flag in parse.risk.flag_names[:2]:
            d.says.append(Say("message", f"risk.{flag}"))
        return d

    if intent == "more" and "id" in args:
        d.says.append(Say("more", args["id"]))
        return d
    if intent == "agency" and "licence_number" in args:
        d.says.append(Say("agency", args["licence_number"]))
        d.context["awaiting"] = None
        return d

    awaiting = context.get("awaiting")
    if awaiting == "agency_name" and intent not in _NOT_A_NAME and parse.text.strip():
        d.context["awaiting"] = None
        d.says.append(Say("agency", _agency_query(parse)))
        return _with_risk_note(d, parse)

    if _unsure_handoff(parse):
        log.info(
            "no case, asked to confirm: unsure %s (%.2f, %s)",
            intent, parse.intent.confidence, parse.fallback_reason,
        )
        d.says.append(Say("message", "confirm_danger"))
        return d

    if parse.is_fallback and not level_at_least(parse.risk.level, "medium"):
        log.info("fallback: %s", parse.fallback_reason)
        d.says.append(Say("message", "fallback"))
        return d

    if intent == "check_agency":
        query = _agency_query(parse, require_entity=True)
        if query:
            d.says.append(Say("agency", query))
        else:
            d.context["awaiting"] = "agency_name"
            d.says.append(Say("message", "agency_ask_name"))
        return _with_risk_note(d, parse)

    entities = {e.entity: e.value for e in parse.entities}
    entities.update(args)
    d.says.append(Say("intent", intent, entities))
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


def _agency_query(parse: Parse, *, require_entity: bool = False) -> str:
    for name in ("licence_number", "agency"):
        values = parse.entity_values(name)
        if values:
            return values[0]
    return "" if require_entity else parse.text.strip()
