"""Where the NLU's shipped data lives, so every module finds it the same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

DATA_DIR: Final = Path(__file__).resolve().parent / "data"
LEXICON_FILE: Final = DATA_DIR / "lexicon.yml"
RISK_LEXICON_FILE: Final = DATA_DIR / "risk_lexicon.yml"
#: Reports of each risk flag and hard negatives, for the learnt flag model (nlu.flag_model).
RISK_EXAMPLES_GLOB: Final = "risk_examples*.yml"
ENTITY_LEXICON_FILE: Final = DATA_DIR / "entities.yml"
LANGUAGE_WORDS_FILE: Final = DATA_DIR / "language_words.yml"
BHINNEKA_FILE: Final = DATA_DIR / "bhinneka-langid.tsv"
#: Training files: every nlu_*.yml in DATA_DIR (Rasa NLU YAML, version "3.1").
TRAINING_GLOB: Final = "nlu_*.yml"


def default_model_path() -> Path:
    """NLU_MODEL_PATH if set, else var/nlu-model.joblib (relative to the working directory)."""
    return Path(os.environ.get("NLU_MODEL_PATH", "var/nlu-model.joblib"))


def training_files() -> list[Path]:
    return sorted(DATA_DIR.glob(TRAINING_GLOB))


def risk_example_files() -> list[Path]:
    return sorted(DATA_DIR.glob(RISK_EXAMPLES_GLOB))
