"""Staff tables: people, their roles per organisation, their sessions, failed logins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from runtime.models import now

ROLES = ("administrator", "designer", "agent", "reader")


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=now)


class Membership(SQLModel, table=True):
    """A role in one organisation; it reaches that organisation's children, not its siblings."""

    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str = Field(max_length=20)


class StaffSession(SQLModel, table=True):
    """A signed-in browser. Only a digest of its token is kept: a leaked table opens nothing."""

    __tablename__ = "staff_session"

    digest: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    created_at: dt.datetime = Field(default_factory=now)
    expires_at: dt.datetime


class LoginFailure(SQLModel, table=True):
    """A refused sign-in, for throttling by account and by address."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(max_length=64, index=True)
    created_at: dt.datetime = Field(default_factory=now, index=True)


class StaffGroup(SQLModel, table=True):
    """A team inside an organisation ("voirie", "urbanisme"): workflow functions are bound to
    groups as well as to people, so a newcomer joins a group rather than every procedure."""

    __tablename__ = "staff_group"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=100)


class StaffGroupMember(SQLModel, table=True):
    __tablename__ = "staff_group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="staff_group.id", index=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)


class FunctionBinding(SQLModel, table=True):
    """A workflow function (e.g. "instructeur") held, for one procedure, by a member of staff
    or by a group.

    A function nobody is bound to is held by every agent and administrator of the
    organisation: a new procedure works before anyone thinks of functions.
    """

    __tablename__ = "function_binding"
    __table_args__ = (UniqueConstraint("procedure_id", "function", "user_id", "group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    function: str = Field(max_length=100)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="staff_group.id", index=True)
