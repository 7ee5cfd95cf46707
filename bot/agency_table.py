"""The agency registry table (P3MI with their SIP3MI licence). Import it through `bot.models`.

Kept apart from bot/agencies.py (the service) so that `bot.models` can re-export it at its end
without an import cycle: this module needs only the column types defined in bot.models.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from .models import UTCDateTime, json_column, utcnow

STATUSES = ("active", "suspended", "revoked")


class Agency(SQLModel, table=True):
    """One placement company of the registry, keyed by its licence number."""

    __tablename__ = "agencies"
    __table_args__ = (Index("ix_agencies_updated_at", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    licence_number: str = Field(max_length=100, unique=True)
    #: "active", "suspended" or "revoked".
    status: str = Field(max_length=10)
    valid_until: date
    address: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=100)
    province: str = Field(default="", max_length=100)
    #: Branch offices: [{"address": ..., "city": ..., "province": ...}].
    branches: list[dict[str, Any]] = json_column([])
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
