"""Staff groups of an organisation: named teams that workflow functions can be bound to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from designer.staff_models import FunctionBinding, StaffGroup, StaffGroupMember
from runtime.db import reading, writing
from runtime.fields.base import Refusal
from runtime.i18n import N_


class GroupRefused(Refusal):
    """A change of groups that cannot be made; `text` says why in the reader's language."""


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    member_ids: frozenset[int]


def groups_of(engine: Engine, organisation_id: int) -> list[Group]:
    with reading(engine) as session:
        rows = session.exec(
            select(StaffGroup.id, StaffGroup.name, StaffGroupMember.user_id)  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
            .join(StaffGroupMember, col(StaffGroupMember.group_id) == StaffGroup.id, isouter=True)
            .where(col(StaffGroup.organisation_id) == organisation_id)
        ).all()
    found: dict[int, tuple[str, set[int]]] = {}
    for group_id, name, user_id in rows:
        members = found.setdefault(group_id, (name, set()))[1]
        if user_id is not None:
            members.add(user_id)
    return sorted(
        (Group(key, name, frozenset(members)) for key, (name, members) in found.items()),
        key=lambda group: group.name.lower(),
    )


def create(engine: Engine, organisation_id: int, name: str) -> None:
    name = " ".join(name.split())[:100]
    if not name:
        raise GroupRefused(N_("a group needs a name"))
    try:
        with writing(engine) as session:
            session.add(StaffGroup(organisation_id=organisation_id, name=name))
    except IntegrityError:
        raise GroupRefused(N_("there is already a group named “%(name)s”"), name=name) from None


def _own(session: Session, organisation_id: int, group_id: int) -> StaffGroup:
    group = session.get(StaffGroup, group_id)
    if group is None or group.organisation_id != organisation_id:
        raise GroupRefused(N_("there is no such group in this organisation"))
    return group


def add_member(engine: Engine, organisation_id: int, group_id: int, user_id: int, allowed: set[int]) -> None:
    """Put someone of the organisation (among `allowed`) in one of its groups."""
    if user_id not in allowed:
        raise GroupRefused(N_("choose someone of this organisation"))
    with writing(engine) as session:
        _own(session, organisation_id, group_id)
        if (
            session.exec(
                select(StaffGroupMember).where(
                    col(StaffGroupMember.group_id) == group_id,  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
                    col(StaffGroupMember.user_id) == user_id,
                )
            ).first()
            is None
        ):
            session.add(StaffGroupMember(group_id=group_id, user_id=user_id))


def remove_member(engine: Engine, organisation_id: int, group_id: int, user_id: int) -> None:
    with writing(engine) as session:
        _own(session, organisation_id, group_id)
        session.exec(
            delete(StaffGroupMember).where(
                col(StaffGroupMember.group_id) == group_id,
                col(StaffGroupMember.user_id) == user_id,
            )
        )


def delete_group(engine: Engine, organisation_id: int, group_id: int) -> None:
    """The group, its members and the functions bound to it (which fall back to their other
    holders, or to everyone)."""
    with writing(engine) as session:
        group = _own(session, organisation_id, group_id)
        session.exec(delete(FunctionBinding).where(col(FunctionBinding.group_id) == group_id))
        session.exec(delete(StaffGroupMember).where(col(StaffGroupMember.group_id) == group_id))
        session.delete(group)
