"""The agency registry as a service: import the CSV, look an agency up, answer "is it licensed?".

The look-up uses content.agency_match over every row, kept in memory per database and rebuilt
when the table changes. The change check is one cheap query (row count and newest `updated_at`),
so several processes sharing one database each notice another's import on their next look-up.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from content.agency_match import (
    LEGAL_FORMS,
    AgencyIndex,
    AgencyMatch,
    AgencyRecord,
    normalise_licence,
    normalise_name,
)
from content.length import MAX_BUTTON_TITLE
from content.types import Button, MessageCatalog, Rendered

from .models import Agency, utcnow

log = logging.getLogger(__name__)

CSV_HEADER = ("name", "licence_number", "status", "valid_until", "address", "city", "province")
STATUSES = ("active", "suspended", "revoked")
#: The registry may be exported in Indonesian.
STATUS_ALIASES = {"aktif": "active", "dibekukan": "suspended", "dicabut": "revoked"}
#: How the licensed message names an active status, per language (fallback: Indonesian).
STATUS_LABELS: dict[str, dict[str, str]] = {
    "active": {"id": "aktif", "mkn": "aktif", "en": "active"},
}
_DATA_FIELDS = ("name", "status", "valid_until", "address", "city", "province")


# -- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """A bad row: its line number in the file (the header is line 1) and what is wrong."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    """What an import did; with any error nothing was written."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} bad rows, nothing imported"
        return f"{self.inserted} added, {self.updated} updated, {self.unchanged} unchanged"


def read_csv(text: str) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Parse and validate the registry CSV; every bad row is reported, not only the first."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    errors: list[RowError] = []
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
        return [], [RowError(1, f"header must be {','.join(CSV_HEADER)}")]
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(CSV_HEADER):
            errors.append(RowError(line, f"expected {len(CSV_HEADER)} columns, got {len(cells)}"))
            continue
        row: dict[str, Any] = dict(zip(CSV_HEADER, (c.strip() for c in cells), strict=True))
        problems = []
        if not row["name"]:
            problems.append("name is empty")
        if not normalise_licence(row["licence_number"]):
            problems.append("licence_number is empty")
        status = row["status"].lower()
        status = STATUS_ALIASES.get(status, status)
        if status not in STATUSES:
            problems.append(f"status {row['status']!r} is not one of {', '.join(STATUSES)}")
        try:
            valid_until: date | None = date.fromisoformat(row["valid_until"])
        except ValueError:
            valid_until = None
            problems.append(f"valid_until {row['valid_until']!r} is not a date (YYYY-MM-DD)")
        key = normalise_licence(row["licence_number"])
        if key and key in seen:
            problems.append(f"licence_number repeats line {seen[key]}")
        elif key:
            seen[key] = line
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
            continue
        row["status"] = status
        row["valid_until"] = valid_until
        rows.append(row)
    return rows, errors


def import_csv(*, session: Session, path: Path) -> ImportReport:
    """Insert new agencies and update known ones (by licence number), all or nothing.

    Every row is validated before anything is written, so one bad line means nothing changes;
    the caller's session commits (a database error rolls the whole import back with it). Bulk
    statements keep 5,000 rows well under 10 s on SQLite and Postgres.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return ImportReport(errors=[RowError(0, f"not UTF-8: {exc}")])
    rows, errors = read_csv(text)
    if errors:
        return ImportReport(errors=errors)
    table = Agency.__table__  # type: ignore[attr-defined]
    existing: dict[str, tuple[int, tuple[Any, ...]]] = {}
    for found_row in session.execute(
        select(table.c.id, table.c.licence_number, *(table.c[f] for f in _DATA_FIELDS))
    ):
        existing[normalise_licence(found_row.licence_number)] = (
            found_row.id,
            tuple(getattr(found_row, f) for f in _DATA_FIELDS),
        )
    now = utcnow()
    report = ImportReport()
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for row in rows:
        found = existing.get(normalise_licence(row["licence_number"]))
        if found is None:
            to_insert.append({**row, "branches": [], "updated_at": now})
        elif found[1] != tuple(row[f] for f in _DATA_FIELDS):
            values = {f"v_{k}": v for k, v in row.items()}
            to_update.append({"_id": found[0], **values, "v_updated_at": now})
        else:
            report.unchanged += 1
    if to_insert:
        session.connection().execute(insert(table), to_insert)
    if to_update:
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(f"v_{c}") for c in (*CSV_HEADER, "updated_at")})
        )
        session.connection().execute(stmt, to_update)
    report.inserted, report.updated = len(to_insert), len(to_update)
    return report


# -- look-up ---------------------------------------------------------------------------------------


_cache: dict[str, tuple[tuple[Any, ...], AgencyIndex]] = {}
_cache_lock = threading.Lock()


def _cache_key(db: Engine) -> str:
    return db.url.render_as_string(hide_password=False)


def registry_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a row is added, changed or removed: (row count, newest updated_at)."""
    table = Agency.__table__  # type: ignore[attr-defined]
    count, newest = session.execute(
        select(func.count(table.c.id), func.max(table.c.updated_at))
    ).one()
    return (int(count), str(newest))


