"""Language identification for Indonesian, Kupang Malay, Uab Meto, English and the phrase-listed
local languages."""

from __future__ import annotations

import pytest

from nlu.parser import LocalParser


def test_kupang_malay_is_identified(local_parser: LocalParser) -> None:
    assert local_parser.parse("beta mau pi karja di Malaysia, kermana?").language.code == "mkn"


def test_informal_indonesian_is_identified(local_parser: LocalParser) -> None:
    assert local_parser.parse("sy mw krj k malaysia gmn").language.code == "id"


def test_uab_meto_is_identified(local_parser: LocalParser) -> None:
    assert local_parser.parse("tulun, au pelu loit").language.code == "aoz"


def test_english_is_identified(local_parser: LocalParser) -> None:
    assert local_parser.parse("my son has not called for months").language.code == "en"


@pytest.mark.parametrize(("text", "code"), [("wali di'a kraeng", "mqy"), ("epang gawang", "ski")])
def test_local_language_phrases_are_identified(
    local_parser: LocalParser, text: str, code: str
) -> None:
    assert local_parser.parse(text).language.code == code


def test_a_single_unknown_word_stays_indonesian(local_parser: LocalParser) -> None:
    guess = local_parser.parse("ok").language
    assert guess.code == "id"
    assert guess.confidence <= 0.5


def test_the_caller_hint_wins_when_the_text_says_too_little(local_parser: LocalParser) -> None:
    assert local_parser.parse("ok", language_hint="mkn").language.code == "mkn"
