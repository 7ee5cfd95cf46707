"""How long a message is on the narrowest channel: SMS in GSM-7, with buttons as a numbered list.

A short first answer must fit 3 concatenated SMS segments (3 x 153 = 459 GSM-7 septets) and so
also one WhatsApp screen; a character outside GSM-7 would switch the whole SMS to UCS-2 (67 per
segment), so such text is refused rather than counted.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import Button, Rendered

#: 3 segments of a concatenated GSM-7 SMS (153 septets each after the UDH).
MAX_SEPTETS = 459
#: WhatsApp reply-button and list-row titles are cut at 20 / 24 characters; keep to the lower.
MAX_BUTTON_TITLE = 20

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")


def gsm7_septets(text: str) -> int | None:
    """Septets `text` takes in GSM-7, or None when a character is not in GSM-7."""
    total = 0
    for ch in text:
        if ch in _GSM7_BASIC:
            total += 1
        elif ch in _GSM7_EXTENSION:
            total += 2
        else:
            return None
    return total


def non_gsm7(text: str) -> list[str]:
    """The characters of `text` that GSM-7 cannot carry."""
    return sorted({ch for ch in text if ch not in _GSM7_BASIC and ch not in _GSM7_EXTENSION})


def as_plain_text(text: str, buttons: Iterable[Button]) -> str:
    """What a text-only channel shows: the text, then "1: title" per button (as Rasa does)."""
    lines = [f"{i}: {b.title}" for i, b in enumerate(buttons, start=1)]
    return "\n".join([text, *lines]) if lines else text


def sms_septets(rendered: Rendered) -> int | None:
    """Septets of a rendered message on SMS, numbered buttons included."""
    return gsm7_septets(as_plain_text(rendered.text, rendered.buttons))