def agency_index(session: Session) -> AgencyIndex:
    """The index over the registry of this session's database, rebuilt only when it changed."""
    key = _cache_key(session.get_bind().engine)
    version = registry_version(session)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
    table = Agency.__table__  # type: ignore[attr-defined]
    records = [
        AgencyRecord(
            name=r.name,
            licence_number=r.licence_number,
            status=r.status,
            valid_until=r.valid_until,
            city=r.city,
            province=r.province,
        )
        for r in session.execute(
            select(
                table.c.name,
                table.c.licence_number,
                table.c.status,
                table.c.valid_until,
                table.c.city,
                table.c.province,
            )
        )
    ]
    index = AgencyIndex(records)
    with _cache_lock:
        _cache[key] = (version, index)
    return index


def lookup(*, session: Session, query: str) -> AgencyMatch:
    """Classify what the user typed against the registry (see content.agency_match)."""
    return agency_index(session).lookup(query)


def answer_agency_check(
    *, session: Session, catalog: MessageCatalog, query: str, language: str, channel: str = "rest"
) -> Rendered:
    """Turn a look-up into the catalog message the user sees (with buttons to choose if several)."""
    match = lookup(session=session, query=query)
    record = match.record
    if record is None:
        if match.kind == "several":
            rendered = catalog.message("agency_several", language=language, channel=channel)
            names = "\n".join(
                f"- {c.record.name} ({c.record.city})" if c.record.city else f"- {c.record.name}"
                for c in match.candidates
            )
            titles = _titles([c.record.name for c in match.candidates])
            choices = tuple(
                Button(title=title, payload=agency_payload(c.record.licence_number))
                for title, c in zip(titles, match.candidates, strict=True)
            )
            return dataclasses.replace(
                rendered, text=f"{rendered.text}\n{names}", buttons=choices + rendered.buttons
            )
        return catalog.message("agency_not_found", language=language, channel=channel)
    params = {
        "name": record.name,
        "licence_number": record.licence_number,
        "valid_until": record.valid_until.isoformat() if record.valid_until else "-",
    }
    if match.kind == "licensed":
        labels = STATUS_LABELS.get(record.status, {})
        params["status"] = labels.get(language) or labels.get("id") or record.status
    # Each agency_<kind> message takes the params it names; the others are ignored.
    return catalog.message(
        f"agency_{match.kind}", language=language, params=params, channel=channel
    )


def agency_payload(licence_number: str) -> str:
    """The button payload that picks one agency: '/agency{"licence_number": "..."}'."""
    return "/agency" + json.dumps({"licence_number": licence_number}, separators=(",", ":"))


def _titles(names: list[str]) -> list[str]:
    """Button titles within WhatsApp's limit: drop the legal form, cut; when cutting makes two
    titles alike, show the end of each name instead (where similar names differ)."""
    bare = []
    for name in names:
        words = name.split()
        if len(words) > 1 and words[0].casefold().strip(".") in LEGAL_FORMS:
            words = words[1:]
        bare.append(" ".join(words))
    limit = MAX_BUTTON_TITLE
    heads = [n if len(n) <= limit else n[: limit - 2].rstrip() + ".." for n in bare]
    if len(set(heads)) == len(heads):
        return heads
    return [n if len(n) <= limit else ".." + n[-(limit - 2) :].lstrip() for n in bare]


