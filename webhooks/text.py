"""Fitting text to a channel: split long messages at word boundaries, make SMS GSM-7 friendly.

A character outside GSM-7 turns a whole SMS into UCS-2 (70 characters a segment instead of 160),
so SMS text is transliterated first (curly quotes, dashes, ellipsis...). Long text is cut only
between words, never inside one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from content.length import gsm7_septets

#: One SMS alone carries 160 GSM-7 septets; each part of a concatenated SMS 153 (the rest is UDH).
SMS_SINGLE_SEPTETS = 160
SMS_PART_SEPTETS = 153
#: Our limit per SMS message: 3 segments (content/length.py checks short answers against it too).
SMS_MAX_SEGMENTS = 3
SMS_MAX_SEPTETS = SMS_MAX_SEGMENTS * SMS_PART_SEPTETS

_TRANSLITERATE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u2023": "-",
    "\u25cf": "-",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u2192": "->",
    "\u2190": "<-",
    "\u21d2": "=>",
    "\u00d7": "x",
    "\u2122": "TM",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u00b0": " derajat ",
    "\t": " ",
}


def to_gsm7(text: str) -> str:
    """Transliterate `text` so every character is in the GSM-7 alphabet (Indonesian needs no
    accents; anything without a plain equivalent, such as an emoji, is dropped)."""
    out: list[str] = []
    for ch in text:
        if gsm7_septets(ch) is not None:
            out.append(ch)
            continue
        if ch in _TRANSLITERATE:
            out.append(_TRANSLITERATE[ch])
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        out.append(plain if plain and gsm7_septets(plain) is not None else "")
    return "".join(out)


def sms_segments(text: str) -> int:
    """How many SMS segments GSM-7 `text` takes (a non GSM-7 text counts as UCS-2)."""
    septets = gsm7_septets(text)
    if septets is None:
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= 70 else -(-units // 67)
    return 1 if septets <= SMS_SINGLE_SEPTETS else -(-septets // SMS_PART_SEPTETS)


def split_at_words(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Split `text` into parts of at most `limit` (by `measure`), preferring paragraph breaks,
    then line breaks, then spaces; a single word longer than the limit is the only thing cut."""
    text = text.strip()
    if measure(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    rest = text
    while rest and measure(rest) > limit:
        cut = _best_cut(rest, limit, measure)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts


def _best_cut(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The largest index <= what fits where the text may be cut, by preference of separator."""
    fits = _longest_prefix(text, limit, measure)
    window = text[: fits + 1]  # a separator right after the fitting prefix is fine too
    for sep in ("\n\n", "\n", " "):
        at = window.rfind(sep)
        if at > 0:
            return at
    return fits  # one word longer than a whole message: nothing better exists


def _longest_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    lo, hi = 0, len(text)
    while lo < hi:  # binary search: measure is monotone in the prefix length
        mid = (lo + hi + 1) // 2
        if measure(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return max(lo, 1)


def _septets(text: str) -> int:
    return gsm7_septets(text) or 0


def sms_parts(text: str) -> list[str]:
    """GSM-7 text in messages of at most SMS_MAX_SEGMENTS segments each, cut between words."""
    return split_at_words(to_gsm7(text), SMS_MAX_SEPTETS, _septets)
