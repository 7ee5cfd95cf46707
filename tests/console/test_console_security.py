"""Console security: no anonymous access anywhere, CSRF on forms, lockout, cookies, team rules."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.cases import AuditLog, Case
from bot.db import session_scope
from bot.officers import MAX_FAILED_LOGINS, create_officer, get_officer
from console import PUBLIC_PATHS
from tests.console.conftest import (
    PASSWORD,
    add_officer,
    csrf_of,
    login,
    open_case_via_button,
    token_for,
)


def _console_routes(app: FastAPI) -> list[tuple[str, str]]:
    out = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if not (path.startswith("/console") or path.startswith("/api")):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                out.append((method, path))
    return out


def test_every_console_and_api_route_refuses_an_anonymous_request(
    app: FastAPI, web: TestClient
) -> None:
    routes = _console_routes(app)
    assert len(routes) >= 20  # the pages and the API are really mounted
    checked = 0
    for method, path in routes:
        if path in PUBLIC_PATHS:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        r = web.request(method, url, follow_redirects=False)
        if path.startswith("/api"):
            assert r.status_code == 401, (method, path, r.status_code)
        else:
            assert r.status_code == 303, (method, path, r.status_code)
            assert r.headers["location"].startswith("/console/login"), (method, path)
        checked += 1
    assert checked >= 18


def test_a_forged_or_expired_session_cookie_is_refused(app: FastAPI, web: TestClient) -> None:
    web.cookies.set("aman_console", "eyJvIjoxLCJlIjowLCJzIjoieCJ9.forged.sig", domain="testserver")
    r = web.get("/console", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")


def test_a_bad_bearer_token_is_refused(app: FastAPI, web: TestClient) -> None:
    r = web.get("/api/cases", headers={"Authorization": "Bearer aman_not-a-real-token"})
    assert r.status_code == 401


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_over_https(
    app: FastAPI, web: TestClient
) -> None:
    add_officer(app, "ana")
    r = login(web, "ana")
    assert r.status_code == 303
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("aman_console="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_login_needs_the_login_forms_csrf_token(app: FastAPI, web: TestClient) -> None:
    add_officer(app, "ana")
    web.get("/console/login")
    r = web.post(
        "/console/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 403


def test_a_form_without_a_valid_csrf_token_is_refused(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    case_id = open_case_via_button(client, app, "u-csrf")
    ana = logged_in("ana")
    for data in ({}, {"csrf_token": "0" * 64}):
        r = ana.post(f"/console/cases/{case_id}/claim", data=data, follow_redirects=False)
        assert r.status_code == 403
    with Session(app.state.db) as s:
        case = s.get(Case, case_id)
        assert case is not None and case.assignee_id is None  # nothing happened
    page = ana.get(f"/console/cases/{case_id}")
    r = ana.post(
        f"/console/cases/{case_id}/claim",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_repeated_failed_logins_lock_the_account(app: FastAPI, web: TestClient) -> None:
    add_officer(app, "ana")
    for _ in range(MAX_FAILED_LOGINS):
        assert login(web, "ana", "salah-sekali").status_code == 401
    r = login(web, "ana")  # the right password, but the account is locked now
    assert r.status_code == 401
    assert "terkunci" in r.text
    with Session(app.state.db) as s:
        fails = s.exec(select(AuditLog).where(AuditLog.action == "login_failed")).all()
        assert len(fails) == MAX_FAILED_LOGINS + 1


def test_a_new_account_must_change_its_one_time_password_first(
    app: FastAPI, web: TestClient
) -> None:
    with session_scope(app.state.db) as s:
        _, one_time = create_officer(session=s, username="baru", role="officer")
    r = login(web, "baru", one_time)
    assert r.status_code == 303
    r = web.get("/console", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/password"
    form = web.get("/console/password")
    r = web.post(
        "/console/password",
        data={
            "csrf_token": csrf_of(form.text),
            "current": one_time,
            "new": "sebuah-sandi-baru",
            "repeat": "sebuah-sandi-baru",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert web.get("/console").status_code == 200
    assert (
        login(TestClient(app, base_url="https://testserver"), "baru", one_time).status_code == 401
    )


def test_logout_ends_the_session(app: FastAPI, logged_in: Callable[..., TestClient]) -> None:
    ana = logged_in("ana")
    page = ana.get("/console")
    stolen = ana.cookies.get("aman_console")
    ana.post("/console/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    thief = TestClient(app, base_url="https://testserver")
    thief.cookies.set("aman_console", stolen or "", domain="testserver")
    assert thief.get("/console", follow_redirects=False).status_code == 303


def test_an_officer_cannot_see_or_act_on_a_case_of_another_team(
    app: FastAPI, client: TestClient, logged_in: Callable[..., TestClient]
) -> None:
    case_id = open_case_via_button(client, app, "u-team")
    ana = logged_in("ana", team="kupang")
    budi = logged_in("budi", team="ende")
    page = ana.get(f"/console/cases/{case_id}")
    assert (
        ana.post(
            f"/console/cases/{case_id}/claim",
            data={"csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        ).status_code
        == 303
    )
    # The case now belongs to team kupang: budi sees it nowhere and may do nothing with it.
    assert f"/console/cases/{case_id}" not in budi.get("/console?view=open").text
    assert budi.get(f"/console/cases/{case_id}").status_code == 403
    budi_csrf = csrf_of(budi.get("/console").text)
    for action, data in (
        ("claim", {}),
        ("reply", {"text": "halo"}),
        ("note", {"text": "x"}),
        ("close", {"outcome": "resolved"}),
    ):
        r = budi.post(
            f"/console/cases/{case_id}/{action}",
            data={"csrf_token": budi_csrf, **data},
            follow_redirects=False,
        )
        assert r.status_code == 403, action
    token = token_for(app, "budi")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/cases/{case_id}", headers=auth).status_code == 403
    assert (
        client.post(f"/api/cases/{case_id}/reply", json={"text": "x"}, headers=auth).status_code
        == 403
    )
    assert case_id not in [c["id"] for c in client.get("/api/cases", headers=auth).json()["cases"]]
    with Session(app.state.db) as s:
        case = s.get(Case, case_id)
        ana_row = get_officer(session=s, username="ana")
        assert case is not None and ana_row is not None and case.assignee_id == ana_row.id
        assert case.status == "open"


def test_only_supervisors_read_the_audit_log_and_only_admins_import_agencies(
    app: FastAPI, logged_in: Callable[..., TestClient]
) -> None:
    ana = logged_in("ana")
    assert ana.get("/console/audit").status_code == 403
    csrf = csrf_of(ana.get("/console/agencies").text)
    r = ana.post(
        "/console/agencies/import",
        data={"csrf_token": csrf},
        files={"file": ("a.csv", b"name\n", "text/csv")},
    )
    assert r.status_code == 403
    boss = logged_in("boss", role="supervisor")
    assert boss.get("/console/audit").status_code == 200
