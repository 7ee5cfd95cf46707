"""`aman chat` talks to the same engine in the terminal."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings, get_settings


def test_aman_chat_greets_and_follows_a_numbered_button(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DATA_DIR", str(settings.DATA_DIR))
    monkeypatch.setenv("NLU_MODEL_PATH", str(settings.DATA_DIR / "none.joblib"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["chat", "--sender", "tty"], input="halo\n1\n")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "HAPUS DATA" in result.output  # the welcome
    assert "  1. " in result.output  # buttons are numbered
    assert result.output.count("> ") >= 3
