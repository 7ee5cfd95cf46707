"""The Senders of the push channels, built from settings, for `aman worker` and `aman serve`.

A channel is present only when it is configured: Telegram with TELEGRAM_BOT_TOKEN, WhatsApp and
SMS with the Twilio account, auth token and their own sender number.
"""

from __future__ import annotations

import logging

from bot.outbox import Sender
from bot.settings import Settings

log = logging.getLogger(__name__)


def build_senders(
    settings: Settings, *, twilio_http_client: object | None = None
) -> dict[str, Sender]:
    """{"telegram": ..., "whatsapp": ..., "sms": ...} for the channels that are configured."""
    senders: dict[str, Sender] = {}
    if settings.TELEGRAM_BOT_TOKEN:
        from .telegram import TelegramSender, make_bot

        senders["telegram"] = TelegramSender(make_bot(settings))
    twilio_ready = bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN)
    if twilio_ready and (settings.TWILIO_WHATSAPP_FROM or settings.TWILIO_SMS_FROM):
        from .twilio import TwilioSender, make_client

        client = make_client(settings, http_client=twilio_http_client)
        if settings.TWILIO_WHATSAPP_FROM:
            senders["whatsapp"] = TwilioSender(
                channel="whatsapp", client=client, from_=settings.TWILIO_WHATSAPP_FROM
            )
        if settings.TWILIO_SMS_FROM:
            senders["sms"] = TwilioSender(
                channel="sms", client=client, from_=settings.TWILIO_SMS_FROM
            )
    elif settings.TWILIO_WHATSAPP_FROM or settings.TWILIO_SMS_FROM:
        log.warning(
            "TWILIO_*_FROM is set but TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN are not: "
            "WhatsApp and SMS cannot send"
        )
    return senders
