"""The procedure editor: palette, pages and elements, properties; every change saved at once.

Each button is a plain form post followed by a redirect, so the editor works without
scripts. A change is kept only if the whole definition still passes the loader; otherwise
the problems are shown next to the element, and nothing is saved. A change made on a stale
revision (someone else saved meanwhile) is refused.
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from designer import editing, procedures, workflow
from designer.procedure_routes import organisation_for, procedure_for
from designer.routes import current_staff, staff_page
from runtime import i18n
from runtime.answers import PostedForm
from runtime.catalogue import content_hash
from runtime.compiler import CompiledVersion
from runtime.definition import check_definition
from runtime.fields.base import Problem
from runtime.i18n import N_
from runtime.journey import post_page
from runtime.models import Organisation, ProcedureVersion
from runtime.routes.forms import refresh_page, render_form_page
from runtime.site import VersionInfo, site_of


async def new_procedure(request: Request) -> Response:
    found = await organisation_for(request, procedures.EDITING_ROLES)
    if isinstance(found, Response):
        return found
    site = site_of(request)
    form = await request.form(max_files=0, max_fields=20)
    slug = str(form.get("slug", "")).strip().lower()
    title = str(form.get("title", "")).strip() or slug
    kind = str(form.get("kind", "procedure"))
    template = str(form.get("template", ""))
    lang = found.lang
    examples = procedures.templates()
    if template in examples:
        definition = {**copy.deepcopy(examples[template]), "id": slug}
        definition["title"] = {**definition["title"], lang: title}
    else:
        definition = editing.blank(slug, title, kind if kind in ("procedure", "survey", "consultation") else "procedure", lang)
    state = await run_in_threadpool(procedures.procedure_state, site.engine, found, slug)
    problems = check_definition(definition) if state is None else [Problem("/id", "this identifier is already used")]
    if problems:
        staff = await current_staff(request)
        return staff_page(request, site, "staff_import_errors.html", status_code=422, staff=staff,
                          organisation_row=found, problems=problems)
    await run_in_threadpool(procedures.save_draft, site.engine, found, definition)
    return RedirectResponse(f"/staff/o/{found.slug}/p/{slug}/edit", status_code=303)


def _int(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() else default


async def editor(request: Request) -> Response:
    looked_up = await procedure_for(request, procedures.EDITING_ROLES)
    if isinstance(looked_up, Response):
        return looked_up
    found, state = looked_up
    site = site_of(request)
    slug = state.procedure.slug
    query = request.query_params
    selection = (_int(query.get("page")), _int(query.get("element"), -1))
    if request.method == "GET":
        return await _editor_page(request, found, state, state.latest.definition, selection, [], query.get("edit_lang"))
    form = await request.form(max_files=0, max_fields=200)
    values = {key: str(value) for key, value in form.items()}
    selection = (_int(values.get("page")), _int(values.get("element"), -1))
    edit_lang = values.get("edit_lang") or found.lang
    definition = state.latest.definition
    if values.get("revision") != content_hash(definition):
        message = i18n.gettext(site.lang(request), N_("Someone else changed this procedure since you opened it. "
                                                      "Nothing was saved: here is their version; make your change again."))
        return await _editor_page(request, found, state, definition, selection, [Problem("", message)], edit_lang, 409)
    try:
        changed, selection = _apply(definition, values, selection, edit_lang)
    except editing.EditRefused as refused:
        return await _editor_page(request, found, state, definition, selection, [Problem("", str(refused))], edit_lang, 422)
    problems = check_definition(changed)
    if problems:
        return await _editor_page(request, found, state, definition, selection, problems, edit_lang, 422)
    await run_in_threadpool(procedures.save_draft, site.engine, found, changed, True)
    page, element = selection
    return RedirectResponse(f"/staff/o/{found.slug}/p/{slug}/edit?page={page}&element={element}&edit_lang={edit_lang}",
                            status_code=303)


def _apply(definition: dict[str, Any], values: dict[str, str], selection: tuple[int, int],
           lang: str) -> tuple[dict[str, Any], tuple[int, int]]:
    page, element = selection
    operation = values.get("op", "")
    if operation == "add":
        widget = values.get("widget", "")
        changed, index = (editing.add_content(definition, page, lang) if widget == "content"
                          else editing.add_field(definition, page, widget, lang))
        return changed, (page, index)
    if operation in ("up", "down"):
        changed, index = editing.move(definition, page, element, -1 if operation == "up" else 1)
        return changed, (page, index)
    if operation == "duplicate":
        changed, index = editing.duplicate(definition, page, element)
        return changed, (page, index)
    if operation == "delete":
        return editing.delete(definition, page, element), (page, -1)
    if operation == "add_page":
        changed, index = editing.add_page(definition, lang)
        return changed, (index, -1)
    if operation == "delete_page":
        return editing.delete_page(definition, page), (max(0, page - 1), -1)
    if operation == "page_title":
        return editing.set_page_title(definition, page, lang, values.get("title", "")), (page, element)
    if operation == "status_add":
        return workflow.add_status(definition, lang, values.get("label", "")), (page, element)
    if operation == "status_set":
        return workflow.set_status(definition, values.get("status", ""), lang, values), (page, element)
    if operation == "status_delete":
        return workflow.delete_status(definition, values.get("status", "")), (page, element)
    if operation == "transition_add":
        return workflow.add_transition(definition, lang, values), (page, element)
    if operation == "transition_delete":
        return workflow.delete_transition(definition, _int(values.get("transition"), -1)), (page, element)
    if operation == "settings":
        return editing.set_settings(definition, lang, values), (page, element)
    if operation == "properties":
        return editing.set_properties(definition, page, element, lang, values), (page, element)
    raise editing.EditRefused(f"unknown operation {operation!r}")


async def _editor_page(request: Request, organisation: Organisation, state: procedures.ProcedureState,
                       definition: dict[str, Any], selection: tuple[int, int], problems: list[Problem],
                       edit_lang: str | None, status_code: int = 200) -> Response:
    site = site_of(request)
    staff = await current_staff(request)
    pages = definition["ui"]["pages"]
    page = min(max(selection[0], 0), len(pages) - 1)
    elements = pages[page]["elements"]
    element = selection[1] if 0 <= selection[1] < len(elements) else -1
    before = {item["field"] for p in pages[:page] for item in p["elements"] if "field" in item}
    before |= {item["field"] for item in elements[:max(element, 0)] if "field" in item}
    return staff_page(
        request, site, "staff_editor.html", status_code=status_code, staff=staff, organisation_row=organisation,
        state=state, definition=definition, revision=content_hash(definition), page_index=page,
        element_index=element, selected=elements[element] if element >= 0 else None,
        schema=definition["schema"]["properties"], problems=problems, palette=editing.palette(),
        widget_labels=editing.WIDGET_LABELS, legal_keys=editing.LEGAL_KEYS,
        workflow_warnings=dict(workflow.warnings(definition)),
        edit_lang=edit_lang or organisation.lang, earlier_fields=sorted(before), languages_all=i18n.LANGUAGES,
        untranslated=_untranslated(definition, edit_lang or organisation.lang),
    )


def _untranslated(definition: dict[str, Any], lang: str) -> list[str]:
    """Paths of texts with no version in `lang` (shown in the definition's language instead)."""
    missing = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if value and all(isinstance(k, str) and len(k) == 2 and isinstance(v, str) for k, v in value.items()):
                if lang not in value:
                    missing.append(path)
                return
            for key, inner in value.items():
                if key != "schema":
                    walk(inner, f"{path}/{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}/{index}")

    walk({k: v for k, v in definition.items() if k != "schema"}, "")
    return missing


async def preview(request: Request) -> Response:
    """The draft's page as citizens will see it, in the charter, conditions working; never saved."""
    looked_up = await procedure_for(request, procedures.ALL_ROLES)
    if isinstance(looked_up, Response):
        return looked_up
    found, state = looked_up
    site = site_of(request)
    slug = state.procedure.slug
    version: ProcedureVersion = state.latest  # type: ignore[assignment]
    info = VersionInfo(found, state.procedure, version, CompiledVersion(version.definition))
    index = min(int(request.path_params["page"]), len(info.compiled.pages) - 1)
    action = f"/staff/o/{found.slug}/p/{slug}/preview/{index}"
    if request.url.path.endswith("/refresh"):
        return await refresh_page(request, site, info, index, {})
    answers: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=2000)
        source = PostedForm(form, {}, {}, found.timezone)
        step = post_page(info.compiled, info.compiled.pages[index], source, {}, str(form.get("action", "next")), {})
        answers, errors = step.answers, step.errors
    banner = i18n.gettext(site.lang(request, found), N_("Preview of the draft: answers given here are never saved."))
    response = render_form_page(request, site, info, index, answers, errors, draft=None, action=action,
                                banner=banner)
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [
    Route("/staff/o/{org}/new", new_procedure, methods=["POST"], name="staff_new"),
    Route("/staff/o/{org}/p/{slug}/edit", editor, methods=["GET", "POST"], name="staff_editor"),
    Route("/staff/o/{org}/p/{slug}/preview/{page:int}", preview, methods=["GET", "POST"], name="staff_preview"),
    Route("/staff/o/{org}/p/{slug}/preview/{page:int}/refresh", preview, methods=["POST"],
          name="staff_preview_refresh"),
]
