"""An organisation's staff and their roles, managed by its administrators."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from designer.accounts import create_user, normalise_email
from designer.staff_models import ROLES, Membership, StaffSession, StaffUser
from runtime.db import reading, writing
from runtime.fields.base import Refusal
from runtime.i18n import N_
from runtime.models import Organisation


class TeamRefused(Refusal):
    """A change of the team that cannot be made; `text` says why in the reader's language."""


@dataclass(frozen=True)
class Member:
    user: StaffUser
    role: str


def members(engine: Engine, organisation: Organisation) -> list[Member]:
    with reading(engine) as session:
        rows = session.exec(
            select(StaffUser, Membership.role)
            .join(Membership, col(Membership.user_id) == StaffUser.id)
            .where(col(Membership.organisation_id) == organisation.id)
            .order_by(StaffUser.name)
        ).all()
    return [Member(user, role) for user, role in rows]


def add_member(engine: Engine, organisation: Organisation, email: str, name: str, role: str) -> str | None:
    """Give someone a role here; a new account gets a temporary password, returned once."""
    if role not in ROLES:
        raise TeamRefused(N_("unknown role %(role)s"), role=repr(role))
    email = normalise_email(email)
    if "@" not in email or not name.strip():
        raise TeamRefused(N_("give a name and an e-mail address"))
    with reading(engine) as session:
        user = session.exec(select(StaffUser).where(col(StaffUser.email) == email)).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        create_user(engine, email, name, password, {organisation.id: role})  # type: ignore[dict-item]  # a stored organisation has its id
        return password
    assert organisation.id is not None and user.id is not None
    set_role(engine, organisation, user.id, role)
    return None


def set_role(engine: Engine, organisation: Organisation, user_id: int, role: str) -> None:
    if role not in ROLES:
        raise TeamRefused(N_("unknown role %(role)s"), role=repr(role))
    with writing(engine) as session:
        found = session.exec(
            select(Membership).where(
                col(Membership.user_id) == user_id, col(Membership.organisation_id) == organisation.id
            )
        ).first()
        if found is None:
            assert organisation.id is not None
            found = Membership(user_id=user_id, organisation_id=organisation.id, role=role)
        _keep_an_administrator(session, organisation, user_id, role)
        found.role = role
        session.add(found)


def remove_member(engine: Engine, organisation: Organisation, user_id: int) -> None:
    with writing(engine) as session:
        _keep_an_administrator(session, organisation, user_id, None)
        session.exec(
            delete(Membership).where(
                col(Membership.user_id) == user_id,
                col(Membership.organisation_id) == organisation.id,
            )
        )
        # Sessions are ended so that the role they carried ends with them at once.
        session.exec(delete(StaffSession).where(col(StaffSession.user_id) == user_id))


def _keep_an_administrator(
    session: Session, organisation: Organisation, user_id: int, role: str | None
) -> None:
    if role == "administrator":
        return
    administrators = session.exec(
        select(Membership.user_id).where(
            col(Membership.organisation_id) == organisation.id, col(Membership.role) == "administrator"
        )
    ).all()
    if list(administrators) == [user_id]:
        raise TeamRefused(N_("an organisation keeps at least one administrator"))
