"""The team page: administrators add staff, change their roles, remove them."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.admin import groups, team
from designer.staff_models import ROLES
from designer.web.guard import StaffAccess, for_organisation
from designer.web.pages import staff_page
from runtime.i18n import N_
from runtime.models import Organisation
from runtime.site import Site
from runtime.text import is_number

ADMINISTRATORS = ("administrator",)


async def _page(
    request: Request,
    access: StaffAccess,
    status_code: int = 200,
    error: str = "",
    password: tuple[str, str] | None = None,
) -> Response:
    site, organisation = access.site, access.organisation
    found = await run_in_threadpool(team.members, site.engine, organisation)
    teams = await run_in_threadpool(groups.groups_of, site.engine, access.organisation_id)
    return staff_page(
        request,
        site,
        "staff_team.html",
        status_code=status_code,
        staff=access.staff,
        organisation_row=organisation,
        members=found,
        roles=ROLES,
        error=error,
        password=password,
        groups=teams,
        member_names={member.user.id: member.user.name for member in found},
    )


@for_organisation(ADMINISTRATORS)
async def team_page(request: Request, access: StaffAccess) -> Response:
    if request.method == "GET":
        return await _page(request, access)
    site, organisation = access.site, access.organisation
    form = await request.form(max_files=0, max_fields=20)
    operation = str(form.get("op", ""))
    user_id = int(str(form.get("user", "0"))) if is_number(str(form.get("user", "0"))) else 0
    try:
        if operation == "add":
            password = await run_in_threadpool(
                team.add_member,
                site.engine,
                organisation,
                str(form.get("email", "")),
                str(form.get("name", "")),
                str(form.get("role", "")),
            )
            if password:
                # Shown once, to be handed over by the administrator; never stored in clear.
                return await _page(request, access, password=(str(form.get("email", "")), password))
        elif operation == "role":
            await run_in_threadpool(
                team.set_role, site.engine, organisation, user_id, str(form.get("role", ""))
            )
        elif operation == "remove":
            await run_in_threadpool(team.remove_member, site.engine, organisation, user_id)
        elif operation.startswith("group_"):
            await _group_change(site, organisation, operation, form, user_id)
        else:
            return site.not_found(request)
    except (team.TeamRefused, groups.GroupRefused) as refused:
        return await _page(request, access, status_code=422, error=refused.text(site.lang(request)))
    return RedirectResponse(f"/staff/o/{organisation.slug}/team", status_code=303)


async def _group_change(
    site: Site, organisation: Organisation, operation: str, form: Any, user_id: int
) -> None:
    assert organisation.id is not None
    group_id = int(str(form.get("group"))) if is_number(str(form.get("group", ""))) else 0
    if operation == "group_create":
        await run_in_threadpool(groups.create, site.engine, organisation.id, str(form.get("name", "")))
    elif operation == "group_add":
        members = await run_in_threadpool(team.members, site.engine, organisation)
        people = {member.user.id for member in members if member.user.id is not None}
        await run_in_threadpool(groups.add_member, site.engine, organisation.id, group_id, user_id, people)
    elif operation == "group_remove":
        await run_in_threadpool(groups.remove_member, site.engine, organisation.id, group_id, user_id)
    elif operation == "group_delete":
        await run_in_threadpool(groups.delete_group, site.engine, organisation.id, group_id)
    else:
        raise groups.GroupRefused(N_("unknown change"))
