"""The risk detector: reports raise flags with their trigger words; negations, general or
hypothetical questions and stories about strangers do not."""

from __future__ import annotations

import logging

import pytest

from nlu.parser import LocalParser


def flags(parser: LocalParser, text: str) -> set[str]:
    return set(parser.parse(text).risk.flag_names)


def test_withheld_passport_report_raises_passport_withheld(local_parser: LocalParser) -> None:
    parse = local_parser.parse("pspor sy d tahan agen, tdk mau dikasih")
    assert "passport_withheld" in parse.risk.flag_names
    assert parse.risk.level == "high"
    trigger = next(f.trigger for f in parse.risk.flags if f.name == "passport_withheld")
    assert "tahan" in trigger and "pspor" in trigger


def test_negated_passport_report_raises_nothing(local_parser: LocalParser) -> None:
    parse = local_parser.parse("agen tidak tahan paspor saya")
    assert parse.risk.flags == ()
    assert parse.risk.level in {"none", "low"}


def test_general_question_about_passport_holding_raises_nothing(
    local_parser: LocalParser,
) -> None:
    assert flags(local_parser, "apa ciri calo yang suka tahan paspor?") == set()


def test_hypothetical_question_raises_nothing(local_parser: LocalParser) -> None:
    assert flags(local_parser, "kalau nanti majikan tahan paspor, sy harus lapor ke mana?") == set()


def test_story_about_strangers_raises_nothing(local_parser: LocalParser) -> None:
    text = "kemarin ada berita di tv, tkw dari sumba dikurung dan dipukul majikan"
    assert flags(local_parser, text) == set()


def test_relative_in_a_story_still_raises_the_flag(local_parser: LocalParser) -> None:
    text = "sy lihat berita orang dikurung majikan, dan adik sy juga bilang dia dikurung"
    assert "confinement_abuse" in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "paspornya ditahan agen",
        "anak saya di Malaysia sudah 3 bulan tidak ada kabar, majikan tahan paspornya",
        "pasporku dipegang majikan",
    ],
)
def test_a_passport_named_with_a_possessive_suffix_still_raises_passport_withheld(
    local_parser: LocalParser, text: str
) -> None:
    assert "passport_withheld" in flags(local_parser, text)


def test_a_negated_report_with_a_possessive_suffix_raises_nothing(
    local_parser: LocalParser,
) -> None:
    assert "passport_withheld" not in flags(local_parser, "agen tidak tahan paspornya")


def test_kupang_malay_passport_report_raises_passport_withheld(local_parser: LocalParser) -> None:
    assert "passport_withheld" in flags(local_parser, "majikan pegang beta pung paspor, sonde kasi")


def test_english_report_of_a_kept_passport_raises_passport_withheld(
    local_parser: LocalParser,
) -> None:
    assert "passport_withheld" in flags(local_parser, "my employer kept my passport")


def test_confinement_makes_the_level_urgent(local_parser: LocalParser) -> None:
    parse = local_parser.parse("tolong saya dikurung majikan, tidak dikasih makan")
    assert "confinement_abuse" in parse.risk.flag_names
    assert parse.risk.level == "urgent"


def test_danger_in_one_clause_of_a_long_story_is_found(local_parser: LocalParser) -> None:
    text = (
        "sy sudah daftar di PT, ikut medical, pelatihan juga lancar dan teman2 baik semua, "
        "cuma kemarin orang PT ambil paspor sy dan bilang disimpan sampai kontrak selesai"
    )
    assert "passport_withheld" in flags(local_parser, text)


