"""Who processes a procedure: the staff who may act on its submissions, the workflow functions
each of them holds, and who receives the staff notifications.

Functions ("instructeur", "valideur"...) are named by the workflow; here they are bound to
real people per procedure. A function nobody is bound to is held by every agent and
administrator of the organisation, so a new procedure works before anyone binds anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlmodel import Session, col

from designer.accounts import Staff
from designer.staff_models import FunctionBinding, Membership, StaffGroupMember, StaffUser
from runtime import workflow
from runtime.db import reading, writing
from runtime.models import Organisation

PROCESSING_ROLES = ("administrator", "agent")


@dataclass(frozen=True)
class Processor:
    id: int
    name: str
    email: str


def _lineage(session: Session, organisation_id: int) -> list[int]:
    """The organisation and its parents: a role on a parent reaches it."""
    parents: dict[int | None, int | None] = dict(
        session.exec(select(Organisation.id, Organisation.parent_id)).all()  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
    )
    chain: list[int] = []
    current: int | None = organisation_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def processors(engine: Engine, organisation_id: int) -> list[Processor]:
    """Active agents and administrators of the organisation (directly or through a parent)."""
    with reading(engine) as session:
        lineage = _lineage(session, organisation_id)
        rows = session.exec(
            select(
                StaffUser.id,
                StaffUser.name,
                StaffUser.email,
                Membership.organisation_id,  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
                Membership.role,
            )
            .join(Membership, col(Membership.user_id) == StaffUser.id)
            .where(col(StaffUser.active).is_(True), col(Membership.organisation_id).in_(lineage))
        ).all()
    # The nearest membership decides (a role on the organisation itself wins over a parent's).
    nearest: dict[int, tuple[int, str, str, str]] = {}
    for user_id, name, email, on, role in rows:
        depth = lineage.index(on)
        if user_id not in nearest or depth < lineage.index(nearest[user_id][0]):
            nearest[user_id] = (on, name, email, role)
    return sorted(
        (
            Processor(user_id, name, email)
            for user_id, (_on, name, email, role) in nearest.items()
            if role in PROCESSING_ROLES
        ),
        key=lambda p: p.name.lower(),
    )


def bindings(engine: Engine, procedure_id: int) -> dict[str, set[int]]:
    """Function -> the people holding it, groups expanded to their members."""
    with reading(engine) as session:
        rows = session.exec(
            select(
                FunctionBinding.function,
                FunctionBinding.user_id,  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
                StaffGroupMember.user_id,
            )
            .join(StaffGroupMember, col(StaffGroupMember.group_id) == FunctionBinding.group_id, isouter=True)
            .where(col(FunctionBinding.procedure_id) == procedure_id)
        ).all()
    found: dict[str, set[int]] = {}
    for function, user_id, member_id in rows:
        holders = found.setdefault(function, set())
        holders.update(person for person in (user_id, member_id) if person is not None)
    return found


def bound(engine: Engine, procedure_id: int) -> dict[str, tuple[set[int], set[int]]]:
    """Function -> (people, groups) as they were bound, for the page that binds them."""
    with reading(engine) as session:
        rows = session.exec(
            select(
                FunctionBinding.function,
                FunctionBinding.user_id,  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
                FunctionBinding.group_id,
            ).where(col(FunctionBinding.procedure_id) == procedure_id)
        ).all()
    found: dict[str, tuple[set[int], set[int]]] = {}
    for function, user_id, group_id in rows:
        people, groups = found.setdefault(function, (set(), set()))
        if user_id is not None:
            people.add(user_id)
        if group_id is not None:
            groups.add(group_id)
    return found


def held(
    engine: Engine, staff: Staff, organisation_id: int, procedure_id: int, definition: Mapping[str, Any]
) -> frozenset[str]:
    """The functions of this procedure's workflow that this person holds."""
    if staff.role_in(organisation_id) not in PROCESSING_ROLES:
        return frozenset()
    bound = current_bindings(engine, organisation_id, procedure_id)
    return frozenset(
        name for name in workflow.functions(definition) if name not in bound or staff.user.id in bound[name]
    )


def current_bindings(engine: Engine, organisation_id: int, procedure_id: int) -> dict[str, set[int]]:
    """The bindings of people who still process the organisation's procedures: a function
    whose holders have all left is open to everyone again rather than to nobody."""
    alive = {person.id for person in processors(engine, organisation_id)}
    found = {name: holders & alive for name, holders in bindings(engine, procedure_id).items()}
    return {name: holders for name, holders in found.items() if holders}


def bind(
    engine: Engine,
    procedure_id: int,
    function: str,
    user_ids: set[int],
    allowed: set[int],
    group_ids: AbstractSet[int] = frozenset(),
    allowed_groups: AbstractSet[int] = frozenset(),
) -> None:
    """Bind `function` to exactly these people and groups (among the organisation's); none
    leaves it to everyone."""
    with writing(engine) as session:
        session.exec(
            delete(FunctionBinding).where(
                col(FunctionBinding.procedure_id) == procedure_id,
                col(FunctionBinding.function) == function,
            )
        )
        for user_id in sorted(user_ids & allowed):
            session.add(FunctionBinding(procedure_id=procedure_id, function=function, user_id=user_id))
        for group_id in sorted(group_ids & allowed_groups):
            session.add(FunctionBinding(procedure_id=procedure_id, function=function, group_id=group_id))


def recipients_for(engine: Engine) -> Callable[..., list[str]]:
    """The runtime's hook for staff notifications: addresses of the assignee (a person, or the
    members of a group), or of the holders of a function; with nobody assigned, everyone who
    may process the procedure."""

    def recipients(
        organisation_id: int, procedure_id: int, to: str, assignee_id: int | None, group_id: int | None = None
    ) -> list[str]:
        people = processors(engine, organisation_id)
        if to == "assignee" and assignee_id is not None:
            return [p.email for p in people if p.id == assignee_id]
        if to == "assignee" and group_id is not None:
            with reading(engine) as session:
                members = {
                    row[0]
                    for row in session.exec(
                        select(StaffGroupMember.user_id).where(col(StaffGroupMember.group_id) == group_id)  # type: ignore[call-overload]  # Session.exec is typed for sqlmodel's select only
                    ).all()
                }
            return [p.email for p in people if p.id in members]
        bound = current_bindings(engine, organisation_id, procedure_id)
        if to.startswith("function:"):
            holders = bound.get(to.split(":", 1)[1])
            return [p.email for p in people if holders is None or p.id in holders]
        everyone_bound = set().union(*bound.values()) if bound else None
        return [p.email for p in people if everyone_bound is None or p.id in everyone_bound]

    return recipients
