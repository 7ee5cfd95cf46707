"""Backend "rasa" against a fake Rasa server (httpx.MockTransport): intent and entities come from
Rasa; our language id and risk detector always run, even when Rasa is down."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from nlu.parser import LocalParser
from nlu.rasa_backend import RasaParser


def fake_rasa(answer: dict[str, Any], seen: list[dict[str, Any]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=answer)

    return httpx.MockTransport(handle)


def rasa_parser(local_parser: LocalParser, transport: httpx.MockTransport) -> RasaParser:
    return RasaParser.from_env(
        "http://rasa.test:5005",
        local_parser.model.language_identifier,
        transport=transport,
    )


def test_rasa_intent_with_our_language_and_risk(local_parser: LocalParser) -> None:
    seen: list[dict[str, Any]] = []
    text = "beta pung paspor agen pegang, dong sonde mau kasi"
    answer = {
        "text": text,
        "intent": {"name": "report_risk", "confidence": 0.88},
        "intent_ranking": [
            {"name": "report_risk", "confidence": 0.88},
            {"name": "ask_passport", "confidence": 0.07},
        ],
        "entities": [],
    }
    parser = rasa_parser(local_parser, fake_rasa(answer, seen))
    parse = parser.parse(text)
    assert seen == [{"text": text}]
    assert parse.intent.name == "report_risk" and parse.intent.confidence == 0.88
    assert parse.language.code == "mkn"
    assert "passport_withheld" in parse.risk.flag_names
    assert parse.risk.level == "high"
    parser.close()


def test_rasa_entities_are_kept_and_ours_fill_the_gaps(local_parser: LocalParser) -> None:
    text = "PT Sinar Jaya kirim ke Malaysia"
    answer = {
        "intent": {"name": "check_agency", "confidence": 0.9},
        "entities": [
            {
                "entity": "agency",
                "value": "PT Sinar Jaya",
                "start": 0,
                "end": 13,
                "extractor": "DIETClassifier",
            }
        ],
    }
    parse = rasa_parser(local_parser, fake_rasa(answer, [])).parse(text)
    assert [(e.entity, e.value, e.extractor) for e in parse.entities] == [
        ("agency", "PT Sinar Jaya", "DIETClassifier"),
        ("country", "MY", "rules"),
    ]


def test_rasa_down_still_detects_the_danger(local_parser: LocalParser) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    parse = rasa_parser(local_parser, httpx.MockTransport(down)).parse("tolong sy dikurung majikan")
    assert parse.risk.level == "urgent"
    assert parse.fallback_reason is not None and "rasa unavailable" in parse.fallback_reason


def test_unknown_rasa_intent_is_a_fallback_not_a_crash(local_parser: LocalParser) -> None:
    answer = {"intent": {"name": "chitchat_weather", "confidence": 0.9}, "entities": []}
    parse = rasa_parser(local_parser, fake_rasa(answer, [])).parse("besok hujan?")
    assert parse.is_fallback


def test_backend_rasa_needs_a_url(
    local_parser: LocalParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_URL", raising=False)
    with pytest.raises(ValueError, match="RASA_URL"):
        RasaParser.from_env(None, local_parser.model.language_identifier)
