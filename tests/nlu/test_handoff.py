"""Explicit requests for a person are request_human whatever story they also tell."""

from __future__ import annotations

import pytest

from nlu.handoff import CONFIDENCE, HandoffRequests
from nlu.normalize import Normaliser
from nlu.parser import LocalParser
from nlu.types import IntentScore


@pytest.mark.parametrize(
    "text",
    [
        "Our parish has a returnee who needs to talk to a human caseworker about unpaid wages.",
        "Can a caseworker call the family? I'm the village nurse, they asked me to arrange it.",
        "mau lapor langsung ke petugas, sponsor minta duit 15jt",
        "sy perlu pendamping dr kantor, adik sy mau dibawa calo",
    ],
)
def test_asking_for_a_person_with_a_story_is_request_human(
    local_parser: LocalParser, text: str
) -> None:
    parse = local_parser.parse(text)
    assert parse.intent.name == "request_human"
    assert parse.risk.level in {"high", "urgent"}


def test_an_officer_of_another_office_is_no_request_for_ours() -> None:
    rule = HandoffRequests.load()
    text = Normaliser()("sy disuruh bilang ke petugas imigrasi mau jenguk keluarga")
    ranking = [IntentScore("report_risk", 0.6), IntentScore("request_human", 0.1)]
    assert rule.promote(text, ranking) == ranking


def test_an_emergency_keeps_its_place_when_it_also_asks_for_an_officer() -> None:
    rule = HandoffRequests.load()
    text = Normaliser()("I need a human officer, my brother is locked in the agent's house")
    ranking = [IntentScore("emergency", 0.7), IntentScore("request_human", 0.2)]
    assert rule.promote(text, ranking) == ranking


def test_a_promoted_request_leads_a_ranking_that_still_sums_to_one() -> None:
    rule = HandoffRequests.load()
    text = Normaliser()("can I talk to a real person please, the agent wants more money")
    ranking = [
        IntentScore("report_risk", 0.5),
        IntentScore("ask_costs", 0.3),
        IntentScore("request_human", 0.2),
    ]
    promoted = rule.promote(text, ranking)
    assert promoted[0] == IntentScore("request_human", CONFIDENCE)
    assert [s.name for s in promoted[1:]] == ["report_risk", "ask_costs"]
    assert sum(s.confidence for s in promoted) == pytest.approx(1.0)


def test_saying_no_officer_is_needed_is_no_request() -> None:
    rule = HandoffRequests.load()
    text = Normaliser()("sy tdk perlu petugas, cukup info lewat sini sj. BPJS PMI tanggung apa?")
    ranking = [IntentScore("ask_insurance", 0.6), IntentScore("request_human", 0.2)]
    assert rule.promote(text, ranking) == ranking


def test_a_weak_emergency_guess_gives_way_to_an_explicit_request() -> None:
    text = Normaliser().normalise("sy mau bicara dengan petugas, suami sy tdk digaji").text
    ranking = [IntentScore("emergency", 0.35), IntentScore("report_risk", 0.3)]
    assert HandoffRequests.load().promote(text, ranking)[0] == IntentScore("request_human", 0.9)


def test_explaining_it_to_a_human_is_a_request() -> None:
    text = Normaliser().normalise("I'd rather explain this to a human, it's about my mother").text
    assert HandoffRequests.load().pattern.search(text)
