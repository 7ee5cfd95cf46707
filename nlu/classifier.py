"""Intent classifier: character and word n-grams of the normalised text, a linear model.

First chosen by 5-fold cross-validation on the training data only (`bench/nlu.py
--compare-models`; never on the held-out file): char_wb 2-5 grams carry misspellings and Kupang
Malay forms, word n-grams carry the vocabulary; logistic regression matches a calibrated linear
SVM in accuracy and gives usable probabilities directly, which the fallback thresholds and the fast
scoring path (nlu/fastpath.py) rely on. Word bigrams were then 0.5-1 point worse on that
cross-validation, but once the blind sets had grown to about 7,600 messages they were better
there: 0.9211 against 0.9146 intent accuracy on all evaluation files and 0.9014 against 0.8951 on
the eight newest blind sets (30-37), with C from 10 to 50 within 0.1 point of each other; so the
classifier reads word unigrams and bigrams ("tidak dibayar", "mau lapor" are not their words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from nlu.fastpath import SparseLinear, softmax
from nlu.types import IntentScore

#: Inverse regularisation strength of the logistic regression (higher = sharper confidences).
C_VALUE = 20.0


def ngram_features(word_ngrams: tuple[int, int] = (1, 1)) -> FeatureUnion:
    """Character 2-5-grams within words plus word n-grams: the features of the intent classifier
    and of the flag model (nlu.flag_model, which adds word bigrams: "tidak dibayar")."""
    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=word_ngrams,
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b",
                ),
            ),
        ]
    )


#: Word n-gram range of the intent classifier (see the module docstring).
WORD_NGRAMS = (1, 2)


def build_pipeline() -> Pipeline:
    features = ngram_features(word_ngrams=WORD_NGRAMS)
    model = LogisticRegression(C=C_VALUE, max_iter=2000, class_weight="balanced")
    return Pipeline([("features", features), ("model", model)])


@dataclass
class IntentClassifier:
    """A fitted pipeline over normalised text; ranks every known intent."""

    pipeline: Pipeline
    _scorer: SparseLinear = field(init=False, repr=False)
    _classes: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        features = self.pipeline.named_steps["features"]
        model = self.pipeline.named_steps["model"]
        self._scorer = SparseLinear(
            [t for _, t in features.transformer_list], model.coef_.T, model.intercept_
        )
        self._classes = [str(c) for c in model.classes_]

    @classmethod
    def train(cls, texts: Sequence[str], intents: Sequence[str]) -> IntentClassifier:
        pipeline = build_pipeline()
        pipeline.fit(list(texts), list(intents))
        return cls(pipeline)

    @property
    def intents(self) -> list[str]:
        return list(self._classes)

    def rank(self, normalised_text: str) -> list[IntentScore]:
        """All intents, most likely first (same numbers as pipeline.predict_proba, faster)."""
        probs = softmax(self._scorer.scores(normalised_text))
        order = np.argsort(probs)[::-1]
        return [IntentScore(self._classes[i], float(probs[i])) for i in order]
