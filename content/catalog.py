"""The content catalog: every answer and system message, loaded from reviewed YAML, per language.

Nothing the bot says is generated freely: it is picked here, by intent (and entity conditions such
as `country: MY`) or by message id, in the user's language with a fallback to Indonesian, and it
carries the id and version it came from so every outgoing message has its provenance.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.spec import DEFAULT_LANGUAGE, LANGUAGES

from .types import Button, Rendered

DATA_DIR = Path(__file__).resolve().parent / "data"
#: Languages whose text counts as reviewed when written as a plain string (the source languages).
SOURCE_LANGUAGES = frozenset({"id", "en"})
#: Intents a button payload may name beside the spec's intents.
PAYLOAD_INTENTS = frozenset({"more", "agency"})

_PAYLOAD = re.compile(r"^/(?P<name>[a-z_]+)(?P<args>\{.*\})?$", re.DOTALL)


class CatalogError(ValueError):
    """The YAML cannot be loaded into a catalog (wrong shape, unknown language, duplicate id)."""


@dataclass(frozen=True, slots=True)
class Text:
    """One language's text of an entry and whether a native speaker checked it."""

    text: str
    reviewed: bool


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    """A button before rendering: a title per language and a Rasa payload."""

    title: Mapping[str, str]
    payload: str


@dataclass(frozen=True, slots=True)
class Entry:
    """An answer (selected by intent) or a system message (selected by id); detail answers are
    reached through "more" buttons."""

    id: str
    version: int
    file: str
    texts: Mapping[str, Text]
    sources: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    params: tuple[str, ...] = ()
    buttons: tuple[ButtonSpec, ...] = ()
    title: Mapping[str, str] = field(default_factory=dict)
    reviewed_at: date | None = None
    review_by: date | None = None
    #: False for small talk that states no fact (greetings); everything else needs a source.
    fact_bearing: bool = True
    #: Breaks ties between answers with as many matching conditions (e.g. Sabah over Malaysia).
    priority: int = 0

    def matches(self, entities: Mapping[str, str]) -> bool:
        """True when every entity condition holds (case-insensitive)."""
        for key, allowed in self.when.items():
            value = entities.get(key)
            if value is None or value.strip().casefold() not in {a.casefold() for a in allowed}:
                return False
        return True

    def language_for(self, language: str) -> str:
        """The language actually used: the requested one when written, else Indonesian."""
        return language if language in self.texts else DEFAULT_LANGUAGE


def parse_payload(payload: str) -> tuple[str, dict[str, Any]] | None:
    """Split a Rasa payload ("/intent", '/intent{"k": "v"}') into name and args; None if broken."""
    m = _PAYLOAD.match(payload.strip())
    if not m:
        return None
    args: dict[str, Any] = {}
    if m.group("args"):
        try:
            loaded = json.loads(m.group("args"))
        except json.JSONDecodeError:
            return None
        if not isinstance(loaded, dict):
            return None
        args = loaded
    return m.group("name"), args


def more_payload(answer_id: str) -> str:
    return "/more" + json.dumps({"id": answer_id}, separators=(",", ":"))


