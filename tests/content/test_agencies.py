"""The agency registry in the database: import all-or-nothing, re-import, look-up, answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.agencies import (
    AgencyGazetteer,
    agency_index,
    answer_agency_check,
    import_csv,
    lookup,
)
from bot.models import Agency
from content import Catalog
from content.catalog import DATA_DIR

HEADER = "name,licence_number,status,valid_until,address,city,province\n"
ROWS = [
    "PT Sampel Sinar Jaya Abadi,SAMPEL/001,active,2030-06-30,Jl. Contoh 1,Kota Kupang,NTT",
    "PT Sampel Sinar Jaya Abadi Makmur,SAMPEL/002,revoked,2026-01-31,Jl. Contoh 2,Surabaya,Jatim",
    "PT Sampel Mitra Karya Mandiri,SAMPEL/003,active,2030-12-31,Jl. Contoh 3,Maumere,NTT",
    "PT Sampel Mitra Karya Sentosa,SAMPEL/004,suspended,2029-03-31,Jl. Contoh 4,Kota Kupang,NTT",
]


def write_csv(tmp_path: Path, rows: list[str], name: str = "registry.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on the migrated SQLite and, marked postgres, on the real Postgres."""
    if request.param == "postgres":
        engine: Engine = request.getfixturevalue("pg_engine")
        with Session(engine, expire_on_commit=False) as s:
            yield s
    else:
        yield request.getfixturevalue("session")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def test_import_adds_every_row(db: Session, tmp_path: Path) -> None:
    report = import_csv(session=db, path=write_csv(tmp_path, ROWS))
    db.commit()
    assert report.ok and (report.inserted, report.updated) == (4, 0)
    agencies = db.exec(select(Agency).order_by(Agency.licence_number)).all()
    assert [a.status for a in agencies] == ["active", "revoked", "active", "suspended"]
    assert agencies[0].updated_at.tzinfo is not None


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(db: Session, tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        "PT Sampel Tanpa Status,SAMPEL/010,,2030-01-01,Jl. Contoh,Kupang,NTT",
        ROWS[1],
        "PT Sampel Tanggal Salah,SAMPEL/011,active,31-12-2030,Jl. Contoh,Kupang,NTT",
        "PT Sampel Dobel,SAMPEL/001,active,2030-01-01,Jl. Contoh,Kupang,NTT",
        "PT Sampel Kolom Kurang,SAMPEL/012,active",
    ]
    report = import_csv(session=db, path=write_csv(tmp_path, rows))
    db.commit()
    assert not report.ok
    assert [e.line for e in report.errors] == [3, 5, 6, 7]
    assert "status" in report.errors[0].message
    assert "valid_until" in report.errors[1].message
    assert "repeats line 2" in report.errors[2].message
    assert db.exec(select(Agency)).all() == []
    assert "nothing imported" in report.summary()


def test_a_wrong_header_is_refused(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("nama,izin\nPT A,1\n", encoding="utf-8")
    report = import_csv(session=db, path=path)
    assert [e.line for e in report.errors] == [1]


def test_reimport_updates_by_licence_number(db: Session, tmp_path: Path, catalog: Catalog) -> None:
    import_csv(session=db, path=write_csv(tmp_path, ROWS))
    db.commit()
    assert lookup(session=db, query="sampel mitra karya mandiri").kind == "licensed"
    changed = [ROWS[0], ROWS[1], ROWS[2].replace("active", "revoked"), ROWS[3]]
    report = import_csv(session=db, path=write_csv(tmp_path, changed, "v2.csv"))
    db.commit()
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 3)
    assert len(db.exec(select(Agency)).all()) == 4
    # The look-up sees the change at once: the index is rebuilt when the table changed.
    answer = answer_agency_check(
        session=db, catalog=catalog, query="sampel mitra karya mandiri", language="id"
    )
    assert answer.id == "agency_revoked"
    assert "DICABUT" in answer.text and "SAMPEL/003" in answer.text


def test_another_process_sees_an_import_on_its_next_look_up(db: Session, tmp_path: Path) -> None:
    import_csv(session=db, path=write_csv(tmp_path, ROWS[:1]))
    db.commit()
    before = agency_index(db)
    assert agency_index(db) is before  # nothing changed: no rebuild
    db.rollback()  # end the read transaction (SQLite takes the write lock at BEGIN)
    with Session(db.get_bind()) as other:  # another worker writing to the same database
        import_csv(session=other, path=write_csv(tmp_path, ROWS, "more.csv"))
        other.commit()
    db.rollback()
    assert agency_index(db) is not before
    assert lookup(session=db, query="Sampel Mitra Karya Sentosa").kind == "suspended"


def test_the_shipped_sample_registry_imports_cleanly(db: Session) -> None:
    report = import_csv(session=db, path=DATA_DIR / "agencies_sample.csv")
    db.commit()
    assert report.ok and report.inserted >= 10
    names = [a.name for a in db.exec(select(Agency)).all()]
    assert all("Sampel" in n for n in names)
    assert all(a.licence_number.startswith("SAMPEL/") for a in db.exec(select(Agency)).all())


