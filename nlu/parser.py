"""The local parser: normalise, classify, fall back, identify the language, extract entities,
assess risk. One instance per process; `parse` is pure and thread-safe."""

from __future__ import annotations

from nlu.entities import EntityExtractor, Gazetteer
from nlu.fallback import FallbackClassifier
from nlu.flag_model import FlagModel
from nlu.handoff import HandoffRequests
from nlu.langid import LanguageIdentifier
from nlu.model import TrainedModel
from nlu.normalize import Normaliser
from nlu.risk import RiskDetector
from nlu.types import IntentScore, LanguageGuess, Parse

#: How many intents the ranking keeps (Rasa shows 10).
RANKING_LENGTH = 10


class Enricher:
    """The parts that run whatever produced the intent: language id, entities, risk."""

    def __init__(
        self,
        language_identifier: LanguageIdentifier,
        *,
        normaliser: Normaliser | None = None,
        gazetteer: Gazetteer | None = None,
        flag_model: FlagModel | None = None,
    ) -> None:
        self.normaliser = normaliser or Normaliser()
        self.language_identifier = language_identifier
        self.entities = EntityExtractor()
        self.risk = RiskDetector(flag_model=flag_model)
        self.fallback = FallbackClassifier()
        self.gazetteer = gazetteer

    def language(self, text: str, hint: str | None) -> LanguageGuess:
        return self.language_identifier.identify(text, hint=hint)


class LocalParser:
    """Parser (nlu.types.Parser) backed by the trained scikit-learn model."""

    def __init__(
        self,
        model: TrainedModel,
        *,
        normaliser: Normaliser | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.model = model
        self.handoff = HandoffRequests.load()
        self.enricher = Enricher(
            model.language_identifier,
            normaliser=normaliser,
            gazetteer=gazetteer,
            flag_model=model.flag_model,
        )

    def parse(self, text: str, *, language_hint: str | None = None) -> Parse:
        en = self.enricher
        normalised = en.normaliser.normalise(text)
        if normalised.text:
            ranking = self.model.classifier.rank(normalised.text)
            ranking = self.handoff.promote(normalised.text, ranking)[:RANKING_LENGTH]
        else:
            ranking = [IntentScore("out_of_scope", 0.0)]
        top = ranking[0]
        fallback_reason = en.fallback.reason(text, ranking) or en.risk.distrust(
            normalised, top, text
        )
        return Parse(
            text=text,
            intent=top,
            intent_ranking=tuple(ranking),
            entities=tuple(en.entities.extract(text, en.gazetteer)),
            language=en.language(text, language_hint),
            risk=en.risk.assess(normalised, text, top, fallback_reason),
            fallback_reason=fallback_reason,
        )
