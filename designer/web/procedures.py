"""Staff pages for procedures: export, import as a draft, review the changes, publish."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from designer import accounts
from designer.editor import publishing as procedures
from designer.web.session import COOKIE, current_staff, staff_page
from runtime.catalogue import compiled_for, organisation_by_slug
from runtime.definition import DefinitionError
from runtime.models import Organisation
from runtime.site import site_of

MAX_IMPORT_BYTES = 2_000_000
MISSING = object()


async def organisation_for(request: Request, roles: tuple[str, ...]) -> Organisation | Response:
    """The organisation in the URL if the staff member has one of `roles` there; else a 404,
    whatever the organisation, so that nothing tells what exists elsewhere."""
    found = await _looked_up(request, roles, None)
    return found if isinstance(found, Response) else found[0]


async def procedure_for(
    request: Request, roles: tuple[str, ...]
) -> tuple[Organisation, procedures.ProcedureState] | Response:
    """The organisation and the procedure in the URL, under the same rule as `organisation_for`."""
    found = await _looked_up(request, roles, request.path_params["slug"])
    if isinstance(found, Response):
        return found
    organisation, state = found
    if state is None or state.latest is None:
        return site_of(request).not_found(request)
    return organisation, state


async def _looked_up(
    request: Request, roles: tuple[str, ...], slug: str | None
) -> tuple[Organisation, procedures.ProcedureState | None] | Response:
    """The person, the organisation and the procedure read in one trip to the thread pool:
    every staff page starts here, and each trip costs a thread's wake-up."""
    site = site_of(request)
    cookie = request.cookies.get(COOKIE)
    known = request.scope.get("state", {}).get("staff", MISSING)

    def read() -> tuple[Any, Organisation | None, procedures.ProcedureState | None]:
        staff = accounts.staff_for(site.engine, cookie) if known is MISSING else known
        organisation = organisation_by_slug(site.engine, request.path_params["org"]) if staff else None
        allowed = (
            organisation is not None
            and organisation.id is not None
            and staff.role_in(organisation.id) in roles
        )
        state = procedures.procedure_state(site.engine, organisation, slug) if allowed and slug else None
        return staff, organisation if allowed else None, state

    staff, organisation, state = await run_in_threadpool(read)
    request.state.staff = staff
    if staff is None:
        return RedirectResponse("/staff/login", status_code=303)
    if organisation is None:
        return site.not_found(request)
    return organisation, state


async def export_definition(request: Request) -> Response:
    looked_up = await procedure_for(request, procedures.ALL_ROLES)
    if isinstance(looked_up, Response):
        return looked_up
    _organisation, state = looked_up
    if request.path_params["what"] not in ("definition", "schema"):
        return site_of(request).not_found(request)
    version = state.latest
    assert version is not None
    if request.path_params["what"] == "schema":
        body, name = compiled_for(version).schema, f"{state.procedure.slug}.schema.json"
    else:
        body, name = version.definition, f"{state.procedure.slug}.json"
    return JSONResponse(
        body, headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    )


async def import_definition(request: Request) -> Response:
    found = await organisation_for(request, procedures.EDITING_ROLES)
    if isinstance(found, Response):
        return found
    site = site_of(request)
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("definition")
    raw = (
        await upload.read(MAX_IMPORT_BYTES + 1) if upload is not None and not isinstance(upload, str) else b""
    )
    await form.close()
    try:
        version, report = await run_in_threadpool(procedures.import_definition, site.engine, found, raw)
    except DefinitionError as error:
        staff = await current_staff(request)
        return staff_page(
            request,
            site,
            "staff_import_errors.html",
            status_code=422,
            staff=staff,
            organisation_row=found,
            problems=error.problems,
        )
    slug = version.definition["id"]
    if report:
        staff = await current_staff(request)
        return staff_page(
            request,
            site,
            "staff_import_report.html",
            staff=staff,
            organisation_row=found,
            problems=report,
            slug=slug,
        )
    return RedirectResponse(f"/staff/o/{found.slug}/p/{slug}/publish", status_code=303)


async def publish(request: Request) -> Response:
    found = await organisation_for(request, procedures.EDITING_ROLES)
    if isinstance(found, Response):
        return found
    site = site_of(request)
    slug = request.path_params["slug"]
    if request.method == "POST":
        published = await run_in_threadpool(procedures.publish_draft, site.engine, found, slug)
        if published is None:
            return site.not_found(request)
        site.published.clear()  # this process shows the new version at once; others within seconds
        return RedirectResponse("/staff", status_code=303)
    state = await run_in_threadpool(procedures.procedure_state, site.engine, found, slug)
    if state is None:
        return site.not_found(request)
    before = state.published.definition if state.published else {}
    changes = procedures.differences(before, state.draft.definition) if state.draft else []
    staff = await current_staff(request)
    return staff_page(
        request,
        site,
        "staff_publish.html",
        staff=staff,
        organisation_row=found,
        state=state,
        changes=changes,
        shown=procedures.shown,
        json=json,
    )


routes = [
    Route("/staff/o/{org}/import", import_definition, methods=["POST"], name="staff_import"),
    Route("/staff/o/{org}/p/{slug}/publish", publish, methods=["GET", "POST"], name="staff_publish"),
    Route("/staff/o/{org}/p/{slug}/{what:str}.json", export_definition, name="staff_export"),
]
