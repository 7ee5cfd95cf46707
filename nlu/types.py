"""What the NLU returns for one message: the `Parse`, and its Rasa-compatible JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class IntentScore:
    """One intent with its (calibrated) confidence."""

    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Entity:
    """A span of the text with a normalised value (country names become ISO 3166 alpha-2)."""

    entity: str
    value: str
    start: int
    end: int
    text: str = ""
    confidence: float = 1.0
    extractor: str = "rules"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-3 (else 639-1) code from nlu.spec.LANGUAGES."""

    code: str
    confidence: float


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """A raised flag and the words that raised it, so an officer sees why."""

    name: str
    trigger: str
    source: str = "lexicon"


@dataclass(frozen=True, slots=True)
class Risk:
    """The flags of one message and the level derived from them (nlu.spec.risk_level)."""

    level: str = "none"
    flags: tuple[RiskFlag, ...] = ()

    @property
    def flag_names(self) -> list[str]:
        """Flag names in a stable order, without repeats."""
        return sorted({f.name for f in self.flags})


@dataclass(frozen=True, slots=True)
class Parse:
    """Everything the engine needs to know about one message."""

    text: str
    intent: IntentScore
    intent_ranking: tuple[IntentScore, ...] = ()
    entities: tuple[Entity, ...] = ()
    language: LanguageGuess = LanguageGuess("id", 0.0)
    risk: Risk = field(default_factory=Risk)
    #: Set when the fallback component judged the classifier unsure; `intent` keeps its top guess.
    fallback_reason: str | None = None

    @property
    def is_fallback(self) -> bool:
        return self.fallback_reason is not None

    def entity_values(self, name: str) -> list[str]:
        return [e.value for e in self.entities if e.entity == name]

    def to_rasa(self) -> dict[str, Any]:
        """The shape of POST /model/parse (../shared/spec/nlu.md), plus our language and risk."""
        return {
            "text": self.text,
            "intent": {"name": self.intent.name, "confidence": round(self.intent.confidence, 4)},
            "intent_ranking": [
                {"name": i.name, "confidence": round(i.confidence, 4)} for i in self.intent_ranking
            ],
            "entities": [
                {
                    "entity": e.entity,
                    "value": e.value,
                    "start": e.start,
                    "end": e.end,
                    "confidence_entity": round(e.confidence, 4),
                    "extractor": e.extractor,
                }
                for e in self.entities
            ],
            "language": {
                "code": self.language.code,
                "confidence": round(self.language.confidence, 4),
            },
            "risk": {
                "level": self.risk.level,
                "flags": self.risk.flag_names,
                "triggers": [
                    {"flag": f.name, "text": f.trigger, "source": f.source} for f in self.risk.flags
                ],
            },
            "fallback": self.fallback_reason,
        }


class Parser(Protocol):
    """Anything that turns text into a Parse: the local trained model, or a Rasa server."""

    def parse(self, text: str, *, language_hint: str | None = None) -> Parse: ...
