"""Finding an agency from what people type: typos, missing PT, extra words, a licence number."""

from __future__ import annotations

from datetime import date

import pytest

from content.agency_match import CANDIDATE_MATCH, STRONG_MATCH, AgencyIndex, AgencyRecord

TODAY = date(2026, 11, 23)
RECORDS = [
    AgencyRecord(
        "PT Sampel Sinar Jaya Abadi", "SAMPEL/SIP3MI/001/2025", "active", date(2030, 6, 30)
    ),
    AgencyRecord(
        "PT Sampel Sinar Jaya Abadi Makmur", "SAMPEL/SIP3MI/002/2023", "revoked", date(2026, 1, 31)
    ),
    AgencyRecord(
        "PT Sampel Mitra Karya Mandiri", "SAMPEL/SIP3MI/003/2025", "active", date(2030, 1, 1)
    ),
    AgencyRecord(
        "PT Sampel Mitra Karya Sentosa", "SAMPEL/SIP3MI/004/2024", "suspended", date(2029, 1, 1)
    ),
    AgencyRecord(
        "PT Sampel Cahaya Flobamora", "SAMPEL/SIP3MI/006/2022", "active", date(2025, 5, 31)
    ),
    AgencyRecord("PT Sampel Lontar Utama", "SAMPEL/SIP3MI/007/2025", "active", date(2030, 9, 30)),
]


@pytest.fixture(scope="module")
def index() -> AgencyIndex:
    return AgencyIndex(RECORDS, today=TODAY)


@pytest.mark.parametrize(
    "query",
    [
        "PT Sampel Sinar Jaya Abadi",
        "pt sampel sinar jaya abadi",
        "Sampel Sinar Jaya Abadi",
        "PT. SAMPEL SINAR JAYA ABADI resmi?",
        "cek agen sampel sinar jaya abadi",
        "PT Sampel Sinar Jaya Abadi resmi ka sonde?",
        "sampel sinar jya abdi",
        "sampel sinar jaya abadii",
        "smpel sinar jaya abadi",
    ],
)
def test_a_licensed_agency_is_found_despite_typos_case_and_extra_words(
    index: AgencyIndex, query: str
) -> None:
    match = index.lookup(query)
    assert match.kind == "licensed"
    assert match.record is not None and match.record.name == "PT Sampel Sinar Jaya Abadi"


def test_a_licence_number_matches_exactly_whatever_the_punctuation(index: AgencyIndex) -> None:
    assert index.lookup("SAMPEL/SIP3MI/004/2024").kind == "suspended"
    match = index.lookup("izin sampel-sip3mi-003-2025 resmi?")
    assert match.kind == "licensed" and match.by == "licence"


def test_a_revoked_agency_is_never_reported_as_licensed(index: AgencyIndex) -> None:
    match = index.lookup("pt sampel sinar jaya abadi makmur")
    assert match.kind == "revoked"


def test_a_licence_past_its_date_is_reported_expired(index: AgencyIndex) -> None:
    assert index.lookup("Sampel Cahaya Flobamora").kind == "expired"


@pytest.mark.parametrize(
    "query",
    [
        "Sinar Jaya",  # part of two names
        "Sampel Sinar Jaya",  # a word missing
        "Sampel Sinar Jaya Abadi Sentosa",  # a look-alike with an extra word
        "Sampel Mitra Karya",  # ambiguous between two companies
        "Sampel Lontar Utama Jaya",  # a look-alike of a licensed name
    ],
)
def test_a_weak_or_ambiguous_match_is_offered_as_a_choice_never_licensed(
    index: AgencyIndex, query: str
) -> None:
    match = index.lookup(query)
    assert match.kind == "several"
    assert match.record is None
    assert all(CANDIDATE_MATCH <= c.score < 100 for c in match.candidates)


@pytest.mark.parametrize(
    "query", ["PT Maju Terus Pantang Mundur", "om Yakob", "", "resmi ka sonde?"]
)
def test_an_unknown_agency_is_not_found(index: AgencyIndex, query: str) -> None:
    match = index.lookup(query)
    assert match.kind == "not_found"
    assert match.record is None


def test_thresholds_keep_a_margin_between_offering_and_confirming() -> None:
    assert CANDIDATE_MATCH < STRONG_MATCH <= 90
