"""The rules' prefilter: the words a regex needs are read from its parse tree, and a rule whose
words are all absent is skipped only where it could not have matched anyway."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlu.literals import present, required_literals
from nlu.normalize import Normaliser
from nlu.risk import RiskLexicon
from nlu.training_data import load_test_file

DATA = Path(__file__).resolve().parent.parent / "data"


def test_the_rarest_required_word_of_a_sequence_is_kept() -> None:
    needles = required_literals(re.compile(r"\b(?:tahan|menahan) (?:paspor|pasport) saya"))
    # re's parser factors "paspor|pasport" into "paspor" and an optional "t": seven characters
    # beat "tahan|menahan" (five) and " saya" (five)
    assert needles == frozenset({" paspor"})
    assert required_literals(re.compile(r"\bdikurung\b")) == frozenset({"dikurung"})


def test_an_alternation_needs_one_word_of_each_branch() -> None:
    needles = required_literals(re.compile(r"(?:dipukul|ditampar|beaten) (?:terus|lagi)?"))
    assert needles == frozenset({"dipukul", "ditampar", "beaten"})


def test_an_optional_part_is_never_required() -> None:
    assert required_literals(re.compile(r"(?:majikan )?kurung")) == frozenset({"kurung"})
    assert required_literals(re.compile(r"(?:majikan)*")) is None


def test_a_branch_without_words_leaves_the_rule_always_run() -> None:
    assert required_literals(re.compile(r"(?:paspor|\d+) ditahan?")) is not None
    assert required_literals(re.compile(r"(?:paspor|\d+)")) is None
    assert required_literals(re.compile(r"(?:paspor|ktp|)")) is None


def test_short_or_case_blind_words_are_not_used_as_a_filter() -> None:
    assert required_literals(re.compile(r"\b(?:di|ke) sana")) == frozenset({" sana"})
    assert required_literals(re.compile(r"\bdi\b")) is None
    assert required_literals(re.compile(r"paspor", re.IGNORECASE)) is None
    assert required_literals(re.compile(r"(?i:paspor) ditahan")) == frozenset({" ditahan"})


def test_present_finds_words_inside_other_words() -> None:
    assert present(["tahan", "paspor", "kurung"], "paspornya ditahan") == {"tahan", "paspor"}


def test_nearly_every_risk_rule_has_words_to_look_for() -> None:
    rules = RiskLexicon.load().rules
    filtered = [r for r in rules if r.needles is not None]
    assert len(filtered) >= 0.9 * len(rules)


@pytest.mark.parametrize(
    "name", ["nlu_test.yml", "nlu_blind67.yml", "nlu_blind76.yml", "nlu_blind97.yml"]
)
def test_a_rule_the_prefilter_skips_never_matches_the_message(name: str) -> None:
    lexicon = RiskLexicon.load()
    norm = Normaliser()
    skipped = 0
    for example in load_test_file(DATA / name):
        text = norm.normalise(example.text).text
        found = present(lexicon.needles, text)
        for rule in lexicon.rules:
            if not rule.may_match(found):
                skipped += 1
                assert rule.regex.search(text) is None, (rule.regex.pattern, text)
    assert skipped > 0
