"""The fixed names of ../shared/spec/nlu.md, in one place, so nothing else spells them."""

from __future__ import annotations

from typing import Final

INTENTS: Final[tuple[str, ...]] = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "bot_challenge",
    "ask_menu",
    "ask_procedure",
    "ask_documents",
    "ask_passport",
    "ask_costs",
    "ask_training",
    "ask_jobs",
    "check_agency",
    "ask_red_flags",
    "report_risk",
    "emergency",
    "lost_contact",
    "ask_rights",
    "ask_insurance",
    "ask_contacts",
    "request_human",
    "ask_return",
    "out_of_scope",
)

#: Not an intent to train: what the engine does when the classifier is unsure.
FALLBACK_INTENT: Final = "nlu_fallback"

RISK_FLAGS: Final[tuple[str, ...]] = (
    "passport_withheld",
    "illegal_fees",
    "non_procedural_route",
    "unlicensed_recruiter",
    "no_contract",
    "fake_documents",
    "underage",
    "deception",
    "confinement_abuse",
    "wage_theft",
    "lost_contact",
)

#: Ordered from least to most serious.
RISK_LEVELS: Final[tuple[str, ...]] = ("none", "low", "medium", "high", "urgent")

ENTITIES: Final[tuple[str, ...]] = ("agency", "licence_number", "country", "place", "age")

#: Understood and answered.
ANSWERED_LANGUAGES: Final[tuple[str, ...]] = ("id", "mkn", "en")
#: Understood; answered where a translation exists, else in Indonesian.
LOCAL_LANGUAGES: Final[tuple[str, ...]] = ("tet", "aoz", "mqy", "slp", "ski", "xbr")
LANGUAGES: Final[tuple[str, ...]] = ANSWERED_LANGUAGES + LOCAL_LANGUAGES
DEFAULT_LANGUAGE: Final = "id"


def risk_level(intent: str, flags: set[str] | frozenset[str]) -> str:
    """The product's policy from the spec: derive a level from the intent and the flags."""
    if intent == "emergency" or "confinement_abuse" in flags:
        return "urgent"
    if intent in {"lost_contact", "request_human"}:
        return "high"
    if flags & {"passport_withheld", "underage", "lost_contact"}:
        return "high"
    if "non_procedural_route" in flags and flags & {
        "illegal_fees",
        "unlicensed_recruiter",
        "fake_documents",
        "deception",
    }:
        return "high"
    if flags:
        return "medium"
    if intent in {"report_risk", "ask_red_flags"}:
        return "low"
    return "none"


def level_at_least(level: str, floor: str) -> bool:
    """True when `level` is as serious as `floor` or more."""
    return RISK_LEVELS.index(level) >= RISK_LEVELS.index(floor)
