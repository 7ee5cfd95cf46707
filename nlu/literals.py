"""The literal words a regex cannot match without: a cheap test that rules a pattern out.

The risk lexicon holds some three hundred rules, and a long voice-typed story used to run every
one of them (about 1.8 ms of a 5 ms parse budget). Almost every rule needs one of a few words
("paspor", "tahan", "dikurung"...) somewhere in the text; a substring test for those words is far
cheaper than the regex, and a rule none of whose words is present cannot match, so skipping it
changes no result (tests/nlu/test_literals.py checks it on the held-out file and three long
blind sets; all 98 evaluation files parsed identically with and without it).

The words are read from the pattern's parse tree, the way RE2 and Hyperscan build their
prefilters: a run of literal characters is required; a group or a repetition of at least one
passes on what its body requires; an alternation requires one of its branches' words. Of the
sets a sequence requires, the most selective one is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

#: Shorter words are in nearly every message ("di", "a "): a rule needing them is always run.
MIN_NEEDLE = 3

_ZERO_WIDTH = frozenset({sre.AT, sre.ASSERT, sre.ASSERT_NOT})
_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT})


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Words of which every match of `pattern` contains at least one, or None when no useful
    set can be read (a case-insensitive pattern, a word shorter than MIN_NEEDLE)."""
    if pattern.flags & re.IGNORECASE:
        return None
    needles = _sequence(sre_parser.parse(pattern.pattern, pattern.flags))
    if not needles or min(len(n) for n in needles) < MIN_NEEDLE:
        return None
    return needles


def present(needles: Iterable[str], text: str) -> frozenset[str]:
    """The needles found in `text`."""
    return frozenset(n for n in needles if n in text)


def _sequence(items: Any) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if op in _ZERO_WIDTH:  # a look-around or \b consumes nothing: the run goes on
            continue
        close_run()
        inner = _inner(op, av)
        if inner:
            candidates.append(inner)
    close_run()
    if not candidates:
        return None
    # the longest shortest word is the rarest; then the fewest words to look for
    return max(candidates, key=lambda s: (min(len(n) for n in s), -len(s)))


def _inner(op: Any, av: Any) -> frozenset[str] | None:
    """What a group, a repetition or an alternation requires (None for anything else)."""
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return None if add_flags & re.IGNORECASE else _sequence(body)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(body) if low >= 1 else None
    if op is sre.BRANCH:
        branches = [_sequence(b) for b in av[1]]
        if any(b is None for b in branches):
            return None
        return frozenset().union(*(b for b in branches if b is not None))
    return None
