"""The fallback component: named thresholds, the top intent is kept, the reason is logged."""

from __future__ import annotations

import logging

import pytest

from nlu.fallback import AMBIGUITY_THRESHOLD, THRESHOLD, FallbackClassifier
from nlu.parser import LocalParser
from nlu.types import IntentScore


def test_fallback_logs_reason(caplog: pytest.LogCaptureFixture) -> None:
    fb = FallbackClassifier()
    with caplog.at_level(logging.INFO, logger="nlu.fallback"):
        why = fb.reason("hmm", [IntentScore("greet", THRESHOLD - 0.1), IntentScore("deny", 0.05)])
    assert why is not None and why.startswith("low confidence")
    assert any("low confidence: greet" in r.getMessage() for r in caplog.records)


def test_close_top_two_is_ambiguous() -> None:
    top = THRESHOLD + 0.2
    why = FallbackClassifier().reason(
        "x",
        [IntentScore("ask_costs", top), IntentScore("ask_passport", top - AMBIGUITY_THRESHOLD / 2)],
    )
    assert why is not None and why.startswith("ambiguous")


def test_a_clear_intent_does_not_fall_back() -> None:
    ranking = [IntentScore("greet", 0.9), IntentScore("thanks", 0.05)]
    assert FallbackClassifier().reason("halo", ranking) is None


def test_unsure_parse_keeps_its_top_intent(local_parser: LocalParser) -> None:
    parse = local_parser.parse("qwerty zxcv")
    assert parse.is_fallback
    assert parse.intent == parse.intent_ranking[0]
    assert parse.to_rasa()["fallback"] == parse.fallback_reason
    assert local_parser.parse("halo kak").fallback_reason is None
