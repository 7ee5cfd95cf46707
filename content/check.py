"""`aman content check`: what a reviewer must fix before the catalog ships.

Errors fail the check (missing id/mkn/en text, a fact with no source, an intent of the spec or a
system message with no entry, a broken button, a text too long for SMS); warnings (a review date
passed) are printed but do not fail it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from nlu.spec import ANSWERED_LANGUAGES, INTENTS, RISK_FLAGS

from .catalog import PAYLOAD_INTENTS, Catalog, Entry, parse_payload, placeholders
from .length import MAX_BUTTON_TITLE, MAX_SEPTETS, non_gsm7, sms_septets

#: Message ids the engine sends (bot/policy.py, bot/engine.py, the agency check).
REQUIRED_MESSAGES: tuple[str, ...] = (
    "welcome",
    "menu",
    "fallback",
    "emergency",
    "case_opened",
    "case_already_open",
    "case_closed",
    "risk_warning",
    "red_flags_reminder",
    "agency_ask_name",
    "agency_licensed",
    "agency_suspended",
    "agency_revoked",
    "agency_expired",
    "agency_several",
    "agency_not_found",
    "media_unsupported",
    "data_deleted",
    "stopped",
    "more_none",
    *(f"risk.{flag}" for flag in RISK_FLAGS),
)

#: Long but realistic values for placeholders when measuring a message against the SMS limit.
WORST_CASE_PARAMS: dict[str, str] = {
    "consent_version": "12",
    "eta": "dalam 1 hari kerja",
    "flags_text": "paspor ditahan, biaya penempatan",
    "name": "PT Sampel Sinar Jaya Abadi Sejahtera",
    "licence_number": "KEP.1234/SAMPEL/2025",
    "valid_until": "2027-12-31",
    "status": "dibekukan",
}

#: Text that states a fact needs a source: numbers, laws, money, web addresses.
_FACT_MARKERS = re.compile(r"\d|\bPasal\b|\bUU\b|\bRp\b|\.go\.id|https?://", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    level: Literal["error", "warning"]
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper()} {self.where}: {self.message}"


def check_catalog(catalog: Catalog, *, today: date | None = None) -> list[Problem]:
    """Every problem of the catalog, errors first."""
    today = today or date.today()
    problems: list[Problem] = []
    for entry in catalog.entries.values():
        problems.extend(_check_entry(catalog, entry, today))
    for intent in INTENTS:
        if not any(not e.when for e in catalog.answers_for(intent)):
            problems.append(
                Problem("error", f"intent {intent}", "no answer without entity conditions")
            )
    for message_id in REQUIRED_MESSAGES:
        if message_id not in catalog.entries:
            problems.append(Problem("error", f"message {message_id}", "missing"))
    return sorted(problems, key=lambda p: (p.level != "error", p.where))


def _check_entry(catalog: Catalog, entry: Entry, today: date) -> list[Problem]:
    where = f"{entry.file}: {entry.id}"
    out: list[Problem] = []

    def error(msg: str) -> None:
        out.append(Problem("error", where, msg))

    for lang in ANSWERED_LANGUAGES:
        if lang not in entry.texts or not entry.texts[lang].text.strip():
            error(f"no {lang} text")
    states_facts = entry.fact_bearing or any(
        _FACT_MARKERS.search(t.text) for t in entry.texts.values()
    )
    if states_facts and not entry.sources:
        error("states facts but has no source")
    if entry.reviewed_at is None or entry.review_by is None:
        error("needs reviewed_at and review_by")
    elif entry.review_by < today:
        out.append(Problem("warning", where, f"review was due on {entry.review_by.isoformat()}"))
    for intent in entry.intents:
        if intent not in INTENTS:
            error(f"serves unknown intent {intent!r}")
    for lang, text in entry.texts.items():
        used = placeholders(text.text)
        if used != set(entry.params):
            error(f"{lang} placeholders {sorted(used)} differ from params {sorted(entry.params)}")
            continue
        rendered = catalog.render(
            entry,
            language=lang,
            params={p: WORST_CASE_PARAMS.get(p, "x" * 20) for p in entry.params},
        )
        bad = non_gsm7(rendered.text)
        if bad:
            error(f"{lang} text has characters outside GSM-7: {''.join(bad)!r}")
            continue
        septets = sms_septets(rendered)
        if septets is not None and septets > MAX_SEPTETS:
            error(f"{lang} text with buttons is {septets} GSM-7 characters (max {MAX_SEPTETS})")
    for button in entry.buttons:
        for lang, title in button.title.items():
            if len(title) > MAX_BUTTON_TITLE or non_gsm7(title):
                error(f"button title {title!r} ({lang}) is too long or not GSM-7")
        problem = payload_problem(catalog, button.payload)
        if problem:
            error(f"button {button.payload!r}: {problem}")
    return out


def payload_problem(catalog: Catalog, payload: str) -> str | None:
    """Why a button payload would not work, or None."""
    parsed = parse_payload(payload)
    if parsed is None:
        return "not a Rasa payload ('/intent' or '/intent{\"key\": \"value\"}')"
    name, args = parsed
    if name not in INTENTS and name not in PAYLOAD_INTENTS:
        return f"unknown intent {name!r}"
    if name == "more":
        target = args.get("id")
        if not isinstance(target, str) or target not in catalog.entries:
            return f"'more' points to unknown id {target!r}"
    if name == "agency" and not isinstance(args.get("licence_number"), str):
        return "'agency' needs a licence_number"
    return None
