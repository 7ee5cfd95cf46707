"""`aman agencies import FILE` and `aman content check` from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings, get_settings
from content.catalog import DATA_DIR


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DATA_DIR", str(settings.DATA_DIR))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_importing_the_sample_registry_twice_adds_then_changes_nothing(env: Settings) -> None:
    sample = str(DATA_DIR / "agencies_sample.csv")
    first = CliRunner().invoke(app, ["agencies", "import", sample])
    assert first.exit_code == 0, first.output
    assert "12 added" in first.output
    again = CliRunner().invoke(app, ["agencies", "import", sample])
    assert "0 added, 0 updated, 12 unchanged" in again.output
    found = CliRunner().invoke(app, ["agencies", "lookup", "sampel mitra karya mandri"])
    assert found.output.startswith("licensed")


def test_a_bad_file_exits_1_and_names_the_line(env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,licence_number,status,valid_until,address,city,province\n"
        "PT Sampel A,SAMPEL/1,aktif,2030-01-01,Jl. Contoh,Kupang,NTT\n"
        "PT Sampel B,SAMPEL/2,unknown,2030-01-01,Jl. Contoh,Kupang,NTT\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["agencies", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "nothing imported" in result.output


def test_aman_content_check_passes() -> None:
    result = CliRunner().invoke(app, ["content", "check"])
    assert result.exit_code == 0, result.output
