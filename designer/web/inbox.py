"""The agents' inboxes: one per organisation (every procedure) and one per procedure, with
tabs, filters, search, sorting, pages, and bulk transitions and assignment; entry on behalf
of a citizen."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.backoffice import ACT_ROLES, VIEW_ROLES, assignment, bulk, inbox
from designer.backoffice.inbox_view import open_inbox
from designer.web.guard import StaffAccess, for_organisation
from designer.web.pages import staff_page
from runtime import drafts, i18n, processing
from runtime.i18n import N_
from runtime.models import now
from runtime.text import is_number
from runtime.web import notices

CHANNELS = ("counter", "phone", "mail")


@for_organisation(VIEW_ROLES)
async def organisation_inbox(request: Request, access: StaffAccess) -> Response:
    return await _inbox(request, access, None)


@for_organisation(VIEW_ROLES)
async def procedure_inbox(request: Request, access: StaffAccess) -> Response:
    return await _inbox(request, access, request.path_params["slug"])


async def _inbox(request: Request, access: StaffAccess, procedure_slug: str | None) -> Response:
    site, organisation = access.site, access.organisation
    lang = site.lang(request)
    filters = inbox.Filters.parse(request.query_params)
    view = await run_in_threadpool(
        open_inbox, site.engine, access.staff, organisation, procedure_slug, filters, lang
    )
    if view is None:
        return site.not_found(request)
    base = f"/staff/o/{organisation.slug}" + (f"/p/{procedure_slug}/inbox" if procedure_slug else "/inbox")
    return staff_page(
        request,
        site,
        "staff_inbox.html",
        lang=lang,
        staff=access.staff,
        organisation_row=organisation,
        timezone=ZoneInfo(organisation.timezone),
        result=view.result,
        filters=filters,
        infos=view.infos,
        labels=view.labels,
        statuses=view.statuses,
        people=view.people,
        teams=view.teams,
        base=base,
        procedure=view.procedure,
        bulk=view.bulk,
        bulk_labels=view.bulk_labels,
        questions=view.questions,
        can_act=view.can_act,
        notice=notices.read(site.settings.data_dir, request.query_params.get("notice")),
        now=now(),
        withdrawn=processing.WITHDRAWN,
    )


@for_organisation(ACT_ROLES)
async def bulk_change(request: Request, access: StaffAccess) -> Response:
    """Apply one transition, or one assignment, to every selected submission it fits."""
    site, organisation, staff = access.site, access.organisation, access.staff
    assert staff.user.id is not None
    lang = site.lang(request)
    form = await request.form(max_files=0, max_fields=600)
    ids = [int(str(value)) for value in form.getlist("selected") if is_number(str(value))]
    slug = request.path_params["slug"]
    chosen = await run_in_threadpool(bulk.selection, site.engine, organisation, slug, ids, lang)
    if chosen is None:
        return site.not_found(request)
    back = f"/staff/o/{organisation.slug}/p/{slug}/inbox"
    if not chosen.rows:
        return _back(request, access, back, i18n.gettext(lang, N_("Select at least one submission.")))
    action = str(form.get("action", ""))
    if action == "assign":
        count = await run_in_threadpool(
            assignment.assign,
            site.engine,
            access.organisation_id,
            [r.id for r in chosen.rows if r.id is not None],
            str(form.get("assignee", "")),
            processing.Actor(staff.user.name, staff.user.id),
        )
        if count is None:
            text = i18n.gettext(lang, N_("Choose someone who processes this procedure."))
        else:
            text = i18n.gettext(lang, N_("Submissions assigned: %(n)s."), n=count)
        return _back(request, access, back, text)
    if not is_number(action):
        return _back(request, access, back, i18n.gettext(lang, N_("Choose what to do with the selection.")))
    taken, refused = await run_in_threadpool(
        bulk.take_transition,
        site.engine,
        staff,
        access.organisation_id,
        chosen,
        int(action),
        str(form.get("comment", "")),
        site.version,
        site.base_url(request),
    )
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
    return _back(request, access, back, message)


@for_organisation(ACT_ROLES)
async def on_behalf(request: Request, access: StaffAccess) -> Response:
    """A counter, phone or mail agent fills the public form for a citizen; the channel is kept."""
    site = access.site
    published = site.published.get(access.organisation.slug, request.path_params["slug"])
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


def _back(request: Request, access: StaffAccess, url: str, notice: str) -> Response:
    return RedirectResponse(
        f"{url}?notice={notices.sign(access.site.settings.data_dir, notice)}", status_code=303
    )
