"""Entities: agencies (patterns and a gazetteer), licence numbers, countries, places, ages."""

from __future__ import annotations

from nlu.entities import EntityExtractor
from nlu.parser import LocalParser


def values(text: str, entity: str, extractor: EntityExtractor | None = None) -> list[str]:
    ents = (extractor or EntityExtractor()).extract(text)
    return [e.value for e in ents if e.entity == entity]


def test_pt_name_is_an_agency_and_stops_before_the_question() -> None:
    assert values("PT Sinar Jaya resmi ka sonde?", "agency") == ["PT Sinar Jaya"]


def test_lowercase_pt_name_is_title_cased() -> None:
    assert values("pt bintang karya mandiri terdaftar?", "agency") == ["PT Bintang Karya Mandiri"]


def test_agency_after_a_cue_word_and_in_quotes() -> None:
    assert values("agen Kasih Bunda punya izin?", "agency") == ["Kasih Bunda"]
    assert values('perusahaan "Mitra Sejati" itu ada?', "agency") == ["Mitra Sejati"]


class FakeRegistry:
    def find(self, text: str) -> list[tuple[int, int, str]]:
        i = text.lower().find("sinar jaya")
        return [(i, i + len("sinar jaya"), "PT Sinar Jaya Abadi")] if i >= 0 else []


def test_gazetteer_names_the_registered_agency() -> None:
    ents = EntityExtractor().extract("sinar jaya itu resmi?", gazetteer=FakeRegistry())
    assert [(e.value, e.extractor) for e in ents if e.entity == "agency"] == [
        ("PT Sinar Jaya Abadi", "gazetteer")
    ]


def test_countries_are_iso_codes() -> None:
    assert values("mau ke Hong Kong atau malaysia atau arab saudi", "country") == ["HK", "MY", "SA"]


def test_places_and_crossing_points() -> None:
    assert values("dari Kupang ke Nunukan lalu Tawau", "place") == ["Kupang", "Nunukan", "Tawau"]


def test_age_and_licence_number() -> None:
    assert values("adik sy umur 16", "age") == ["16"]
    assert values("nomor izin SIP3MI 123/2024 ini benar?", "licence_number") == ["123/2024"]


def test_parse_carries_entities_in_rasa_shape(local_parser: LocalParser) -> None:
    body = local_parser.parse("PT Sinar Jaya kirim ke Malaysia").to_rasa()
    assert {"entity": "country", "value": "MY"}.items() <= body["entities"][1].items()
    assert body["entities"][0]["value"] == "PT Sinar Jaya"


def test_entities_annotated_in_the_training_data_are_found() -> None:
    from nlu.paths import training_files
    from nlu.training_data import load_training_examples

    extractor = EntityExtractor()
    gold = found = 0
    for ex in load_training_examples(training_files()):
        ents = extractor.extract(ex.text)
        for g in ex.entities:
            gold += 1
            found += any(e.entity == g.entity and e.start < g.end and g.start < e.end for e in ents)
    assert gold >= 150
    assert found / gold >= 0.95
