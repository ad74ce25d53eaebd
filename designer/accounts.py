"""Staff accounts: passwords (argon2id), sign-in with throttling, server-side sessions.

Nothing here knows HTTP: handlers pass the e-mail, password and client address, and keep
the session token in a cookie.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, func
from sqlmodel import col, select

from designer.staff_models import ROLES, LoginFailure, Membership, StaffSession, StaffUser
from runtime.db import reading, writing
from runtime.models import Organisation, now

SESSION_LIFETIME = dt.timedelta(hours=12)
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so both cases take the same time.
    Made on first use: hashing costs ~50 ms, which start-up need not pay."""
    return _hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(Exception):
    """Why a sign-in failed: "invalid" (never says which part) or "throttled"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PasswordRefused(ValueError):
    pass


@dataclass(frozen=True)
class Staff:
    """A signed-in person and the organisations they may act for, with their role in each."""

    user: StaffUser
    roles: dict[int, str]  # organisation id -> role, children included

    def role_in(self, organisation_id: int) -> str | None:
        return self.roles.get(organisation_id)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(f"at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    engine: Engine, email: str, name: str, password: str, roles: dict[int, str] | None = None
) -> StaffUser:
    check_password(password)
    for role in (roles or {}).values():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
    with writing(engine) as session:
        user = StaffUser(
            email=normalise_email(email), name=name.strip(), password_hash=_hasher.hash(password)
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        for organisation_id, role in (roles or {}).items():
            session.add(Membership(user_id=user.id, organisation_id=organisation_id, role=role))
    return user


def sign_in(engine: Engine, email: str, password: str, address: str) -> str:
    """A new session token for the right e-mail and password, else SignInRefused."""
    email = normalise_email(email)[:254]
    since = now() - THROTTLE_WINDOW
    with reading(engine) as session:
        by_account = session.exec(
            select(func.count())
            .select_from(LoginFailure)
            .where(col(LoginFailure.email) == email, col(LoginFailure.created_at) > since)
        ).one()
        by_address = session.exec(
            select(func.count())
            .select_from(LoginFailure)
            .where(col(LoginFailure.address) == address, col(LoginFailure.created_at) > since)
        ).one()
        user = session.exec(select(StaffUser).where(col(StaffUser.email) == email)).first()
    if by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
        raise SignInRefused("throttled")
    if not _verified(user, password):
        with writing(engine) as session:
            session.add(LoginFailure(email=email, address=address[:64]))
        raise SignInRefused("invalid")
    assert user is not None and user.id is not None
    token = secrets.token_urlsafe(32)
    with writing(engine) as session:
        session.add(StaffSession(digest=_digest(token), user_id=user.id, expires_at=now() + SESSION_LIFETIME))
        session.exec(delete(LoginFailure).where(col(LoginFailure.email) == email))
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
            session.add(user)
    return token


def _verified(user: StaffUser | None, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return user is not None and user.active


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_for(engine: Engine, token: str | None) -> Staff | None:
    """The person a session token belongs to, if the session and the account are alive."""
    if not token or len(token) > 64:
        return None
    with reading(engine) as session:
        row = session.exec(
            select(StaffSession, StaffUser)
            .join(StaffUser, col(StaffUser.id) == StaffSession.user_id)
            .where(col(StaffSession.digest) == _digest(token))
        ).first()
        if row is None:
            return None
        stored, user = row
        if not user.active or stored.expires_at.replace(tzinfo=dt.UTC) < now():
            return None
        memberships = session.exec(select(Membership).where(col(Membership.user_id) == user.id)).all()
        # Rows read back from the table always have their id.
        organisations = cast(
            Sequence[tuple[int, int | None]],
            session.exec(select(Organisation.id, Organisation.parent_id)).all(),
        )
    return Staff(user, _roles_with_children(memberships, organisations))


def _roles_with_children(
    memberships: Sequence[Membership], organisations: Sequence[tuple[int, int | None]]
) -> dict[int, str]:
    children: dict[int, list[int]] = {}
    for organisation_id, parent_id in organisations:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(organisation_id)
    roles: dict[int, str] = {}
    for membership in memberships:
        stack = [membership.organisation_id]
        while stack:
            current = stack.pop()
            # A role given on the organisation itself wins over one inherited from a parent.
            if current == membership.organisation_id or current not in roles:
                roles[current] = membership.role
            stack.extend(children.get(current, []))
    return roles


def sign_out(engine: Engine, token: str) -> None:
    with writing(engine) as session:
        session.exec(delete(StaffSession).where(col(StaffSession.digest) == _digest(token)))


def change_password(engine: Engine, user_id: int, current: str, new: str) -> str:
    """Set a new password, end every session of the account, and open a fresh one."""
    check_password(new)
    with reading(engine) as session:
        user = session.get(StaffUser, user_id)
    if user is None or not _verified(user, current):
        raise SignInRefused("invalid")
    token = secrets.token_urlsafe(32)
    with writing(engine) as session:
        user.password_hash = _hasher.hash(new)
        session.add(user)
        session.exec(delete(StaffSession).where(col(StaffSession.user_id) == user_id))
        session.add(StaffSession(digest=_digest(token), user_id=user_id, expires_at=now() + SESSION_LIFETIME))
    return token


def deactivate(engine: Engine, user_id: int) -> None:
    with writing(engine) as session:
        user = session.get(StaffUser, user_id)
        if user is not None:
            user.active = False
            session.add(user)
        session.exec(delete(StaffSession).where(col(StaffSession.user_id) == user_id))


def password_matches(engine: Engine, email: str, password: str) -> bool:
    with reading(engine) as session:
        user = session.exec(select(StaffUser).where(col(StaffUser.email) == normalise_email(email))).first()
    return _verified(user, password)


def any_user(engine: Engine) -> bool:
    with reading(engine) as session:
        return session.exec(select(StaffUser.id)).first() is not None
