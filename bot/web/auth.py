"""Staff accounts and login sessions.

Passwords are hashed with Argon2id (argon2-cffi's defaults, re-hashed when
those defaults grow). A login gives a random session token in a cookie;
the database keeps its SHA-256, the user, a CSRF token and an expiry.
Two roles: a viewer reads, an officer also writes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from bot.clock import as_utc, utcnow
from bot.errors import InvitebotError
from bot.web.models import Role, StaffSession, StaffUser

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as
# long as a wrong password and the timing does not tell names apart.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Staff:
    """The logged-in user as the pages see it."""

    user_id: int
    username: str
    role: str
    csrf_token: str

    @property
    def can_write(self) -> bool:
        return self.role == Role.OFFICER


def add_user(session: Session, username: str, password: str, role: str) -> StaffUser:
    """Create (or reset the password and role of) a staff account."""
    username = username.strip()
    if not username or not username.isprintable() or len(username) > 64:
        raise InvitebotError("a user name is 1 to 64 printable characters")
    if role not in tuple(Role):
        raise InvitebotError(f"role must be one of {', '.join(Role)}")
    if len(password) < MIN_PASSWORD:
        raise InvitebotError(f"a password has at least {MIN_PASSWORD} characters")
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is None:
        user = StaffUser(username=username, password_hash="", role=role)
    user.password_hash, user.role, user.active = _hasher.hash(password), role, True
    session.add(user)
    session.flush()
    return user


def check_password(session: Session, username: str, password: str) -> StaffUser | None:
    """The active user with this name and password, else None."""
    user = session.exec(select(StaffUser).where(StaffUser.username == username.strip())).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: StaffUser) -> str:
    """A new session for ``user``; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    assert user.id is not None
    session.exec(delete(StaffSession).where(col(StaffSession.expires_at) < now))
    session.add(StaffSession(token_sha256=_digest(token), user_id=user.id,
                             csrf_token=secrets.token_urlsafe(32), created_at=now,
                             expires_at=now + SESSION_LIFETIME))
    return token


def find_staff(session: Session, token: str | None) -> Staff | None:
    """The staff member behind a session cookie, if it is live."""
    if not token or len(token) > 128:
        return None
    row = session.exec(select(StaffSession, StaffUser)
                       .join(StaffUser, col(StaffUser.id) == StaffSession.user_id)
                       .where(StaffSession.token_sha256 == _digest(token))).first()
    if row is None:
        return None
    live, user = row
    if as_utc(live.expires_at) <= utcnow() or not user.active or user.id is None:
        return None
    return Staff(user_id=user.id, username=user.username, role=user.role,
                 csrf_token=live.csrf_token)


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.exec(delete(StaffSession).where(col(StaffSession.token_sha256) == _digest(token)))
