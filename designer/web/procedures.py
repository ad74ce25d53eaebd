"""Staff pages for procedures: create, export, import as a draft, review the changes, publish."""

from __future__ import annotations

import copy
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from designer.editor import operations, publishing
from designer.web.guard import ProcedureAccess, StaffAccess, for_organisation, for_procedure
from designer.web.pages import dashboard_page, staff_page
from runtime import i18n
from runtime.catalogue import compiled_for
from runtime.definition import DefinitionError, check_definition
from runtime.i18n import N_
from runtime.wording import KINDS

MAX_IMPORT_BYTES = 2_000_000


@for_procedure(publishing.ALL_ROLES)
async def export_definition(request: Request, access: ProcedureAccess) -> Response:
    """The definition or its JSON Schema (the URL map lets only these two through)."""
    version = access.version
    slug = access.state.procedure.slug
    if request.path_params["what"] == "schema":
        body, name = compiled_for(version).schema, f"{slug}.schema.json"
    else:
        body, name = version.definition, f"{slug}.json"
    return JSONResponse(
        body, headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    )


@for_organisation(publishing.EDITING_ROLES)
async def new_procedure(request: Request, access: StaffAccess) -> Response:
    site, found = access.site, access.organisation
    form = await request.form(max_files=0, max_fields=20)
    typed = {key: str(form.get(key, "")).strip() for key in ("title", "slug", "kind", "template")}
    # Left empty, the address is made from the title, as the page does live with scripts.
    slug = typed["slug"].lower() or publishing.slug_from_title(typed["title"])
    title = typed["title"] or slug
    kind = typed["kind"] or "procedure"
    template = typed["template"]
    lang = found.lang
    state = await run_in_threadpool(publishing.procedure_state, site.engine, found, slug) if slug else None
    refused = publishing.slug_problem(slug) or (
        N_("Another procedure of this organisation already has the identifier “%(slug)s”: choose another.")
        if state is not None
        else None
    )
    if refused:
        error = i18n.gettext(site.lang(request), refused, slug=slug)
        return await dashboard_page(
            request, site, access.staff, 422, new={**typed, "slug": slug, "org": found.slug, "error": error}
        )
    examples = publishing.templates()
    if template in examples:
        definition = {**copy.deepcopy(examples[template]), "id": slug}
        definition["title"] = {**definition["title"], lang: title}
    else:
        definition = operations.blank(slug, title, kind if kind in KINDS else "procedure", lang)
    problems = check_definition(definition)
    if problems:
        return staff_page(
            request,
            site,
            "staff_import_errors.html",
            status_code=422,
            staff=access.staff,
            organisation_row=found,
            problems=problems,
        )
    await run_in_threadpool(publishing.save_draft, site.engine, found, definition)
    return RedirectResponse(f"/staff/o/{found.slug}/p/{slug}/edit", status_code=303)


@for_organisation(publishing.EDITING_ROLES)
async def import_definition(request: Request, access: StaffAccess) -> Response:
    site, organisation = access.site, access.organisation
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("definition")
    raw = (
        await upload.read(MAX_IMPORT_BYTES + 1) if upload is not None and not isinstance(upload, str) else b""
    )
    await form.close()
    try:
        version, report = await run_in_threadpool(
            publishing.import_definition, site.engine, organisation, raw
        )
    except DefinitionError as error:
        return staff_page(
            request,
            site,
            "staff_import_errors.html",
            status_code=422,
            staff=access.staff,
            organisation_row=organisation,
            problems=error.problems,
        )
    slug = version.definition["id"]
    if report:
        return staff_page(
            request,
            site,
            "staff_import_report.html",
            staff=access.staff,
            organisation_row=organisation,
            problems=report,
            slug=slug,
        )
    return RedirectResponse(f"/staff/o/{organisation.slug}/p/{slug}/publish", status_code=303)


@for_organisation(publishing.EDITING_ROLES)
async def publish(request: Request, access: StaffAccess) -> Response:
    site, organisation = access.site, access.organisation
    slug = request.path_params["slug"]
    if request.method == "POST":
        published = await run_in_threadpool(publishing.publish_draft, site.engine, organisation, slug)
        if published is None:
            return site.not_found(request)
        site.published.clear()  # this process shows the new version at once; others within seconds
        return RedirectResponse("/staff", status_code=303)
    state = await run_in_threadpool(publishing.procedure_state, site.engine, organisation, slug)
    if state is None:
        return site.not_found(request)
    before = state.published.definition if state.published else {}
    changes = publishing.differences(before, state.draft.definition) if state.draft else []
    return staff_page(
        request,
        site,
        "staff_publish.html",
        staff=access.staff,
        organisation_row=organisation,
        state=state,
        changes=changes,
        shown=publishing.shown,
        json=json,
    )
