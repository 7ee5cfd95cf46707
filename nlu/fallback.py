"""Decide when the classifier is unsure, as a separate component (like Rasa's FallbackClassifier).

The intent keeps its top guess; the engine reads `Parse.fallback_reason` to ask the user to
rephrase or show the menu. Every decision to fall back is logged with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from nlu.types import IntentScore

log = logging.getLogger(__name__)

#: Below this top confidence the engine should not act on the intent.
THRESHOLD = 0.30
#: If the top two intents are closer than this, the message is ambiguous.
AMBIGUITY_THRESHOLD = 0.08


@dataclass(frozen=True, slots=True)
class FallbackClassifier:
    threshold: float = THRESHOLD
    ambiguity_threshold: float = AMBIGUITY_THRESHOLD

    def reason(self, text: str, ranking: Sequence[IntentScore]) -> str | None:
        """Why the ranking is too unsure to act on, or None when it is good enough."""
        if not ranking or not text.strip():
            why = "empty message"
        elif ranking[0].confidence < self.threshold:
            why = (
                f"low confidence: {ranking[0].name} {ranking[0].confidence:.2f}"
                f" < threshold {self.threshold:.2f}"
            )
        elif (
            len(ranking) > 1
            and ranking[0].confidence - ranking[1].confidence < self.ambiguity_threshold
        ):
            gap = ranking[0].confidence - ranking[1].confidence
            why = (
                f"ambiguous: {ranking[0].name} {ranking[0].confidence:.2f} vs"
                f" {ranking[1].name} {ranking[1].confidence:.2f},"
                f" gap {gap:.2f} < {self.ambiguity_threshold:.2f}"
            )
        else:
            return None
        log.info("nlu fallback for %r: %s", text[:80], why)
        return why
