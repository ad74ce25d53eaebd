"""The legal pages' settings: administrators edit what the organisation's legal notice,
personal data page, accessibility statement and contact page say.

A plain form: it is posted whole and comes back with the problems next to the fields and
nothing saved, or redirects to itself once saved.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.admin import legal_form, legal_store
from designer.admin.charter_form import Problems
from designer.web.guard import StaffAccess, for_organisation
from designer.web.pages import staff_page
from runtime.i18n import N_
from runtime.legal import ADDRESSES

ADMINISTRATORS = ("administrator",)
PUBLIC_PAGES = (
    ("notice", N_("Legal notice")),
    ("data", N_("Personal data")),
    ("accessibility", N_("Accessibility statement")),
    ("contact", N_("Contact")),
)


@for_organisation(ADMINISTRATORS)
async def legal_page(request: Request, access: StaffAccess) -> Response:
    site, found = access.site, access.organisation
    lang = site.lang(request)
    if request.method == "GET":
        values = legal_form.editable(found, lang)
        return _page(
            request, access, values, Problems(), lang, saved=request.query_params.get("saved") == "1"
        )
    form = await request.form(max_files=0, max_fields=60)
    fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    await form.close()
    # The organisation's own day: an audit done this morning in Paris is not in the future.
    today = dt.datetime.now(ZoneInfo(found.timezone)).date()
    values, problems = legal_form.read_form(fields, lang, today)
    if problems:
        return _page(request, access, values, problems, lang, status_code=422)
    contact, legal = legal_form.stored(values, found, today)
    await run_in_threadpool(legal_store.save, site.engine, access.organisation_id, contact, legal)
    site.organisation_changed(access.organisation_id)
    return RedirectResponse(f"/staff/o/{found.slug}/legal?saved=1", status_code=303)


def _page(
    request: Request,
    access: StaffAccess,
    values: dict[str, str],
    problems: Problems,
    lang: str,
    *,
    status_code: int = 200,
    saved: bool = False,
) -> Response:
    return staff_page(
        request,
        access.site,
        "staff_legal.html",
        status_code=status_code,
        lang=lang,
        staff=access.staff,
        organisation_row=access.organisation,
        sections=legal_form.SECTIONS,
        values=values,
        problems=problems.by_field,
        summary=problems.summary(),
        saved=saved,
        public_pages=[
            (f"/{access.organisation.slug}/{ADDRESSES[key]}", label) for key, label in PUBLIC_PAGES
        ],
    )
