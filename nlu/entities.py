"""Rule-based entities: agency names, licence numbers, countries (ISO 3166 alpha-2), NTT places
and crossing points, ages. Agency names come from a `Gazetteer` of the registry when the caller
gives one, else from patterns ("PT ...", "CV ...", "agen X", quoted names)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from nlu.paths import ENTITY_LEXICON_FILE
from nlu.types import Entity


class Gazetteer(Protocol):
    """Known agency names (the content helper implements it against the agency registry)."""

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of every known agency mentioned in `text`."""
        ...


_NAME_WORD = r"[A-Za-z][\w&.'-]*"
_LEGAL_FORM = re.compile(
    rf"\b(?P<form>PT|P\.T\.|CV|C\.V\.)\.?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}})",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“”'‘’](?P<name>[A-Z][^\"“”'‘’]{2,60})[\"“”'‘’]")
_LICENCE = re.compile(
    r"\b(?:(?:SIP3MI|SIP2MI|SIPPTKI|SIUP|no(?:mor)?\.?\s*izin|izin\s*no\.?"
    r"|licen[cs]e(?:\s*(?:no\.?|number))?|nomor\s*lisensi)[\s:.#-]*)+"
    r"(?P<num>[A-Z0-9][A-Z0-9./-]*\d[A-Z0-9./-]*)",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\b(?:(?:umur|usia|umurnya|usianya|berumur|age|aged)\s*:?\s*(?P<a>\d{1,2})"
    r"|(?P<b>\d{1,2})\s*(?:tahun|thn|th|taun|years?|yrs|yo)(?:\s+old)?"
    r"|(?:is|she's|he's|baru|masih|only)\s+(?P<c>\d{1,2})(?!\s*(?:juta|jt|ribu|jam|hours?|bulan|"
    r"hari|days?|months?|orang|people|kali|times|%|\d)))\b",
    re.IGNORECASE,
)


def _alternation(words: list[str]) -> str:
    alts = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return "|".join(a.replace(r"\ ", r"[\s-]+") for a in alts)


@dataclass(frozen=True)
class EntityLexicon:
    countries: re.Pattern[str]
    country_codes: dict[str, str]
    places: re.Pattern[str]
    place_names: dict[str, str]
    agency_cue: re.Pattern[str]
    agency_stop: frozenset[str]

    @classmethod
    def load(cls, path: Path = ENTITY_LEXICON_FILE) -> EntityLexicon:
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        codes = {str(a).lower(): str(code) for code, al in doc["countries"].items() for a in al}
        places = {str(a).lower(): str(name) for name, al in doc["places"].items() for a in al}
        cues = [str(c) for c in doc["agency_cues"]]
        return cls(
            countries=re.compile(rf"(?<!\w)(?:{_alternation(list(codes))})(?!\w)", re.IGNORECASE),
            country_codes=codes,
            places=re.compile(rf"(?<!\w)(?:{_alternation(list(places))})(?!\w)", re.IGNORECASE),
            place_names=places,
            agency_cue=re.compile(
                rf"\b(?:{_alternation(cues)})\s+(?P<name>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){{0,4}})"
            ),
            agency_stop=frozenset(str(s).lower() for s in doc["agency_stop"]),
        )


def _key(surface: str) -> str:
    return re.sub(r"[\s-]+", " ", surface.lower())


class EntityExtractor:
    def __init__(self, lexicon: EntityLexicon | None = None) -> None:
        self.lexicon = lexicon or EntityLexicon.load()

    def _trim_name(self, text: str, start: int, name: str) -> tuple[int, int, str] | None:
        words = name.split()
        kept: list[str] = []
        for w in words:
            if w.lower().strip(".,?!") in self.lexicon.agency_stop:
                break
            kept.append(w)
        if not kept:
            return None
        joined = " ".join(kept).rstrip(".,?!")
        end = text.find(joined, start) + len(joined)
        return start, end, joined

    def agencies(self, text: str, gazetteer: Gazetteer | None) -> list[Entity]:
        found: list[Entity] = []
        if gazetteer is not None:
            for s, e, name in gazetteer.find(text):
                found.append(Entity("agency", name, s, e, text[s:e], 1.0, "gazetteer"))
        for m in _LEGAL_FORM.finditer(text):
            trimmed = self._trim_name(text, m.start("name"), m.group("name"))
            if trimmed:
                form = m.group("form").upper().replace(".", "")
                _, end, name = trimmed
                value = f"{form} {' '.join(w if w.isupper() else w.title() for w in name.split())}"
                found.append(Entity("agency", value, m.start(), end, text[m.start() : end], 0.9))
        for regex in (self.lexicon.agency_cue, _QUOTED):
            # These names are capitalised by the regex itself; only trailing punctuation goes.
            for m in regex.finditer(text):
                name = m.group("name").rstrip(" .,?!")
                s = m.start("name")
                found.append(Entity("agency", name, s, s + len(name), name, 0.7))
        return found

    def extract(self, text: str, gazetteer: Gazetteer | None = None) -> list[Entity]:
        lex = self.lexicon
        ents = self.agencies(text, gazetteer)
        for m in _LICENCE.finditer(text):
            num = m.group("num").rstrip(".,/-")
            start = m.start("num")
            ents.append(Entity("licence_number", num.upper(), start, start + len(num), num))
        for m in lex.countries.finditer(text):
            code = lex.country_codes[_key(m.group(0))]
            ents.append(Entity("country", code, m.start(), m.end(), m.group(0)))
        for m in lex.places.finditer(text):
            ents.append(
                Entity("place", lex.place_names[_key(m.group(0))], m.start(), m.end(), m.group(0))
            )
        for m in _AGE.finditer(text):
            value = m.group("a") or m.group("b") or m.group("c")
            if value and 1 <= int(value) <= 80:
                ents.append(Entity("age", str(int(value)), m.start(), m.end(), m.group(0)))
        return _without_overlaps(ents)


def _without_overlaps(ents: list[Entity]) -> list[Entity]:
    """Keep the first-found entity of overlapping ones (gazetteer, then agency, then the rest),
    except that a place inside an agency name stays part of the name."""
    kept: list[Entity] = []
    for e in ents:
        if any(k.start < e.end and e.start < k.end for k in kept):
            continue
        kept.append(e)
    return sorted(kept, key=lambda e: e.start)
