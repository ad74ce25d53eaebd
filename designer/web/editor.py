"""The procedure editor: palette, pages and elements, properties; every change saved at once.

Each button is a plain form post followed by a redirect, so the editor works without
scripts. A change is kept only if the whole definition still passes the loader; otherwise
the problems are shown next to the element, and nothing is saved. A change made on a stale
revision (someone else saved meanwhile) is refused.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.editor import conditions as editing_conditions
from designer.editor import operations, publishing, workflow_editing
from designer.editor import settings as editing_settings
from designer.editor import view as editor_view
from designer.web.guard import ProcedureAccess, StaffAccess, for_procedure
from designer.web.pages import staff_page
from runtime import i18n
from runtime.answers import PostedForm
from runtime.catalogue import content_hash
from runtime.compiler import CompiledVersion
from runtime.definition import check_definition
from runtime.fields.base import Problem
from runtime.fields.file import FORMAT_NAMES
from runtime.i18n import N_
from runtime.journey import post_page
from runtime.site import VersionInfo, site_of
from runtime.web.form_page import refresh_page, render_form_page


@for_procedure(publishing.EDITING_ROLES)
async def editor(request: Request, access: ProcedureAccess) -> Response:
    site, found, state = access.site, access.organisation, access.state
    slug = state.procedure.slug
    definition = access.version.definition
    if request.method == "GET":
        query = request.query_params
        return await _editor_page(
            request,
            access,
            state,
            definition,
            editor_view.selection_from(query),
            [],
            query.get("edit_lang"),
            panel=query.get("panel", ""),
        )
    form = await request.form(max_files=0, max_fields=400)
    values = {key: str(value) for key, value in form.items()}
    if ":" in values.get("do", ""):
        # An element's button from the shared actions form: "up:12" is op "up" on element 12.
        values["op"], _, values["element"] = values.pop("do").partition(":")
    selection = editor_view.selection_from(values)
    edit_lang = values.get("edit_lang") or ""
    if edit_lang not in i18n.LANGUAGES:
        edit_lang = found.lang
    lang = site.lang(request)
    panel = values.get("panel", "")
    operation = values.get("op", "")
    posted = values if operation == "properties" or operation.startswith("condition_") else None
    if values.get("revision") != content_hash(definition):
        return await _stale(request, access, state, definition, selection, edit_lang, panel)
    if operation == "condition_rows":
        # Only show the answers of the questions chosen in the condition rows: nothing saved.
        return await _editor_page(request, access, state, definition, selection, [], edit_lang, posted=posted)
    try:
        changed, after = editor_view.apply(definition, values, selection, edit_lang)
    except operations.EditRefused as refused:
        problem = Problem("", refused.text(lang))
        # "" places the message next to the selected element, None only in the summary.
        about = refused.concerning or ("" if editor_view.about_element(operation) else None)
        return await _editor_page(
            request,
            access,
            state,
            definition,
            selection,
            [problem],
            edit_lang,
            422,
            concerning=[about],
            posted=posted,
            panel=panel,
        )
    problems = check_definition(changed)
    if problems:
        return await _editor_page(
            request,
            access,
            state,
            definition,
            selection,
            problems,
            edit_lang,
            422,
            changed=changed,
            posted=posted,
            panel=panel,
        )
    draft = await run_in_threadpool(publishing.save_edit, site.engine, found, changed, values["revision"])
    if draft is None:  # someone saved on the same revision a moment before
        fresh = await run_in_threadpool(publishing.procedure_state, site.engine, found, slug)
        if fresh is None or fresh.latest is None:
            return RedirectResponse("/staff", status_code=303)
        return await _stale(request, access, fresh, fresh.latest.definition, selection, edit_lang, panel)
    where = f"{after.query()}&edit_lang={edit_lang}" + (f"&panel={panel}" if panel else "")
    address = f"/staff/o/{found.slug}/p/{slug}/edit?{where}"
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(address, status_code=303)  # post, redirect, get: a reload never posts again
    # Through htmx the new page comes back at once, and the address bar shows where it is: one
    # request instead of a redirect followed by a second one.
    response = await _editor_page(
        request, access, dataclasses.replace(state, draft=draft), changed, after, [], edit_lang, panel=panel
    )
    response.headers["HX-Replace-Url"] = address
    return response


async def _stale(
    request: Request,
    access: StaffAccess,
    state: publishing.ProcedureState,
    definition: dict[str, Any],
    selection: editor_view.Selection,
    edit_lang: str | None,
    panel: str,
) -> Response:
    """The 409 page: someone else's version, and the change to make again."""
    message = i18n.gettext(
        site_of(request).lang(request),
        N_(
            "Someone else changed this procedure since you opened it. "
            "Nothing was saved: here is their version; make your change again."
        ),
    )
    return await _editor_page(
        request,
        access,
        state,
        definition,
        selection,
        [Problem("", message)],
        edit_lang,
        409,
        panel=panel,
    )