# -- gazetteer -------------------------------------------------------------------------------------


class AgencyGazetteer:
    """Finds registered agency names in a message (for the NLU's `agency` entity).

    Scans word windows of the text against the registry with the same normalisation and strong
    threshold as the look-up, so a span it returns would get a definite answer, not "several".
    A window is only tried when its first and last words are close to a word of some registered
    name, which keeps a message to a handful of look-ups even with thousands of agencies.
    """

    #: How close (rapidfuzz ratio) a word must be to a registered name's word to start a window.
    WORD_MATCH = 80.0

    def __init__(self, source: AgencyIndex | Callable[[], AgencyIndex], *, max_words: int = 8):
        self._source = source
        self.max_words = max_words
        self._vocabulary: tuple[AgencyIndex | None, list[str]] = (None, [])

    @classmethod
    def from_session(cls, session: Session) -> AgencyGazetteer:
        """A snapshot of the registry as it is now."""
        return cls(agency_index(session))

    @classmethod
    def live(cls, db: Engine) -> AgencyGazetteer:
        """Follows the registry as this process's look-ups see it.

        Built once here (call it at start-up, outside any transaction), then it uses the index the
        last `agency_index` call left for this database: `find` runs inside the engine's
        transaction, where a second connection could wait on SQLite's write lock, so it never
        touches the database itself. A look-up always checks the table, so it is never stale.
        """
        key = _cache_key(db)
        try:
            with Session(db) as s:
                first = agency_index(s)
        except SQLAlchemyError:
            log.warning("agency registry not readable yet; the gazetteer starts empty")
            first = AgencyIndex([])

        def current() -> AgencyIndex:
            with _cache_lock:
                cached = _cache.get(key)
            return cached[1] if cached is not None else first

        return cls(current)

    @property
    def index(self) -> AgencyIndex:
        return self._source if isinstance(self._source, AgencyIndex) else self._source()

    def _words(self, index: AgencyIndex) -> list[str]:
        if self._vocabulary[0] is not index:
            words = sorted({w for r in index.records for w in normalise_name(r.name).split()})
            self._vocabulary = (index, words)
        return self._vocabulary[1]

    def _known(self, word: str, vocabulary: list[str]) -> bool:
        norm = normalise_name(word)
        if not norm or not vocabulary:
            return False
        best = process.extractOne(norm, vocabulary, scorer=fuzz.ratio)
        return best is not None and best[1] >= self.WORD_MATCH

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, registered name) for each agency named in `text`, longest first."""
        index = self.index
        vocabulary = self._words(index)
        words = list(_word_spans(text))
        known = [self._known(text[a:b], vocabulary) for a, b in words]
        legal = [text[a:b].casefold().strip(".") in LEGAL_FORMS for a, b in words]
        found: list[tuple[int, int, str]] = []
        taken: set[int] = set()
        for size in range(min(self.max_words, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                last = i + size - 1
                if not known[last] or taken.intersection(range(i, last + 1)):
                    continue
                first = i + 1 if legal[i] and size > 1 else i
                if not known[first]:
                    continue
                start, end = words[i][0], words[last][1]
                if not index.may_name(text[start:end]):
                    continue
                match = index.lookup(text[start:end])
                if match.record is not None and match.by == "name":
                    found.append((start, end, match.record.name))
                    taken.update(range(i, last + 1))
        return sorted(found)


def _word_spans(text: str) -> Iterator[tuple[int, int]]:
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() or ch in ".-/'":
            if start is None:
                start = i
        elif start is not None:
            yield start, i
            start = None


__all__ = [
    "CSV_HEADER",
    "AgencyGazetteer",
    "ImportReport",
    "RowError",
    "agency_index",
    "answer_agency_check",
    "import_csv",
    "lookup",
    "read_csv",
    "registry_version",
]