@pytest.mark.parametrize(
    ("query", "message_id", "shown"),
    [
        ("PT Sampel Sinar Jaya Abadi resmi ka sonde?", "agency_licensed", "SAMPEL/001"),
        ("cek agen sampel sinar jya abdi", "agency_licensed", "2030-06-30"),
        ("SAMPEL/004", "agency_suspended", "DIBEKUKAN"),
        ("pt sampel sinar jaya abadi makmur", "agency_revoked", "DICABUT"),
        ("Sinar Jaya", "agency_several", "PT Sampel Sinar Jaya Abadi Makmur"),
        ("PT Maju Terus Pantang Mundur", "agency_not_found", "siskop2mi.bp2mi.go.id"),
    ],
)
def test_the_user_gets_the_message_for_the_match(
    db: Session, tmp_path: Path, catalog: Catalog, query: str, message_id: str, shown: str
) -> None:
    import_csv(session=db, path=write_csv(tmp_path, ROWS))
    db.commit()
    answer = answer_agency_check(session=db, catalog=catalog, query=query, language="id")
    assert answer.id == message_id
    assert shown in answer.text
    if message_id == "agency_several":
        picks = [b for b in answer.buttons if b.payload.startswith("/agency")]
        assert len(picks) == 2
        assert len({b.title for b in picks}) == 2
        assert all(len(b.title) <= 20 for b in picks)
        assert '/agency{"licence_number":"SAMPEL/002"}' in [b.payload for b in picks]
    if message_id == "agency_not_found":
        assert any(b.payload == "/request_human" for b in answer.buttons)


def test_picking_a_choice_by_its_licence_gives_a_definite_answer(
    db: Session, tmp_path: Path, catalog: Catalog
) -> None:
    import_csv(session=db, path=write_csv(tmp_path, ROWS))
    db.commit()
    answer = answer_agency_check(session=db, catalog=catalog, query="SAMPEL/002", language="en")
    assert answer.id == "agency_revoked" and answer.language == "en"
    assert "REVOKED" in answer.text


def test_the_gazetteer_finds_a_registered_name_in_a_message(db: Session, tmp_path: Path) -> None:
    import_csv(session=db, path=write_csv(tmp_path, ROWS))
    db.commit()
    gazetteer = AgencyGazetteer.from_session(db)
    text = "kaka, PT Sampel Mitra Karya Sentosa tu resmi ko sonde?"
    spans = gazetteer.find(text)
    assert [(text[a:b], name) for a, b, name in spans] == [
        ("PT Sampel Mitra Karya Sentosa", "PT Sampel Mitra Karya Sentosa")
    ]
    assert gazetteer.find("om Yakob ajak ke Malaysia") == []


def test_a_live_gazetteer_follows_the_registry_after_a_look_up(db: Session, tmp_path: Path) -> None:
    gazetteer = AgencyGazetteer.live(db.get_bind())  # type: ignore[arg-type]
    db.rollback()
    assert gazetteer.find("PT Sampel Mitra Karya Mandiri resmi?") == []
    import_csv(session=db, path=write_csv(tmp_path, ROWS))
    db.commit()
    lookup(session=db, query="anything")  # every agency check refreshes the shared index
    db.rollback()
    assert [name for _, _, name in gazetteer.find("PT Sampel Mitra Karya Mandiri resmi?")] == [
        "PT Sampel Mitra Karya Mandiri"
    ]


def test_the_gazetteer_fits_the_nlu_protocol(db: Session) -> None:
    from nlu import Gazetteer

    gazetteer: Gazetteer = AgencyGazetteer.from_session(db)
    assert gazetteer.find("tidak ada nama agen di sini") == []


def test_five_thousand_agencies_import_in_under_ten_seconds_and_answer_fast(
    db: Session, tmp_path: Path
) -> None:
    import itertools
    import statistics
    import time

    first = ["Sinar", "Mitra", "Bintang", "Cahaya", "Lontar", "Tenun", "Samudra", "Komodo"]
    second = ["Jaya", "Karya", "Timur", "Harapan", "Duta", "Ikat", "Graha", "Intan", "Langit"]
    third = ["Abadi", "Mandiri", "Sentosa", "Makmur", "Utama", "Bersama", "Lestari", "Mulia"]
    fourth = ["Nusantara", "Flobamora", "Sejahtera", "Gemilang", "Perkasa", "Prima", "Citra"]
    fifth = ["Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh", "Delapan", "Sembilan"]
    combos = itertools.product(first, second, third, fourth, fifth)
    names = ["PT Sampel " + " ".join(c) for c in itertools.islice(combos, 5000)]
    rows = [
        f"{name},SAMPEL/{i:05d},active,2030-12-31,Jl. Contoh {i},Kupang,NTT"
        for i, name in enumerate(names)
    ]
    path = write_csv(tmp_path, rows, "big.csv")
    t0 = time.perf_counter()
    report = import_csv(session=db, path=path)
    db.commit()
    assert report.inserted == 5000
    assert time.perf_counter() - t0 < 10
    agency_index(db)  # built once
    times = []
    for name in names[::250]:
        t0 = time.perf_counter()
        match = lookup(session=db, query=name.lower().replace("sampel", "sampl"))
        times.append(time.perf_counter() - t0)
        assert match.kind == "licensed" and match.record is not None
        assert match.record.name == name
    assert statistics.median(times) < 0.020
