"""An inbox as one person opens it: the page of submissions its filters select, and what the
page offers around them (statuses, people and teams, the transitions this person may take in
bulk, the questions to filter on), read in one trip to the thread pool."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from designer.accounts import Staff
from designer.admin import functions, groups
from designer.backoffice import ACT_ROLES, inbox
from designer.backoffice.procedures import ProcedureInfo, by_slug, procedures_of, state_labels
from runtime import i18n, processing, workflow
from runtime.models import Organisation
from runtime.text import localize


@dataclass(frozen=True)
class InboxView:
    infos: dict[int, ProcedureInfo]  # the organisation's procedures
    procedure: ProcedureInfo | None  # the inbox's procedure; None for the organisation's inbox
    result: inbox.Page
    labels: dict[tuple[int, str], str]  # (procedure id, status) -> label
    statuses: list[tuple[str, str]]  # (status, label) to filter on, by label
    people: dict[int, functions.Processor]
    teams: dict[int, groups.Group]
    bulk: list[workflow.Transition]  # those this person may take on a selection
    bulk_labels: dict[int, str]  # transition index -> label
    questions: list[tuple[str, str]]  # (field, label) to filter on
    can_act: bool


def open_inbox(
    engine: Engine,
    staff: Staff,
    organisation: Organisation,
    procedure_slug: str | None,
    filters: inbox.Filters,
    lang: str,
) -> InboxView | None:
    """The organisation's inbox, or that of its procedure `procedure_slug`; None when the
    organisation has no such procedure."""
    assert organisation.id is not None
    infos = procedures_of(engine, organisation, lang)
    procedure_id = None
    if procedure_slug is not None:
        procedure_id = by_slug(infos, procedure_slug)
        if procedure_id is None:
            return None
    where = inbox.scope(engine, [organisation.id], procedure_id, organisation.timezone)
    teams = groups.groups_of(engine, organisation.id)
    mine = [team.id for team in teams if staff.user.id in team.member_ids]
    result = inbox.page(engine, where, filters, staff.user.id, mine)
    people = functions.processors(engine, organisation.id)
    labels = state_labels(infos if procedure_id is None else {procedure_id: infos[procedure_id]}, lang)
    statuses = sorted({(name, label) for (_pid, name), label in labels.items()}, key=lambda pair: pair[1])
    statuses.append((processing.WITHDRAWN, i18n.gettext(lang, "Withdrawn by the applicant")))
    can_act = staff.role_in(organisation.id) in ACT_ROLES
    bulk: list[workflow.Transition] = []
    bulk_labels: dict[int, str] = {}
    questions: list[tuple[str, str]] = []
    if procedure_id is not None:
        definition = infos[procedure_id].definition
        if can_act:
            held = functions.held(engine, staff, organisation.id, procedure_id, definition)
            # Only the steps this person may take: the others would be refused row by row.
            bulk = [
                t
                for t in workflow.transitions(definition)
                if not t.automatic and workflow.may_take(t, set(held))
            ]
            bulk_labels = {
                t.index: localize(t.label, lang, definition["lang"])
                or labels.get((procedure_id, t.target), t.target)
                for t in bulk
            }
        questions = [
            (element["field"], localize(element.get("label"), lang, definition["lang"]) or element["field"])
            for page in definition["ui"]["pages"]
            for element in page["elements"]
            if "field" in element
        ]
    return InboxView(
        infos=infos,
        procedure=infos.get(procedure_id or -1),
        result=result,
        labels=labels,
        statuses=statuses,
        people={p.id: p for p in people},
        teams={team.id: team for team in teams},
        bulk=bulk,
        bulk_labels=bulk_labels,
        questions=questions,
        can_act=can_act,
    )
