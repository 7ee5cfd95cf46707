"""Agency registry figures: import time of 5,000 rows, look-up latency, misspelled names found.

    .venv/bin/python bench/agencies.py                 # SQLite in a temp dir
    .venv/bin/python bench/agencies.py --postgres URL  # also on Postgres, in a throwaway schema

The rows are generated (invented SAMPLE names), so the figures are reproducible (seeded).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.agencies import AgencyGazetteer, agency_index, import_csv, lookup
from bot.db import make_engine, migrate, session_scope, temporary_schema

_WORDS_TEXT = """
sinar jaya abadi mitra karya mandiri bintang timur nusantara cahaya flobamora sejahtera lontar
utama sasando bersama komodo duta pekerja tenun ikat samudra harapan baru bangsa makmur sentosa
gemilang lestari perkasa indah mulia prima sukses anugerah berkah citra dharma eka graha intan
kencana langit mega nusa pelita rajawali surya tunas wahana
"""
WORDS = _WORDS_TEXT.split()
CITIES = ("Kota Kupang", "Kabupaten Sikka", "Kabupaten Ende", "Kota Surabaya", "Jakarta Timur")


def generate(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """n agencies with distinct invented names (3-4 words) and licence numbers."""
    names: set[str] = set()
    rows = []
    while len(rows) < n:
        name = "PT Sampel " + " ".join(w.title() for w in rng.sample(WORDS, rng.choice((3, 4))))
        if name in names:
            continue
        names.add(name)
        status = rng.choices(("active", "suspended", "revoked"), (8, 1, 1))[0]
        rows.append((name, f"SAMPEL/SIP3MI/{len(rows) + 1:05d}/2025", status, "2030-12-31"))
    return rows


def write_csv(rows: list[tuple[str, str, str, str]], path: Path, rng: random.Random) -> None:
    lines = ["name,licence_number,status,valid_until,address,city,province"]
    for i, (name, licence, status, until) in enumerate(rows):
        lines.append(
            f"{name},{licence},{status},{until},Jl. Contoh No. {i},"
            f"{rng.choice(CITIES)},Nusa Tenggara Timur"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def misspell(name: str, rng: random.Random) -> str:
    """Drop "PT", lower-case, and make one typo (drop, double or swap a letter) in a random word."""
    words = name.split()[1:]
    i = rng.randrange(1, len(words))  # keep "Sampel", damage a distinctive word
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        w = w[:j] + w[j + 1 :]
    elif kind == "double":
        w = w[:j] + w[j] + w[j:]
    else:
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    words[i] = w
    return "cek agen " + " ".join(words).lower() + " resmi ka sonde"


def run(url: str, label: str, csv_path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    migrate(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        report = import_csv(session=s, path=csv_path)
    import_s = time.perf_counter() - t0
    assert report.ok, report.errors[:3]
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        again = import_csv(session=s, path=csv_path)
    reimport_s = time.perf_counter() - t0
    print(
        f"[{label}] import {report.inserted} rows: {import_s:.2f} s "
        f"(re-import, {again.unchanged} unchanged: {reimport_s:.2f} s)"
    )

    rng = random.Random(7)
    sample = rng.sample(rows, 300)
    with session_scope(engine) as s:
        t0 = time.perf_counter()
        agency_index(s)
        print(f"[{label}] index build over {len(rows)} rows: {time.perf_counter() - t0:.3f} s")
        times: list[float] = []
        found = definite = licensed_wrong = 0
        for name, _licence, _status, _ in sample:
            query = misspell(name, rng)
            t0 = time.perf_counter()
            match = lookup(session=s, query=query)
            times.append((time.perf_counter() - t0) * 1000)
            names = [c.record.name for c in match.candidates]
            if name in names:
                found += 1
            if match.record is not None:
                definite += 1
                if match.record.name != name:
                    licensed_wrong += 1
        exact = []
        for name, licence, _, _ in sample[:100]:
            t0 = time.perf_counter()
            match = lookup(session=s, query=licence)
            exact.append((time.perf_counter() - t0) * 1000)
            assert match.record is not None and match.record.name == name
        gazetteer = AgencyGazetteer.from_session(s)
        scans = []
        for name, _licence, _status, _ in sample[:100]:
            message = f"kaka, {name} tu resmi ko sonde? dong janji gaji besar di Malaysia"
            t0 = time.perf_counter()
            spans = gazetteer.find(message)
            scans.append((time.perf_counter() - t0) * 1000)
            assert [n for _, _, n in spans] == [name], spans
    times.sort()
    p50 = statistics.median(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"[{label}] look-up of a misspelled name among {len(rows)}: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (incl. the version check query)"
    )
    print(f"[{label}] look-up by licence number: p50 {statistics.median(exact):.2f} ms")
    scans.sort()
    print(
        f"[{label}] gazetteer scan of a 15-word message naming an agency: "
        f"p50 {statistics.median(scans):.2f} ms, max {scans[-1]:.2f} ms"
    )
    print(
        f"[{label}] misspelled names found: {found}/{len(sample)} "
        f"({definite} answered definitely, the rest offered as a choice); "
        f"a different agency answered definitely: {licensed_wrong}"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--postgres", default="", help="a Postgres URL (a temp schema is used)")
    args = parser.parse_args()
    rng = random.Random(42)
    rows = generate(args.rows, rng)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "agencies_SAMPLE_generated.csv"
        write_csv(rows, csv_path, rng)
        run(f"sqlite:///{tmp}/bench.db", "sqlite", csv_path, rows)
        if args.postgres:
            with temporary_schema(args.postgres, prefix="bench") as url:
                run(url, "postgres", csv_path, rows)


if __name__ == "__main__":
    main()
