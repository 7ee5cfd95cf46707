"""What the catalog hands out: a rendered message with its buttons and its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Button:
    """A choice shown to the user. `payload` follows Rasa: "/intent", '/intent{"key": "value"}'."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """One message ready to send, with the content id and version it came from (provenance)."""

    id: str
    version: int
    language: str
    text: str
    buttons: tuple[Button, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed: bool = True


class MessageCatalog(Protocol):
    """What a service needs to send a system message by id (content.Catalog provides it)."""

    def message(
        self,
        message_id: str,
        *,
        language: str,
        params: dict[str, str] | None = None,
        channel: str = "rest",
    ) -> Rendered: ...
