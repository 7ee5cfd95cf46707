"""One NLU trained in memory from nlu/data for all NLU tests (never a stale model file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import build_parser
from nlu.parser import LocalParser


@pytest.fixture(scope="session")
def local_parser(tmp_path_factory: pytest.TempPathFactory) -> LocalParser:
    missing = tmp_path_factory.mktemp("nlu") / "no-model.joblib"
    parser = build_parser(model_path=Path(missing))
    assert isinstance(parser, LocalParser)
    return parser
