"""The charter editor's pages: administrators change colours, fonts, logo and footer links.

The live preview posts the form's current values (htmx) and gets back a fragment rendered
by the runtime's templates in the edited charter; without scripts the "preview" button posts
the whole form and the page comes back with the preview, nothing saved.
"""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer.admin import charter_form, charter_store
from designer.admin.charter_logo import MAX_LOGO_BYTES
from designer.admin.charter_preview import sample_page
from designer.web.guard import StaffAccess, for_organisation
from designer.web.pages import staff_page
from runtime.charter import Charter, CharterError
from runtime.models import Organisation
from runtime.site import Site

ADMINISTRATORS = ("administrator",)


@for_organisation(ADMINISTRATORS)
async def charter_page(request: Request, access: StaffAccess) -> Response:
    site, found = access.site, access.organisation
    lang = site.lang(request)
    charter = site.charter(found.theme)
    if request.method == "GET":
        values = charter_form.editable(charter, found.name)
        return _page(
            request,
            access,
            charter,
            values,
            charter_form.Problems(),
            lang,
            saved=request.query_params.get("saved") == "1",
        )
    values, problems, action = await _posted(request, charter, found, lang)
    saving = action == "save"
    if saving and not problems:
        try:
            await run_in_threadpool(
                charter_store.save,
                site.engine,
                site.settings.data_dir,
                site.theme_roots,
                found,
                charter,
                values,
            )
        except CharterError as error:  # the runtime's last word on the files written
            for problem in error.problems:
                problems.add("form", problem)
        else:
            assert found.id is not None
            site.organisation_changed(found.id, old_theme=found.theme)
            return RedirectResponse(f"/staff/o/{found.slug}/charter?saved=1", status_code=303)
    return _page(
        request,
        access,
        charter,
        values,
        problems,
        lang,
        status_code=422 if saving else 200,
        refused=saving,
    )


@for_organisation(ADMINISTRATORS)
async def preview(request: Request, access: StaffAccess) -> Response:
    """The preview fragment for the posted values (htmx), with the problems next to the fields."""
    site, found = access.site, access.organisation
    lang = site.lang(request)
    charter = site.charter(found.theme)
    values, problems, _action = await _posted(request, charter, found, lang)
    html = _preview_html(site, found, charter, values, problems, lang, oob=True)
    return Response(html, media_type="text/html", headers={"Cache-Control": "no-store"})


@for_organisation(ADMINISTRATORS)
async def preview_css(request: Request, access: StaffAccess) -> Response:
    """The custom properties of the previewed values, scoped to the preview (the page's CSP
    allows no inline style, so they come as a stylesheet whose address holds the values)."""
    site, found = access.site, access.organisation
    charter = site.charter(found.theme)
    values, _problems = charter_form.read_form(
        dict(request.query_params), None, charter, found.name, site.lang(request)
    )
    css = charter_form.preview_charter(values, charter, found.name).css_variables(".charter-preview")
    return Response(css, media_type="text/css", headers={"Cache-Control": "private, max-age=3600"})


async def _posted(
    request: Request, charter: Charter, organisation: Organisation, lang: str
) -> tuple[charter_form.CharterValues, charter_form.Problems, str]:
    """The posted values, their problems, and the button pressed ("save" or "preview")."""
    form = await request.form(max_files=1, max_fields=80)
    fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    upload = form.get("logo")
    chosen: tuple[str, bytes] | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        # One byte more than the limit is enough to know the file is too large.
        chosen = (upload.filename, await upload.read(MAX_LOGO_BYTES + 1))
    await form.close()
    values, problems = await run_in_threadpool(
        charter_form.read_form, fields, chosen, charter, organisation.name, lang
    )
    return values, problems, fields.get("action", "")


def _logo_src(organisation: Organisation, charter: Charter, values: charter_form.CharterValues) -> str | None:
    if values.new_logo is not None:
        return values.new_logo.data_uri()
    if values.remove_logo or not charter.logo:
        return None
    return f"/charters/{organisation.theme}/{charter.logo}"


def _colour_problems(problems: charter_form.Problems) -> int:
    return sum(1 for name, _message in problems.summary() if name.startswith("color-"))


def _preview_html(
    site: Site,
    organisation: Organisation,
    charter: Charter,
    values: charter_form.CharterValues,
    problems: charter_form.Problems,
    lang: str,
    *,
    oob: bool,
) -> Markup:
    """The sample page in the edited charter, rendered by the organisation's own templates."""
    previewed = charter_form.preview_charter(values, charter, organisation.name)
    query = {f"color-{key}": value for key, value in previewed.colors.items()}
    query.update(
        font_body=values.font_body,
        font_heading=values.font_heading,
        radius=previewed.radius.removesuffix("px"),
    )
    renderer, nodes = sample_page(lang)
    html = site.templates.render(
        organisation.theme,
        "_charter_preview.html",
        lang=lang,
        organisation=organisation,
        charter=previewed,
        theme=organisation.theme,
        css_url=f"/staff/o/{organisation.slug}/charter/preview.css?{urlencode(query)}",
        logo_src=_logo_src(organisation, charter, values),
        r=renderer,
        nodes=nodes,
        values=values,
        problems=problems.by_field,
        colours=charter_form.COLOURS,
        oob_notes=oob,
        colour_problems=_colour_problems(problems),
    )
    return Markup(html)


def _page(
    request: Request,
    access: StaffAccess,
    charter: Charter,
    values: charter_form.CharterValues,
    problems: charter_form.Problems,
    lang: str,
    *,
    status_code: int = 200,
    saved: bool = False,
    refused: bool = False,
) -> Response:
    site, organisation = access.site, access.organisation
    rows = list(values.links)
    rows += [charter_form.LinkValues() for _ in range(min(2, charter_form.MAX_LINKS - len(rows)))]
    return staff_page(
        request,
        site,
        "staff_charter.html",
        status_code=status_code,
        lang=lang,
        staff=access.staff,
        organisation_row=organisation,
        values=values,
        problems=problems.by_field,
        summary=problems.summary() if refused else [],
        colours=charter_form.COLOURS,
        fonts=charter_form.font_choices(charter),
        link_rows=rows,
        max_radius=charter_form.MAX_RADIUS_PX,
        saved=saved,
        max_logo=MAX_LOGO_BYTES,
        colour_problems=_colour_problems(problems),
        logo_src=_logo_src(organisation, charter, values),
        preview_html=_preview_html(site, organisation, charter, values, problems, lang, oob=False),
    )
