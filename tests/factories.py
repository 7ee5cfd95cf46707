"""Small factories shared by the tests."""

from __future__ import annotations

from nlu.spec import risk_level
from nlu.types import Entity, IntentScore, Parse, Risk, RiskFlag


def make_parse(
    intent: str,
    confidence: float = 0.9,
    flags: tuple[tuple[str, str], ...] = (),
    fallback: str | None = None,
    entities: tuple[Entity, ...] = (),
    text: str = "…",
) -> Parse:
    """A Parse as the NLU would return it: `flags` are (name, trigger words), and the level
    follows nlu.spec.risk_level (from the flags alone when the intent is an unsure fallback)."""
    risk_flags = tuple(RiskFlag(name, trigger) for name, trigger in flags)
    level = risk_level("" if fallback else intent, {f.name for f in risk_flags})
    return Parse(
        text=text,
        intent=IntentScore(intent, confidence),
        entities=entities,
        risk=Risk(level, risk_flags),
        fallback_reason=fallback,
    )
