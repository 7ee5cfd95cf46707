"""Find an agency (P3MI) in the registry from what a user typed: a name with typos, or a licence.

Pure and in memory: build an `AgencyIndex` from records once, then `lookup(query)`. Safety first:
"licensed" is only ever said for a licence number typed exactly, or for a name that matches one
registered name closely (typos allowed, missing words not). A near name is offered as a choice,
because fake recruiters borrow names that look like licensed ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process

#: A name whose similarity to the query (0-100, rapidfuzz ratio after normalising) reaches this,
#: with as many words, is the same name with typos ("sinar jya abdi" / "sinar jaya abadi": 93).
STRONG_MATCH = 88.0
#: The best strong match must beat the runner-up by this much, else the user chooses.
STRONG_MARGIN = 4.0
#: Names at least this similar (token-set similarity, which forgives missing/extra words) are
#: offered as choices; below it the agency is "not found".
CANDIDATE_MATCH = 72.0
#: How many choices to offer.
MAX_CANDIDATES = 3
#: How many names the fast first pass keeps for the careful second pass.
SHORTLIST = 12

MatchKind = Literal["licensed", "suspended", "revoked", "expired", "several", "not_found"]
STATUSES = ("active", "suspended", "revoked")

#: Legal-form words and the words people wrap around a name when they ask ("cek agen ... resmi ka
#: sonde?"). They carry no identity, so they are removed from both query and names.
LEGAL_FORMS = frozenset(
    {"pt", "cv", "tbk", "persero", "p3mi", "pjtki", "pptkis", "ltd", "sdn", "bhd"}
)
_FILLER = """
    cek check cari tanya tanyakan periksa mau mo minta tolong bantu kaka kak ka ko kah ya ini itu
    tu apa apakah apa2 gimana bagaimana karmana resmi sah legal ilegal terdaftar daftar izin ijin
    licensed license licence registered is are the a an agency agen agensi perusahaan company
    recruiter penyalur sponsor yang ada atau tidak sonde tdk gak nggak enggak bukan ke di dari
    kerja karja luar negeri nagri nomor no number nama name sip3mi izinnya resminya benar betul
    dong deng dan and or of mana please pls sy saya beta aku
"""
FILLER_WORDS = frozenset(_FILLER.split())


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    """One registered agency as the matcher sees it."""

    name: str
    licence_number: str
    status: str
    valid_until: date | None = None
    city: str = ""
    province: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    record: AgencyRecord
    score: float


@dataclass(frozen=True, slots=True)
class AgencyMatch:
    """The answer to one look-up: what kind of answer to give, and the agencies behind it."""

    kind: MatchKind
    query: str
    candidates: tuple[Candidate, ...] = ()
    #: How the record was found: "licence" (exact number), "name" (strong name match) or "".
    by: str = ""

    @property
    def record(self) -> AgencyRecord | None:
        """The one agency meant, for a definite answer (not for several/not_found)."""
        if self.kind in ("several", "not_found") or not self.candidates:
            return None
        return self.candidates[0].record


def normalise_name(text: str) -> str:
    """Lower case, no accents or punctuation, no legal forms or filler words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in LEGAL_FORMS and w not in FILLER_WORDS)


def normalise_licence(text: str) -> str:
    """A licence number compared on letters and digits only ("KEP.12/3" == "kep 12-3")."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _licence_tokens(query: str) -> list[str]:
    """Parts of the query that could be a licence number: the whole, and each token with a digit."""
    tokens = [t for t in query.split() if any(ch.isdigit() for ch in t)]
    return [normalise_licence(query), *(normalise_licence(t) for t in tokens)]


class AgencyIndex:
    """An in-memory index over registry records, rebuilt by its owner when the registry changes."""

    def __init__(self, records: Iterable[AgencyRecord], *, today: date | None = None) -> None:
        self.records: list[AgencyRecord] = list(records)
        self.today = today
        self._by_licence = {normalise_licence(r.licence_number): r for r in self.records}
        self._names = [normalise_name(r.name) for r in self.records]

    def __len__(self) -> int:
        return len(self.records)

    def lookup(self, query: str) -> AgencyMatch:
        """Classify `query` as licensed / suspended / revoked / expired / several / not_found."""
        query = query.strip()
        for key in _licence_tokens(query):
            record = self._by_licence.get(key) if len(key) >= 4 else None
            if record is not None:
                return self._definite(query, Candidate(record, 100.0), by="licence")
        name = normalise_name(query)
        if not name:
            return AgencyMatch("not_found", query)
        scored = self._score(name)
        if not scored:
            return AgencyMatch("not_found", query)
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if best.score >= STRONG_MATCH and best.score - runner_up >= STRONG_MARGIN:
            return self._definite(query, best, by="name")
        close = tuple(c for c in scored if c.score >= CANDIDATE_MATCH)[:MAX_CANDIDATES]
        if close:
            return AgencyMatch("several", query, close)
        return AgencyMatch("not_found", query, tuple(scored[:MAX_CANDIDATES]))

    def may_name(self, text: str) -> bool:
        """Cheap pre-check for scanning text: could `text` get a definite answer by name?

        One ratio pass with a cut-off (rapidfuzz skips names of a too different length), so a
        gazetteer can try many word windows of a message and run `lookup` only on the few hits.
        """
        name = normalise_name(text)
        if not name:
            return False
        return (
            process.extractOne(name, self._names, scorer=fuzz.ratio, score_cutoff=STRONG_MATCH)
            is not None
        )

    def _score(self, name: str) -> list[Candidate]:
        """Two passes: a fast token-set shortlist (forgives missing and extra words), then the
        whole-name ratio that decides a strong match (forgives typos only). A candidate keeps the
        higher of the two as its score for offering, the ratio for deciding."""
        shortlist = process.extract(
            name,
            self._names,
            scorer=fuzz.token_set_ratio,
            limit=SHORTLIST,
            score_cutoff=CANDIDATE_MATCH,
        )
        ranked: list[tuple[float, float, int]] = []
        words = len(name.split())
        for _, set_score, i in shortlist:
            ratio = fuzz.ratio(name, self._names[i])
            if len(self._names[i].split()) != words:
                # A word more or less is another name ("... Abadi" vs "... Abadi Makmur"), not a
                # typo, however long the names and so however high the character ratio.
                ratio = min(ratio, STRONG_MATCH - 0.1)
            ranked.append((ratio, float(set_score), i))
        ranked.sort(key=lambda t: (t[0], t[1]), reverse=True)
        out: list[Candidate] = []
        for ratio, set_score, i in ranked:
            # A strong score needs the whole name; a partial one is capped below STRONG_MATCH.
            score = ratio if ratio >= STRONG_MATCH else min(set_score, STRONG_MATCH - 0.1)
            out.append(Candidate(self.records[i], round(max(score, ratio), 1)))
        out.sort(key=lambda c: c.score, reverse=True)
        return out

    def _definite(self, query: str, candidate: Candidate, *, by: str) -> AgencyMatch:
        record = candidate.record
        kind: MatchKind
        if record.status == "revoked":
            kind = "revoked"
        elif record.status == "suspended":
            kind = "suspended"
        elif record.valid_until is not None and record.valid_until < (self.today or date.today()):
            kind = "expired"
        else:
            kind = "licensed"
        return AgencyMatch(kind, query, (candidate,), by=by)


def build_index(records: Sequence[AgencyRecord]) -> AgencyIndex:
    return AgencyIndex(records)
