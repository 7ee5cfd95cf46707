"""Explicit requests for a person, read by rule (nlu/data/handoff_requests.yml).

A message that asks in so many words for an officer or a caseworker is request_human, whatever
story it also tells; the classifier weighs the story and missed such requests on blind sets
(request_human sets the level `high`: a missed one leaves a family without the officer it asked
for). The rule promotes request_human to the top of the ranking, unless the classifier already
chose another handoff intent (emergency, lost_contact) with some confidence, which opens a case
too and says more.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.paths import DATA_DIR
from nlu.risk import expand_macros
from nlu.types import IntentScore

log = logging.getLogger(__name__)

HANDOFF_REQUESTS_FILE = DATA_DIR / "handoff_requests.yml"
INTENT = "request_human"
#: The confidence a rule-read request is given: sure, as a rule is.
CONFIDENCE = 0.9
#: Intents that keep the top place even when the message also asks for a person...
STRONGER = frozenset({"emergency", "lost_contact"})
#: ... when the classifier is at least this sure of them: a weak guess would fall back or be
#: distrusted, and the explicit request, which opens a case for sure, would be lost with it.
STRONGER_SURE = 0.5


@dataclass(frozen=True)
class HandoffRequests:
    pattern: re.Pattern[str]

    @classmethod
    def load(cls, path: Path = HANDOFF_REQUESTS_FILE) -> HandoffRequests:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        macros: dict[str, str] = doc.get("macros") or {}
        alternatives = [f"(?:{expand_macros(p, macros)})" for p in doc["patterns"]]
        return cls(re.compile("|".join(alternatives)))

    def promote(self, normalised_text: str, ranking: list[IntentScore]) -> list[IntentScore]:
        """The ranking with request_human first, at CONFIDENCE or more, when the message asks for
        a person (a weak request_human guess is made sure, so it does not fall back); the other
        intents keep their order and share what is left of the probability."""
        if not ranking or (ranking[0].name in STRONGER and ranking[0].confidence >= STRONGER_SURE):
            return ranking
        m = self.pattern.search(normalised_text)
        if m is None:
            return ranking
        own = next((s.confidence for s in ranking if s.name == INTENT), 0.0)
        if ranking[0].name == INTENT and own >= CONFIDENCE:
            return ranking
        others = [s for s in ranking if s.name != INTENT]
        rest = sum(s.confidence for s in others) or 1.0
        scale = (1.0 - CONFIDENCE) / rest
        log.info("request_human read by rule from %r (classifier: %s)", m.group(0), ranking[0].name)
        return [
            IntentScore(INTENT, CONFIDENCE),
            *(IntentScore(s.name, s.confidence * scale) for s in others),
        ]
