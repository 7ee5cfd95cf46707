"""The learnt risk-flag model: what it learns from, how it explains a flag, and the context checks
that keep its flags to reports (negation, conditions, general questions)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nlu import flag_model
from nlu.flag_model import FlagModel, load_flag_examples
from nlu.model import flag_training_set
from nlu.normalize import Normaliser
from nlu.risk import RiskDetector, RiskLexicon
from nlu.spec import RISK_FLAGS
from nlu.training_data import Example

#: A small corpus in the shape of nlu/data/risk_examples*.yml, so these tests do not depend on
#: what the shipped corpus happens to contain.
TINY = [
    ("paspor sy ditahan agen", {"passport_withheld"}),
    ("bos simpan paspor beta", {"passport_withheld"}),
    ("agen pegang paspor adik sy sampai skrg", {"passport_withheld"}),
    ("my passport is kept by the agency", {"passport_withheld"}),
    ("gaji sy belum dibayar 4 bulan", {"wage_theft"}),
    ("majikan tidak bayar gaji kakak sy", {"wage_theft"}),
    ("paspor sy pegang sendiri", set()),
    ("bikin paspor di mana", set()),
    ("gaji lancar tiap bulan", set()),
    ("berapa biaya ke taiwan", set()),
    ("halo selamat pagi", set()),
    ("agen kasih kontrak, sy baca dulu", set()),
]


@pytest.fixture(scope="module")
def tiny_model() -> FlagModel:
    norm = Normaliser()
    return FlagModel.train([norm(t) for t, _ in TINY], [f for _, f in TINY])


@pytest.fixture(scope="module")
def model_only(tiny_model: FlagModel) -> RiskDetector:
    """A detector whose rules raise nothing, so every flag comes from the model."""
    lexicon = dataclasses.replace(RiskLexicon.load(), rules=())
    return RiskDetector(lexicon, flag_model=tiny_model)


def _flags(detector: RiskDetector, text: str) -> dict[str, tuple[str, str]]:
    normalised = Normaliser().normalise(text)
    return {f.name: (f.trigger, f.source) for f in detector.flags(normalised, text)}


def test_shipped_corpus_has_reports_of_every_flag_and_hard_negatives() -> None:
    examples = load_flag_examples()
    for flag in RISK_FLAGS:
        assert sum(flag in e.flags for e in examples) >= 40, flag
    assert sum(not e.flags for e in examples) >= 200
    assert {"id", "mkn", "en"} <= {e.language for e in examples}


def test_a_report_the_rules_miss_is_flagged_by_the_model_with_its_words(
    model_only: RiskDetector,
) -> None:
    found = _flags(model_only, "bos sy simpan paspor sy dari awal")
    trigger, source = found["passport_withheld"]
    assert source == "model"
    assert "paspor" in trigger and "(model 0." in trigger


def test_a_negated_report_raises_no_model_flag(model_only: RiskDetector) -> None:
    assert "passport_withheld" not in _flags(model_only, "paspor sy tidak ditahan agen")


def test_a_condition_or_general_question_raises_no_model_flag(model_only: RiskDetector) -> None:
    assert _flags(model_only, "kalau paspor ditahan agen harus lapor ke mana?") == {}
    assert _flags(model_only, "apa ciri agen yang suka tahan paspor?") == {}


def test_a_flag_the_rules_raised_is_not_raised_again_by_the_model(
    tiny_model: FlagModel,
) -> None:
    detector = RiskDetector(flag_model=tiny_model)
    found = _flags(detector, "paspor sy ditahan agen")
    assert found["passport_withheld"][1] == "lexicon"


def test_word_shares_add_up_to_the_flag_score(
    tiny_model: FlagModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = Normaliser()("bos sy simpan paspor sy dari awal, gaji jg belum dibayar")
    monkeypatch.setattr(flag_model, "THRESHOLD", 0.0)  # every flag, to check every column
    scores = tiny_model.raised(text)
    logits = tiny_model._scorer.scores(text)
    for score in scores:
        i = tiny_model.flags.index(score.name)
        total = sum(w.weight for w in score.words) + tiny_model.intercept[i]
        assert np.isclose(total, logits[i]), score.name


def test_training_set_keeps_rule_labelled_reports_and_leaves_out_the_rest() -> None:
    examples = [
        Example(text="paspor saya ditahan agen di kupang", intent="report_risk"),
        Example(text="pokoknya sy bingung skali kaka", intent="report_risk"),
        Example(text="berapa biaya resmi ke hongkong", intent="ask_costs"),
    ]
    texts, labels = flag_training_set(examples, Normaliser())
    own = dict(zip(texts[-2:], labels[-2:], strict=True))
    norm = Normaliser()
    assert own[norm("paspor saya ditahan agen di kupang")] == {"passport_withheld"}
    assert own[norm("berapa biaya resmi ke hongkong")] == frozenset()
    assert norm("pokoknya sy bingung skali kaka") not in texts


def test_a_refusal_to_give_back_is_a_report_not_a_negation(
    tiny_model: FlagModel, model_only: RiskDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flag_model, "THRESHOLD", 0.0)  # the context checks alone decide
    refusal = _flags(model_only, "bos sy tidak mau kasih kembali paspor sy")
    negation = _flags(model_only, "bos sy tidak simpan paspor sy")
    assert refusal["passport_withheld"][1] == "model"
    assert "passport_withheld" not in negation


def test_a_model_flag_needs_the_writer_or_a_relative(model_only: RiskDetector) -> None:
    assert _flags(model_only, "bos simpan paspor dari awal") == {}


def test_a_bare_negator_carries_no_model_flag(
    tiny_model: FlagModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    lexicon = dataclasses.replace(RiskLexicon.load(), rules=())
    detector = RiskDetector(lexicon, flag_model=tiny_model)
    monkeypatch.setattr(flag_model, "THRESHOLD", 0.0)  # whatever it says, "tidak" is no evidence
    assert _flags(detector, "tidak, sy sdh 20 thn") == {}
