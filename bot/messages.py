"""Channel-neutral messages: each channel turns its payload into an Inbound and renders Replies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from content.types import Button

from .models import utcnow

__all__ = ["Button", "Inbound", "Media", "Reply", "parse_payload"]

_PAYLOAD = re.compile(r"^/(?P<name>[a-z_]+)(?P<args>\{.*\})?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Media:
    """Something the bot cannot read (voice, photo, document...), kept for the officer."""

    kind: str
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a user, whatever the channel (Rasa's UserMessage, in spirit)."""

    channel: str
    sender_id: str
    text: str = ""
    #: The provider's unique id of this delivery; a second delivery with the same id is a duplicate.
    provider_message_id: str | None = None
    #: A button press: "/intent" or '/intent{"key": "value"}'.
    payload: str | None = None
    received_at: datetime = field(default_factory=utcnow)
    language_hint: str | None = None
    media: tuple[Media, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the user, with its provenance (content id and version)."""

    text: str
    buttons: tuple[Button, ...] = ()
    content_id: str | None = None
    content_version: int | None = None
    language: str | None = None
    #: The stored message's id, once stored.
    message_id: int | None = None


def parse_payload(payload: str) -> tuple[str, dict[str, str]] | None:
    """Split a Rasa-style payload into its name and arguments; None when it is not one."""
    m = _PAYLOAD.match(payload.strip())
    if not m:
        return None
    args: dict[str, str] = {}
    if m.group("args"):
        try:
            raw = json.loads(m.group("args"))
        except json.JSONDecodeError:
            return None
        if not isinstance(raw, dict):
            return None
        args = {str(k): str(v) for k, v in raw.items()}
    return m.group("name"), args
