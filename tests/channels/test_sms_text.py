"""SMS stays GSM-7 and within 3 segments per message, cut only between words."""

from __future__ import annotations

import pytest

from bot.messages import Button
from content.length import gsm7_septets
from webhooks.text import SMS_MAX_SEPTETS, sms_parts, sms_segments, split_at_words, to_gsm7
from webhooks.twilio import render_texts

LONG_ANSWER = (
    "Sebelum berangkat, pastikan Anda mendaftar di Dinas Tenaga Kerja kabupaten. "
    "Jangan serahkan paspor kepada siapa pun. " * 12
).strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Jangan” bayar—itu ‘biaya’ ilegal…", "\"Jangan\" bayar-itu 'biaya' ilegal..."),
        ("Langkah • satu → dua", "Langkah - satu -> dua"),
        ("naïve café", "naive café"),  # é is GSM-7; ï is not and loses its accent
        ("Tolong 🙏 bantu", "Tolong  bantu"),
    ],
)
def test_sms_text_is_transliterated_to_gsm7(text: str, expected: str) -> None:
    assert to_gsm7(text) == expected
    assert gsm7_septets(to_gsm7(text)) is not None


def test_a_long_sms_answer_is_split_into_messages_of_at_most_three_segments() -> None:
    parts = sms_parts(LONG_ANSWER)
    assert len(parts) > 1
    assert all(sms_segments(p) <= 3 and (gsm7_septets(p) or 0) <= SMS_MAX_SEPTETS for p in parts)
    words = LONG_ANSWER.split()
    assert " ".join(parts).split() == words  # nothing lost, nothing cut inside a word


def test_split_never_cuts_inside_a_word() -> None:
    text = "alpha beta gamma delta epsilon"
    for limit in range(len("epsilon"), len(text)):  # from the longest word up
        parts = split_at_words(text, limit)
        assert all(len(p) <= limit for p in parts)
        assert all(word in text.split() for p in parts for word in p.split())


def test_a_short_sms_is_one_segment_and_one_message() -> None:
    assert sms_parts("Halo! Ketik MENU.") == ["Halo! Ketik MENU."]
    assert sms_segments("x" * 160) == 1
    assert sms_segments("x" * 161) == 2
    assert sms_segments("x" * 459) == 3


def test_buttons_become_a_numbered_list_on_sms_and_whatsapp() -> None:
    buttons = (Button("Dokumen", "/ask_documents"), Button("Biaya", "/ask_costs"))
    for channel in ("sms", "whatsapp"):
        (body,) = render_texts(channel, "Pilih topik:", buttons)
        assert body == "Pilih topik:\n1: Dokumen\n2: Biaya"
