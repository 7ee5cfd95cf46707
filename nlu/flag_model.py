"""Risk flags learnt from examples: the backstop behind the lexicon rules.

The lexicon (nlu/data/risk_lexicon.yml) is precise but only knows the phrasings someone wrote a
pattern for; blind evaluation showed that most missed escalations were reports in words no rule
had ("bos simpan sy pung pasport", "kerja setengah taun baru terima sekali"). This model reads the
same normalised text with character and word n-grams, one logistic regression per flag, so it
carries misspellings and new wordings that resemble its training reports.

It is trained on nlu/data/risk_examples*.yml (reports of each flag and hard negatives: negations,
general questions, stories about strangers), plus the intent training data: examples of the
information intents are negatives for every flag, and reports in the risk intents are positives
for the flags the lexicon finds in them (examples where it finds none are left out, not taken as
negatives). Recall beats precision here (a missed escalation can cost a life), so each binary
model weighs its classes evenly.

A flag raised by the model names the words that carried it: each word's share of the flag's score
(the n-gram terms cut from it). The strongest word also locates the report in the
message, so the detector's context checks (question, condition, story) apply to it as to a rule.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from nlu.classifier import ngram_features
from nlu.fastpath import FloatArray, SparseLinear
from nlu.paths import risk_example_files
from nlu.spec import INTENTS, LANGUAGES, RISK_FLAGS

#: Inverse regularisation of each binary model.
C_VALUE = 8.0
#: A flag is raised when its probability reaches this. Chosen on the tuned-on evaluation sets
#: (blind 1-14, dev, held-out): 0.5 against 0.6 caught 2 more escalations for 1 more false one
#: in about 2,900 messages, and recall beats precision here; 0.4 cost 5 false escalations for
#: 3 more. bench/nlu.py --flag-thresholds gives the cross-validated view on the corpus.
THRESHOLD = 0.5
#: How many words a model flag names as its evidence.
EVIDENCE_WORDS = 3

#: Intents whose examples may report a danger; every other intent asks for information or chats,
#: and its training examples are negatives for every flag.
REPORTING_INTENTS = frozenset(
    {"report_risk", "emergency", "lost_contact", "ask_rights", "check_agency", "request_human"}
)
NEGATIVE_INTENTS = frozenset(INTENTS) - REPORTING_INTENTS


@dataclass(frozen=True, slots=True)
class FlagExample:
    """One message and every flag it reports (none for a hard negative)."""

    text: str
    flags: frozenset[str]
    language: str = "id"


def load_flag_examples(paths: Iterable[Path] | None = None) -> list[FlagExample]:
    """The `examples:` of every nlu/data/risk_examples*.yml; unknown flags or languages are
    errors."""
    out: list[FlagExample] = []
    for path in risk_example_files() if paths is None else paths:
        out.extend(_load_flag_file(path))
    return out


def _load_flag_file(path: Path) -> list[FlagExample]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[FlagExample] = []
    for i, row in enumerate(doc.get("examples") or []):
        flags = frozenset(str(f) for f in row.get("flags") or ())
        unknown = flags - set(RISK_FLAGS)
        if unknown:
            raise ValueError(f"{path.name} example {i}: unknown flags {sorted(unknown)}")
        language = str(row.get("lang", "id"))
        if language not in LANGUAGES:
            raise ValueError(f"{path.name} example {i}: unknown language {language!r}")
        out.append(FlagExample(str(row["text"]), flags, language))
    return out


@dataclass(frozen=True, slots=True)
class WordWeight:
    """A word of the normalised text (with its offsets) and its share of the flag's score (the
    n-gram terms cut from it): positive when the word speaks for the flag."""

    word: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True, slots=True)
class FlagScore:
    """A flag the model raises, its probability and every word's weight for it, in text order."""

    name: str
    probability: float
    words: tuple[WordWeight, ...]

    @property
    def support(self) -> tuple[WordWeight, ...]:
        """Every word that speaks for the flag, strongest first."""
        ranked = sorted(
            (w for w in self.words if w.weight > 0 and any(c.isalnum() for c in w.word)),
            key=lambda w: -w.weight,
        )
        return tuple(ranked)

    @property
    def evidence(self) -> tuple[WordWeight, ...]:
        """The words that carried the flag most, strongest first."""
        return self.support[:EVIDENCE_WORDS]


def build_features() -> FeatureUnion:
    return ngram_features(word_ngrams=(1, 2))


def _sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-z))
    return out


