"""Officer accounts: create, authenticate (argon2, lockout after repeated failures), API tokens.

Passwords are hashed with argon2id (argon2-cffi); API tokens are random and only their SHA-256
is stored, so a leaked database does not leak working credentials.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from .cases import ROLES, Officer, OfficerToken
from .handoff import audit
from .models import utcnow

#: Failed logins in a row before the account is locked for LOCK_MINUTES.
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
TOKEN_PREFIX = "aman_"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(ValueError):
    """A refused account operation (unknown role, duplicate name, weak password)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def get_officer(*, session: Session, username: str) -> Officer | None:
    return session.exec(select(Officer).where(Officer.username == username.strip().lower())).first()


def create_officer(
    *,
    session: Session,
    username: str,
    role: str = "officer",
    team: str | None = None,
    display_name: str = "",
) -> tuple[Officer, str]:
    """A new account and its one-time password (the console asks for a new one at first login)."""
    name = username.strip().lower()
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not name or len(name) > 60:
        raise AccountError("username must be 1-60 characters")
    if get_officer(session=session, username=name) is not None:
        raise AccountError(f"officer {name!r} already exists")
    password = secrets.token_urlsafe(12)
    officer = Officer(
        username=name,
        display_name=display_name or username.strip(),
        role=role,
        team=(team or "").strip() or None,
        password_hash=hash_password(password),
        must_change_password=True,
    )
    session.add(officer)
    session.flush()
    audit(session=session, officer=None, action="officer_added", detail=f"{name} ({role})")
    return officer, password


def set_password(*, session: Session, officer: Officer, password: str) -> None:
    """Replace the password; every existing session of the officer ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    officer.password_hash = hash_password(password)
    officer.must_change_password = False
    officer.session_epoch += 1
    session.add(officer)
    audit(session=session, officer=officer, action="password_changed")


def authenticate(
    *, session: Session, username: str, password: str, now: datetime | None = None
) -> Officer | None:
    """The officer when the password is right and the account not locked; counts failures."""
    now = now or utcnow()
    officer = get_officer(session=session, username=username)
    if officer is None or not officer.active:
        verify_password(_DUMMY_HASH, password)
        audit(session=session, officer=None, action="login_failed", detail="unknown account")
        return None
    if officer.locked_until is not None and officer.locked_until > now:
        audit(session=session, officer=officer, action="login_failed", detail="locked")
        return None
    if not verify_password(officer.password_hash, password):
        officer.failed_logins += 1
        if officer.failed_logins >= MAX_FAILED_LOGINS:
            officer.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            officer.failed_logins = 0
        session.add(officer)
        audit(session=session, officer=officer, action="login_failed", detail="bad password")
        return None
    if _hasher.check_needs_rehash(officer.password_hash):
        officer.password_hash = hash_password(password)
    officer.failed_logins = 0
    officer.locked_until = None
    officer.last_login_at = now
    session.add(officer)
    audit(session=session, officer=officer, action="login")
    return officer


def is_locked(officer: Officer, now: datetime | None = None) -> bool:
    return officer.locked_until is not None and officer.locked_until > (now or utcnow())


def issue_token(*, session: Session, officer: Officer) -> str:
    """A new bearer token for the JSON API, shown once; only its hash is kept."""
    assert officer.id is not None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(OfficerToken(officer_id=officer.id, token_hash=hash_token(token)))
    audit(session=session, officer=officer, action="token_issued")
    return token


def officer_for_token(*, session: Session, token: str) -> Officer | None:
    """The active officer owning this bearer token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.exec(
        select(OfficerToken).where(OfficerToken.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    officer = session.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        return None
    row.last_used_at = utcnow()
    session.add(row)
    return officer
