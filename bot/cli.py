"""The `aman` command: serve, chat, worker, migrate, and the sub-commands of each capability.

Heavy modules are imported inside the commands, so `aman --help` stays fast and `bot` does not
import `webhooks` or `console` at import time.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

import typer

from content.cli import content_app
from nlu.cli import app as nlu_app

from .agencies_cli import agencies_app
from .officers_cli import officers_app
from .settings import get_settings

app = typer.Typer(help="Migrasi Aman: safe-migration assistant for NTT.", no_args_is_help=True)
app.add_typer(officers_app, name="officers")
app.add_typer(agencies_app, name="agencies")
app.add_typer(content_app, name="content")
app.add_typer(nlu_app, name="nlu")
telegram_app = typer.Typer(help="The Telegram channel: register the webhook.", no_args_is_help=True)
app.add_typer(telegram_app, name="telegram")


@telegram_app.command("set-webhook")
def telegram_set_webhook(
    drop_pending_updates: bool = typer.Option(False, help="Forget updates Telegram holds for us."),
) -> None:
    """Register PUBLIC_BASE_URL/webhooks/telegram with the secret and the update kinds we use."""
    from webhooks.telegram import set_webhook

    _setup_logging()
    try:
        url = asyncio.run(set_webhook(get_settings(), drop_pending_updates=drop_pending_updates))
    except ValueError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(f"Telegram webhook set: {url}")


@telegram_app.command("webhook-info")
def telegram_webhook_info() -> None:
    """Show what Telegram knows of our webhook (URL, pending updates, last error)."""
    from webhooks.telegram import webhook_info

    for key, value in asyncio.run(webhook_info(get_settings())).items():
        typer.echo(f"{key}: {value}")


def _setup_logging() -> None:
    logging.basicConfig(
        level=get_settings().LOG_LEVEL.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def migrate() -> None:
    """Bring the database schema to the newest revision (alembic upgrade head)."""
    from .db import migrate as run

    _setup_logging()
    run(get_settings().database_url)
    typer.echo("database is up to date")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Web processes (use Postgres when more than one)."),
) -> None:
    """Migrate, then serve the webhooks, the web chat and the console (plus, in embedded mode,
    the outbox worker)."""
    import uvicorn

    from .db import migrate as run

    _setup_logging()
    settings = get_settings()
    run(settings.database_url)
    if settings.NLU_BACKEND == "local":
        _ensure_nlu_model(settings.nlu_model_path)
    typer.echo(f"Migrasi Aman is starting on http://{host}:{port}")
    typer.echo(f"  web chat:  http://{host}:{port}/chat")
    typer.echo(f"  console:   http://{host}:{port}/console")
    typer.echo(f"  database:  {settings.database_url.split('@')[-1]}")
    uvicorn.run(
        "webhooks.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.LOG_LEVEL.lower(),
        proxy_headers=True,
    )


def _ensure_nlu_model(path: Path) -> None:
    """Train and save the model once (and again when nlu/data changed), so every web process
    loads a file instead of training."""
    from nlu import model

    if path.exists() and model.is_current(model.load(path)):
        return
    typer.echo(f"training the NLU model into {path} (once, a few seconds)...")
    model.save(model.train(), path)


@app.command()
def worker() -> None:
    """Run an outbox worker apart from the web processes (several may run on Postgres)."""
    from webhooks.senders import build_senders

    from .db import make_engine
    from .outbox import OutboxWorker

    _setup_logging()
    settings = get_settings()
    senders = build_senders(settings)
    # Without a push channel it still checks unclaimed cases against their response targets.
    typer.echo(f"worker (push channels: {', '.join(sorted(senders)) or 'none'})")
    from .handoff import breach_checker

    db = make_engine(settings.database_url)
    breaches = breach_checker(db, settings)  # unclaimed cases past their target, every minute
    asyncio.run(OutboxWorker(db, senders).run_forever(periodic=breaches))


@app.command()
def chat(sender: str = typer.Option("", help="Whose conversation; a new one by default.")) -> None:
    """Talk to the bot in the terminal (the same engine as every channel)."""
    from webhooks.app import create_app

    from .db import migrate as run
    from .messages import Inbound

    logging.basicConfig(level=logging.WARNING)
    settings = get_settings()
    run(settings.database_url)
    engine = create_app(settings, run_worker=False).state.engine
    who = sender or f"cli-{uuid.uuid4().hex[:8]}"
    typer.echo("Migrasi Aman (type a message; a number picks a button; Ctrl-D to quit)")
    buttons: list[str] = []
    while True:
        try:
            text = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if not text:
            continue
        payload = None
        if text.isdigit() and 0 < int(text) <= len(buttons):
            payload = buttons[int(text) - 1]
        elif text.startswith("/"):
            payload = text
        result = engine.handle(Inbound(channel="cli", sender_id=who, text=text, payload=payload))
        buttons = []
        for reply in result.replies:
            typer.echo(reply.text)
            for b in reply.buttons:
                buttons.append(b.payload)
                typer.echo(f"  {len(buttons)}. {b.title}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
