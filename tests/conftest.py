"""Shared fixtures: settings in a temp dir, migrated SQLite and Postgres, the app, and a network
guard that fails any test reaching beyond this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.db import make_engine, migrate, temporary_schema
from bot.settings import Settings

# -- no network but loopback -------------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):
        return True  # AF_UNIX path
    host = address[0]
    if host in {"localhost", "testserver"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


# -- settings and databases ------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        ENVIRONMENT="test",
        DATA_DIR=tmp_path,
        DATABASE_URL=f"sqlite:///{(tmp_path / 'test.db').as_posix()}",
        EMBEDDED_WORKER=False,
        SECRET_KEY="test-secret-key-not-for-production",
        PUBLIC_BASE_URL="https://bot.example.org",
    )


@pytest.fixture
def db_engine(settings: Settings) -> Iterator[Engine]:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    with Session(db_engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A private schema in the real Postgres, migrated once; skipped only when unconfigured."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    with temporary_schema(base) as url:
        migrate(url)
        yield url


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """The migrated Postgres schema, emptied before each test."""
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The same test on the embedded SQLite and on the production Postgres."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        request.getfixturevalue("pg_engine")  # empties the tables
        return settings.model_copy(update={"DATABASE_URL": url})
    migrate(settings.database_url)
    return settings


# -- the app ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def parser() -> Any:
    """The real NLU, trained once per test session."""
    from nlu import build_parser

    return build_parser()


@pytest.fixture(scope="session")
def catalog() -> Any:
    from content import Catalog

    return Catalog.load()


def build_app(settings: Settings, parser: Any, catalog: Any) -> FastAPI:
    from webhooks.app import create_app

    migrate(settings.database_url)
    return create_app(settings, parser=parser, catalog=catalog, run_worker=False)


@pytest.fixture
def app(settings: Settings, parser: Any, catalog: Any) -> FastAPI:
    return build_app(settings, parser, catalog)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def any_client(any_settings: Settings, parser: Any, catalog: Any) -> Iterator[TestClient]:
    """A client of an app on SQLite and, marked postgres, on the real Postgres."""
    with TestClient(build_app(any_settings, parser, catalog)) as c:
        yield c


# -- a real server for browser tests -------------------------------------------------------------


@pytest.fixture
def live_server() -> Iterator[Any]:
    """Start apps under a real uvicorn on 127.0.0.1 (a free port) in a thread; returns a starter."""
    import threading
    import time

    import uvicorn

    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.02)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