def test_crossing_without_passport_via_nunukan_with_a_recruiter_is_high(
    local_parser: LocalParser,
) -> None:
    parse = local_parser.parse("ada om ajak ke Malaysia lewat Nunukan, katanya tidak perlu paspor")
    assert {"non_procedural_route", "unlicensed_recruiter"} <= set(parse.risk.flag_names)
    assert parse.risk.level == "high"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("adik sy baru umur 16 tapi sudah diajak kerja ke malaysia", "underage"),
        ("agen minta uang 15 juta untuk biaya berangkat", "illegal_fees"),
        ("gaji sy belum dibayar 3 bulan", "wage_theft"),
        ("sy sudah tanda tangan tapi kontraknya tidak dikasih lihat", "no_contract"),
        ("calo bilang umur adik sy dinaikkan jadi 18 di KTP", "fake_documents"),
        ("dijanjikan gaji 30 juta tanpa pengalaman", "deception"),
        ("anak sy di malaysia sudah 5 bulan tidak ada kabar", "lost_contact"),
        ("they told me to go on a tourist visa and work there", "non_procedural_route"),
    ],
)
def test_each_kind_of_report_raises_its_flag(
    local_parser: LocalParser, text: str, flag: str
) -> None:
    assert flag in flags(local_parser, text)


def test_questions_about_costs_raise_no_flag(local_parser: LocalParser) -> None:
    assert flags(local_parser, "berapa biaya ke hong kong?") == set()


def test_escalation_is_logged_with_its_reason(
    local_parser: LocalParser, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="nlu.risk"):
        local_parser.parse("majikan pukul sy tiap hari")
    assert any("escalation level=urgent" in r.getMessage() for r in caplog.records)
    assert any("confinement_abuse" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "text",
    [
        "kaki sy bengkak parah, majikan tidak izinkan sy berobat ke klinik",
        "my employer refuses to take me to a doctor although I can hardly stand",
        "beta pung badan sakit, bos bilang jangan ke rumah sakit, karja terus",
    ],
)
def test_employer_denying_medical_care_is_urgent_confinement_abuse(
    local_parser: LocalParser, text: str
) -> None:
    # The spec's confinement_abuse covers "not fed" and "not allowed to leave": being kept from
    # a doctor while ill is the same deprivation of what the body needs, so it opens a case.
    parse = local_parser.parse(text)
    assert "confinement_abuse" in parse.risk.flag_names
    assert parse.risk.level == "urgent"


def test_a_report_before_an_if_clause_keeps_its_flag(local_parser: LocalParser) -> None:
    text = "sy dikunci di dapur terus kalau majikan pergi ke pasar"
    assert "confinement_abuse" in flags(local_parser, text)


def test_a_condition_after_if_is_still_hypothetical(local_parser: LocalParser) -> None:
    assert flags(local_parser, "if an agent keeps my passport, who do I call?") == set()


def test_signing_a_contract_is_not_a_general_question(local_parser: LocalParser) -> None:
    text = "agen bilang kontraknya nanti di sana baru ditanda tangan"
    assert "no_contract" in flags(local_parser, text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("tetangga nawarin sy kerja di sabah, nyebrang lewat tawau", "unlicensed_recruiter"),
        ("they said she can go as a tourist and find work later", "non_procedural_route"),
        ("sy berangkat umroh tapi nanti disuruh kerja di jeddah", "non_procedural_route"),
        ("the agency says my brother owes them 20 million", "illegal_fees"),
        ("kontraknya bahasa mandarin semua, sy tidak bisa baca", "no_contract"),
        ("di ktp sy ditulis umur 22, aslinya belum", "fake_documents"),
        ("anak majikan sering raba2 badan sy", "confinement_abuse"),
        ("my sister's phone no longer works since she went to Sabah", "lost_contact"),
    ],
)
def test_reports_in_other_words_raise_their_flag(
    local_parser: LocalParser, text: str, flag: str
) -> None:
    assert flag in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "nobody is keeping my passport, I only ask about the training schedule",
        "sy mau kirim uang ke keluarga di kampung, caranya gimana",
        "sy tidak kenal calo, daftar sendiri di disnaker",
    ],
)
def test_negated_or_harmless_money_and_papers_raise_nothing(
    local_parser: LocalParser, text: str
) -> None:
    assert flags(local_parser, text) == set()


def test_an_if_clause_after_a_statement_ends_at_and(local_parser: LocalParser) -> None:
    text = "bos marah2 kalau sy salah masak dan ktp sy dia yg simpan dari awal"
    assert "passport_withheld" in flags(local_parser, text)


def test_an_if_clause_opening_the_message_covers_and(local_parser: LocalParser) -> None:
    assert flags(local_parser, "kalau majikan pukul dan kurung pekerja, lapor ke mana?") == set()
