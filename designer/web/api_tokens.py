"""Administrators make and revoke their organisation's API tokens."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.web.guard import StaffAccess, for_organisation
from designer.web.pages import staff_page
from runtime.actions import webhooks
from runtime.api import tokens as api_tokens
from runtime.text import is_number

ROLES = ("administrator",)


@for_organisation(ROLES)
async def tokens(request: Request, access: StaffAccess) -> Response:
    site, organisation, organisation_id = access.site, access.organisation, access.organisation_id
    created = ""
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=10)
        if form.get("op") == "revoke" and is_number(str(form.get("token", ""))):
            await run_in_threadpool(api_tokens.revoke, site.engine, organisation_id, int(str(form["token"])))
            return RedirectResponse(f"/staff/o/{organisation.slug}/api", status_code=303)
        if form.get("op") == "create":
            names = [part.strip()[:100] for part in str(form.get("functions", "")).split(",") if part.strip()]
            created = await run_in_threadpool(
                api_tokens.create, site.engine, organisation_id, str(form.get("name", "")), names or None
            )
    listed = await run_in_threadpool(api_tokens.of_organisation, site.engine, organisation_id)
    secret = await run_in_threadpool(webhooks.organisation_secret, site, organisation_id)
    return staff_page(
        request,
        site,
        "staff_api.html",
        staff=access.staff,
        organisation_row=organisation,
        tokens=listed,
        created=created,
        webhook_secret=secret,
    )
