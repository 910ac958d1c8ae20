"""Offices, users, server-side sessions and login attempts."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ebh.db import UTCDateTime, utcnow
from ebh.extensions import db


class OfficeKind(enum.StrEnum):
    EBH = "EBH"  # Einbürgerungsbehörde
    ABH = "ABH"  # Ausländerbehörde
    BOTH = "BOTH"


class Role(enum.StrEnum):
    CASEWORKER = "caseworker"
    CAMPAIGN = "campaign"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


#: German role names for the UI (see docs/security.md for what each role may do).
ROLE_LABELS = {
    Role.CASEWORKER: _l("Sachbearbeitung"),
    Role.CAMPAIGN: _l("Kampagne (Anschreiben)"),
    Role.SUPERVISOR: _l("Teamleitung"),
    Role.ADMIN: _l("Administration"),
}


class Office(db.Model):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code used in file numbers, e.g. "KOE".
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OfficeKind] = mapped_column(sa.Enum(OfficeKind, native_enum=False, length=8))
    #: ISO 3166-2 subdivision code without the country (NW = Nordrhein-Westfalen); drives public holidays.
    bundesland: Mapped[str] = mapped_column(sa.String(2), default="NW")
    street: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    #: File number pattern; placeholders {office}, {prefix}, {year}, {seq}; e.g. "{office}-{prefix}-{year}-{seq:05d}".
    file_number_pattern: Mapped[str] = mapped_column(sa.String(100), default="{office}-{prefix}-{year}-{seq:05d}")

    users: Mapped[list[User]] = relationship(back_populates="office")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office] = relationship(back_populates="users")

    # Flask-Login protocol; the session id, not the user id, identifies a login (see auth.sessions).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


class UserSession(db.Model):
    """A server-side login session. The cookie carries a random token; only its SHA-256 is stored,
    so a copy of the database does not yield usable session tokens. ``id`` is a plain handle for
    listing and ending sessions in the admin UI (it is not a credential)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """One login attempt; failures within a window throttle further attempts per username and per IP."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    success: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
