"""The FastAPI app factory: it only wires settings, the engine and the routers together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlalchemy import text

from bot.db import make_engine
from bot.engine import Engine, HandoffPort
from bot.metrics import Metrics
from bot.settings import Settings, get_settings
from nlu.types import Parser

from . import nlu_api, rest, telegram, twilio

log = logging.getLogger(__name__)


def _build_parser(settings: Settings, db: Any) -> Parser:
    from bot.agencies import AgencyGazetteer
    from nlu import build_parser

    return build_parser(
        backend=settings.NLU_BACKEND,
        model_path=settings.nlu_model_path,
        rasa_url=settings.RASA_URL or None,
        # Registered agency names become `agency` entities, even without "PT" or a cue word.
        gazetteer=AgencyGazetteer.live(db),
    )


def _build_handoff(settings: Settings, catalog: Any) -> HandoffPort:
    from bot.handoff import CaseService

    return CaseService(settings=settings, catalog=catalog)


def create_app(
    settings: Settings | None = None,
    *,
    parser: Parser | None = None,
    catalog: Any = None,
    handoff: HandoffPort | None = None,
    run_worker: bool | None = None,
) -> FastAPI:
    """Build the app. Tests pass a parser and catalog built once per session to save time."""
    settings = settings or get_settings()
    db = make_engine(settings.database_url)
    if catalog is None:
        from content import Catalog

        catalog = Catalog.load()
    parser = parser or _build_parser(settings, db)
    handoff = handoff or _build_handoff(settings, catalog)
    metrics = Metrics()
    engine = Engine(
        db=db, parser=parser, catalog=catalog, settings=settings, handoff=handoff, metrics=metrics
    )
    embedded_worker = settings.EMBEDDED_WORKER if run_worker is None else run_worker

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task: asyncio.Task[None] | None = None
        if embedded_worker:
            task = _start_embedded_worker(app, stop)
        log.info("ready: web chat at %s/chat", settings.PUBLIC_BASE_URL.rstrip("/"))
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            db.dispose()

    app = FastAPI(title="Migrasi Aman", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.db = db
    app.state.parser = parser
    app.state.catalog = catalog
    app.state.engine = engine
    app.state.metrics = metrics

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness and readiness: the database answers."""
        with db.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "database": db.dialect.name}

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> RedirectResponse:
        return RedirectResponse("/chat")

    app.include_router(rest.router)
    app.include_router(nlu_api.router)  # POST /model/parse (Rasa-compatible + risk)
    # Routers of the other capabilities are included below, one line each.
    telegram.include(app, settings)  # only with a token and a webhook secret (fail closed)
    twilio.include(app, settings)  # only with TWILIO_AUTH_TOKEN (fail closed)
    from console import router as console_router  # officers' console: /console and /api

    app.include_router(console_router)
    return app


def _start_embedded_worker(app: FastAPI, stop: asyncio.Event) -> asyncio.Task[None]:
    """In embedded mode one outbox worker runs inside the web process (`aman serve`)."""
    from bot.handoff import breach_checker
    from bot.outbox import OutboxWorker
    from webhooks.senders import build_senders

    # It runs even with no push channel: the breach check of unclaimed cases rides on it.
    senders = build_senders(app.state.settings)
    worker = OutboxWorker(app.state.db, senders)
    log.info("embedded worker started (push channels: %s)", ", ".join(sorted(senders)) or "none")

    breaches = breach_checker(app.state.db, app.state.settings)  # unclaimed cases past target
    return asyncio.create_task(worker.run_forever(stop=stop, periodic=breaches))
