"""Read Rasa NLU YAML (version "3.1"): examples with inline entities and per-intent language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu.spec import DEFAULT_LANGUAGE, INTENTS, LANGUAGES

# [text](entity) , [text](entity:value) , [text]{"entity": "...", "value": "..."}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True, slots=True)
class AnnotatedEntity:
    entity: str
    value: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Example:
    """One training or test message, annotations removed from `text`."""

    text: str
    intent: str
    language: str = DEFAULT_LANGUAGE
    entities: tuple[AnnotatedEntity, ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)
    level: str | None = None


def strip_annotations(marked: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """Turn "[PT Maju](agency) resmi?" into plain text plus the entity spans."""
    out: list[str] = []
    entities: list[AnnotatedEntity] = []
    pos = 0
    length = 0
    for m in _ANNOTATION.finditer(marked):
        before = marked[pos : m.start()]
        out.append(before)
        length += len(before)
        surface = m.group("text")
        if m.group("json"):
            spec: dict[str, Any] = json.loads(m.group("json"))
            name, value = str(spec["entity"]), str(spec.get("value", surface))
        else:
            name, _, value = str(m.group("short")).partition(":")
            value = value or surface
        entities.append(AnnotatedEntity(name, value, length, length + len(surface), surface))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), tuple(entities)


def _example_lines(block: str) -> Iterable[str]:
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("- "):
            yield line[2:].strip()


def load_rasa_nlu(path: Path) -> list[Example]:
    """Examples of one Rasa NLU file; the intent's `metadata.language` labels its language."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples: list[Example] = []
    for item in doc.get("nlu", []) or []:
        intent = item.get("intent")
        if not intent:
            continue  # synonyms, lookups, regexes: not used here
        if intent not in INTENTS:
            raise ValueError(f"{path.name}: unknown intent {intent!r}")
        language = (item.get("metadata") or {}).get("language", DEFAULT_LANGUAGE)
        if language not in LANGUAGES:
            raise ValueError(f"{path.name}: unknown language {language!r} for {intent}")
        for marked in _example_lines(item.get("examples", "")):
            text, ents = strip_annotations(marked)
            examples.append(Example(text=text, intent=intent, language=language, entities=ents))
    return examples


def load_training_examples(paths: Iterable[Path]) -> list[Example]:
    out: list[Example] = []
    for p in paths:
        out.extend(load_rasa_nlu(p))
    return out


def load_test_file(path: Path) -> list[Example]:
    """The held-out format: `messages:` of {text, intent, language, flags, level}."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[Example] = []
    for i, row in enumerate(doc.get("messages", [])):
        text, ents = strip_annotations(str(row["text"]))
        intent = str(row["intent"])
        if intent not in INTENTS:
            raise ValueError(f"{path.name} row {i}: unknown intent {intent!r}")
        out.append(
            Example(
                text=text,
                intent=intent,
                language=str(row.get("language", row.get("lang", DEFAULT_LANGUAGE))),
                entities=ents,
                flags=frozenset(row.get("flags") or ()),
                level=row.get("level"),
            )
        )
    return out
