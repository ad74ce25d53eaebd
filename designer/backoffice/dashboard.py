"""What a staff member sees first: their organisations and the state of each procedure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import col, select

from runtime.db import reading
from runtime.models import Organisation, Procedure, ProcedureVersion, Submission
from runtime.text import localize


@dataclass(frozen=True)
class ProcedureRow:
    slug: str
    title: str
    kind: str
    published: int | None  # the published version's number
    submissions: int
    draft: bool  # a draft waits to be published


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    role: str
    procedures: list[ProcedureRow]


def overview(engine: Engine, roles: dict[int, str], lang: str) -> list[OrganisationRow]:
    """Only the organisations in `roles`: nothing of another organisation is ever read."""
    if not roles:
        return []
    with reading(engine) as session:
        organisations = session.exec(
            select(Organisation).where(col(Organisation.id).in_(list(roles))).order_by(Organisation.name)
        ).all()
        rows = session.exec(
            select(Procedure, ProcedureVersion)
            .join(ProcedureVersion, col(ProcedureVersion.id) == Procedure.published_version_id, isouter=True)
            .where(col(Procedure.organisation_id).in_(list(roles)))
            .order_by(Procedure.slug)
        ).all()
        counts: dict[int | None, int] = dict(
            session.exec(
                select(col(Submission.procedure_id), func.count())
                .join(Procedure, col(Procedure.id) == Submission.procedure_id)
                .where(col(Procedure.organisation_id).in_(list(roles)))
                .group_by(col(Submission.procedure_id))
            ).all()
        )
        drafts = set(
            session.exec(
                select(ProcedureVersion.procedure_id)
                .join(Procedure, col(Procedure.id) == ProcedureVersion.procedure_id)
                .where(
                    col(Procedure.organisation_id).in_(list(roles)),
                    col(ProcedureVersion.published_at).is_(None),
                )
            ).all()
        )
    by_organisation: dict[int, list[ProcedureRow]] = {}
    for procedure, version in rows:
        title = (
            localize(version.definition["title"], lang, version.definition["lang"])
            if version
            else procedure.slug
        )
        by_organisation.setdefault(procedure.organisation_id, []).append(
            ProcedureRow(
                procedure.slug,
                title,
                procedure.kind,
                version.number if version else None,
                int(counts.get(procedure.id, 0)),
                procedure.id in drafts,
            )
        )
    return [
        OrganisationRow(organisation, roles[organisation.id], by_organisation.get(organisation.id, []))
        for organisation in organisations
        if organisation.id is not None
    ]
