"""Normalisation from the lexicon file: SMS abbreviations, Kupang Malay spellings, repeats."""

from __future__ import annotations

from nlu.normalize import Normaliser, load_lexicon
from nlu.paths import LEXICON_FILE


def test_sms_abbreviations_become_canonical_words() -> None:
    assert Normaliser()("Sy mw krj k Malaysia gmn") == "saya mau kerja ke malaysia bagaimana"


def test_kupang_malay_words_map_to_indonesian() -> None:
    assert Normaliser()("beta sonde pung doi") == "saya tidak punya uang"


def test_repeated_letters_and_reduplication_are_squeezed() -> None:
    assert Normaliser()("tolooong anak2 sy") == "tolong anak anak saya"


def test_the_mapping_lives_in_the_data_file() -> None:
    lexicon = load_lexicon(LEXICON_FILE)
    assert lexicon["sonde"] == "tidak"
    assert Normaliser({"xyz": "paspor"})("xyz") == "paspor"


def test_canonical_spans_point_back_to_the_original_words() -> None:
    text = "pspor sy d tahan"
    norm = Normaliser().normalise(text)
    start = norm.text.index("paspor")
    span = norm.original_span(start, start + len("paspor saya"))
    assert span is not None
    assert text[span[0] : span[1]] == "pspor sy"


def test_an_abbreviation_with_two_senses_takes_the_one_its_next_word_selects() -> None:
    normalise = Normaliser()
    assert normalise("smp skrg dia blm kabar") == "sampai sekarang dia belum kabar"
    assert normalise("lulus smp thn lalu") == "lulus smp tahun lalu"
    assert normalise("anak sy masih smp di kupang") == "anak saya masih smp di kupang"


def test_senses_live_in_the_data_file() -> None:
    normalise = Normaliser({}, senses={"xyz": [("paspor", frozenset({"saya"}))]})
    assert normalise("xyz saya") == "paspor saya"
    assert normalise("xyz dia") == "xyz dia"


def test_kl_in_capitals_is_kuala_lumpur_and_in_sms_is_kalau() -> None:
    normalise = Normaliser()
    assert normalise("naik pesawat ke KL") == "naik pesawat ke kuala lumpur"
    assert normalise("kl bisa sy ikut") == "kalau bisa saya ikut"


def test_smp_after_masih_is_still_the_school_before_ke() -> None:
    assert "masih smp ke kupang" in Normaliser()("ponakan sy yg msh SMP ke kupang")
    assert Normaliser()("tunggu smp ke rumah") == "tunggu sampai ke rumah"
