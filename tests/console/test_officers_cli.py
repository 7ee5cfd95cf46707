"""`aman officers add` prints a one-time password; `aman officers token` a bearer token whose hash
alone is stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cases import Officer, OfficerToken
from bot.cli import app
from bot.officers import authenticate, hash_token, officer_for_token
from bot.settings import Settings, get_settings


@pytest.fixture
def cli_env(settings: Settings, db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DATA_DIR", str(settings.DATA_DIR))
    get_settings.cache_clear()
    yield db_engine  # type: ignore[misc]
    get_settings.cache_clear()


def test_officers_add_prints_a_one_time_password_that_logs_in(cli_env: Engine) -> None:
    result = CliRunner().invoke(
        app, ["officers", "add", "Yohana", "--role", "supervisor", "--team", "kupang"]
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"one-time password: (\S+)", result.output)
    assert password
    with Session(cli_env) as s:
        officer = s.exec(select(Officer).where(Officer.username == "yohana")).one()
        assert officer.role == "supervisor" and officer.team == "kupang"
        assert officer.must_change_password and password.group(1) not in officer.password_hash
        assert authenticate(session=s, username="yohana", password=password.group(1)) is not None
    again = CliRunner().invoke(app, ["officers", "add", "yohana"])
    assert again.exit_code == 1 and "already exists" in again.output
    bad = CliRunner().invoke(app, ["officers", "add", "x", "--role", "boss"])
    assert bad.exit_code == 1 and "unknown role" in bad.output


def test_officers_token_prints_a_token_and_stores_only_its_hash(cli_env: Engine) -> None:
    CliRunner().invoke(app, ["officers", "add", "ana"])
    result = CliRunner().invoke(app, ["officers", "token", "ana"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with Session(cli_env) as s:
        row = s.exec(select(OfficerToken)).one()
        assert row.token_hash == hash_token(token) and token not in row.token_hash
        officer = officer_for_token(session=s, token=token)
        assert officer is not None and officer.username == "ana"
    assert CliRunner().invoke(app, ["officers", "token", "nobody"]).exit_code == 1