def placeholders(template: str) -> set[str]:
    """The {names} a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalog:
    """All entries by id, with the look-ups the engine needs. Built by `Catalog.load`."""

    def __init__(self, entries: Sequence[Entry], *, root: Path) -> None:
        self.root = root
        self.entries: dict[str, Entry] = {}
        for entry in entries:
            if entry.id in self.entries:
                raise CatalogError(f"{entry.file}: duplicate id {entry.id!r}")
            self.entries[entry.id] = entry
        self._by_intent: dict[str, list[Entry]] = {}
        for entry in self.entries.values():
            for intent in entry.intents:
                self._by_intent.setdefault(intent, []).append(entry)

    # -- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path | None = None) -> Catalog:
        """Load and validate the YAML under `root` (default: the catalog shipped in the package).

        The shipped catalog is read once per process and shared; another root (a test fixture,
        a reviewer's draft) is read afresh on every call.
        """
        if root is None:
            return _shipped()
        return _load(Path(root))

    # -- selection -------------------------------------------------------------------------------

    def answers_for(self, intent: str) -> list[Entry]:
        return list(self._by_intent.get(intent, ()))

    def select(self, intent: str, entities: Mapping[str, str] | None = None) -> Entry:
        """The answer serving `intent`: the most specific one whose entity conditions all match."""
        candidates = [e for e in self._by_intent.get(intent, ()) if e.matches(entities or {})]
        if not candidates:
            candidates = [e for e in self._by_intent.get("out_of_scope", ()) if not e.when]
        if not candidates:
            raise KeyError(f"no answer for intent {intent!r} and no out_of_scope answer")
        return max(candidates, key=lambda e: (len(e.when), e.priority))

    def for_intent(
        self,
        intent: str,
        *,
        language: str,
        entities: Mapping[str, str] | None = None,
        channel: str = "rest",
    ) -> Rendered:
        """The answer to `intent` in `language` (fallback: Indonesian). Never empty."""
        return self.render(self.select(intent, entities), language=language, channel=channel)

    def message(
        self,
        message_id: str,
        *,
        language: str,
        params: Mapping[str, str] | None = None,
        channel: str = "rest",
    ) -> Rendered:
        """A system message with its {placeholders} filled; params it does not name are ignored.
        A missing param is a bug in the caller: ValueError."""
        try:
            entry = self.entries[message_id]
        except KeyError:
            raise KeyError(f"no catalog message {message_id!r}") from None
        return self.render(entry, language=language, params=params, channel=channel)

    def more(self, answer_id: str, *, language: str, channel: str = "rest") -> Rendered:
        """The detail behind a "more" button; an unknown id gets the `more_none` message."""
        entry = self.entries.get(answer_id)
        if entry is None or entry.params:
            entry = self.entries["more_none"]
        return self.render(entry, language=language, channel=channel)

    def flags_text(self, flags: Sequence[str], *, language: str) -> str:
        """The short titles of raised risk flags, for the `risk_warning` {flags_text} param."""
        titles = []
        for flag in flags:
            entry = self.entries.get(f"risk.{flag}")
            if entry is None:
                titles.append(flag)
                continue
            lang = entry.language_for(language)
            titles.append(entry.title.get(lang) or entry.title.get(DEFAULT_LANGUAGE) or flag)
        return ", ".join(titles)

    # -- rendering -------------------------------------------------------------------------------

    def render(
        self,
        entry: Entry,
        *,
        language: str,
        params: Mapping[str, str] | None = None,
        channel: str = "rest",
    ) -> Rendered:
        """Fill one entry for one language (buttons titled in the same language).

        Every text fits the narrowest channel (3 GSM-7 SMS with its numbered buttons, checked by
        `check_catalog`), so one text serves every channel; `channel` is accepted for variants.
        """
        lang = entry.language_for(language)
        chosen = entry.texts[lang]
        text = chosen.text
        if entry.params:
            given = dict(params or {})
            missing = [p for p in entry.params if p not in given]
            if missing:
                raise ValueError(f"message {entry.id!r} needs params {missing}")
            values = {p: str(given[p]) for p in entry.params}
            text = text.format_map(values)
        buttons = tuple(
            Button(title=_title(b.title, lang), payload=b.payload) for b in entry.buttons
        )
        return Rendered(
            id=entry.id,
            version=entry.version,
            language=lang,
            text=text.strip(),
            buttons=buttons,
            sources=entry.sources,
            reviewed=chosen.reviewed,
        )


def _title(titles: Mapping[str, str], language: str) -> str:
    return titles.get(language) or titles[DEFAULT_LANGUAGE]


# -- YAML → entries ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _shipped() -> Catalog:
    """The shipped catalog must also pass `check_catalog` (errors): never serve a broken one."""
    from .check import check_catalog  # check imports this module

    catalog = _load(DATA_DIR)
    errors = [str(p) for p in check_catalog(catalog) if p.level == "error"]
    if errors:
        raise CatalogError("shipped catalog fails its check:\n" + "\n".join(errors))
    return catalog


def _load(root: Path) -> Catalog:
    files = sorted(root.glob("**/*.yml"))
    if not files:
        raise CatalogError(f"no catalog YAML under {root}")
    shared: dict[str, ButtonSpec] = {}
    raw_entries: list[tuple[str, dict[str, Any]]] = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CatalogError(f"{rel}: not valid YAML: {exc}") from exc
        if not isinstance(doc, dict):
            raise CatalogError(f"{rel}: the top level must be a mapping")
        unknown = set(doc) - {"buttons", "entries"}
        if unknown:
            raise CatalogError(f"{rel}: unknown top-level keys {sorted(unknown)}")
        for name, spec in (doc.get("buttons") or {}).items():
            if name in shared:
                raise CatalogError(f"{rel}: shared button {name!r} defined twice")
            shared[name] = _button(spec, rel, f"button {name}")
        for raw in doc.get("entries") or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                raise CatalogError(f"{rel}: every entry needs a string `id`")
            raw_entries.append((rel, raw))
    titles = {raw["id"]: raw.get("title") for _, raw in raw_entries}
    entries = [_entry(raw, rel, shared, titles) for rel, raw in raw_entries]
    return Catalog(entries, root=root)


_ENTRY_KEYS = {
    "id",
    "version",
    "intents",
    "when",
    "params",
    "text",
    "sources",
    "buttons",
    "more",
    "title",
    "reviewed_at",
    "review_by",
    "fact_bearing",
    "priority",
}


def _entry(
    raw: dict[str, Any],
    rel: str,
    shared: Mapping[str, ButtonSpec],
    titles: Mapping[str, Any],
) -> Entry:
    eid = raw["id"]
    where = f"{rel}: {eid}"
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}")
    version = raw.get("version")
    if not isinstance(version, int) or version < 1:
        raise CatalogError(f"{where}: `version` must be a positive integer")
    texts_raw = raw.get("text")
    if not isinstance(texts_raw, dict) or not texts_raw:
        raise CatalogError(f"{where}: `text` must map languages to text")
    texts: dict[str, Text] = {}
    for lang, value in texts_raw.items():
        if lang not in LANGUAGES:
            raise CatalogError(f"{where}: unknown language {lang!r}")
        texts[lang] = _text(value, lang, texts_raw, where)
    buttons: list[ButtonSpec] = []
    for i, b in enumerate(raw.get("buttons") or []):
        if isinstance(b, str):
            if b not in shared:
                raise CatalogError(f"{where}: unknown shared button {b!r}")
            buttons.append(shared[b])
        else:
            buttons.append(_button(b, rel, f"{eid} button {i + 1}"))
    for more_id in raw.get("more") or []:
        title = titles.get(more_id)
        if not isinstance(title, dict) or DEFAULT_LANGUAGE not in title:
            raise CatalogError(f"{where}: `more` target {more_id!r} needs a `title` with `id`")
        labels = {str(k): str(v) for k, v in title.items()}
        buttons.append(ButtonSpec(title=labels, payload=more_payload(more_id)))
    when = {
        str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v]))
        for k, v in (raw.get("when") or {}).items()
    }
    return Entry(
        id=eid,
        version=version,
        file=rel,
        texts=texts,
        sources=tuple(str(s) for s in raw.get("sources") or ()),
        intents=tuple(str(i) for i in raw.get("intents") or ()),
        when=when,
        params=tuple(str(p) for p in raw.get("params") or ()),
        buttons=tuple(buttons),
        title={str(k): str(v) for k, v in (raw.get("title") or {}).items()},
        reviewed_at=_date(raw.get("reviewed_at"), where, "reviewed_at"),
        review_by=_date(raw.get("review_by"), where, "review_by"),
        fact_bearing=bool(raw.get("fact_bearing", True)),
        priority=int(raw.get("priority", 0)),
    )


def _text(value: Any, lang: str, all_texts: Mapping[str, Any], where: str) -> Text:
    """A plain string is reviewed only for a source language; local text must say `reviewed`.

    A local text may be a grounded `lead` (a phrase from the corpus) put before the Indonesian
    text, when no full grounded translation exists.
    """
    if isinstance(value, str):
        if lang not in SOURCE_LANGUAGES:
            raise CatalogError(f"{where}: {lang} text must be a mapping with `reviewed`")
        return Text(value, True)
    if not isinstance(value, dict) or "reviewed" not in value:
        raise CatalogError(f"{where}: {lang} text must be a string or a mapping with `reviewed`")
    reviewed = value["reviewed"]
    if not isinstance(reviewed, bool):
        raise CatalogError(f"{where}: {lang} `reviewed` must be true or false")
    if reviewed and not value.get("reviewer"):
        raise CatalogError(f"{where}: {lang} marked reviewed needs the `reviewer` who approved it")
    if "text" in value:
        return Text(str(value["text"]), reviewed)
    if "lead" in value:
        base = all_texts.get(DEFAULT_LANGUAGE)
        if not isinstance(base, str):
            raise CatalogError(f"{where}: {lang} `lead` needs an Indonesian text to follow it")
        return Text(f"{str(value['lead']).strip()}\n{base}", reviewed)
    raise CatalogError(f"{where}: {lang} needs `text` or `lead`")


def _button(spec: Any, rel: str, what: str) -> ButtonSpec:
    if not isinstance(spec, dict) or not isinstance(spec.get("payload"), str):
        raise CatalogError(f"{rel}: {what} needs a `payload`")
    title = spec.get("title")
    if not isinstance(title, dict) or DEFAULT_LANGUAGE not in title:
        raise CatalogError(f"{rel}: {what} needs a `title` with at least `id`")
    return ButtonSpec(title={str(k): str(v) for k, v in title.items()}, payload=spec["payload"])


def _date(value: Any, where: str, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CatalogError(f"{where}: `{key}` is not a date (YYYY-MM-DD)") from exc


__all__ = [
    "Catalog",
    "CatalogError",
    "Entry",
    "Text",
    "more_payload",
    "parse_payload",
    "placeholders",
]
