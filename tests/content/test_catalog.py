"""The shipped catalog answers every intent of the spec, in every answered language, within SMS."""

from __future__ import annotations

import re

import pytest

from content import Catalog
from content.check import WORST_CASE_PARAMS
from content.length import MAX_SEPTETS, non_gsm7, sms_septets
from nlu.spec import ANSWERED_LANGUAGES, INTENTS, LANGUAGES, LOCAL_LANGUAGES, RISK_FLAGS

FACT = re.compile(r"\d|\bPasal\b|\bUU\b|\bRp\b|\.go\.id")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.mark.parametrize("language", ANSWERED_LANGUAGES)
@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_gets_a_sourced_answer_in_the_language(
    catalog: Catalog, intent: str, language: str
) -> None:
    answer = catalog.for_intent(intent, language=language)
    assert answer.text.strip()
    assert answer.language == language
    assert answer.id and answer.version >= 1
    if FACT.search(answer.text):
        assert answer.sources, f"{answer.id} states a fact without a source"


def test_a_missing_local_translation_falls_back_to_indonesian(catalog: Catalog) -> None:
    answer = catalog.for_intent("ask_costs", language="xbr")
    assert answer.language == "id"
    assert answer.text == catalog.for_intent("ask_costs", language="id").text
    assert answer.reviewed


def test_local_language_text_is_marked_unreviewed(catalog: Catalog) -> None:
    welcome = catalog.message("welcome", language="aoz", params={"consent_version": "3"})
    assert welcome.language == "aoz"
    assert not welcome.reviewed
    assert welcome.text.startswith("Tkoenok tem pa'")
    assert "HAPUS DATA" in welcome.text and "v3" in welcome.text


def test_no_kupang_malay_text_is_presented_as_reviewed_yet(catalog: Catalog) -> None:
    for entry in catalog.entries.values():
        assert not entry.texts["mkn"].reviewed, entry.id


@pytest.mark.parametrize("language", LOCAL_LANGUAGES)
def test_the_core_messages_answer_in_every_local_language(catalog: Catalog, language: str) -> None:
    for message_id in ("welcome", "menu", "emergency", "red_flags_reminder", "agency_not_found"):
        params = {p: WORST_CASE_PARAMS[p] for p in catalog.entries[message_id].params}
        rendered = catalog.message(message_id, language=language, params=params)
        assert rendered.text.strip()
        assert rendered.language in (language, "id")
        if rendered.language != "id":
            assert not rendered.reviewed


def test_country_conditions_pick_the_destination_note(catalog: Catalog) -> None:
    assert catalog.for_intent("ask_costs", language="id", entities={"country": "HK"}).id == (
        "country.hk"
    )
    assert catalog.for_intent("ask_jobs", language="en", entities={"country": "KR"}).id == (
        "jobs.korea"
    )
    sabah = catalog.for_intent(
        "ask_procedure", language="mkn", entities={"country": "MY", "place": "tawau"}
    )
    assert sabah.id == "country.my_sabah"
    assert "Sebatik" in sabah.text
    plain = catalog.for_intent("ask_costs", language="id", entities={"country": "ZZ"})
    assert plain.id == "costs.zero"


def test_an_unknown_intent_gets_the_out_of_scope_answer(catalog: Catalog) -> None:
    assert catalog.for_intent("weather", language="en").id == "smalltalk.out_of_scope"


def test_every_message_and_answer_fits_three_sms_with_its_buttons(catalog: Catalog) -> None:
    for entry in catalog.entries.values():
        for language in LANGUAGES:
            params = {p: WORST_CASE_PARAMS[p] for p in entry.params}
            rendered = catalog.render(entry, language=language, params=params, channel="sms")
            assert not non_gsm7(rendered.text), (entry.id, language)
            septets = sms_septets(rendered)
            assert septets is not None and septets <= MAX_SEPTETS, (entry.id, language, septets)


def test_more_buttons_lead_to_detail_and_unknown_ids_say_so(catalog: Catalog) -> None:
    steps = catalog.for_intent("ask_procedure", language="id")
    more = [b for b in steps.buttons if b.payload.startswith("/more")]
    assert more, "the procedure answer offers detail"
    detail = catalog.more("procedure.register", language="en")
    assert "SIAPkerja" in detail.text and detail.sources
    assert catalog.more("no.such.answer", language="id").id == "more_none"


def test_messages_fill_their_placeholders_and_refuse_missing_ones(catalog: Catalog) -> None:
    opened = catalog.message("case_opened", language="id", params={"eta": "4 jam"})
    assert "(4 jam)" in opened.text and "{" not in opened.text
    with pytest.raises(ValueError, match="eta"):
        catalog.message("case_opened", language="id")


def test_every_risk_flag_has_an_explanation_and_a_short_title(catalog: Catalog) -> None:
    for flag in RISK_FLAGS:
        rendered = catalog.message(f"risk.{flag}", language="en")
        assert rendered.text and rendered.sources
    text = catalog.flags_text(["passport_withheld", "illegal_fees"], language="id")
    assert text == "paspor ditahan, biaya penempatan"


def test_the_emergency_message_names_sourced_hotlines(catalog: Catalog) -> None:
    emergency = catalog.message("emergency", language="id")
    assert "110" in emergency.text and "0800-1000" in emergency.text and "129" in emergency.text
    assert any("0800-1000" in s for s in emergency.sources)
    assert any(b.payload == "/request_human" for b in emergency.buttons)


def test_the_shipped_catalog_is_loaded_once_per_process() -> None:
    assert Catalog.load() is Catalog.load()
