"""Train the NLU's learned parts from nlu/data and keep them in one joblib file.

The file holds the intent classifier and the language identifier; the lexicons (normalisation,
risk, entities) are data files read at start-up so they can be corrected without retraining.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib

from nlu.classifier import IntentClassifier
from nlu.langid import LanguageIdentifier
from nlu.normalize import Normaliser
from nlu.paths import BHINNEKA_FILE, LANGUAGE_WORDS_FILE, LEXICON_FILE, training_files
from nlu.training_data import Example, load_training_examples

log = logging.getLogger(__name__)

MODEL_FORMAT = 1


@dataclass
class TrainedModel:
    classifier: IntentClassifier
    language_identifier: LanguageIdentifier
    meta: dict[str, Any] = field(default_factory=dict)


def data_fingerprint() -> str:
    """A hash of the data a model is trained from, so a model file older than its data is
    noticed (and retrained) instead of silently answering with yesterday's intents."""
    digest = hashlib.sha256()
    for path in [*training_files(), LEXICON_FILE, BHINNEKA_FILE, LANGUAGE_WORDS_FILE]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_current(model: TrainedModel) -> bool:
    return model.meta.get("data_fingerprint") == data_fingerprint()


def train(
    examples: list[Example] | None = None, normaliser: Normaliser | None = None
) -> TrainedModel:
    """Fit both models; seconds on this machine for ~1,000 examples."""
    started = time.perf_counter()
    examples_given = examples is not None
    examples = examples if examples is not None else load_training_examples(training_files())
    normaliser = normaliser or Normaliser()
    texts = [normaliser(e.text) for e in examples]
    classifier = IntentClassifier.train(texts, [e.intent for e in examples])
    langid = LanguageIdentifier.train([e.text for e in examples], [e.language for e in examples])
    seconds = time.perf_counter() - started
    log.info("trained NLU on %d examples in %.1f s", len(examples), seconds)
    meta = {
        "format": MODEL_FORMAT,
        "examples": len(examples),
        "intents": classifier.intents,
        "training_seconds": round(seconds, 3),
        "data_fingerprint": None if examples_given else data_fingerprint(),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return TrainedModel(classifier, langid, meta)


def save(model: TrainedModel, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {
            "format": MODEL_FORMAT,
            "classifier": model.classifier.pipeline,
            "langid": model.language_identifier.pipeline,
            "meta": model.meta,
        },
        path,
        compress=3,
    )
    return path


def load(path: Path) -> TrainedModel:
    from nlu.langid import LanguageWords

    blob = joblib.load(path)
    if blob.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path}: model format {blob.get('format')}, expected {MODEL_FORMAT}")
    return TrainedModel(
        IntentClassifier(blob["classifier"]),
        LanguageIdentifier(blob["langid"], LanguageWords.load()),
        dict(blob.get("meta", {})),
    )
