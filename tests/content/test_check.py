"""`aman content check` passes on the shipped catalog and catches each kind of broken file."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from content import Catalog, CatalogError, check_catalog
from content.catalog import DATA_DIR
from content.cli import content_app


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A reviewer's copy of the shipped catalog, to break one thing at a time."""
    root = tmp_path / "catalog"
    shutil.copytree(DATA_DIR, root, ignore=shutil.ignore_patterns("*.csv"))
    return root


def edit(root: Path, file: str, entry_id: str, change: dict[str, object]) -> None:
    path = root / file
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in doc["entries"]:
        if entry["id"] == entry_id:
            for key, value in change.items():
                if value is None:
                    entry.pop(key, None)
                else:
                    entry[key] = value
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def errors(root: Path) -> list[str]:
    return [str(p) for p in check_catalog(Catalog.load(root)) if p.level == "error"]


def test_the_shipped_catalog_has_no_errors_or_warnings() -> None:
    assert check_catalog(Catalog.load(), today=date(2026, 11, 23)) == []


def test_the_check_command_passes_on_the_shipped_catalog() -> None:
    result = CliRunner().invoke(content_app, ["check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_a_missing_kupang_malay_text_is_an_error(draft: Path) -> None:
    doc = yaml.safe_load((draft / "answers/costs.yml").read_text(encoding="utf-8"))
    texts = doc["entries"][0]["text"]
    edit(draft, "answers/costs.yml", "costs.zero", {"text": {"id": texts["id"], "en": texts["en"]}})
    assert any("costs.zero" in e and "no mkn text" in e for e in errors(draft))


def test_a_fact_without_a_source_is_an_error(draft: Path) -> None:
    edit(draft, "answers/protection.yml", "insurance.fees", {"sources": None})
    assert any("insurance.fees" in e and "no source" in e for e in errors(draft))


def test_small_talk_quoting_a_number_needs_a_source_too(draft: Path) -> None:
    edit(
        draft,
        "answers/smalltalk.yml",
        "smalltalk.thanks",
        {
            "text": {
                "id": "Sama-sama, telepon 0800-1000.",
                "en": "Welcome.",
                "mkn": {"reviewed": False, "text": "Sama-sama."},
            }
        },
    )
    assert any("smalltalk.thanks" in e and "no source" in e for e in errors(draft))


def test_a_passed_review_date_is_only_a_warning(draft: Path) -> None:
    edit(draft, "answers/costs.yml", "costs.zero", {"review_by": "2026-01-01"})
    problems = check_catalog(Catalog.load(draft), today=date(2026, 11, 23))
    assert [p.level for p in problems] == ["warning"]
    assert "costs.zero" in problems[0].where
    result = CliRunner().invoke(content_app, ["check", str(draft)])
    assert result.exit_code == 0


def test_an_intent_of_the_spec_without_an_answer_is_an_error(draft: Path) -> None:
    edit(draft, "answers/smalltalk.yml", "smalltalk.thanks", {"intents": []})
    assert any("intent thanks" in e for e in errors(draft))


def test_an_answer_that_only_serves_one_country_does_not_cover_the_intent(draft: Path) -> None:
    edit(draft, "answers/costs.yml", "costs.zero", {"when": {"country": "MY"}})
    assert any("intent ask_costs" in e for e in errors(draft))


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ("/ask_weather", "unknown intent"),
        ('/more{"id":"no.such.answer"}', "unknown id"),
        ("ask_costs", "not a Rasa payload"),
        ('/ask_costs{"country": MY}', "not a Rasa payload"),
        ('/agency{"name":"x"}', "licence_number"),
    ],
)
def test_a_broken_button_payload_is_an_error(draft: Path, payload: str, why: str) -> None:
    edit(
        draft,
        "answers/costs.yml",
        "costs.zero",
        {"buttons": [{"payload": payload, "title": {"id": "Coba", "en": "Try"}}]},
    )
    assert any("costs.zero" in e and why in e for e in errors(draft))


def test_a_text_too_long_for_three_sms_is_an_error(draft: Path) -> None:
    doc = yaml.safe_load((draft / "answers/costs.yml").read_text(encoding="utf-8"))
    texts = doc["entries"][0]["text"]
    texts["en"] = texts["en"] + " More words." * 20
    edit(draft, "answers/costs.yml", "costs.zero", {"text": texts})
    assert any("costs.zero" in e and "GSM-7 characters" in e for e in errors(draft))


def test_a_character_outside_gsm7_is_an_error(draft: Path) -> None:
    doc = yaml.safe_load((draft / "answers/costs.yml").read_text(encoding="utf-8"))
    texts = doc["entries"][0]["text"]
    texts["en"] = texts["en"].replace("Art. 30", "Art. 30 \u2013 see")
    edit(draft, "answers/costs.yml", "costs.zero", {"text": texts})
    assert any("outside GSM-7" in e for e in errors(draft))


def test_a_missing_system_message_is_an_error(draft: Path) -> None:
    doc = yaml.safe_load((draft / "messages.yml").read_text(encoding="utf-8"))
    doc["entries"] = [e for e in doc["entries"] if e["id"] != "media_unsupported"]
    (draft / "messages.yml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert any("message media_unsupported" in e for e in errors(draft))


def test_placeholders_must_match_in_every_language(draft: Path) -> None:
    doc = yaml.safe_load((draft / "messages.yml").read_text(encoding="utf-8"))
    entry = next(e for e in doc["entries"] if e["id"] == "case_opened")
    entry["text"]["en"] = entry["text"]["en"].replace("({eta})", "soon")
    (draft / "messages.yml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert any("case_opened" in e and "placeholders" in e for e in errors(draft))


def test_local_text_without_a_review_mark_does_not_load(draft: Path) -> None:
    doc = yaml.safe_load((draft / "messages.yml").read_text(encoding="utf-8"))
    entry = next(e for e in doc["entries"] if e["id"] == "menu")
    entry["text"]["aoz"] = "Ambisa ka au tulun ko?"
    (draft / "messages.yml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError, match="reviewed"):
        Catalog.load(draft)
    result = CliRunner().invoke(content_app, ["check", str(draft)])
    assert result.exit_code == 1
    assert "reviewed" in result.output


def test_the_check_command_fails_on_a_broken_catalog(draft: Path) -> None:
    edit(draft, "answers/protection.yml", "insurance.fees", {"sources": None})
    result = CliRunner().invoke(content_app, ["check", str(draft)])
    assert result.exit_code == 1
    assert "insurance.fees" in result.output


def test_local_text_marked_reviewed_must_name_its_reviewer(draft: Path) -> None:
    doc = yaml.safe_load((draft / "messages.yml").read_text(encoding="utf-8"))
    entry = next(e for e in doc["entries"] if e["id"] == "menu")
    entry["text"]["aoz"] = {"reviewed": True, "lead": "Ambisa ka au tulun ko?"}
    (draft / "messages.yml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError, match="reviewer"):
        Catalog.load(draft)
    entry["text"]["aoz"]["reviewer"] = "a native speaker, 2026-12-01"
    (draft / "messages.yml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert Catalog.load(draft).message("menu", language="aoz").reviewed
