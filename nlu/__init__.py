"""Text -> Parse: intent, entities, language and risk for Migrasi Aman (see ../shared/spec/nlu.md).

`build_parser()` is the one entry point the engine uses.
"""

from __future__ import annotations

import logging
from pathlib import Path

from nlu.entities import Gazetteer
from nlu.paths import default_model_path
from nlu.types import Entity, IntentScore, LanguageGuess, Parse, Parser, Risk, RiskFlag

log = logging.getLogger(__name__)

__all__ = [
    "Entity",
    "Gazetteer",
    "IntentScore",
    "LanguageGuess",
    "Parse",
    "Parser",
    "Risk",
    "RiskFlag",
    "build_parser",
]


def build_parser(
    *,
    backend: str = "local",
    model_path: Path | None = None,
    rasa_url: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> Parser:
    """A ready parser. "local": load model_path (default NLU_MODEL_PATH or var/nlu-model.joblib)
    when it exists, else train in memory from nlu/data. "rasa": intent and entities from a Rasa
    server at rasa_url (or RASA_URL); our language id and risk detector run on top."""
    import gc

    from nlu import model as nlu_model
    from nlu.parser import LocalParser

    path = model_path if model_path is not None else default_model_path()
    trained = nlu_model.load(path) if path.exists() else None
    if trained is not None and nlu_model.is_current(trained):
        log.info("NLU model loaded from %s", path)
    elif trained is not None:
        log.warning("NLU model %s is older than nlu/data: training in memory", path)
        trained = nlu_model.train()
    else:
        log.info("no NLU model at %s; training in memory", path)
        trained = nlu_model.train()
    # The model is a few hundred thousand long-lived objects (vocabularies, weights); left in the
    # collector's generations, every full collection walks them and a parse that triggers one
    # takes several milliseconds longer. Freezing them keeps the parse p99 inside its budget.
    gc.freeze()
    if backend == "local":
        return LocalParser(trained, gazetteer=gazetteer)
    if backend == "rasa":
        from nlu.rasa_backend import RasaParser

        return RasaParser.from_env(
            rasa_url,
            trained.language_identifier,
            gazetteer=gazetteer,
            flag_model=trained.flag_model,
        )
    raise ValueError(f"unknown NLU backend {backend!r} (expected 'local' or 'rasa')")
