"""One submission's page for agents, and what they do there: take a transition, assign,
write to the applicant, keep an internal note, open the files."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.admin import groups
from designer.backoffice import ACT_ROLES, VIEW_ROLES, assignment, casework
from designer.backoffice.case_view import CaseView, open_case
from designer.backoffice.procedures import state_labels
from designer.web.guard import Endpoint, StaffAccess, for_organisation
from designer.web.pages import staff_page
from runtime import i18n, processing
from runtime.i18n import N_
from runtime.render_tree import Renderer
from runtime.text import is_number
from runtime.web import notices
from runtime.web.files import download


@dataclass(frozen=True)
class CaseAccess:
    access: StaffAccess
    view: CaseView

    @property
    def submission_id(self) -> int:
        assert self.view.case.submission.id is not None  # read from the database
        return self.view.case.submission.id


def for_case(
    roles: tuple[str, ...],
) -> Callable[[Callable[[Request, CaseAccess], Awaitable[Response]]], Endpoint]:
    """A page of the submission in the address, if it belongs to the organisation and the
    person holds one of `roles` there; a 404 otherwise, whatever the submission is."""

    def guard(handler: Callable[[Request, CaseAccess], Awaitable[Response]]) -> Endpoint:
        @for_organisation(roles)
        @functools.wraps(handler)
        async def endpoint(request: Request, access: StaffAccess) -> Response:
            site = access.site
            try:
                submission_id = int(request.path_params["id"])
            except ValueError:
                return site.not_found(request)
            view = await run_in_threadpool(
                open_case,
                site.engine,
                access.staff,
                access.organisation,
                submission_id,
                site.lang(request),
                site.version,
            )
            if view is None:
                return site.not_found(request)
            return await handler(request, CaseAccess(access, view))

        return endpoint

    return guard


@for_case(VIEW_ROLES)
async def page(request: Request, opened: CaseAccess) -> Response:
    access, view = opened.access, opened.view
    site, organisation, case, info = access.site, access.organisation, view.case, view.version
    lang = site.lang(request)
    renderer = Renderer(info.compiled, lang)
    teams = await run_in_threadpool(groups.groups_of, site.engine, access.organisation_id)
    procedure_id = case.submission.procedure_id
    return staff_page(
        request,
        site,
        "staff_case.html",
        lang=lang,
        staff=access.staff,
        organisation_row=organisation,
        teams=teams,
        timezone=ZoneInfo(organisation.timezone),
        case=case,
        info=info,
        r=renderer,
        sections=renderer.review(case.submission.answers),
        labels=state_labels({procedure_id: view.procedures[procedure_id]}, lang),
        version_label=info.version.number,
        can_act=access.role in ACT_ROLES,
        withdrawn=processing.WITHDRAWN,
        notice=notices.read(site.settings.data_dir, request.query_params.get("notice")),
        error=notices.read(site.settings.data_dir, request.query_params.get("error")),
    )


@for_case(ACT_ROLES)
async def act(request: Request, opened: CaseAccess) -> Response:
    """Every change on the page posts here with a `do` naming it: one guard for all of them."""
    access, view = opened.access, opened.view
    site, staff, definition = access.site, access.staff, view.version.compiled.definition
    lang = site.lang(request)
    form = await request.form(max_files=0, max_fields=20)
    what = str(form.get("do", ""))
    text = str(form.get("text", ""))[:10_000]
    actor = processing.Actor(staff.user.name, staff.user.id, view.held)
    submission_id = opened.submission_id
    try:
        if what == "transition":
            index = (
                int(str(form.get("transition", "-1"))) if is_number(str(form.get("transition", ""))) else -1
            )
            await run_in_threadpool(
                processing.take_transition,
                site.engine,
                submission_id,
                definition,
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
            assigned = await run_in_threadpool(
                assignment.assign,
                site.engine,
                access.organisation_id,
                [submission_id],
                str(form.get("assignee", "")),
                actor,
            )
            if assigned is None:
                raise processing.Refused(N_("Choose someone who processes this procedure."))
            notice = i18n.gettext(lang, "Assignment saved.")
        elif what == "link":
            other = str(form.get("other", ""))
            if not is_number(other) or int(other) not in {d.id for d in view.case.duplicates}:
                raise processing.Refused(N_("Choose one of the probable duplicates shown."))
            await run_in_threadpool(processing.link, site.engine, submission_id, int(other), actor)
            notice = i18n.gettext(lang, "Linked.")
        else:
            return _here(opened)
    except processing.Refused as refused:
        return _here(opened, error=i18n.gettext(lang, refused.message, **refused.values))
    if site.wake_worker:
        site.wake_worker()
    return _here(opened, notice)


@for_case(VIEW_ROLES)
async def file(request: Request, opened: CaseAccess) -> Response:
    """A stored file of the submission, served as a download with its own type."""
    site = opened.access.site
    attachment_id = request.path_params["file"]
    if len(attachment_id) > 43:
        return site.not_found(request)
    found = await run_in_threadpool(casework.attachment, site.engine, attachment_id, opened.submission_id)
    if found is None:
        return site.not_found(request)
    return download(site, found) or site.not_found(request)


def _here(opened: CaseAccess, notice: str = "", error: str = "") -> RedirectResponse:
    url = f"/staff/o/{opened.access.organisation.slug}/s/{opened.submission_id}"
    data_dir = opened.access.site.settings.data_dir
    if notice:
        url += f"?notice={notices.sign(data_dir, notice)}"
    elif error:
        url += f"?error={notices.sign(data_dir, error)}"
    return RedirectResponse(url, status_code=303)
