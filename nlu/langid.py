"""Which language a message is in: id, mkn, aoz, en by a character n-gram model; the other NTT
languages by phrase lists (too little text exists to train on them).

Trained on the Bhinneka Korpus subset in nlu/data/bhinneka-langid.tsv (Apache-2.0, see
nlu/data/README.md) plus the language-labelled training examples.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

from nlu.fastpath import SparseLinear
from nlu.paths import BHINNEKA_FILE, LANGUAGE_WORDS_FILE
from nlu.spec import DEFAULT_LANGUAGE
from nlu.types import LanguageGuess

MODEL_LANGUAGES = ("id", "mkn", "aoz", "en")
_BHINNEKA_COLUMNS = {"ind": "id", "mkn": "mkn", "aoz": "aoz", "eng": "en"}
#: Weight of our own domain examples against the general Bhinneka sentences.
DOMAIN_WEIGHT = 3.0
#: Below this, a guess other than Indonesian yields to Indonesian (or to the caller's hint).
MIN_CONFIDENCE = 0.45
#: Log-odds added per marker word found (see nlu/data/language_words.yml).
MARKER_BOOST = 2.0
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]*)?", re.UNICODE)


@dataclass(frozen=True)
class LanguageWords:
    local_phrases: dict[str, list[str]]
    markers: dict[str, frozenset[str]]

    @classmethod
    def load(cls, path: Path = LANGUAGE_WORDS_FILE) -> LanguageWords:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            {k: [str(p).lower() for p in v or []] for k, v in doc["local_phrases"].items()},
            {k: frozenset(str(w).lower() for w in v) for k, v in doc["markers"].items()},
        )


def bhinneka_sentences(path: Path = BHINNEKA_FILE) -> tuple[list[str], list[str]]:
    """(texts, codes) from the copied Bhinneka subset, skipping rows identical to Indonesian."""
    texts: list[str] = []
    labels: list[str] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            ind = (row.get("ind") or "").strip().lower()
            for column, code in _BHINNEKA_COLUMNS.items():
                text = (row.get(column) or "").strip()
                if not text or (code != "id" and text.lower() == ind):
                    continue
                texts.append(text)
                labels.append(code)
    return texts, labels


def _prepare(text: str) -> str:
    return text.lower()


@dataclass
class LanguageIdentifier:
    pipeline: Pipeline
    words: LanguageWords
    _scorer: SparseLinear = field(init=False, repr=False)
    _classes: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        nb = self.pipeline.named_steps["nb"]
        self._scorer = SparseLinear(
            [self.pipeline.named_steps["chars"]], nb.feature_log_prob_.T, nb.class_log_prior_
        )
        self._classes = [str(c) for c in nb.classes_]

    @classmethod
    def train(
        cls,
        domain_texts: Sequence[str] = (),
        domain_languages: Sequence[str] = (),
        words: LanguageWords | None = None,
    ) -> LanguageIdentifier:
        texts, labels = bhinneka_sentences()
        weights = [1.0] * len(texts)
        for t, lang in zip(domain_texts, domain_languages, strict=True):
            if lang in MODEL_LANGUAGES:
                texts.append(t)
                labels.append(lang)
                weights.append(DOMAIN_WEIGHT)
        pipeline = Pipeline(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2
                    ),
                ),
                ("nb", MultinomialNB(alpha=0.05)),
            ]
        )
        pipeline.fit([_prepare(t) for t in texts], labels, nb__sample_weight=np.array(weights))
        return cls(pipeline, words or LanguageWords.load())

    def _local(self, low: str) -> str | None:
        padded = f" {' '.join(_WORD.findall(low))} "
        for code, phrases in self.words.local_phrases.items():
            for phrase in phrases:
                if f" {' '.join(_WORD.findall(phrase))} " in padded:
                    return code
        return None

    def identify(self, text: str, *, hint: str | None = None) -> LanguageGuess:
        low = _prepare(text)
        local = self._local(low)
        if local:
            return LanguageGuess(local, 0.6)
        tokens = _WORD.findall(low)
        if not tokens:
            return LanguageGuess(hint or DEFAULT_LANGUAGE, 0.0)
        classes = self._classes
        scores = dict(zip(classes, self._scorer.scores(low), strict=True))
        token_set = set(tokens)

        def hits_of(code: str) -> list[str]:
            return sorted(token_set & self.words.markers.get(code, frozenset()))

        for code, marker_words in self.words.markers.items():
            hits = len(token_set & marker_words)
            if code in scores and hits:
                scores[code] += MARKER_BOOST * hits
        values = np.array([scores[c] for c in classes])
        probs = np.exp(values - values.max())
        probs /= probs.sum()
        best = int(np.argmax(probs))
        code, confidence = classes[best], float(probs[best])
        if len(tokens) == 1 and not any(hits_of(code)):
            # One word that is no marker ("ok", "halo"): too little to leave the default.
            return LanguageGuess(hint or DEFAULT_LANGUAGE, min(confidence, 0.5))
        if code != DEFAULT_LANGUAGE and confidence < MIN_CONFIDENCE:
            return LanguageGuess(hint or DEFAULT_LANGUAGE, confidence)
        return LanguageGuess(code, confidence)
