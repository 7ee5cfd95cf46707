"""Map free spelling to one canonical form before features and rules.

The mapping itself (SMS abbreviations, Kupang Malay spellings, typos) lives in
nlu/data/lexicon.yml so it can grow without code changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu.paths import LEXICON_FILE

_TOKEN = re.compile(r"[0-9]+(?:[.,/][0-9]+)*|[^\W_]+(?:['’-][^\W_]+)*|[^\w\s]", re.UNICODE)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")  # "tolooong" -> "tolong"; keeps "maaf"
#: Reduplication with a digit: "anak2" -> "anak anak"
_REDUP = re.compile(r"^([^\W\d_]{2,})2$")


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the original text and its canonical form (one or more words)."""

    raw: str
    norm: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Normalised:
    """The canonical text and, for each of its characters' tokens, where it came from."""

    text: str
    tokens: tuple[Token, ...]
    #: For each token, its (start, end) inside `text`.
    spans: tuple[tuple[int, int], ...]

    def original_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The span of the original text covered by canonical characters start..end."""
        hit = [
            t for t, (s, e) in zip(self.tokens, self.spans, strict=True) if s < end and e > start
        ]
        if not hit:
            return None
        return hit[0].start, hit[-1].end


#: The lexicon section for tokens whose sense depends on the next word (see lexicon.yml).
SENSES_SECTION = "senses_by_next_word"
#: The lexicon section for tokens read one way only when written in capitals ("KL").
UPPERCASE_SECTION = "uppercase_only"
#: The lexicon section for words after which a token keeps its plain sense ("masih smp ke").
NOT_AFTER_SECTION = "senses_not_after"

#: token -> list of (canonical form, next words that select it).
Senses = dict[str, list[tuple[str, frozenset[str]]]]


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_lexicon(path: Path = LEXICON_FILE, doc: dict[str, Any] | None = None) -> dict[str, str]:
    """All plain sections of the lexicon file merged into one token -> canonical map."""
    doc = _read(path) if doc is None else doc
    mapping: dict[str, str] = {}
    for section, entries in doc.items():
        if section in ("about", SENSES_SECTION, UPPERCASE_SECTION, NOT_AFTER_SECTION):
            continue
        for key, value in (entries or {}).items():
            mapping[str(key).lower()] = str(value).lower()
    return mapping


def load_uppercase(path: Path = LEXICON_FILE, doc: dict[str, Any] | None = None) -> dict[str, str]:
    """Tokens with another sense in capitals: "KL" is Kuala Lumpur, "kl" is SMS for "kalau"."""
    doc = _read(path) if doc is None else doc
    return {str(k): str(v).lower() for k, v in (doc.get(UPPERCASE_SECTION) or {}).items()}


def load_senses(path: Path = LEXICON_FILE, doc: dict[str, Any] | None = None) -> Senses:
    """Tokens read one way before some words only: "smp skrg" is "sampai sekarang", while "smp"
    alone stays the school (SMP)."""
    doc = _read(path) if doc is None else doc
    senses: Senses = {}
    for token, choices in (doc.get(SENSES_SECTION) or {}).items():
        senses[str(token).lower()] = [
            (str(form).lower(), frozenset(str(w).lower() for w in nexts))
            for form, nexts in choices.items()
        ]
    return senses


def load_not_after(
    path: Path = LEXICON_FILE, doc: dict[str, Any] | None = None
) -> dict[str, frozenset[str]]:
    """Per token of `senses_by_next_word`, the canonical words after which it keeps its plain
    sense: "masih smp ke kupang" is still at school, not "masih sampai ke kupang"."""
    doc = _read(path) if doc is None else doc
    return {
        str(token).lower(): frozenset(str(w).lower() for w in words)
        for token, words in (doc.get(NOT_AFTER_SECTION) or {}).items()
    }


class Normaliser:
    """Lower-case, squeeze repeated letters, expand reduplication, apply the lexicon."""

    def __init__(self, lexicon: dict[str, str] | None = None, senses: Senses | None = None) -> None:
        doc = _read(LEXICON_FILE) if lexicon is None else {}  # one read for the four sections
        self.lexicon = load_lexicon(doc=doc) if lexicon is None else lexicon
        self.senses = load_senses(doc=doc) if senses is None else senses
        self.uppercase = load_uppercase(doc=doc)
        self.not_after = load_not_after(doc=doc)

    def _sense(self, token: str, next_token: str | None, previous: str | None = None) -> str | None:
        """The canonical form `token` takes before `next_token`, if the lexicon gives one, and
        not after a word that keeps its plain sense ("masih smp ke kupang" is the school)."""
        choices = self.senses.get(token.lower())
        if not choices or next_token is None:
            return None
        if previous is not None and previous.lower() in self.not_after.get(token.lower(), ()):
            return None
        nxt = next_token.lower()
        for form, nexts in choices:
            if nxt in nexts or self.canonical(nxt) in nexts:
                return form
        return None

    def canonical(self, token: str) -> str:
        low = token.lower().replace("’", "'")
        if low in self.lexicon:
            return self.lexicon[low]
        squeezed = _REPEATS.sub(r"\1", low)
        if squeezed in self.lexicon:
            return self.lexicon[squeezed]
        redup = _REDUP.match(squeezed)
        if redup:
            base = self.canonical(redup.group(1))
            return f"{base} {base}"
        if "-" in squeezed:
            parts = squeezed.split("-")
            if len(parts) == 2 and parts[0] == parts[1]:
                base = self.canonical(parts[0])
                return f"{base} {base}"
        return squeezed

    def normalise(self, text: str) -> Normalised:
        tokens: list[Token] = []
        spans: list[tuple[int, int]] = []
        pieces: list[str] = []
        pos = 0
        matches = list(_TOKEN.finditer(text))
        for i, m in enumerate(matches):
            following = matches[i + 1].group(0) if i + 1 < len(matches) else None
            previous = tokens[-1].norm if tokens else None
            norm = (
                self.uppercase.get(m.group(0))
                or self._sense(m.group(0), following, previous)
                or self.canonical(m.group(0))
            )
            if not norm:
                continue
            if pieces:
                pos += 1
            tokens.append(Token(m.group(0), norm, m.start(), m.end()))
            spans.append((pos, pos + len(norm)))
            pieces.append(norm)
            pos += len(norm)
        return Normalised(" ".join(pieces), tuple(tokens), tuple(spans))

    def __call__(self, text: str) -> str:
        return self.normalise(text).text
