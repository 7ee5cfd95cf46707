"""Console fixtures: an https test client (the session cookie is Secure), officers, a logged-in
client, and a case opened through the real engine."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.db import session_scope
from bot.officers import create_officer, hash_password, issue_token

PASSWORD = "kata-sandi-uji-123"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def add_officer(
    app: FastAPI, username: str, *, role: str = "officer", team: str | None = None
) -> int:
    with session_scope(app.state.db) as s:
        o, _ = create_officer(session=s, username=username, role=role, team=team)
        o.password_hash = hash_password(PASSWORD)
        o.must_change_password = False
        s.add(o)
        s.flush()
        assert o.id is not None
        return o.id


def token_for(app: FastAPI, username: str) -> str:
    from bot.officers import get_officer

    with session_scope(app.state.db) as s:
        o = get_officer(session=s, username=username)
        assert o is not None
        return issue_token(session=s, officer=o)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    page = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


@pytest.fixture
def logged_in(app: FastAPI) -> Iterator[Callable[..., TestClient]]:
    """A new https client logged in as a new officer (username, role, team)."""
    clients: list[TestClient] = []

    def make(username: str, *, role: str = "officer", team: str | None = None) -> TestClient:
        add_officer(app, username, role=role, team=team)
        c = TestClient(app, base_url="https://testserver")
        c.__enter__()
        clients.append(c)
        r = login(c, username)
        assert r.status_code == 303, r.text
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def user_says(client: TestClient, sender: str, message: str) -> list[dict[str, Any]]:
    r = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message})
    assert r.status_code == 200, r.text
    body: list[dict[str, Any]] = r.json()
    return body


def open_case_via_button(client: TestClient, app: FastAPI, sender: str) -> int:
    """The user presses "talk to an officer": the engine opens a case; returns its id."""
    from sqlmodel import select

    from bot.cases import Case
    from bot.models import Contact

    user_says(client, sender, "/request_human")
    with Session(app.state.db) as s:
        contact = s.exec(
            select(Contact).where(Contact.channel == "rest", Contact.external_id == sender)
        ).one()
        case = s.exec(select(Case).where(Case.contact_id == contact.id)).one()
        assert case.id is not None
        return case.id
