"""Who holds each workflow function of a procedure: administrators and designers bind them
to the organisation's agents."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from designer.admin import functions, groups
from designer.editor.publishing import EDITING_ROLES
from designer.web.procedures import procedure_for
from designer.web.session import current_staff, staff_page
from runtime import workflow
from runtime.site import site_of
from runtime.text import is_number


async def bindings_page(request: Request) -> Response:
    found = await procedure_for(request, EDITING_ROLES)
    if isinstance(found, Response):
        return found
    organisation, state = found
    assert organisation.id is not None and state.procedure.id is not None and state.latest is not None
    site = site_of(request)
    names = workflow.functions(state.latest.definition)
    people = await run_in_threadpool(functions.processors, site.engine, organisation.id)
    teams = await run_in_threadpool(groups.groups_of, site.engine, organisation.id)
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=2000)
        allowed = {person.id for person in people}
        allowed_groups = {team.id for team in teams}
        for name in names:
            chosen = {int(value) for value in form.getlist(f"holders-{name}") if is_number(str(value))}
            chosen_groups = {int(value) for value in form.getlist(f"groups-{name}") if is_number(str(value))}
            await run_in_threadpool(
                functions.bind,
                site.engine,
                state.procedure.id,
                name,
                chosen,
                allowed,
                chosen_groups,
                allowed_groups,
            )
        return RedirectResponse(
            f"/staff/o/{organisation.slug}/p/{state.procedure.slug}/functions?saved=1", status_code=303
        )
    bound = await run_in_threadpool(functions.bound, site.engine, state.procedure.id)
    return staff_page(
        request,
        site,
        "staff_functions.html",
        staff=await current_staff(request),
        organisation_row=organisation,
        state=state,
        function_names=names,
        people=people,
        groups=teams,
        bound=bound,
        saved=request.query_params.get("saved") == "1",
    )


routes = [
    Route("/staff/o/{org}/p/{slug}/functions", bindings_page, methods=["GET", "POST"], name="staff_functions")
]
