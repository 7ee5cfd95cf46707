"""Backend "rasa": a running Rasa server does intent and entity work (POST {RASA_URL}/model/parse);
our normalisation-free language id, entities it missed, and the risk detector always run on top.

If Rasa cannot answer, the parse still carries our language and risk (a danger must not be
missed because a server is down) with the intent marked as a fallback.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import httpx

from nlu.entities import Gazetteer
from nlu.flag_model import FlagModel
from nlu.langid import LanguageIdentifier
from nlu.parser import RANKING_LENGTH, Enricher
from nlu.spec import INTENTS
from nlu.types import Entity, IntentScore, Parse

log = logging.getLogger(__name__)

#: Seconds to wait for Rasa; a chat reply should not hang on it.
TIMEOUT_SECONDS = 5.0


class RasaParser:
    """Parser (nlu.types.Parser) that asks a Rasa server for intent and entities."""

    def __init__(
        self,
        client: httpx.Client,
        language_identifier: LanguageIdentifier,
        *,
        gazetteer: Gazetteer | None = None,
        flag_model: FlagModel | None = None,
    ) -> None:
        self.client = client
        self.enricher = Enricher(language_identifier, gazetteer=gazetteer, flag_model=flag_model)

    @classmethod
    def from_env(
        cls,
        rasa_url: str | None,
        language_identifier: LanguageIdentifier,
        *,
        gazetteer: Gazetteer | None = None,
        transport: httpx.BaseTransport | None = None,
        flag_model: FlagModel | None = None,
    ) -> RasaParser:
        url = rasa_url or os.environ.get("RASA_URL")
        if not url:
            raise ValueError("backend 'rasa' needs rasa_url or RASA_URL")
        client = httpx.Client(
            base_url=url.rstrip("/"), timeout=TIMEOUT_SECONDS, transport=transport
        )
        return cls(client, language_identifier, gazetteer=gazetteer, flag_model=flag_model)

    def close(self) -> None:
        self.client.close()

    def _ask_rasa(self, text: str) -> dict[str, Any]:
        response = self.client.post("/model/parse", json={"text": text})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def parse(self, text: str, *, language_hint: str | None = None) -> Parse:
        en = self.enricher
        normalised = en.normaliser.normalise(text)
        rasa_failure: str | None = None
        try:
            body = self._ask_rasa(text)
            ranking = _ranking(body)
            rasa_entities = _entities(body)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            rasa_failure = f"rasa unavailable: {type(exc).__name__}: {exc}"
            log.warning("NLU backend rasa failed for %r: %s", text[:80], rasa_failure)
            ranking, rasa_entities = [IntentScore("out_of_scope", 0.0)], []
        ours = en.entities.extract(text, en.gazetteer)
        entities = rasa_entities + [
            e for e in ours if not any(r.start < e.end and e.start < r.end for r in rasa_entities)
        ]
        top = ranking[0]
        fallback_reason = (
            rasa_failure
            or en.fallback.reason(text, ranking)
            or en.risk.distrust(normalised, top, text)
        )
        return Parse(
            text=text,
            intent=top,
            intent_ranking=tuple(ranking[:RANKING_LENGTH]),
            entities=tuple(sorted(entities, key=lambda e: e.start)),
            language=en.language(text, language_hint),
            risk=en.risk.assess(normalised, text, top, fallback_reason),
            fallback_reason=fallback_reason,
        )


def _ranking(body: dict[str, Any]) -> list[IntentScore]:
    rows = body.get("intent_ranking") or [body["intent"]]
    ranking = [
        IntentScore(str(r["name"]), float(r.get("confidence", 0.0)))
        for r in rows
        if r.get("name") in INTENTS
    ]
    if not ranking:
        name = str((body.get("intent") or {}).get("name"))
        raise ValueError(f"rasa answered no known intent (top: {name!r})")
    return sorted(ranking, key=lambda s: s.confidence, reverse=True)


def _entities(body: dict[str, Any]) -> list[Entity]:
    out: list[Entity] = []
    for e in body.get("entities") or []:
        out.append(
            Entity(
                entity=str(e["entity"]),
                value=str(e.get("value", "")),
                start=int(e["start"]),
                end=int(e["end"]),
                text=str(e.get("value", "")),
                confidence=float(e.get("confidence_entity", e.get("confidence", 1.0)) or 1.0),
                extractor=str(e.get("extractor", "rasa")),
            )
        )
    return out
