"""Score one text against fitted TF-IDF + linear models without scikit-learn's per-call overhead.

`Pipeline.predict_proba` on a single message spends ~1 ms in input validation and sparse-matrix
plumbing; the parse budget is 5 ms at p99 for everything. This computes exactly the same numbers
(tested against scikit-learn) with dict look-ups and a few dense rows.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

FloatArray = NDArray[np.float64]
K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """A bounded, thread-safe map that forgets its least recently used entry first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class _Block:
    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: FloatArray
    sublinear: bool
    weights: FloatArray  # (n_features, n_classes)
    #: Whether an n-gram may span two words (word n-grams; char_wb n-grams never do).
    spans_words: bool = True
    #: The analyser's settings: blocks with equal settings cut a text into the same n-grams.
    signature: tuple[object, ...] = ()

    def count(self, text: str) -> Counter[str]:
        """The n-grams of `text` with their counts, shared by every block that cuts text the
        same way (the intent classifier and the flag model read the same normalised text).
        The caller must not change the Counter."""
        return _count_ngrams(self.signature, text, self.analyze)


#: Texts and words whose n-gram counts are kept: a parse reads one text with three models, and
#: explaining a flag cuts each word (common words recur from message to message).
_COUNT_CACHE_SIZE = 4096
_counted: _Lru[tuple[tuple[object, ...], str], Counter[str]] = _Lru(_COUNT_CACHE_SIZE)
#: Texts whose known n-grams each model keeps (one parse reads a text at most twice per block).
_KNOWN_CACHE_SIZE = 16
#: Words (and pairs of words) whose known n-grams each model keeps for explaining its scores.
_PIECE_CACHE_SIZE = 8192


def _count_ngrams(
    signature: tuple[object, ...], text: str, analyze: Callable[[str], list[str]]
) -> Counter[str]:
    if not signature:
        return Counter(analyze(text))
    key = (signature, text)
    hit = _counted.get(key)
    if hit is not None:
        return hit
    counts = Counter(analyze(text))
    _counted.put(key, counts)
    return counts


def _signature(v: TfidfVectorizer) -> tuple[object, ...]:
    """The settings that decide how a vectorizer cuts text, or () when they cannot be compared
    (custom callables, a stop-word list): such a block counts for itself."""
    params = v.get_params()
    keys = ("analyzer", "ngram_range", "lowercase", "token_pattern", "strip_accents", "stop_words")
    custom = (params.get("preprocessor"), params.get("tokenizer"))
    if callable(params.get("analyzer")) or any(custom) or not _plain(params.get("stop_words")):
        return ()
    return tuple((k, params.get(k)) for k in keys)


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str)


class SparseLinear:
    """scores(text) = concat(tfidf_i(text)) @ W + b for fitted vectorizers."""

    def __init__(
        self, vectorizers: Sequence[TfidfVectorizer], weights: FloatArray, intercept: FloatArray
    ) -> None:
        blocks: list[_Block] = []
        offset = 0
        for v in vectorizers:
            n = len(v.vocabulary_)
            blocks.append(
                _Block(
                    v.build_analyzer(),
                    dict(v.vocabulary_),
                    np.asarray(v.idf_, dtype=np.float64),
                    bool(v.sublinear_tf),
                    np.ascontiguousarray(weights[offset : offset + n]),
                    spans_words=v.analyzer != "char_wb",
                    signature=_signature(v),
                )
            )
            offset += n
        if offset != weights.shape[0]:
            raise ValueError("weights do not match the vectorizers' vocabularies")
        self.blocks = tuple(blocks)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self._fresh_cache()

    def _fresh_cache(self) -> None:
        self._known_cache: _Lru[tuple[int, str], tuple[NDArray[np.intp], FloatArray]] = _Lru(
            _KNOWN_CACHE_SIZE
        )
        self._piece_cache: _Lru[tuple[int, str], dict[int, float]] = _Lru(_PIECE_CACHE_SIZE)

    def __getstate__(self) -> dict[str, object]:
        """A saved model (the flag model is pickled with its scorer) keeps no cache or lock."""
        state = dict(self.__dict__)
        state.pop("_known_cache", None)
        state.pop("_piece_cache", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._fresh_cache()

    def term_rows(self, block: _Block, text: str) -> tuple[NDArray[np.intp], FloatArray]:
        """The columns of the n-grams of `text` the block knows, and each one's term of the
        scores (its normalised TF-IDF value times its weights): the pieces `scores` adds up,
        for explaining them."""
        idx, counts = self._known(block, text)
        if not len(idx):
            return idx, np.zeros((0, block.weights.shape[1]))
        terms: FloatArray = self._values(block, idx, counts)[:, None] * block.weights[idx]
        return idx, terms

    def piece_columns(self, block: _Block, piece: str) -> dict[int, float]:
        """The known n-grams of a word (or two) by column, with their counts. Words recur from
        message to message, so the answers are kept."""
        key = (id(block), piece)
        hit = self._piece_cache.get(key)
        if hit is not None:
            return hit
        get = block.vocabulary.get
        found = {c: float(k) for g, k in block.count(piece).items() if (c := get(g)) is not None}
        self._piece_cache.put(key, found)
        return found

    def _known(self, block: _Block, text: str) -> tuple[NDArray[np.intp], FloatArray]:
        """The columns of the n-grams of `text` the block knows, and their counts. Counting
        every n-gram in C first and looking up each distinct one once is what keeps a long
        story inside the parse budget; the last texts' answers are kept, since explaining a
        flag (`term_rows`) reads the text `scores` has just read."""
        key = (id(block), text)
        hit = self._known_cache.get(key)
        if hit is not None:
            return hit
        vocabulary = block.vocabulary
        counts = block.count(text)
        # map and filter over bound methods loop in C: a long story has thousands of n-grams
        grams = list(filter(vocabulary.__contains__, counts))
        known = (
            np.asarray(list(map(vocabulary.__getitem__, grams)), dtype=np.intp),
            np.asarray(list(map(counts.__getitem__, grams)), dtype=np.float64),
        )
        self._known_cache.put(key, known)
        return known

    @staticmethod
    def _values(block: _Block, idx: NDArray[np.intp], counts: FloatArray) -> FloatArray:
        """Normalised TF-IDF values of the n-grams at `idx` with these counts."""
        tf = 1.0 + np.log(counts) if block.sublinear else counts
        vals: FloatArray = tf * block.idf[idx]
        norm = math.sqrt(float(vals @ vals))
        if norm > 0:
            vals /= norm
        return vals

    def scores(self, text: str) -> FloatArray:
        total = self.intercept.copy()
        for b in self.blocks:
            idx, counts = self._known(b, text)
            if len(idx):
                total += self._values(b, idx, counts) @ b.weights[idx]
        return total


def softmax(z: FloatArray) -> FloatArray:
    e = np.exp(z - z.max())
    out: FloatArray = e / e.sum()
    return out
