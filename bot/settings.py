"""All configuration, read from the environment (and an optional .env) in one place.

Secrets come only from the environment. Outside development a placeholder secret is refused,
so a production deployment cannot start with a guessable key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = "changethis"
DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Every setting of the service. The README has a table of each with an example."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    #: Empty means the embedded SQLite file under DATA_DIR.
    DATABASE_URL: str = ""
    DATA_DIR: Path = DEFAULT_DATA_DIR
    SECRET_KEY: str = PLACEHOLDER
    LOG_LEVEL: str = "INFO"
    #: Run the outbox worker inside `aman serve` (embedded mode); turn off when workers run apart.
    EMBEDDED_WORKER: bool = True

    # The NLU (issue #3).
    NLU_BACKEND: Literal["local", "rasa"] = "local"
    NLU_MODEL_PATH: Path | None = None
    RASA_URL: str = ""

    #: Version of the privacy notice shown at first contact; stored per contact as consent.
    CONSENT_VERSION: int = 1

    # Channels (issue #5).
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    TELEGRAM_BOT_TOKEN: str = ""
    TELEGRAM_WEBHOOK_SECRET: str = ""
    TELEGRAM_API_BASE_URL: str = "https://api.telegram.org"
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_WHATSAPP_FROM: str = ""
    TWILIO_SMS_FROM: str = ""

    # Officers (issue #6).
    OFFICER_TELEGRAM_CHAT_ID: str = ""
    #: Response targets per case priority; an unclaimed case past its target is "breached".
    CASE_TARGET_URGENT_MINUTES: int = 15
    CASE_TARGET_HIGH_MINUTES: int = 240
    CASE_TARGET_NORMAL_MINUTES: int = 1440

    WEB_CHAT_POLL_SECONDS: float = Field(default=3.0, gt=0)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL: DATABASE_URL, else a SQLite file in DATA_DIR."""
        if self.DATABASE_URL:
            return self.DATABASE_URL
        return f"sqlite:///{(self.DATA_DIR / 'aman.db').as_posix()}"

    @property
    def nlu_model_path(self) -> Path:
        return self.NLU_MODEL_PATH or self.DATA_DIR / "nlu-model.joblib"

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.ENVIRONMENT == "production" and self.SECRET_KEY == PLACEHOLDER:
            raise ValueError("SECRET_KEY is the placeholder; set a real secret for production")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process's settings, built on first use (never at import time)."""
    return Settings()
