"""Settings refuse placeholder secrets in production; migrations are the schema's only path."""

from __future__ import annotations

import pytest
from alembic import command
from pydantic import ValidationError
from sqlalchemy import inspect

from bot.db import alembic_config, make_engine, migrate
from bot.settings import PLACEHOLDER, Settings


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, ENVIRONMENT="production", SECRET_KEY=PLACEHOLDER)  # type: ignore[call-arg]


def test_development_defaults_to_an_embedded_sqlite_file(tmp_path: object) -> None:
    s = Settings(_env_file=None, DATA_DIR="var")  # type: ignore[call-arg]
    assert s.database_url == "sqlite:///var/aman.db"


def test_migrations_go_up_down_and_up_again(any_settings: Settings) -> None:
    url = any_settings.database_url
    engine = make_engine(url)
    assert {"contacts", "conversations", "messages", "outbox"} <= set(
        inspect(engine).get_table_names()
    )
    command.downgrade(alembic_config(url), "base")
    assert "messages" not in inspect(engine).get_table_names()
    migrate(url)
    assert "messages" in inspect(engine).get_table_names()
    engine.dispose()


def test_migrations_match_the_models(any_settings: Settings) -> None:
    """Alembic is the schema's only path: a model change without its migration fails here."""
    command.check(alembic_config(any_settings.database_url))
