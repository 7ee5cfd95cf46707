"""The policy: risk first, then the intent; unsure guesses ask instead of paging an officer."""

from __future__ import annotations

from bot.policy import decide
from nlu.types import Entity, Parse
from tests.factories import make_parse as parse


def keys(p: Parse, context: dict[str, str] | None = None) -> list[str]:
    return [s.key for s in decide(p, context=context or {}).says]


def test_withheld_passport_opens_a_high_case_with_its_trigger_words() -> None:
    d = decide(parse("report_risk", flags=(("passport_withheld", "paspor ditahan"),)), context={})
    assert d.case is not None and d.case.priority == "high"
    assert d.case.flags == ("passport_withheld",)
    assert 'passport_withheld: "paspor ditahan"' in d.case.triggers
    assert [s.key for s in d.says] == ["case_opened", "risk.passport_withheld"]


def test_confinement_is_urgent_whatever_the_intent() -> None:
    d = decide(parse("ask_rights", flags=(("confinement_abuse", "dikurung"),)), context={})
    assert d.case is not None and d.case.priority == "urgent"
    assert d.says[0].key == "emergency"


def test_request_human_opens_a_case_without_any_flag() -> None:
    d = decide(parse("request_human"), context={})
    assert d.case is not None and d.case.priority == "high"


def test_an_unsure_emergency_guess_without_risk_words_asks_instead_of_escalating() -> None:
    p = parse("emergency", confidence=0.21, fallback="low confidence")
    d = decide(p, context={})
    assert d.case is None
    assert [s.key for s in d.says] == ["confirm_danger"]


def test_an_unsure_guess_with_risk_words_still_escalates() -> None:
    p = parse("emergency", 0.21, flags=(("confinement_abuse", "dikunci"),), fallback="low")
    d = decide(p, context={})
    assert d.case is not None and d.case.priority == "urgent"


def test_medium_risk_answers_then_warns_with_the_flags() -> None:
    d = decide(parse("ask_costs", flags=(("illegal_fees", "bayar 15 juta"),)), context={})
    assert d.case is None
    assert [s.key for s in d.says] == ["ask_costs", "risk_warning", "risk.illegal_fees"]
    assert d.says[1].params == {"flags": "illegal_fees"}


def test_check_agency_without_a_name_asks_for_it_and_reads_the_next_message_as_the_name() -> None:
    first = decide(parse("check_agency"), context={})
    assert [s.key for s in first.says] == ["agency_ask_name"]
    assert first.context == {"awaiting": "agency_name"}
    second = decide(parse("out_of_scope", text="Mitra Karya Sampel"), context=first.context)
    assert [(s.kind, s.key) for s in second.says] == [("agency", "Mitra Karya Sampel")]
    assert second.context == {"awaiting": None}


def test_check_agency_with_a_name_checks_it_at_once() -> None:
    agency = Entity("agency", "PT Sinar Jaya", 0, 13)
    d = decide(parse("check_agency", entities=(agency,)), context={})
    assert [(s.kind, s.key) for s in d.says] == [("agency", "PT Sinar Jaya")]


def test_an_unsure_question_gets_the_fallback() -> None:
    assert keys(parse("ask_jobs", 0.2, fallback="low confidence")) == ["fallback"]


def test_country_entity_reaches_the_answer() -> None:
    country = Entity("country", "MY", 0, 8)
    d = decide(parse("ask_jobs", entities=(country,)), context={})
    assert d.says[0].params == {"country": "MY"}