async def _editor_page(
    request: Request,
    access: StaffAccess,
    state: publishing.ProcedureState,
    definition: dict[str, Any],
    selection: editor_view.Selection,
    problems: list[Problem],
    edit_lang: str | None,
    status_code: int = 200,
    *,
    concerning: list[str | None] | None = None,
    changed: dict[str, Any] | None = None,
    posted: dict[str, str] | None = None,
    panel: str = "",
) -> Response:
    site, organisation = access.site, access.organisation
    lang = edit_lang if edit_lang in i18n.LANGUAGES else organisation.lang
    selection = editor_view.clamp(definition, selection)
    page = definition["ui"]["pages"][selection.page]
    selected = page["elements"][selection.element] if selection.element >= 0 else None
    selected_prop: dict[str, Any] = {}
    group = None
    if selected is not None and "field" in selected:
        selected_prop = definition["schema"]["properties"].get(selected["field"], {})
        if selection.sub >= 0:
            group, selected = selected, selected["elements"][selection.sub]
            selected_prop = (
                (selected_prop.get("items") or {}).get("properties", {}).get(selected["field"], {})
            )
    ui_lang = site.lang(request)
    placed = editor_view.place_problems(
        problems, concerning or [None] * len(problems), changed, definition, selection, ui_lang
    )
    conditions = (
        editor_view.condition_context(definition, selection, lang, posted)
        if selected is not None and selection.sub < 0
        else {}
    )
    questions = editing_conditions.all_questions(definition, lang)
    required_text = i18n.gettext(ui_lang, "required")

    def kind_of(element: dict[str, Any], required: bool) -> str:
        name = i18n.gettext(ui_lang, operations.WIDGET_LABELS.get(element["widget"], element["widget"]))
        return f"{name}, {required_text}" if required else name

    rows = editor_view.element_rows(
        definition,
        selection.page,
        lang,
        lambda condition: editing_conditions.describe(condition, questions, lang),
        kind_of,
        placed,
    )
    return staff_page(
        request,
        site,
        "staff_editor.html",
        status_code=status_code,
        staff=access.staff,
        organisation_row=organisation,
        state=state,
        definition=definition,
        revision=content_hash(definition),
        page_index=selection.page,
        element_index=selection.element,
        sub_index=selection.sub,
        selection=selection,
        selected=selected,
        selected_prop=selected_prop,
        group=group,
        schema=definition["schema"]["properties"],
        problems=problems,
        placed=placed,
        key=editor_view.key,
        palette=operations.palette(),
        group_palette=operations.palette(in_group=True),
        widget_labels=operations.WIDGET_LABELS,
        legal_keys=editing_settings.LEGAL_KEYS,
        workflow_warnings=dict(workflow_editing.warnings(definition)),
        edit_lang=lang,
        languages_all=i18n.LANGUAGES,
        untranslated=_untranslated(definition, lang),
        posted=posted or {},
        conditions=conditions,
        dates_before=editor_view.dates_before(definition, selection, lang) if selected is not None else [],
        file_formats=FORMAT_NAMES,
        panel=panel,
        describe=lambda condition: editing_conditions.describe(condition, questions, lang),
        rows=rows,
    )


def _untranslated(definition: dict[str, Any], lang: str) -> list[str]:
    """Paths of texts with no version in `lang` (shown in the definition's language instead)."""
    missing = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if value and all(
                isinstance(k, str) and len(k) == 2 and isinstance(v, str) for k, v in value.items()
            ):
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


@for_procedure(publishing.ALL_ROLES)
async def preview(request: Request, access: ProcedureAccess) -> Response:
    """The draft's page as citizens will see it, in the charter, conditions working; never saved."""
    site, found, state = access.site, access.organisation, access.state
    slug = state.procedure.slug
    version = access.version
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
        step = post_page(
            info.compiled, info.compiled.pages[index], source, {}, str(form.get("action", "next")), {}
        )
        answers, errors = step.answers, step.errors
    banner = i18n.gettext(
        site.lang(request, found), N_("Preview of the draft: answers given here are never saved.")
    )
    response = render_form_page(
        request, site, info, index, answers, errors, draft=None, action=action, banner=banner
    )
    response.headers["Cache-Control"] = "no-store"
    return response
