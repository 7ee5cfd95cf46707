"""The risk detector: reports raise flags with their trigger words; negations, general or
hypothetical questions and stories about strangers do not."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from nlu.normalize import Normaliser
from nlu.parser import LocalParser
from nlu.paths import RISK_LEXICON_FILE
from nlu.risk import RiskDetector, RiskLexicon, _is_minor_birth_year
from nlu.types import IntentScore

#: Known false flags of the learnt flag model (nlu/flag_model.py), kept visible rather than
#: dropped: it weighs "gaji" with "belum" or "katanya kerja di pabrik" as reports. They stay at
#: level medium (a warning with an offer of an officer), never an escalation; the rules alone
#: raise nothing here (test_rules_alone_raise_nothing_where_the_model_is_known_to_err).
MODEL_PRECISION_COST = "the flag model's known false flag (level medium, not an escalation)"


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


# --- Review of the first blind run, by category of failure (sentences written for these tests).


@pytest.mark.parametrize(
    "text",
    [
        "sy msh 16 thn kk, bs daftar ke malaysia lewat om sy?",
        "my son just turned 15 and a man from the next village offered him work on a boat",
        "beta pung ade masih 15 taun, om mau bawa pi malaysia",
        "anak sy kelahiran 2011, ada yg tawarin kerja di hotel",
        "adik sy blm 18 tp sudah disuruh medical",
        "i am not 18 yet but the agent says no problem",
        "padahal adik saya 17, agen tetap daftar dia",
        "she's sixteen and they already made her passport",
    ],
)
def test_a_stated_age_under_18_is_underage_and_high(local_parser: LocalParser, text: str) -> None:
    parse = local_parser.parse(text)
    assert "underage" in parse.risk.flag_names
    assert parse.risk.level in {"high", "urgent"}


@pytest.mark.parametrize(
    "text",
    [
        "sy kerja di malaysia sudah 12 tahun, mau pulang",
        "umur sy 25, bisa daftar?",
        "sy lahir 1999 mau daftar ke korea",
        "tgl 17 agustus sy berangkat",
        "anak sy 5 orang, sy mau kerja di hongkong",
    ],
)
def test_durations_dates_counts_and_adult_ages_are_not_underage(
    local_parser: LocalParser, text: str
) -> None:
    assert "underage" not in flags(local_parser, text)


def test_a_birth_year_is_a_minor_only_when_it_makes_the_person_under_18() -> None:
    today = date(2026, 11, 23)
    assert _is_minor_birth_year(2009, today)
    assert not _is_minor_birth_year(2008, today)
    assert not _is_minor_birth_year(2030, today)


@pytest.mark.parametrize(
    "text",
    [
        "agen bilang tahun lahir sy diganti biar cukup umur",
        "the recruiter told my sister to use a passport with a different birth year",
        "umur adik sy dibuat lebih tua di kk",
        "sy disuruh tanda tangan surat pernyataan sudah 18 tahun",
        "nama di paspor sy beda sama ktp, agen yg buat",
        "they put my age as 21 but I am really 16",
    ],
)
def test_a_changed_birth_date_name_or_age_is_fake_documents_without_the_word_fake(
    local_parser: LocalParser, text: str
) -> None:
    assert "fake_documents" in flags(local_parser, text)


def test_an_adult_age_on_paper_and_a_minor_age_in_fact_are_both_flagged(
    local_parser: LocalParser,
) -> None:
    text = "di kk ditulis umur 19 padahal adik sy baru 15"
    assert {"fake_documents", "underage"} <= flags(local_parser, text)


def test_asking_how_long_a_birth_certificate_takes_raises_nothing(
    local_parser: LocalParser,
) -> None:
    assert flags(local_parser, "akta lahir dibuat di capil kupang, berapa lama?") == set()


@pytest.mark.parametrize(
    "text",
    [
        "ada om dari soe yg baru pulang dr malaysia bilang bisa urus semua, sy tinggal siap2",
        "my aunt's friend came back from dubai and says she can arrange everything for my sister",
        "tanta di gereja mau bantu carikan kerja di hongkong, semua dia yang urus",
        "ada mama2 dari gereja yg bilang bisa carikan anak sy kerja di singapura",
        "sy cek di website bp2mi nama PT itu tidak ada, tapi mereka sudah minta ktp",
        "sponsor urus paspor adik sy di kupang",
    ],
)
def test_an_acquaintance_who_arranges_everything_is_an_unlicensed_recruiter(
    local_parser: LocalParser, text: str
) -> None:
    assert "unlicensed_recruiter" in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "tetangga sy mau bantu sy daftar di disnaker, boleh?",
        "sy cek di disnaker tidak ada lowongan ke korea",
    ],
)
def test_help_towards_the_official_office_is_not_an_unlicensed_recruiter(
    local_parser: LocalParser, text: str
) -> None:
    assert "unlicensed_recruiter" not in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "bos sy belum kasih gaji sudah 4 bulan",
        "beta pung gaji bos yang pegang, katanya nanti kasi sakaligus kalo su habis kontrak",
        "sy kerja 8 bulan blm pernah pegang uang sepeser pun",
        "majikan bilang gaji disimpan dulu, nanti dibayar semua kalau sy pulang",
        "i've worked 7 months and never received my salary",
        "they owe me five months of wages",
        "beta su karja 10 bulan, bos sonde kasi doi sama sekali",
    ],
)
def test_pay_withheld_or_kept_until_the_end_is_wage_theft(
    local_parser: LocalParser, text: str
) -> None:
    assert "wage_theft" in flags(local_parser, text)


def test_wages_owed_to_the_worker_are_not_a_debt_of_the_worker(local_parser: LocalParser) -> None:
    assert "illegal_fees" not in flags(local_parser, "they owe me five months of wages")


@pytest.mark.parametrize(
    "text",
    [
        "gaji sy simpan di bank saja atau kirim?",
        pytest.param(
            "sy blm kirim gaji ke rumah bulan ini",
            marks=pytest.mark.xfail(strict=True, reason=MODEL_PRECISION_COST),
        ),
        "gaji dibayar tiap bulan sampai kontrak habis kah?",
    ],
)
def test_saving_sending_or_asking_about_pay_is_not_wage_theft(
    local_parser: LocalParser, text: str
) -> None:
    assert "wage_theft" not in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "sy melamar jadi pelayan restoran tapi sampai di kuching disuruh kerja di kebun sawit",
        "my sister signed up as a caregiver but now they put her in a karaoke bar",
        "dijanjikan kerja di restoran tapi sekarang sy jaga anak majikan",
        "beta dapa tawaran dari orang di tiktok karja di myanmar, gaji basar",
        "ada akun ig yg tawarin kerja admin, tiket pesawat dibayarin",
        "the offer says huge salary and no experience needed",
        "sy ditawari kerja lewat tiktok, katanya gaji 2 kali lipat",
        "sy daftar di PT untuk jadi pekerja pabrik, tapi dikirim jadi PRT",
    ],
)
def test_another_job_than_promised_or_a_too_good_offer_is_deception(
    local_parser: LocalParser, text: str
) -> None:
    assert "deception" in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "kerja di pabrik atau jadi pembantu, mana yg lebih bagus?",
        "sy dulu kerja di toko tapi sekarang mau jadi perawat di jepang",
        "tiket pesawat ditanggung siapa kalau lewat agen resmi?",
        "tiket pulang ditanggung majikan?",
        pytest.param(
            "katanya kerja di pabrik, sy mau tanya pabrik di taiwan gajinya berapa",
            marks=pytest.mark.xfail(strict=True, reason=MODEL_PRECISION_COST),
        ),
    ],
)
def test_comparing_jobs_or_asking_who_pays_the_ticket_is_not_deception(
    local_parser: LocalParser, text: str
) -> None:
    assert "deception" not in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "kenalan sy dulu pernah ditahan paspornya di penampungan, jadi sy takut",
        "tetangga dulu dibawa calo lewat nunukan, sy tdk mau begitu, gmn cara yg benar",
        "my neighbour's daughter was locked up by her employer years ago",
        "apa boleh majikan potong gaji pekerja untuk bayar utang?",
        "is it ok for an employer to keep the workers' passports?",
        "bolehkah agen minta uang 10 juta sebelum berangkat?",
        "is it legal for a recruiter to charge 20 million?",
    ],
)
def test_an_acquaintances_past_story_or_a_permission_question_raises_nothing(
    local_parser: LocalParser, text: str
) -> None:
    assert flags(local_parser, text) == set()


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("adik sy dulu pernah dikurung majikan, skrg dia masih di sana", "confinement_abuse"),
        ("my sister's employer keeps her passport, is that allowed?", "passport_withheld"),
        ("tetangga sy nawarin kerja di kebun sawit, semua dia yg urus", "unlicensed_recruiter"),
        ("agen bilang kalau mau berangkat harus bayar 5 juta dulu", "illegal_fees"),
    ],
)
def test_reports_by_relatives_neighbours_offers_and_a_recruiters_terms_keep_their_flag(
    local_parser: LocalParser, text: str, flag: str
) -> None:
    assert flag in flags(local_parser, text)


def test_a_weak_emergency_guess_does_not_make_a_job_offer_urgent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    detector = RiskDetector()
    text = "ada om tawarin kerja di malaysia"
    normalised = Normaliser().normalise(text)
    weak = IntentScore("emergency", 0.22)
    with caplog.at_level(logging.INFO, logger="nlu.risk"):
        risk = detector.assess(normalised, text, weak, "low confidence: emergency 0.22 < 0.30")
    assert risk.flag_names == ["unlicensed_recruiter"]
    assert risk.level == "medium"
    assert any("from the flags alone" in r.getMessage() for r in caplog.records)
    sure = detector.assess(normalised, text, IntentScore("emergency", 0.9))
    assert sure.level == "urgent"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("bapa su serahkan paspor deng akta ko om yang mau bawa sy pi sabah", "passport_withheld"),
        ("the agency took my son's phone and his passport when he arrived", "passport_withheld"),
        ("PT Surya Bahari Makmur simpan ijazah adik sy dari bulan lalu", "passport_withheld"),
        ("sepupu sy ajak sy kerja di kebun sawit, katanya gampang", "unlicensed_recruiter"),
        ("yang bawa adik sy itu sopir bus kenalan bapak", "unlicensed_recruiter"),
        ("di paspor adik sy ditulis 21 padahal dia baru 16", "fake_documents"),
        ("agen suruh sy daftar pakai ktp kakak sy", "fake_documents"),
        ("they told my daughter to use her cousin's passport", "fake_documents"),
        ("calo bilang akta lahir bisa dibuatkan supaya umur cukup", "fake_documents"),
        ("kontrak kerja kami cuma lisan, tidak pernah tertulis", "no_contract"),
        ("my wife signed papers in Arabic at the office", "no_contract"),
        ("they keep half of my salary each month to pay a loan from the agent", "illegal_fees"),
        ("the driver of the family keeps trying to get into my room at night", "confinement_abuse"),
        ("sy dipindahkan ke restoran padahal di kontrak perawat lansia", "deception"),
    ],
)
def test_handed_papers_known_recruiters_borrowed_papers_and_debts_raise_their_flag(
    local_parser: LocalParser, text: str, flag: str
) -> None:
    assert flag in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "ada yang bilang ke taiwan gratis, orang bilang bayar 20 juta, mana yang benar?",
        "bagaimana bedain perusahaan resmi dengan calo?",
        "lowongan pabrik di batam resmi, setelah pelatihan langsung berangkat",
    ],
)
def test_hearsay_general_questions_and_a_quick_departure_raise_nothing(
    local_parser: LocalParser, text: str
) -> None:
    assert flags(local_parser, text) == set()


def test_a_relative_abroad_is_not_lost_contact_without_a_lost_contact_word() -> None:
    detector = RiskDetector()
    plain = "beta pung om su tiga taun di malaysia, dong potong gaji terus"
    risk = detector.assess(Normaliser().normalise(plain), plain, IntentScore("lost_contact", 0.6))
    assert "lost_contact" not in risk.flag_names
    lost = "beta pung om di malaysia su tiga bulan sonde kasi kabar"
    risk = detector.assess(Normaliser().normalise(lost), lost, IntentScore("lost_contact", 0.6))
    assert "lost_contact" in risk.flag_names
    assert risk.level == "high"


def test_saying_one_has_no_passport_is_no_route_until_a_journey_is_told(
    local_parser: LocalParser,
) -> None:
    answer = "sonde kaka, beta memang sonde pung paspor"
    assert "non_procedural_route" not in flags(local_parser, answer)
    assert "non_procedural_route" in flags(
        local_parser, "beta sonde pung paspor ma om su mau bawa beta pi sabah"
    )


def test_nobody_knowing_where_a_relative_is_raises_lost_contact_but_not_knowing_an_office_does_not(
    local_parser: LocalParser,
) -> None:
    assert "lost_contact" in flags(
        local_parser, "bapa beta di sarawak, su lama katong sonde tau dia ada di mana"
    )
    assert "lost_contact" in flags(
        local_parser, "our cousin went to Johor and the last message came in 2021"
    )
    assert "lost_contact" not in flags(local_parser, "beta sonde tau di mana kantor BP3MI")


def test_a_story_told_at_church_about_a_stranger_raises_nothing(local_parser: LocalParser) -> None:
    text = "minggu lalu ada cerita ibu dari alor disekap majikan di sabah, sy ragu mau berangkat"
    assert flags(local_parser, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "tanta mau bawa beta pi Sarawak, surat surat nanti di sana baru dong bikin",
        "agen bilang ke Johor dulu, izin kerja diurus setelah tiba",
        "the agent booked my flight to Penang and said my visa will be sorted once I land",
        "om bilang sampe Kuching baru urus paspor deng permit",
    ],
)
def test_papers_promised_at_the_destination_raise_non_procedural_route(
    local_parser: LocalParser, text: str
) -> None:
    assert "non_procedural_route" in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "sepupu saya mau ikut mandor jalan darat lewat Entikong ke Sarawak",
        "kami akan naik perahu kecil malam hari nyebrang ke Sabah",
        "dong mau bawa adik naik kapal ke Dili, ais dari sana terbang ke Kuala Lumpur",
    ],
)
def test_irregular_land_and_sea_crossings_raise_non_procedural_route(
    local_parser: LocalParser, text: str
) -> None:
    assert "non_procedural_route" in flags(local_parser, text)


def test_if_question_about_a_crossing_already_planned_is_a_report(
    local_parser: LocalParser,
) -> None:
    parse = local_parser.parse(
        "kalau lewat Sebatik tanpa paspor bisa ko? saya punya tanta sudah siap antar bulan depan"
    )
    assert {"non_procedural_route", "unlicensed_recruiter"} <= set(parse.risk.flag_names)
    assert parse.risk.level == "high"


def test_if_question_about_a_crossing_without_a_plan_raises_nothing(
    local_parser: LocalParser,
) -> None:
    assert flags(local_parser, "kalau lewat Sebatik tanpa paspor bisa ko?") == set()


def test_aunt_who_arranges_it_is_an_unlicensed_recruiter(local_parser: LocalParser) -> None:
    parse = local_parser.parse("beta mau pi kerja di Brunei pake visa turis, tanta yang urus semua")
    assert {"non_procedural_route", "unlicensed_recruiter"} <= set(parse.risk.flag_names)
    assert parse.risk.level == "high"


def test_is_it_true_question_about_recruiters_raises_nothing(local_parser: LocalParser) -> None:
    text = "apakah benar sponsor suka tahan ijazah supaya orang tidak pulang?"
    assert flags(local_parser, text) == set()


def test_news_story_about_a_child_raises_nothing(local_parser: LocalParser) -> None:
    parse = local_parser.parse(
        "saya baca berita anak umur 16 dari Alor dibawa ke Surabaya pakai akta palsu."
        " bagaimana bisa?"
    )
    assert parse.risk.flags == ()


def test_news_story_about_the_writers_child_still_raises_flags(local_parser: LocalParser) -> None:
    assert "underage" in flags(
        local_parser, "ada berita soal anak saya umur 16 yang dibawa ke Surabaya pakai akta palsu"
    )


@pytest.mark.parametrize(
    "text",
    ["anak sy 14 thn diajak kerja ke malaysia", "adik saya 15 tahun dibawa sponsor ke batam"],
)
def test_an_age_followed_by_a_word_starting_with_di_is_still_an_age(
    local_parser: LocalParser, text: str
) -> None:
    assert "underage" in flags(local_parser, text)


@pytest.mark.parametrize(
    "text",
    [
        "sy blm kirim gaji ke rumah bulan ini",
        "katanya kerja di pabrik, sy mau tanya pabrik di taiwan gajinya berapa",
    ],
)
def test_rules_alone_raise_nothing_where_the_model_is_known_to_err(
    local_parser: LocalParser, text: str
) -> None:
    rules = RiskDetector()
    normalised = Normaliser().normalise(text)
    assert rules.flags(normalised, text) == []
    assert local_parser.parse(text).risk.level == "medium"


def _rule_flags(text: str) -> set[str]:
    return {f.name for f in RiskDetector().flags(Normaliser().normalise(text), text)}


def test_a_lost_contact_that_is_over_raises_no_flag() -> None:
    assert "lost_contact" not in _rule_flags(
        "kemarin adik sy di malaysia tdk ada kabar, ternyata hpnya rusak, sdh ada kabar lagi"
    )
    assert "lost_contact" in _rule_flags("adik sy di malaysia sdh 2 bulan tdk ada kabar")


def test_the_writers_own_dying_battery_is_no_lost_contact() -> None:
    assert _rule_flags("udah dulu ya kak, hp sy mau mati, nanti sambung") == set()
    assert "lost_contact" in _rule_flags("suami sy di sabah, hp nya mati terus sejak juni")


def test_someone_holding_their_own_papers_is_not_withheld() -> None:
    assert _rule_flags("does my sister need a birth certificate? she has KTP and KK") == set()
    assert _rule_flags("adik sy di taiwan baik, paspor dia pegang sendiri") == set()
    assert "passport_withheld" in _rule_flags("the agency still has my passport")
    assert "passport_withheld" in _rule_flags("SPONSOR BAWA PASPOR KAMI SEMUA, SY GK PEGANG APA2")


def test_held_until_a_ransom_is_paid_is_confinement() -> None:
    assert "confinement_abuse" in _rule_flags(
        "kakak sy di kamboja, bos minta tebusan 20 juta baru dia dilepas pulang"
    )


def test_a_trip_that_is_not_official_tells_the_route_not_a_recruiter() -> None:
    flags = _rule_flags("bapa sy dulu pergi tidak resmi ke malaysia, sekarang sakit di sana")
    assert "unlicensed_recruiter" not in flags


def test_acquaintances_kin_in_hearsay_are_not_the_writers_relatives() -> None:
    assert (
        _rule_flags("tetangga pung nona dipukul majikan di sabah, beta dengar dengar sa") == set()
    )
    assert (
        _rule_flags("anak tetangga kami katanya dipukul majikan, sy dengar dengar dr pasar")
        == set()
    )


@pytest.mark.parametrize(
    ("text", "distrusted"),
    [
        (
            "I saw on the news that girls from Sumba were trapped, how does it happen?",
            True,
        ),
        ("tolong kak, adik sy dikurung majikan di malaysia", False),
    ],
)
def test_an_emergency_guess_for_a_story_about_others_does_not_escalate_by_itself(
    text: str, distrusted: bool
) -> None:
    reason = RiskDetector().distrust(Normaliser().normalise(text), IntentScore("emergency", 0.8))
    assert (reason is not None) is distrusted


@pytest.mark.parametrize("name", ["risk_lexicon.yml", "lexicon.yml", "entities.yml"])
def test_lexicon_files_have_no_repeated_keys(name: str) -> None:
    """YAML keeps the last of two equal keys without a word, which silently drops rules."""
    import yaml

    from nlu.paths import DATA_DIR

    repeated: list[str] = []

    class StrictLoader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        repeated.extend(str(k) for k in keys if keys.count(k) > 1)
        return loader.construct_mapping(node)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load((DATA_DIR / name).read_text(encoding="utf-8"), Loader=StrictLoader)
    assert repeated == []


def test_a_relative_not_reachable_for_months_is_lost_contact() -> None:
    assert "lost_contact" in _rule_flags("my sister in Johor has not been reachable since May")
    assert "lost_contact" in _rule_flags("suami sy di sabah belum bisa dihubungi 3 bulan")


def test_the_person_who_arranges_everything_is_an_individual_recruiter() -> None:
    assert "unlicensed_recruiter" in _rule_flags(
        "sy mau ke malaysia lewat pontianak, yg atur semua ibu Martha dr kupang"
    )


def test_tetun_words_for_being_kept_indoors_reach_the_rules() -> None:
    assert "confinement_abuse" in _rule_flags("ajuda, patraun la bele ha'u sai husi uma")


def test_a_beating_that_follows_every_protest_is_a_report_not_a_hypothetical() -> None:
    assert "confinement_abuse" in _rule_flags(
        "beta ada di kapal su 8 bulan, kalo protes dong pukul"
    )
    assert "confinement_abuse" in _rule_flags("if i ask for my pay they hit me")


@pytest.mark.parametrize(
    "text",
    [
        "kalau saya kabur nanti majikan pukul saya?",
        "if i refuse will they beat me",
        "kalau majikan pukul saya lapor ke mana",
    ],
)
def test_a_feared_or_asked_about_beating_stays_hypothetical(text: str) -> None:
    assert "confinement_abuse" not in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "kapten sonde kasi turun ke darat, su 8 bulan di kapal",
        "the captain never lets us go ashore",
        "he doesn't let me leave the house",
    ],
)
def test_crew_kept_on_board_or_a_worker_kept_inside_is_confinement(text: str) -> None:
    assert "confinement_abuse" in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "HKID sy disimpan majikan di lemari, sy ga boleh pegang sendiri",
        "agen simpan permit sy",
        "The recruiter in Kupang kept my brother's diploma and birth certificate as a guarantee",
        "kontrak sy udh selesai tp majikan ga mau balikin paspor",
    ],
)
def test_foreign_id_cards_permits_and_diplomas_held_are_passport_withheld(text: str) -> None:
    assert "passport_withheld" in _rule_flags(text)


def test_asking_the_office_for_a_person_to_visit_is_no_recruiter() -> None:
    text = "kaka, ada orang yang bisa datang di rumah ko? beta pung mama sonde tau baca"
    assert "unlicensed_recruiter" not in _rule_flags(text)
    assert "unlicensed_recruiter" in _rule_flags(
        "ada orang datang ke kampung ajak anak saya ke malaysia"
    )


def test_asking_how_to_send_money_home_is_no_fee() -> None:
    assert _rule_flags("sy cuma mau tanya kirim uang lewat apa yg murah") == set()
    assert "illegal_fees" in _rule_flags("agen suruh sy kirim uang 5 juta dulu")


def test_a_journey_on_which_nobody_has_a_passport_is_non_procedural() -> None:
    assert "non_procedural_route" in _rule_flags(
        "we go by ship and then by car across to Malaysia, nobody has a passport"
    )


@pytest.mark.parametrize(
    "text",
    [
        "sy liat di tiktok ada TKW dipukul majikan di Arab, ngeri. gmn cara supaya tdk kena?",
        "i saw a video on facebook of a maid beaten by her employer, how do i avoid that?",
    ],
)
def test_abuse_of_strangers_seen_on_social_media_raises_nothing(text: str) -> None:
    assert _rule_flags(text) == set()


def test_a_job_ad_seen_on_social_media_is_still_the_writers_offer() -> None:
    text = "beta liat di FB ada lowongan di Kamboja, pake visa turis, beta su daftar"
    assert "non_procedural_route" in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "bukan hilang kontak kak, anak sy sdh telpon tadi. mau tanya kirim uang lewat apa",
        "mama di Taiwan sempat 2 hari tdk ada kabar krn hp rusak, skrg sdh telpon lg, aman",
    ],
)
def test_a_lost_contact_guess_for_a_contact_that_is_back_does_not_escalate_by_itself(
    text: str,
) -> None:
    reason = RiskDetector().distrust(Normaliser().normalise(text), IntentScore("lost_contact", 0.8))
    assert reason is not None


def test_a_relative_still_silent_is_trusted_as_lost_contact() -> None:
    text = "anak sy sudah 3 bulan tdk ada kabar, terakhir dia bilang mau pulang dari malaysia"
    reason = RiskDetector().distrust(Normaliser().normalise(text), IntentScore("lost_contact", 0.9))
    assert reason is None


def test_papers_held_so_the_worker_does_not_run_away_keep_the_model_flag(
    local_parser: LocalParser,
) -> None:
    parse = local_parser.parse(
        "LPK tempat adik latihan nahan ijazah dan paspornya, katanya sbg jaminan biar ga kabur"
    )
    assert "passport_withheld" in parse.risk.flag_names
    assert parse.risk.level == "high"


@pytest.mark.parametrize(
    "text",
    [
        "PT itu resmi ko sonde? dong pegang beta pung ade pung KTP deng ijazah asli su dua bulan",
        "my brother already gave him his KTP and he hasn't returned it",
        "where do I report the man who took my brother's passport?",
    ],
)
def test_papers_held_a_few_words_away_or_not_returned_are_passport_withheld(text: str) -> None:
    assert "passport_withheld" in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "The agency has been great, pays on time, she keeps her own passport. Is the licence real?",
        "my employer lets me keep my passport but my friend's employer does not, is that allowed",
        "my employer in HK gave my passport back and pays on time, can I ask for holiday pay?",
    ],
)
def test_papers_that_are_the_workers_own_or_given_back_raise_no_passport_flag(
    local_parser: LocalParser, text: str
) -> None:
    assert "passport_withheld" not in flags(local_parser, text)


def test_a_manggarai_no_news_is_lost_contact() -> None:
    assert "lost_contact" in _rule_flags(
        "kraeng, nana daku ngo Malaysia thn 2019, toe manga kabar sampai leso ho'o"
    )


def test_a_beating_for_missing_a_target_is_a_report_and_a_feared_one_is_not() -> None:
    assert "confinement_abuse" in _rule_flags(
        "disuruh tipu org lewat hp, kalau tdk capai target dipukul"
    )
    assert _rule_flags("kalau tidak bayar dipukul?") == set()


def test_an_if_question_about_an_offer_already_made_is_a_report() -> None:
    text = "perlu paspor ko kalo lewat nunukan? om yg ajak bilang sonde usah, naik perahu sa"
    assert "non_procedural_route" in _rule_flags(text)
    assert "non_procedural_route" not in _rule_flags("kalau lewat nunukan perlu paspor?")


def test_going_with_a_friend_who_arranges_it_is_an_unlicensed_recruiter() -> None:
    assert "unlicensed_recruiter" in _rule_flags(
        "beta pung ana nona mau iko dia pung tamang yg karja di Sabah"
    )
    assert "unlicensed_recruiter" not in _rule_flags(
        "my cousin is stuck in a compound, he messaged from a friend's phone"
    )


@pytest.mark.parametrize(
    "text",
    [
        "The recruiter told my mum to say she's going to a wedding in Surabaya",
        "He says she just gets on a boat to Nunukan and he sorts out the rest",
    ],
)
def test_lying_about_a_wedding_or_a_boat_to_a_crossing_point_is_non_procedural(text: str) -> None:
    assert "non_procedural_route" in _rule_flags(text)


def test_a_tetun_cry_that_she_is_not_fed_is_confinement() -> None:
    assert "confinement_abuse" in _rule_flags(
        "Ajuda mai ha'u! Ha'u-nia oan feto iha Malaysia, nia patraun la fo han"
    )


def test_school_children_in_a_general_question_are_not_the_writers_kin() -> None:
    assert _rule_flags("tanda-tanda anak sekolah mau dijual ke luar tu apa sa? beta guru") == set()
    assert "underage" in _rule_flags("anak saya masih anak sekolah, ada om ajak dia ke malaysia")


def test_a_minor_who_will_wait_until_18_is_not_underage() -> None:
    text = "adik sy baru 17, dia mau tunggu sampai umur 18 dulu baru daftar. syaratnya apa?"
    assert "underage" not in _rule_flags(text)
    assert "underage" in _rule_flags("adik sy baru 17, mau daftar ke malaysia")


def test_papers_taken_by_immigration_on_arrest_are_not_withheld_by_an_employer() -> None:
    assert "passport_withheld" not in _rule_flags(
        "my passport was taken by Malaysian immigration when I was detained, how do I get another?"
    )


def test_not_being_let_to_take_the_contract_home_is_no_confinement() -> None:
    text = "kontrak dong kasi liat sabantar sa trus ambil kambali, sonde kasi bawa pulang"
    assert "confinement_abuse" not in _rule_flags(text)
    assert "confinement_abuse" in _rule_flags("majikan sonde kasi beta pulang")


def test_a_lost_contact_guess_with_no_word_of_silence_does_not_escalate_by_itself() -> None:
    text = "not urgent, nobody is in danger, just a general question: can a 17 year old go abroad?"
    reason = RiskDetector().distrust(Normaliser().normalise(text), IntentScore("lost_contact", 0.5))
    assert reason is not None


def test_an_emergency_guess_for_abuse_named_only_to_deny_it_does_not_escalate_by_itself() -> None:
    detector = RiskDetector()
    denied = (
        "ade beta bilang majikan sonde pernah pukul dia, cuma suka marah2 sa, itu bisa lapor ko?"
    )
    told = "majikan tidak pernah pukul saya tapi kunci saya di kamar"
    assert detector.distrust(Normaliser().normalise(denied), IntentScore("emergency", 0.6))
    assert detector.distrust(Normaliser().normalise(told), IntentScore("emergency", 0.6)) is None


def test_a_story_seen_in_a_drama_or_on_tiktok_raises_nothing() -> None:
    text = (
        "kmrn liat di tiktok ada cewe NTT ditipu kerja di Myanmar, paspornya ditahan. gmn biar ga?"
    )
    assert _rule_flags(text) == set()
    reason = RiskDetector().distrust(
        Normaliser().normalise("lg nonton drakor ttg org diculik di Kamboja, serem bgt"),
        IntentScore("emergency", 0.6),
    )
    assert reason is not None


#: Reports in words the first rules did not know, each found missing on a blind set's first run
#: (sets 19-27 and 30-33) and added by category.
@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "my agency has had my passport since I arrived and won't hand it over",
            "passport_withheld",
        ),
        ("the man who recruited us said we go as tourists", "unlicensed_recruiter"),
        ("karja di Timor Leste dolo, lewat pos batas sonde usa urus apa2", "non_procedural_route"),
        ("my daughter called crying, she has not eaten since yesterday", "confinement_abuse"),
        ("sy umur 16 kak, om yg urus bilang nanti di KTP dibuat 18", "underage"),
        (
            "majikan sonde kasi beta libur, HP ju dia simpan, cuma boleh pake satu jam",
            "confinement_abuse",
        ),
        ("kontrak sdh lewat 3 bln tp kapten blm kasih turun", "confinement_abuse"),
        ("majikan bilang paspor baru dikasih kalau sy bayar 5 juta", "passport_withheld"),
        ("majikan bilang paspor baru dikasih kalau sy bayar 5 juta", "illegal_fees"),
        (
            "tanta bilang beta sonde usah bawa apa-apa, nanti di pontianak ada orang jemput",
            "unlicensed_recruiter",
        ),
        ("he'll just put me on a plane to KL as a tourist", "non_procedural_route"),
        ("my sister called crying, her employer burns her with an iron", "confinement_abuse"),
        ("dong bilang nama di paspor nanti pake nama orang lain, biar umur cukup", "underage"),
        (
            "kontrak sdh habis tp majikan blm kasih paspor, katanya tunggu pengganti",
            "passport_withheld",
        ),
        (
            "kakak kelas nawarin magang di Jepang, abis itu katanya kabur aja kerja",
            "non_procedural_route",
        ),
        ("tanta yg datang kemarin su bawa pi kaka pung KTP deng KK", "passport_withheld"),
        ("beta pung bos sonde kasi beta pegang beta pung paspor", "passport_withheld"),
        ("calo minta 2 jt buat ubah umur adik sy di ktp biar bisa ikut brgkt", "underage"),
        (
            "org yg urus bilang kalau ditanya di bandara bilang mau ke nikahan",
            "non_procedural_route",
        ),
        (
            "org yg urus bilang kalau ditanya di bandara bilang mau ke nikahan",
            "unlicensed_recruiter",
        ),
        ("sy brgkt besok, kontrak blm pernah sy liat", "no_contract"),
        ("ha'u hakarak ba Malaysia, ema ida dehan la presiza pasaporte", "unlicensed_recruiter"),
        ("kalau blm lunas biaya pelatihan, paspor sy ditahan LPK", "passport_withheld"),
        ("om hakarak lori ha'u ba Malaysia, la iha pasaporte", "non_procedural_route"),
        ("keponakan sy di taiwan tdk bls WA sdh 3 bln", "lost_contact"),
        ("pesan ke anak sy tdk dibaca sdh sebulan, agen bilang dia baik2 saja", "lost_contact"),
        ("my niece is being held at a house in Kupang by the recruiter", "confinement_abuse"),
        ("my cousin says the guy said he will walk them over the border", "unlicensed_recruiter"),
        ("sy umur 16 tp calo bilang tulis saja 18 di formulir", "fake_documents"),
        ("kakak sy minta pulang tapi tidak dikasih sama majikan", "confinement_abuse"),
        ("calo blg pspor sy dia yg simpen smp brgkt", "passport_withheld"),
        ("keponakan sy (16) ditawari kerja di restoran di malaysia", "underage"),
        ("the recruiter wants both girls, my nieces, 14 and 16", "underage"),
        (
            "my son was told to say at the airport in Kupang that he is visiting a wedding",
            "non_procedural_route",
        ),
        ("my nephew gave him his KTP last week", "passport_withheld"),
        (
            "the visa the agent gave my sister says umrah, but she goes to work",
            "non_procedural_route",
        ),
        ("majikan larang kakak sy keluar rumah, hari minggu juga", "confinement_abuse"),
        ("sdh setahun sy tdk dengar suara adik sy di sabah", "lost_contact"),
        ("our son went to Malaysia last year, no calls at all since Easter", "lost_contact"),
        ("ana nona di Malaysia te kasi kabar dari Natal", "lost_contact"),
        ("kaka dapa tawaran pi Batam, tiket deng makan dong tanggung semua", "deception"),
        ("they want $1500 upfront and say she can work on a student visa", "non_procedural_route"),
        ("they want $1500 upfront and say she can work on a student visa", "illegal_fees"),
        ("kontrak abis tp bos bilang paspor ga dibalikin sblm ada pengganti", "passport_withheld"),
        ("my niece just turned 15 and the agent says she can go next month", "underage"),
        ("the uncle of Maria (15) asked me to write: an agent wants her for Malaysia", "underage"),
        ("a man came offering my son work on a palm estate", "unlicensed_recruiter"),
        (
            "the parents say the girls may not go out and their phones were taken",
            "confinement_abuse",
        ),
        ("calo sdh bawa ponakan sy yg msh SMP ke kupang", "underage"),
        ("tauke pegang beta pung paspor dari awal datang", "passport_withheld"),
        ("the agency will only give back my brother's passport if we pay", "passport_withheld"),
        ("om suruh ubah tahun lahir adik di KK biar cukup umur", "underage"),
        (
            "ditawari kerja di hotel, yg ngajak om sendiri, visanya visa kunjungan",
            "unlicensed_recruiter",
        ),
        ("kaka di Kamboja bilang ok sa, cuma paspor kantor yang pegang", "passport_withheld"),
        ("kak, sy lg ngumpet di kamar mandi, majikan lg ngamuk", "confinement_abuse"),
        ("sonde, beta sonde pegang paspor, majikan yang pegang", "passport_withheld"),
        ("my nephew went to Taiwan and they have had no news for a year", "lost_contact"),
        (
            "the agent who sent him still has his passport and says he must sign again",
            "passport_withheld",
        ),
        ("dong kasi ade visa ziarah, bilang sama deng visa karja", "deception"),
        ("she was told she would be a cook but the visa they gave her says umrah", "deception"),
        ("calo kumpul KTP anak2 muda di desa. ponakan sy sdh kasi KTPnya", "passport_withheld"),
        (
            "bos bilang beta bisa datang karja, beta pung ipar yang urus smua",
            "unlicensed_recruiter",
        ),
        ("sdh tdk bisa hub istri sy di hongkong sejak bulan lalu", "lost_contact"),
        ("adik sy 15 thn sdh 3 bln di penampungan PT", "underage"),
        (
            "no news from my son since March. The sponsor says he is fine but gives no number",
            "lost_contact",
        ),
        ("my brother's WhatsApp was last seen in August, he works on a boat", "lost_contact"),
        ("beta belum dapa kontrak, paspor ju dong su ambil", "passport_withheld"),
        ("paspor sy msh disimpen agen dr wkt brgkt", "passport_withheld"),
        ("buku pelaut suami sy dipegang kapten", "passport_withheld"),
        ("dong sonde kasi ade pegang HP", "confinement_abuse"),
        ("agen bilang umur ade bisa dinaikkan di KTP biar cukup 18", "underage"),
        ("lewat tawau jalan kaki katanya aman, om sdh biasa antar org", "unlicensed_recruiter"),
        ("bapa mau kirim adik sy yg umur 17 k malaysia", "underage"),
        ("my brother is crew on a longliner, last message was in March", "lost_contact"),
        ("paspornya skrg dipegang bapak itu dan tdk mau dikasih", "passport_withheld"),
        (
            "beta pung nona umur 17 mau didaftar PT, dong bilang tunggu 18 di penampungan sa",
            "underage",
        ),
        ("the agency says he's fine but we have not spoken to him for 8 months", "lost_contact"),
        ("the agency said my son can go at 16 if they change his birth year", "underage"),
        ("sodara mau pi ziarah ke Arab tapi sebenarnya mau karja", "non_procedural_route"),
    ],
)
def test_reports_found_missing_on_later_blind_sets_raise_their_flag(text: str, flag: str) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "PT yg rekrut bapa sy sdh kasih kontrak, paspor dipegang bapa sendiri, sy mau cek izinnya",
        "can you help me write a birthday message for my daughter, she turns 10",
        "not an emergency, just asking: is an employer allowed to lock the door when they go out?",
        "if someone's employer hits them, which number should they call? it's for a poster",
        "a friend told me about a boy whose agent kept his passport. what signs should I watch for",
        "beta pung tetangga pung anak dulu dong bawa pi Malaysia lewat jalan belakang, su lama",
        "paspor saya disimpan ibu di lemari rumah, aman",
        "my passport is kept by my mother in a locked drawer at home",
        "adik sy rutin kirim uang dari malaysia, dia baik2 saja",
        "sy dgr ada org dijual ke kamboja, gmn jaga anak2 kami",
        "anak sy kerja di pabrik di penang, gaji lancar, paspor di dia",
        "my kids, 12 and 9, stay with my mother while I work in Hong Kong",
        "umur beta 17, tapi beta sonde mau pi skarang, tunggu 18 dulu",
        "kaka di hongkong ilang sinyal sa, dia su talepon tadi",
        "they won't let me keep a copy of the contract",
        "a girl from the next village, we don't know her family, was trafficked. what signs?",
        "akta lahir beta pung ade ilang, bisa urus dokumen ko sonde?",
        "ada calo keliling desa tawarkan kerja tanpa paspor. blm ada warga yg ikut, sy lapor saja",
        "My father is coming home from Malaysia after 12 years. Is there a program for returnees?",
        "sy 17 thn, blm boleh brgkt ya? ya udh nunggu tahun dpn aja",
        "ciri2 calo yg suka tahan paspor tu kyk gmn kak?",
        "she offered to keep my passport in her safe but I said no",
        "wkwk aku 'dikurung' di kamar sm anak majikan suruh main game 🤣",
        "I saw an ad for jobs in Poland but I did not reply. Where are the official vacancies?",
        "is my employer allowed to keep my passport? I still have it, just curious",
        "katanya jgn percaya calo yg blg ga perlu paspor. lowongan resmi di mana?",
        "For a village talk: how do we explain signs of locking workers in or keeping passports?",
        "kermana katong tau agen yang suka tahan paspor?",
        "beta pung laki sonde telpon 3 hari... o su, barusan dia telpon, HP rusak sa",
        "ana pung akta lahir ilang, dia su 20 taon, bisa pake surat lain ko?",
        "my wife is fine, she just can't use her phone during work hours. normal?",
        "anak sy jarang telpon krn pindah pabrik, dia sdh kabari lwt FB",
        "No, nobody's holding my passport, I have it.",
        "My mum is holding onto my passport back home for safekeeping, can she post it?",
        "the hotline no 0800 gk bs ditelpon dr luar negeri, pake no apa?",
        "The embassy is holding onto my sister's passport while they process her visa",
        "Help! I locked myself out of my Facebook account lol",
        "dong bilang anak di bawah 18 sonde boleh berangkat, batul ko?",
        "ada tetangga ditawari kerja lwt jalur belakang. bukan kel sy, cm mau kasih tau",
        "anak sy 17 thn, sy tdk mau kirim dia kerja dulu, tunggu tamat",
        "I heard a story at church about a boy who went through Entikong without papers",
        "a man is going house to house offering jobs. He hasn't talked to my family.",
        "kontrak ada, paspor sy pegang sendiri. makanan di asrama kurang, hak sy dpt makan layak?",
        "anak sy baru 17 thn, sy bilang tunggu smp 18 baru daftar resmi. betul kan?",
    ],
)
def test_own_papers_a_birthday_general_questions_and_others_stories_raise_nothing(
    text: str,
) -> None:
    assert _rule_flags(text) == set()


def test_recruiters_looking_for_young_people_are_no_lost_relative() -> None:
    assert "lost_contact" not in _rule_flags("di kampung sy banyak calo cari anak muda, mau lapor")


def test_asking_to_go_home_and_getting_the_ticket_later_is_no_confinement() -> None:
    assert "confinement_abuse" not in _rule_flags("sy mau pulang tapi belum dikasih tiket")


def test_a_husband_with_a_weak_signal_who_still_calls_is_not_lost() -> None:
    assert "lost_contact" not in _rule_flags(
        "suami sy di kebun sawit sinyal susah, tp tetap telpon tiap minggu"
    )


@pytest.mark.parametrize(
    "text",
    [
        "no one took my passport, I lost it on the bus",
        "no, my sister is not under 18, she is 20",
    ],
)
def test_a_no_before_the_words_denies_them(text: str) -> None:
    assert _rule_flags(text) == set()


def test_every_word_list_of_the_risk_lexicon_holds_words(tmp_path: Path) -> None:
    """An unquoted `no` in YAML is the boolean False, and was once silently missing from the
    negators: the lexicon refuses to load such a list."""
    broken = tmp_path / "risk_lexicon.yml"
    broken.write_text(
        RISK_LEXICON_FILE.read_text(encoding="utf-8").replace('"no", nobody', "no, nobody"),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="negators"):
        RiskLexicon.load(broken)
    assert "no" in RiskLexicon.load().negators


def test_the_model_does_not_raise_a_flag_on_words_its_rules_judged_hypothetical(
    local_parser: LocalParser,
) -> None:
    text = "If my employer ever locks me in the house, who do I report to? Asking before I leave."
    assert "confinement_abuse" not in flags(local_parser, text)


def test_a_kak_that_addresses_the_reader_is_no_relative() -> None:
    assert _rule_flags("Upan fauk paspor kaka?") == set()
    assert "passport_withheld" in _rule_flags("kaka sy paspornya ditahan agen, tolong kak")


def test_a_danger_word_quoted_in_jest_does_not_make_an_emergency() -> None:
    detector = RiskDetector()
    joke = "majikan sy tiap hari 'nyiksa' sy pake masakan enak 😂"
    told = "majikan sy nyiksa sy tiap hari 😭"
    assert detector.distrust(Normaliser().normalise(joke), IntentScore("emergency", 0.8), joke)
    assert (
        detector.distrust(Normaliser().normalise(told), IntentScore("emergency", 0.8), told) is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "sy udh byr uang admin 7jt ke kantor cabang, janji berangkat 2 minggu, blm ada kabar",
        "sy sdh kasi doi ke sponsor, tapi sampe sekarang sponsor sonde kasi kabar",
    ],
)
def test_an_agency_or_sponsor_silent_about_a_departure_is_no_lost_relative(text: str) -> None:
    assert "lost_contact" not in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "sudah setahun kakak saya tidak pernah keluar rumah majikan, mohon bantu",
            "confinement_abuse",
        ),
        ("the employer won't let my wife use her phone, even on Sundays", "confinement_abuse"),
        ("PT Fajar Sentosa pegang saya punya paspor sudah tiga bulan", "passport_withheld"),
        ("sudah lebaran dua kali suami saya belum juga telepon", "lost_contact"),
    ],
)
def test_reports_found_missing_on_blind_sets_66_to_69_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "dulu majikan pernah pukul adik saya, tapi sekarang dia sudah pindah ke majikan baru"
        " yang baik",
        "tahun lalu om saya pernah dibawa calo lewat nunukan, tapi sekarang dia sudah pulang"
        " dan kerja",
    ],
)
def test_a_danger_told_in_the_past_and_said_to_be_over_raises_nothing(text: str) -> None:
    assert _rule_flags(text) == set()


def test_a_past_danger_the_writer_wants_to_report_stays_flagged() -> None:
    text = "adik saya dulu pernah dipukul majikan, sekarang sudah pulang, saya mau lapor kasusnya"
    assert "confinement_abuse" in _rule_flags(text)


def test_a_teacher_explaining_the_signs_to_pupils_raises_nothing() -> None:
    text = (
        "saya mau jelaskan ke murid tanda tanda penipuan seperti paspor ditahan dan gaji tidak"
        " dibayar"
    )
    assert _rule_flags(text) == set()


def test_a_passport_held_by_the_daughter_who_travels_is_no_withheld_passport() -> None:
    assert _rule_flags("agen sudah kasih kontrak, paspor tetap dipegang anak saya") == set()


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("gmn urus paspor baru? yg lama dipegang agen di batam", "passport_withheld"),
        (
            "my passport expires soon but the agency still keeps it in their office",
            "passport_withheld",
        ),
        ("where is the consulate? my passport is with my employer", "passport_withheld"),
        ("agen bilang paspor tidak bisa dikasih kalau sy belum lunas", "passport_withheld"),
        ("dia su pegang pisau lagi", "confinement_abuse"),
        ("adik sy 16 tahun sudah di penampungan di kupang", "underage"),
        # The writer took part: what a story word opens is the writer's own offer.
        (
            "sy lihat di fb ada orang tawar kerja di kamboja pakai visa turis, sy sudah kirim ktp"
            " ke dia",
            "non_procedural_route",
        ),
    ],
)
def test_reports_found_missing_on_blind_sets_70_to_73_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "kata teman kalau bilang mau liburan paspor lebih cepat keluar, betul ka?",
        "lowongan resmi cari di mana kaka?",
        "kaka, sy mau lapor calo yang ambil anak anak muda di kampung",
        "kami ditampung di surabaya, blm ada kabar berangkat dari pt",
        "no, nobody took her passport, she keeps it herself",
        "sy masak di dapur restoran, tiap hari pegang pisau untuk potong sayur",
    ],
)
def test_advice_vocatives_departure_news_own_papers_and_kitchen_knives_do_not_escalate(
    text: str,
) -> None:
    assert not _rule_flags(text) & {
        "passport_withheld",
        "lost_contact",
        "confinement_abuse",
        "non_procedural_route",
    }


def test_an_emergency_guess_in_a_message_that_says_it_is_over_or_no_emergency_is_distrusted() -> (
    None
):
    detector = RiskDetector()
    for text in (
        "iya kak, sy sdh aman skrg, sdh di rumah",
        "thanks, my brother got released yesterday and is on the ship home now",
        "not an emergency, just asking: can an employer lock the door?",
    ):
        assert detector.distrust(Normaliser().normalise(text), IntentScore("emergency", 0.6), text)


def test_a_danger_over_only_if_it_comes_is_still_current() -> None:
    text = "makasih kak, nanti sy kabari kalau sdh ada kabar dr suami, sdh 4 bln hilang kontak"
    assert "lost_contact" in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("ktp dan ijazah sy masih di tangan om sponsor", "passport_withheld"),
        ("the employer withholds my passport and I am sick", "passport_withheld"),
        ("my employer refuses to give back my passport", "passport_withheld"),
        ("PT Bunga Lontar tahan beta pung ade pung paspor su 3 bulan", "passport_withheld"),
        (
            "a recruiter is collecting passports from the young men in our village, my brother"
            " gave his too",
            "passport_withheld",
        ),
    ],
)
def test_reports_found_missing_on_blind_sets_74_to_77_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        # one condition over two clauses
        "kalau kontrak habis tapi majikan tidak mau kasih paspor, itu melanggar hak kan?",
        # a condition about a later day, even with a departure planned
        "kalau nanti di sana paspor sy ditahan majikan, lapor ke mana? sy berangkat bulan depan",
        # the writer announcing a question
        "sy mau tanya, apa majikan boleh tahan paspor?",
        # a rumour, and a past danger that is over
        "my neighbour says lots of people cross from Nunukan without a passport",
        "kakak sy dulu pernah disekap majikan, tapi sdh pulang dan sehat skrg",
        # a sick pig that will not eat
        "babi sy sakit, tidak mau makan",
    ],
)
def test_conditions_questions_rumours_and_pigs_raise_no_escalating_flag(text: str) -> None:
    assert not _rule_flags(text) & {
        "passport_withheld",
        "confinement_abuse",
        "non_procedural_route",
    }


def test_a_condition_over_two_clauses_about_a_habit_is_still_a_report() -> None:
    assert "confinement_abuse" in _rule_flags("kalau saya minta pulang tapi majikan pukul saya")


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # a harm that has happened before is no hypothetical
        ("kalau dia lihat sy pegang hp nanti sy dipukul lagi kayak kemarin", "confinement_abuse"),
        # the "belum" of the first thing told does not deny the second
        ("gaji 4 bulan blm dibayar dan paspornya dipegang mandor", "passport_withheld"),
        # a routine of the employer's, told in the passive
        ("kalau majikan keluar pintu dikunci dari luar", "confinement_abuse"),
        # what the writer wants to report is real
        (
            "kalau mau lapor agen yg tahan KTP adik sy, ke disnaker atau polisi?",
            "passport_withheld",
        ),
        ("paspor sy sdh mati, bos tdk mau kembalikan, bisa bikin baru?", "passport_withheld"),
        ("he is very sick and nobody takes him to a doctor", "confinement_abuse"),
        ("a tanta from my village says I can go on a visit visa", "unlicensed_recruiter"),
    ],
)
def test_reports_found_missing_on_blind_sets_78_to_81_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("kalo agen minta paspor disimpan dia, itu tanda bahaya ka?", "passport_withheld"),
        ("my passport got burned in a fire at the workers quarters", "confinement_abuse"),
        ("sy sudah bayar ke PT, sekarang PT tu sonde bisa ditelpon", "lost_contact"),
        ("my mum was trafficked years ago, she is home and fine now", "confinement_abuse"),
        (
            "I don't want to go on a tourist visa like some people in my village",
            "non_procedural_route",
        ),
    ],
)
def test_demands_asked_about_fires_silent_companies_and_old_stories_raise_nothing(
    text: str, flag: str
) -> None:
    assert flag not in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "tanta yg bawa adik ke malaysia itu, kenapa? adik sy sdh kasih paspornya",
            "passport_withheld",
        ),
        ("agen sonde mau kas kembali beta pung paspor", "passport_withheld"),
        ("nanti beta kabari kalo bos su kas kembali beta pung paspor", "passport_withheld"),
        ("beta su daftar lewat orang di facebook, lewat Nunukan sa", "unlicensed_recruiter"),
        ("my employer doesn't hit me but she pushes me and yells", "confinement_abuse"),
        ("bos sonde kasi beta pegang beta pung paspor", "passport_withheld"),
    ],
)
def test_reports_found_missing_on_blind_sets_82_to_85_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "batul ko majikan sonde boleh pegang katong pung paspor? cuma mau tau",
            "passport_withheld",
        ),
        ("sy lagi nulis cerpen ttg TKW yg disekap majikan", "confinement_abuse"),
        (
            "teman2 bilang lewat Nunukan lebih cepat tanpa paspor, tapi sy mau yg resmi",
            "non_procedural_route",
        ),
        ("she got a DM with a job offer, she hasn't answered yet", "lost_contact"),
        (
            "dulu adik sy hampir dibawa calo lewat Tawau tapi sdh batal, skrg dia di rumah aman",
            "non_procedural_route",
        ),
    ],
)
def test_questions_fiction_friends_talk_unanswered_offers_and_cancelled_trips_raise_nothing(
    text: str, flag: str
) -> None:
    assert flag not in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("nanti sy kabari lagi kalau agen sudah mau kembalikan paspor sy", "passport_withheld"),
        ("klo dia liat sy pegang hp sy dipukul lagi", "confinement_abuse"),
        ("sy gak pegang paspor, agen di Kuching yg simpan", "passport_withheld"),
        ("adik sy skrg 16 tp calo sdh bikin KTP baru", "underage"),
        # the danger comes back: a case to open, though the writer got home
        (
            "bulan lalu beta sempat dikunci di penampungan, sekarang su pulang, tapi calo yang sama"
            " datang lai",
            "confinement_abuse",
        ),
    ],
)
def test_reports_found_missing_on_blind_sets_86_to_89_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("ada kabar di kampung katanya ada calo keliling cari anak2 tamat SMP", "lost_contact"),
        (
            "majikan lama suka kunci beta di rumah, tapi beta su pindah ke majikan baru yang bae",
            "confinement_abuse",
        ),
        ("adik sy sempat hilang kontak 2 hari tapi ternyata hp nya rusak", "lost_contact"),
        ("apa beda agen resmi sama calo yg suka tahan paspor?", "passport_withheld"),
        ("dulu paspor sy ditahan agen, tp itu thn 2016 dan sdh beres", "passport_withheld"),
        ("what are the signs of a fake agency? like they keep your passport?", "passport_withheld"),
    ],
)
def test_rumours_old_employers_broken_phones_and_settled_cases_raise_nothing(
    text: str, flag: str
) -> None:
    assert flag not in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("the recruiter took all our KTPs and KKs to process them", "passport_withheld"),
        ("my friend collapsed and the supervisor won't call an ambulance", "confinement_abuse"),
        ("my brother has been unreachable in Sarawak for 3 months", "lost_contact"),
        (
            "her daughter's recruiter collected the girl's passport three weeks ago",
            "passport_withheld",
        ),
        ("dong balom kasi kembali beta pung paspor", "passport_withheld"),
        # the terms of a recruiter, told as a habit: "if we don't pay, they don't give it back"
        (
            "kalo sonde bayar dong sonde kasi kembali beta pung paspor. boleh ko?",
            "passport_withheld",
        ),
    ],
)
def test_reports_found_missing_on_blind_sets_90_to_93_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("my agency gave me a copy of my contract and I keep my passport", "passport_withheld"),
        (
            "tetangga bilang anak org di desa sebelah dibawa tanpa dokumen, sy tdk kenal"
            " keluarganya",
            "non_procedural_route",
        ),
        ("adik sy yg dulu sempat hilang kontak sdh pulang dgn selamat", "lost_contact"),
        (
            "adik sy dulu dikurung majikan tp sdh diselamatkan KBRI dan sdh di rumah sejak Mei",
            "confinement_abuse",
        ),
        (
            "hypothetically, if an employer holds a worker's passport, is that legal?",
            "passport_withheld",
        ),
    ],
)
def test_own_papers_strangers_children_and_rescued_relatives_raise_nothing(
    text: str, flag: str
) -> None:
    assert flag not in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("bos kunci dia di kamar tiap malam, kami harus bagaimana?", "confinement_abuse"),
        ("calo bikin KK baru, umur ade dituakan dari 15 jadi 19", "underage"),
        ("they changed my niece's age from 16 to 21 on her ID card", "underage"),
        ("om su kasi naik umur beta pung ana dari 16 jadi 18 di KTP", "fake_documents"),
        ("ok thanks, the agency still got my passport though", "passport_withheld"),
    ],
)
def test_reports_found_missing_on_blind_sets_94_to_97_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("beta pung sapi ilang dari minggu lalu, sonde tau dia di mana", "lost_contact"),
        ("thanks, the agent finally gave back my passport so all good now", "passport_withheld"),
        (
            "my uncle came back from Sabah last year after his boss kept his passport,"
            " all sorted now",
            "passport_withheld",
        ),
        ("calo yg suka tahan paspor tu ciri2nya gmn?", "passport_withheld"),
        ("anak sy masih SMA, dia tidak pergi ke mana mana, sy cuma tanya syaratnya", "underage"),
    ],
)
def test_lost_animals_returned_papers_and_children_staying_home_raise_nothing(
    text: str, flag: str
) -> None:
    assert flag not in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("sponsor bilang umurnya dibuat 20 di akte, padahal dia sbnrnya 15", "underage"),
        ("beta pung ade pung paspor majikan ada tahan", "passport_withheld"),
        ("they took four boys from our village, all of them 15, to a plantation", "underage"),
        ("I call my wife in Sabah every day but nobody has answered for two weeks", "lost_contact"),
    ],
)
def test_reports_found_missing_on_blind_sets_98_to_101_raise_their_flag(
    text: str, flag: str
) -> None:
    assert flag in _rule_flags(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "I was locked in a shelter two years ago but I've been home since March",
            "confinement_abuse",
        ),
        (
            "we heard stories of workers locked in shelters, how do we avoid that?",
            "confinement_abuse",
        ),
        ("my boss beat me once years ago, that is behind me now", "confinement_abuse"),
        ("agen tidak tahan paspornya, paspor ada di dia sendiri", "passport_withheld"),
    ],
)
def test_dangers_long_over_stories_heard_and_papers_kept_by_the_worker_raise_nothing(
    text: str, flag: str
) -> None:
    assert flag not in _rule_flags(text)
