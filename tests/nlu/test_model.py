"""Training, saving and loading the model; the fast scoring path equals scikit-learn's."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlu import model as nlu_model
from nlu.fastpath import softmax
from nlu.parser import LocalParser


def test_saved_model_parses_like_the_trained_one(local_parser: LocalParser, tmp_path: Path) -> None:
    path = nlu_model.save(local_parser.model, tmp_path / "m.joblib")
    reloaded = LocalParser(nlu_model.load(path))
    assert reloaded.model.flag_model is not None
    for text in ["beta mau pi karja di Malaysia, kermana?", "pspor sy d tahan agen"]:
        assert reloaded.parse(text) == local_parser.parse(text)


def test_fast_scores_equal_scikit_learn_probabilities(local_parser: LocalParser) -> None:
    clf = local_parser.model.classifier
    text = "saya mau kerja ke malaysia bagaimana"
    ours = softmax(clf._scorer.scores(text))
    theirs = clf.pipeline.predict_proba([text])[0]
    assert np.allclose(ours, theirs, atol=1e-9)


def test_training_is_recorded_and_fast(local_parser: LocalParser) -> None:
    meta = local_parser.model.meta
    assert meta["examples"] >= 960
    assert meta["training_seconds"] < 30


def test_the_question_part_is_the_last_sentence_that_asks() -> None:
    from nlu.classifier import question_part

    story = "paspor saya ditahan sponsor . bisa bikin paspor baru di kjri ?"
    assert question_part(story) == "bisa bikin paspor baru di kjri"
    assert question_part("sponsor minta 5 juta . betul ko ?") == "betul ko"
    assert question_part("saya mau kerja di malaysia") == ""
