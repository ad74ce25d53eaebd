"""Who holds each workflow function of a procedure: administrators and designers bind them
to the organisation's agents."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.admin import functions, groups
from designer.editor.publishing import EDITING_ROLES
from designer.web.guard import ProcedureAccess, for_procedure
from designer.web.pages import staff_page
from runtime import workflow
from runtime.text import is_number


@for_procedure(EDITING_ROLES)
async def bindings_page(request: Request, access: ProcedureAccess) -> Response:
    site, organisation, state = access.site, access.organisation, access.state
    assert state.procedure.id is not None
    names = workflow.functions(access.version.definition)
    people = await run_in_threadpool(functions.processors, site.engine, access.organisation_id)
    teams = await run_in_threadpool(groups.groups_of, site.engine, access.organisation_id)
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=2000)
        allowed = {person.id for person in people}
        allowed_groups = {team.id for team in teams}
        for name in names:
            chosen = {int(str(value)) for value in form.getlist(f"holders-{name}") if is_number(str(value))}
            chosen_groups = {
                int(str(value)) for value in form.getlist(f"groups-{name}") if is_number(str(value))
            }
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
        staff=access.staff,
        organisation_row=organisation,
        state=state,
        function_names=names,
        people=people,
        groups=teams,
        bound=bound,
        saved=request.query_params.get("saved") == "1",
    )
