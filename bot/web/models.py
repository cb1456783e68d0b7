"""The console's own tables: staff accounts and their login sessions.

What staff *do* goes to the project's audit log (``models.AuditEvent``),
beside the command line's decisions, so there is one history to read.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class Role(StrEnum):
    VIEWER = "viewer"
    OFFICER = "officer"


class StaffUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    password_hash: str
    role: str = Role.VIEWER
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(DateTime(timezone=True), nullable=False))


class StaffSession(SQLModel, table=True):
    # The cookie carries a random token; only its SHA-256 is stored, so a
    # leaked database does not hand out live sessions.
    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(unique=True, index=True)
    user_id: int = Field(foreign_key="staffuser.id", index=True)
    csrf_token: str
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