@dataclass
class FlagModel:
    """One binary logistic regression per flag over shared TF-IDF features."""

    features: FeatureUnion
    flags: tuple[str, ...]
    weights: FloatArray  # (n_features, n_flags)
    intercept: FloatArray  # (n_flags,)
    _scorer: SparseLinear = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._scorer = SparseLinear(
            [t for _, t in self.features.transformer_list], self.weights, self.intercept
        )

    @classmethod
    def train(
        cls, texts: Sequence[str], flag_sets: Sequence[Iterable[str]], *, c_value: float = C_VALUE
    ) -> FlagModel:
        """Fit on normalised texts; a flag with no positive example gets no model (it can
        never be raised by this backstop, only by the lexicon)."""
        features = build_features()
        x = features.fit_transform([without_numbers(t) for t in texts])
        labels = [frozenset(s) for s in flag_sets]
        trained: list[str] = []
        columns: list[FloatArray] = []
        intercepts: list[float] = []
        for flag in RISK_FLAGS:
            y = np.fromiter((flag in s for s in labels), dtype=bool, count=len(labels))
            if not y.any() or y.all():
                continue
            lr = LogisticRegression(C=c_value, max_iter=2000, class_weight="balanced")
            lr.fit(x, y)
            trained.append(flag)
            columns.append(np.asarray(lr.coef_[0], dtype=np.float64))
            intercepts.append(float(lr.intercept_[0]))
        weights = np.column_stack(columns) if columns else np.zeros((x.shape[1], 0))
        return cls(features, tuple(trained), weights, np.asarray(intercepts, dtype=np.float64))

    def probabilities(self, normalised_text: str) -> dict[str, float]:
        """Each flag's probability for one normalised message."""
        if not self.flags:
            return {}
        probs = _sigmoid(self._scorer.scores(without_numbers(normalised_text)))
        return {f: float(p) for f, p in zip(self.flags, probs, strict=True)}

    def raised(
        self, normalised_text: str, skip: Iterable[str] = (), floor: float | None = None
    ) -> list[FlagScore]:
        """The flags at or over THRESHOLD, except those in `skip` (already raised by the rules),
        each with its evidence words. `floor` raises the bar for this call (an information
        question needs the model near certain). The bar is read here, not kept in the model
        file, so a saved model follows the code's threshold."""
        text = without_numbers(normalised_text)
        if not text.strip() or not self.flags:
            return []
        logits = self._scorer.scores(text)
        probs = _sigmoid(logits)
        known = set(skip)
        bar = max(THRESHOLD, floor or 0.0)
        hits = [i for i, p in enumerate(probs) if p >= bar and self.flags[i] not in known]
        if not hits:
            return []
        tokens = _tokens(text)
        shares = self._word_shares(text, [w for w, _, _ in tokens])
        return [
            FlagScore(
                self.flags[i],
                float(probs[i]),
                tuple(
                    WordWeight(w, start, end, float(share[i]))
                    for (w, start, end), share in zip(tokens, shares, strict=True)
                ),
            )
            for i in hits
        ]

    def _word_shares(self, text: str, words: list[str]) -> FloatArray:
        """Each word's share of every flag's score (without the intercept), one row a word.

        The score is a sum over n-gram features; a feature's term goes to the words it was
        cut from (split evenly over its occurrences, a two-word n-gram half to each word).
        One pass over the features and one matrix product, instead of re-scoring the text once
        per word: the parse budget is 5 ms at p99, and long stories have fifty words.
        """
        shares = np.zeros((len(words), len(self.flags)))
        scorer = self._scorer
        for block in scorer.blocks:
            columns, terms = scorer.term_rows(block, text)
            if not len(columns):
                continue
            local = dict(zip(columns.tolist(), range(len(columns)), strict=True))
            # (word, feature row, occurrences owned): a two-word n-gram owns half of one
            # occurrence in each of its words.
            rows: list[int] = []
            cols: list[int] = []
            amounts: list[float] = []
            pieces = [scorer.piece_columns(block, w) for w in words]
            for i, piece in enumerate(pieces):
                for column, k in piece.items():
                    j = local.get(column)
                    if j is not None:
                        rows.append(i)
                        cols.append(j)
                        amounts.append(k)
            if block.spans_words:
                for left, right in itertools.pairwise(range(len(words))):
                    joined = scorer.piece_columns(block, f"{words[left]} {words[right]}")
                    for column, k in joined.items():
                        j = local.get(column)
                        if j is None:
                            continue
                        k_span = k - pieces[left].get(column, 0) - pieces[right].get(column, 0)
                        if k_span > 0:
                            rows += (left, right)
                            cols += (j, j)
                            amounts += (k_span / 2, k_span / 2)
            if not rows:
                continue
            r, c, owned = np.asarray(rows), np.asarray(cols), np.asarray(amounts)
            totals = np.bincount(c, weights=owned, minlength=len(columns))
            owner = np.zeros((len(words), len(columns)))
            np.add.at(owner, (r, c), owned / totals[c])
            shares += owner @ terms
        return shares


def without_numbers(text: str) -> str:
    """The text with every digit blanked (same length, so offsets still hold). Numbers are the
    rules' to read: "umur 15" is underage and "umur 25" is not, a difference character n-grams
    learn badly and a wrong guess escalates; "tgl 17 agustus" must not look like an age."""
    return _DIGITS.sub(lambda m: " " * len(m.group(0)), text)


_DIGITS = re.compile(r"\d+")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Tokens of canonical text (joined by single spaces, punctuation apart) with offsets."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for tok in text.split(" "):
        if tok:
            out.append((tok, pos, pos + len(tok)))
        pos += len(tok) + 1
    return out
