"""The agents' inboxes: one per organisation (every procedure) and one per procedure, with
tabs, filters, search, sorting, pages, and bulk transitions and assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from designer.admin import functions, groups
from designer.backoffice import inbox
from designer.web.procedures import organisation_for
from designer.web.session import current_staff, staff_page
from runtime import drafts, i18n, processing, workflow
from runtime.i18n import N_
from runtime.models import Organisation, Procedure, ProcedureVersion, now
from runtime.site import Site, site_of
from runtime.text import is_number, localize
from runtime.web import notices

VIEW_ROLES = ("administrator", "agent", "reader")
ACT_ROLES = ("administrator", "agent")


@dataclass(frozen=True)
class ProcedureInfo:
    procedure: Procedure
    title: str
    definition: dict[str, Any]  # the published version's (or the latest draft's)


def procedures_of(site: Site, organisation: Organisation, lang: str) -> dict[int, ProcedureInfo]:
    from sqlmodel import Session, select

    with Session(site.engine) as session:
        rows = session.exec(
            select(Procedure, ProcedureVersion)
            .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
            .where(Procedure.organisation_id == organisation.id)
            .order_by(Procedure.slug, ProcedureVersion.number)
        ).all()
    found: dict[int, ProcedureInfo] = {}
    for procedure, version in rows:
        current = found.get(procedure.id)  # type: ignore[arg-type]
        if (
            current is None
            or version.id == procedure.published_version_id
            or procedure.published_version_id is None
        ):
            definition = version.definition
            found[procedure.id] = ProcedureInfo(  # type: ignore[index]
                procedure, localize(definition["title"], lang, definition["lang"]), definition
            )
    return found


def state_labels(infos: dict[int, ProcedureInfo], lang: str) -> dict[tuple[int, str], str]:
    labels: dict[tuple[int, str], str] = {}
    for procedure_id, info in infos.items():
        for name, state in (workflow.workflow_of(info.definition).get("states") or {}).items():
            labels[(procedure_id, name)] = localize(state.get("label"), lang, info.definition["lang"]) or name
    return labels


async def _inbox(request: Request, procedure_slug: str | None) -> Response:
    found = await organisation_for(request, VIEW_ROLES)
    if isinstance(found, Response):
        return found
    organisation = found
    assert organisation.id is not None
    site = site_of(request)
    staff = await current_staff(request)
    assert staff is not None
    lang = site.lang(request)
    infos = await run_in_threadpool(procedures_of, site, organisation, lang)
    procedure_id = None
    if procedure_slug is not None:
        procedure_id = next(
            (pid for pid, info in infos.items() if info.procedure.slug == procedure_slug), None
        )
        if procedure_id is None:
            return site.not_found(request)
    filters = inbox.Filters.parse(request.query_params)
    where = await run_in_threadpool(
        inbox.scope, site.engine, [organisation.id], procedure_id, organisation.timezone
    )
    teams = await run_in_threadpool(groups.groups_of, site.engine, organisation.id)
    mine = [team.id for team in teams if staff.user.id in team.member_ids]
    result = await run_in_threadpool(inbox.page, site.engine, where, filters, staff.user.id, mine)
    people = await run_in_threadpool(functions.processors, site.engine, organisation.id)
    labels = state_labels(infos if procedure_id is None else {procedure_id: infos[procedure_id]}, lang)
    statuses = sorted({(name, label) for (_pid, name), label in labels.items()}, key=lambda pair: pair[1])
    statuses.append((processing.WITHDRAWN, i18n.gettext(lang, "Withdrawn by the applicant")))
    bulk: list[workflow.Transition] = []
    bulk_labels: dict[int, str] = {}
    if procedure_id is not None and staff.role_in(organisation.id) in ACT_ROLES:
        definition = infos[procedure_id].definition
        held = await run_in_threadpool(
            functions.held, site.engine, staff, organisation.id, procedure_id, definition
        )
        # Only the steps this person may take: the others would be refused row by row.
        bulk = [
            t for t in workflow.transitions(definition) if not t.automatic and workflow.may_take(t, set(held))
        ]
        bulk_labels = {
            t.index: localize(t.label, lang, definition["lang"])
            or labels.get((procedure_id, t.target), t.target)
            for t in bulk
        }
    questions = []
    if procedure_id is not None:
        definition = infos[procedure_id].definition
        questions = [
            (element["field"], localize(element.get("label"), lang, definition["lang"]) or element["field"])
            for page in definition["ui"]["pages"]
            for element in page["elements"]
            if "field" in element
        ]
    base = f"/staff/o/{organisation.slug}" + (f"/p/{procedure_slug}/inbox" if procedure_slug else "/inbox")
    return staff_page(
        request,
        site,
        "staff_inbox.html",
        lang=lang,
        staff=staff,
        organisation_row=organisation,
        timezone=ZoneInfo(organisation.timezone),
        result=result,
        filters=filters,
        infos=infos,
        labels=labels,
        statuses=statuses,
        people={p.id: p for p in people},
        teams={team.id: team for team in teams},
        base=base,
        procedure=infos.get(procedure_id or -1),
        bulk=bulk,
        bulk_labels=bulk_labels,
        questions=questions,
        can_act=staff.role_in(organisation.id) in ACT_ROLES,
        notice=notices.read(site.settings.data_dir, request.query_params.get("notice")),
        now=now(),
        withdrawn=processing.WITHDRAWN,
    )


async def organisation_inbox(request: Request) -> Response:
    return await _inbox(request, None)


async def procedure_inbox(request: Request) -> Response:
    return await _inbox(request, request.path_params["slug"])


async def bulk(request: Request) -> Response:
    """Apply one transition, or one assignment, to every selected submission it fits."""
    found = await organisation_for(request, ACT_ROLES)
    if isinstance(found, Response):
        return found
    organisation = found
    assert organisation.id is not None
    site = site_of(request)
    staff = await current_staff(request)
    assert staff is not None and staff.user.id is not None
    lang = site.lang(request)
    form = await request.form(max_files=0, max_fields=600)
    ids = [int(value) for value in form.getlist("selected") if is_number(str(value))]
    infos = await run_in_threadpool(procedures_of, site, organisation, lang)
    slug = request.path_params["slug"]
    procedure_id = next((pid for pid, info in infos.items() if info.procedure.slug == slug), None)
    if procedure_id is None:
        return site.not_found(request)
    where = await run_in_threadpool(inbox.scope, site.engine, [organisation.id], procedure_id)
    rows = await run_in_threadpool(inbox.selected, site.engine, where, ids)
    back = f"/staff/o/{organisation.slug}/p/{slug}/inbox"
    if not rows:
        return _back(request, back, i18n.gettext(lang, N_("Select at least one submission.")))
    action = str(form.get("action", ""))
    actor = processing.Actor(staff.user.name, staff.user.id)
    if action == "assign":
        chosen = await assignment(site, organisation, str(form.get("assignee", "")))
        if chosen is None:
            return _back(
                request, back, i18n.gettext(lang, N_("Choose someone who processes this procedure."))
            )
        count = await run_in_threadpool(
            processing.assign,
            site.engine,
            [r.id for r in rows if r.id is not None],
            chosen[0],
            chosen[2],
            actor,
            chosen[1],
        )
        return _back(request, back, i18n.gettext(lang, N_("Submissions assigned: %(n)s."), n=count))
    if not is_number(action):
        return _back(request, back, i18n.gettext(lang, N_("Choose what to do with the selection.")))
    taken, refused = 0, 0
    comment = str(form.get("comment", ""))
    held_by_version: dict[int, frozenset[str]] = {}
    for row in rows:
        info = site.version(row.version_id)
        if info is None or row.id is None:
            continue
        definition = info.compiled.definition
        if row.version_id not in held_by_version:  # one reading per version, not per row
            held_by_version[row.version_id] = await run_in_threadpool(
                functions.held, site.engine, staff, organisation.id, procedure_id, definition
            )
        held = held_by_version[row.version_id]
        # Versions may number their transitions differently: match by statuses, not index.
        chosen = (
            workflow.transitions(infos[procedure_id].definition)[int(action)]
            if int(action) < len(workflow.transitions(infos[procedure_id].definition))
            else None
        )
        match = next(
            (
                t
                for t in workflow.available(definition, row.state, set(held))
                if chosen and (t.source, t.target) == (chosen.source, chosen.target)
            ),
            None,
        )
        if match is None:
            refused += 1
            continue
        try:
            await run_in_threadpool(
                processing.take_transition,
                site.engine,
                row.id,
                definition,
                match.index,
                actor,
                comment,
                base_url=site.base_url(request),
            )
            taken += 1
        except processing.Refused:
            refused += 1
    if taken and site.wake_worker:
        site.wake_worker()
    message = i18n.gettext(
        lang,
        N_(
            "%(taken)s done, %(refused)s left as they were (the transition does not apply "
            "to them, or it needs a comment)."
        ),
        taken=taken,
        refused=refused,
    )
    return _back(request, back, message)


async def assignment(
    site: Site, organisation: Organisation, target: str
) -> tuple[int | None, int | None, str] | None:
    """(person id, group id, name) that a form's "assigned to" value names: "" is nobody, a
    number a person who processes the organisation's procedures, "g" and a number one of its
    groups; None for anything else."""
    assert organisation.id is not None
    if not target:
        return None, None, ""
    if target.startswith("g") and is_number(target[1:]):
        teams = await run_in_threadpool(groups.groups_of, site.engine, organisation.id)
        team = next((t for t in teams if t.id == int(target[1:])), None)
        return (None, team.id, team.name) if team else None
    people = {p.id: p for p in await run_in_threadpool(functions.processors, site.engine, organisation.id)}
    person = people.get(int(target)) if is_number(target) else None
    return (person.id, None, person.name) if person else None


CHANNELS = ("counter", "phone", "mail")


async def on_behalf(request: Request) -> Response:
    """A counter, phone or mail agent fills the public form for a citizen; the channel is kept."""
    found = await organisation_for(request, ACT_ROLES)
    if isinstance(found, Response):
        return found
    site = site_of(request)
    published = site.published.get(found.slug, request.path_params["slug"])
    if published is None:
        return site.not_found(request)
    form = await request.form(max_files=0, max_fields=5)
    channel = str(form.get("channel", ""))
    if channel not in CHANNELS:
        channel = "counter"
    token = await run_in_threadpool(
        drafts.start_on_behalf, site.engine, published.version_id, published.organisation.lang, channel
    )
    return RedirectResponse(f"/d/{token}/p/1", status_code=303)


def _back(request: Request, url: str, notice: str) -> Response:
    return RedirectResponse(
        f"{url}?notice={notices.sign(site_of(request).settings.data_dir, notice)}", status_code=303
    )


routes = [
    Route("/staff/o/{org}/inbox", organisation_inbox, name="staff_inbox"),
    Route("/staff/o/{org}/p/{slug}/inbox", procedure_inbox, name="staff_procedure_inbox"),
    Route("/staff/o/{org}/p/{slug}/inbox/bulk", bulk, methods=["POST"], name="staff_inbox_bulk"),
    Route("/staff/o/{org}/p/{slug}/on-behalf", on_behalf, methods=["POST"], name="staff_on_behalf"),
]
