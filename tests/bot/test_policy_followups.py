"""The policy on the second and third message: after a case opened, while we wait for an agency
name, and on a follow-up that names only a country. Parses are built by hand, so these hold
whatever the NLU model guesses today."""

from __future__ import annotations

from bot.policy import decide
from nlu.types import Entity, Parse
from tests.factories import make_parse as parse


def says(p: Parse, context: dict[str, str] | None = None, **kw: bool) -> list[tuple[str, str]]:
    return [(s.kind, s.key) for s in decide(p, context=context or {}, **kw).says]


def test_an_emergency_is_not_followed_by_the_same_advice_again() -> None:
    p = parse("emergency", flags=(("confinement_abuse", "dikurung"),))
    assert says(p) == [("message", "emergency")]


def test_a_new_risk_story_while_a_case_waits_is_passed_on_without_a_checklist() -> None:
    p = parse("report_risk", 0.56, flags=(("fake_documents", "umur bisa diubah"),))
    d = decide(p, context={}, case_open=True)
    assert d.case is None
    assert [s.key for s in d.says] == ["case_already_open"]


def test_a_high_risk_story_while_a_case_waits_raises_it_and_says_it_was_passed_on() -> None:
    p = parse("report_risk", flags=(("passport_withheld", "paspor ditahan"),))
    d = decide(p, context={}, case_open=True)
    assert d.case is not None and d.case.priority == "high"
    assert [s.key for s in d.says] == ["case_already_open"]


def test_a_weak_guess_while_a_case_waits_is_for_the_officer() -> None:
    tawau = Entity("place", "Tawau", 34, 39)
    p = parse("ask_jobs", 0.38, entities=(tawau,), text="namanya Maria, kerja di kebun tawau")
    assert says(p, case_open=True) == [("message", "case_already_open")]


def test_a_sure_question_while_a_case_waits_is_answered() -> None:
    assert says(parse("ask_documents", 0.95), case_open=True) == [("intent", "ask_documents")]


def test_a_name_with_a_weak_guess_of_another_intent_is_read_as_the_agency_name() -> None:
    p = parse("ask_costs", 0.39, text="Komodo Duta Pekerja")
    assert says(p, {"awaiting": "agency_name"}) == [("agency", "Komodo Duta Pekerja")]


def test_a_general_question_about_checking_agencies_asks_for_the_name() -> None:
    for text in ("how do i check if an agency is legit", "bagaimana cara cek agen resmi?"):
        d = decide(parse("check_agency", text=text), context={})
        assert [s.key for s in d.says] == ["agency_ask_name"], text


def test_a_check_agency_question_with_a_country_looks_up_only_the_name() -> None:
    my = Entity("country", "MY", 27, 35)
    p = parse("check_agency", entities=(my,), text="cek agen lontar mandiri ke malaysia")
    (say,) = decide(p, context={}).says
    assert say.kind == "agency" and "malaysia" not in say.key and "lontar mandiri" in say.key


def test_a_place_alone_with_no_earlier_topic_gets_the_legal_way_for_it() -> None:
    sabah = Entity("place", "Sabah", 0, 5)
    d = decide(parse("out_of_scope", 0.2, fallback="low", entities=(sabah,)), context={})
    assert [(s.key, s.params) for s in d.says] == [("ask_procedure", {"place": "Sabah"})]
    assert d.context["topic"] == "ask_procedure"


def test_a_weak_guess_naming_a_country_after_a_costs_question_is_about_costs_there() -> None:
    my = Entity("country", "MY", 8, 16)
    p = parse("ask_contacts", 0.45, entities=(my,), text="kalo ke malaysia?")
    d = decide(p, context={"topic": "ask_costs"})
    assert [(s.key, s.params) for s in d.says] == [("ask_costs", {"country": "MY"})]


def test_a_weak_guess_of_asking_for_an_officer_asks_first_instead_of_opening_a_case() -> None:
    p = parse("request_human", 0.5, text="do I need to speak japanese?")
    d = decide(p, context={})
    assert d.case is None
    assert [s.key for s in d.says] == ["confirm_danger"]


def test_a_cry_for_help_opens_an_urgent_case_even_without_risk_words() -> None:
    d = decide(parse("emergency", 0.69, text="tolong kaka"), context={})
    assert d.case is not None and d.case.priority == "urgent"


def test_a_weak_emergency_guess_without_risk_words_asks_with_an_emergency_button() -> None:
    p = parse("emergency", 0.35, text="Au pelu loit. Au mau karja di Malaysia")
    d = decide(p, context={})
    assert d.case is None
    assert [s.key for s in d.says] == ["confirm_danger"]


def test_a_greeting_that_names_a_home_district_is_not_taken_for_a_question() -> None:
    lembata = Entity("place", "Lembata", 14, 21)
    p = parse("greet", 0.25, fallback="low", entities=(lembata,), text="haloo, sy dari lembata")
    assert says(p, {"topic": "ask_costs"}) == [("message", "fallback")]


def test_an_unclear_question_with_an_age_gets_the_requirements() -> None:
    age = Entity("age", "17", 9, 11)
    p = parse("report_risk", 0.19, fallback="low", entities=(age,), text="kalo umur 17 bisa?")
    assert says(p) == [("intent", "ask_documents")]


def test_a_weak_guess_of_another_country_question_is_that_question_not_the_last_topic() -> None:
    jp = Entity("country", "JP", 9, 14)
    p = parse("ask_procedure", 0.56, entities=(jp,), text="can I go to Japan without Japanese?")
    d = decide(p, context={"topic": "ask_costs"})
    assert [(s.key, s.params) for s in d.says] == [("ask_procedure", {"country": "JP"})]


def test_a_weak_documents_guess_naming_a_destination_gets_that_destinations_note() -> None:
    sa = Entity("country", "SA", 9, 20)
    p = parse("ask_documents", 0.32, entities=(sa,), text="kalau ke arab saudi masih dibuka?")
    d = decide(p, context={"topic": "ask_procedure"})
    assert [(s.key, s.params) for s in d.says] == [("ask_procedure", {"country": "SA"})]


def test_a_weak_other_guess_with_a_country_and_no_earlier_topic_keeps_its_guess() -> None:
    my = Entity("country", "MY", 22, 30)
    p = parse("ask_return", 0.5, entities=(my,), text="bagaimana cara pulang dari malaysia?")
    assert says(p) == [("intent", "ask_return")]
