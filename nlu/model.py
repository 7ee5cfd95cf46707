"""Train the NLU's learned parts from nlu/data and keep them in one joblib file.

The file holds the intent classifier, the language identifier and the learnt risk-flag model; the
lexicons (normalisation, risk rules, entities) are data files read at start-up so they can be
corrected without retraining.
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
from nlu.flag_model import NEGATIVE_INTENTS, FlagModel, load_flag_examples
from nlu.langid import LanguageIdentifier
from nlu.normalize import Normaliser
from nlu.paths import (
    BHINNEKA_FILE,
    LANGUAGE_WORDS_FILE,
    LEXICON_FILE,
    RISK_LEXICON_FILE,
    risk_example_files,
    training_files,
)
from nlu.risk import RiskDetector
from nlu.training_data import Example, load_training_examples

log = logging.getLogger(__name__)

MODEL_FORMAT = 2


@dataclass
class TrainedModel:
    classifier: IntentClassifier
    language_identifier: LanguageIdentifier
    flag_model: FlagModel | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def data_fingerprint() -> str:
    """A hash of the data a model is trained from, so a model file older than its data is
    noticed (and retrained) instead of silently answering with yesterday's intents."""
    digest = hashlib.sha256()
    sources = [
        *training_files(),
        LEXICON_FILE,
        BHINNEKA_FILE,
        LANGUAGE_WORDS_FILE,
        *risk_example_files(),
        RISK_LEXICON_FILE,  # labels the flag model's positives from the intent data
    ]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_current(model: TrainedModel) -> bool:
    return model.meta.get("data_fingerprint") == data_fingerprint()


def train(
    examples: list[Example] | None = None, normaliser: Normaliser | None = None
) -> TrainedModel:
    """Fit the three models; seconds on this machine for ~2,000 intent examples."""
    started = time.perf_counter()
    examples_given = examples is not None
    examples = examples if examples is not None else load_training_examples(training_files())
    normaliser = normaliser or Normaliser()
    texts = [normaliser(e.text) for e in examples]
    classifier = IntentClassifier.train(texts, [e.intent for e in examples])
    langid = LanguageIdentifier.train([e.text for e in examples], [e.language for e in examples])
    flag_texts, flag_sets = flag_training_set(examples, normaliser)
    flag_model = FlagModel.train(flag_texts, flag_sets)
    seconds = time.perf_counter() - started
    log.info("trained NLU on %d examples in %.1f s", len(examples), seconds)
    meta = {
        "format": MODEL_FORMAT,
        "examples": len(examples),
        "intents": classifier.intents,
        "training_seconds": round(seconds, 3),
        "data_fingerprint": None if examples_given else data_fingerprint(),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "flag_examples": len(flag_texts),
    }
    return TrainedModel(classifier, langid, flag_model, meta)


#: Intents whose examples are mostly questions, not reports ("berapa gaji minimum di Hong Kong?",
#: "PT Maju resmi?", "mau bicara dengan petugas"): those in which the rules find no flag are
#: negatives, so that a topic word ("gaji", "paspor") does not pass for a report by itself.
MOSTLY_QUESTIONS = frozenset({"ask_rights", "check_agency", "request_human"})


def flag_training_set(
    examples: list[Example], normaliser: Normaliser
) -> tuple[list[str], list[frozenset[str]]]:
    """Normalised texts and flag sets for the flag model: risk_examples.yml as written, intent
    examples of information intents as negatives, and the other intents' examples with the flags
    the lexicon rules find in them; a report_risk, emergency or lost_contact example in which they
    find none is left out (a report the rules miss is not a negative)."""
    texts: list[str] = []
    labels: list[frozenset[str]] = []
    for fe in load_flag_examples():
        texts.append(normaliser(fe.text))
        labels.append(fe.flags)
    rules = RiskDetector()
    for e in examples:
        normalised = normaliser.normalise(e.text)
        if e.intent in NEGATIVE_INTENTS:
            texts.append(normalised.text)
            labels.append(frozenset())
            continue
        found = frozenset(f.name for f in rules.flags(normalised, e.text))
        if found or e.intent in MOSTLY_QUESTIONS:
            texts.append(normalised.text)
            labels.append(found)
    return texts, labels


def save(model: TrainedModel, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {
            "format": MODEL_FORMAT,
            "classifier": model.classifier.pipeline,
            "langid": model.language_identifier.pipeline,
            "flags": model.flag_model,
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
        blob.get("flags"),
        dict(blob.get("meta", {})),
    )
