"""One submission's page for agents, and what they do there: take a transition, assign,
write to the applicant, keep an internal note, open the files."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from designer.admin import functions, groups
from designer.backoffice import casework
from designer.web.inbox import ACT_ROLES, VIEW_ROLES, assignment, procedures_of, state_labels
from designer.web.procedures import organisation_for
from designer.web.session import current_staff, staff_page
from runtime import i18n, processing
from runtime.i18n import N_
from runtime.models import Organisation
from runtime.render_tree import Renderer
from runtime.site import Site, site_of
from runtime.text import is_number
from runtime.web import notices
from runtime.web.files import download


async def _case(request: Request, roles: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """(site, organisation, staff, case, version info) or the response to send instead."""
    found = await organisation_for(request, roles)
    if isinstance(found, Response):
        return found
    organisation: Organisation = found
    assert organisation.id is not None
    site = site_of(request)
    staff = await current_staff(request)
    assert staff is not None
    try:
        submission_id = int(request.path_params["id"])
    except ValueError:
        return site.not_found(request)
    infos = await run_in_threadpool(procedures_of, site, organisation, site.lang(request))
    peek = await run_in_threadpool(processing.load, site.engine, submission_id)
    if peek is None or peek[0].procedure_id not in infos:
        return site.not_found(request)
    info = site.version(peek[0].version_id)
    assert info is not None
    held = await run_in_threadpool(
        functions.held, site.engine, staff, organisation.id, peek[0].procedure_id, info.compiled.definition
    )
    case = await run_in_threadpool(
        casework.case,
        site.engine,
        submission_id,
        tuple(infos),
        organisation.id,
        lambda version_id: site.version(version_id).compiled.definition,  # type: ignore[union-attr]
        held,
    )
    if case is None:
        return site.not_found(request)
    return site, organisation, staff, case, info, infos


def _here(
    request: Request, organisation: Organisation, submission_id: int | None, notice: str = "", error: str = ""
) -> RedirectResponse:
    url = f"/staff/o/{organisation.slug}/s/{submission_id}"
    data_dir = site_of(request).settings.data_dir
    if notice:
        url += f"?notice={notices.sign(data_dir, notice)}"
    elif error:
        url += f"?error={notices.sign(data_dir, error)}"
    return RedirectResponse(url, status_code=303)


async def page(request: Request) -> Response:
    found = await _case(request, VIEW_ROLES)
    if isinstance(found, Response):
        return found
    site, organisation, staff, case, info, infos = found
    lang = site.lang(request)
    renderer = Renderer(info.compiled, lang)
    teams = await run_in_threadpool(groups.groups_of, site.engine, organisation.id)
    return staff_page(
        request,
        site,
        "staff_case.html",
        lang=lang,
        staff=staff,
        organisation_row=organisation,
        teams=teams,
        timezone=ZoneInfo(organisation.timezone),
        case=case,
        info=info,
        r=renderer,
        sections=renderer.review(case.submission.answers),
        labels=state_labels({case.submission.procedure_id: infos[case.submission.procedure_id]}, lang),
        version_label=info.version.number,
        can_act=staff.role_in(organisation.id) in ACT_ROLES,
        withdrawn=processing.WITHDRAWN,
        notice=notices.read(site.settings.data_dir, request.query_params.get("notice")),
        error=notices.read(site.settings.data_dir, request.query_params.get("error")),
    )


async def act(request: Request) -> Response:
    """Every change on the page posts here with a `do` naming it: one guard for all of them."""
    found = await _case(request, ACT_ROLES)
    if isinstance(found, Response):
        return found
    site, organisation, staff, case, info, _infos = found
    lang = site.lang(request)
    form = await request.form(max_files=0, max_fields=20)
    what = str(form.get("do", ""))
    text = str(form.get("text", ""))[:10_000]
    actor = processing.Actor(
        staff.user.name,
        staff.user.id,
        await run_in_threadpool(
            functions.held,
            site.engine,
            staff,
            organisation.id,
            case.submission.procedure_id,
            info.compiled.definition,
        ),
    )
    submission_id = case.submission.id
    try:
        if what == "transition":
            index = (
                int(str(form.get("transition", "-1"))) if is_number(str(form.get("transition", ""))) else -1
            )
            await run_in_threadpool(
                processing.take_transition,
                site.engine,
                submission_id,
                info.compiled.definition,
                index,
                actor,
                text,
                expected_state=str(form.get("state", "")) or None,
                base_url=site.base_url(request),
            )
            notice = i18n.gettext(lang, "Done. The applicant is told if the workflow says so.")
        elif what == "message":
            await run_in_threadpool(
                processing.send_message,
                site.engine,
                submission_id,
                actor,
                text,
                base_url=site.base_url(request),
            )
            notice = i18n.gettext(lang, "Message sent to the applicant.")
        elif what == "note":
            await run_in_threadpool(processing.add_note, site.engine, submission_id, actor, text)
            notice = i18n.gettext(lang, "Note kept (the applicant does not see it).")
        elif what == "assign":
            chosen = await assignment(site, organisation, str(form.get("assignee", "")))
            if chosen is None:
                raise processing.Refused(N_("Choose someone who processes this procedure."))
            await run_in_threadpool(
                processing.assign, site.engine, [submission_id], chosen[0], chosen[2], actor, chosen[1]
            )
            notice = i18n.gettext(lang, "Assignment saved.")
        elif what == "link":
            other = str(form.get("other", ""))
            if not is_number(other) or int(other) not in {d.id for d in case.duplicates}:
                raise processing.Refused(N_("Choose one of the probable duplicates shown."))
            await run_in_threadpool(processing.link, site.engine, submission_id, int(other), actor)
            notice = i18n.gettext(lang, "Linked.")
        else:
            return _here(request, organisation, submission_id)
    except processing.Refused as refused:
        message = i18n.gettext(lang, refused.message, **refused.values)
        return _here(request, organisation, submission_id, error=message)
    if site.wake_worker:
        site.wake_worker()
    return _here(request, organisation, submission_id, notice)


async def file(request: Request) -> Response:
    found = await _case(request, VIEW_ROLES)
    if isinstance(found, Response):
        return found
    site, _organisation, _staff, case, _info, _infos = found
    return await attachment_response(site, request, case.submission.id, request.path_params["file"])


async def attachment_response(
    site: Site,
    request: Request,
    submission_id: int | None,
    attachment_id: str,
    kinds: tuple[str, ...] | None = None,
) -> Response:
    """A stored file, served as a download with its own type; nothing outside the submission."""
    if submission_id is None or len(attachment_id) > 43:
        return site.not_found(request)
    found = await run_in_threadpool(casework.attachment, site.engine, attachment_id, submission_id)
    if found is None or (kinds is not None and found.kind not in kinds):
        return site.not_found(request)
    return download(site, found) or site.not_found(request)


routes = [
    Route("/staff/o/{org}/s/{id}", page, name="staff_case"),
    Route("/staff/o/{org}/s/{id}/act", act, methods=["POST"], name="staff_case_act"),
    Route("/staff/o/{org}/s/{id}/files/{file}", file, name="staff_case_file"),
]
