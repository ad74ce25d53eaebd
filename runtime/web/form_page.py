"""The form page: rendered for a draft, for a procedure's first page and for the designer's
preview; its live refresh (htmx); reading the body it posts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from runtime import access, i18n
from runtime.answers import PostedForm
from runtime.compiler import CompiledVersion, Page
from runtime.fields.base import FieldError
from runtime.i18n import N_
from runtime.journey import post_page, previous_page, visible_page_indexes
from runtime.models import Draft
from runtime.render_tree import SHOWN_SLOT, Renderer
from runtime.site import Site, VersionInfo, site_of
from runtime.web import notices
from runtime.web.early_response import EarlyResponse

MAX_FIELDS = 3000
MAX_FILES = 30


def render_form_page(
    request: Request,
    site: Site,
    info: VersionInfo,
    index: int,
    answers: dict[str, Any],
    errors: dict[str, FieldError],
    *,
    draft: Draft | None,
    action: str | None = None,
    lang: str | None = None,
    status_code: int = 200,
    banner: str = "",
    focus: str = "",
) -> HTMLResponse:
    compiled = info.compiled
    lang = lang or site.lang(request, info.organisation)
    renderer = Renderer(compiled, lang)
    current = compiled.pages[index]
    nodes = renderer.nodes(current, answers, errors, focus=focus)
    pages = visible_page_indexes(compiled, answers)
    if index not in pages:
        pages = sorted({*pages, index})
    base = f"/d/{draft.id}/p/{index + 1}" if draft else action
    assert base is not None
    return site.page(
        request,
        info.organisation,
        page_names("form", info),
        status_code=status_code,
        lang=lang,
        r=renderer,
        version=compiled,
        page=current,
        nodes=nodes,
        summary=renderer.summary(errors, nodes) if errors else [],
        steps=steps(renderer, compiled, pages, index),
        step_number=pages.index(index) + 1,
        step_count=len(pages) + 1,
        refresh_url=f"{base.rstrip('/')}/refresh",
        action=base + ("?return=review" if draft and returns_to_review(request) else ""),
        draft=draft,
        live=_is_live(compiled, current),
        has_previous=previous_page(compiled, answers, index) is not None,
        first=index == 0 and draft is None,
        banner=banner,
    )


async def refresh_page(
    request: Request, site: Site, info: VersionInfo, index: int, answers: dict[str, Any]
) -> Response:
    """The page's conditional parts again, re-evaluated on what was just typed (htmx)."""
    form = await read_form(request)
    await form.close()  # files are never read here: conditions look at answers, not uploads
    shown = {slot for slot in form.getlist(SHOWN_SLOT) if isinstance(slot, str)}
    compiled = info.compiled
    source = PostedForm(form, {}, answers, info.organisation.timezone)
    step = post_page(compiled, compiled.pages[index], source, answers, "refresh", {})
    lang = site.lang(request, info.organisation)
    renderer = Renderer(compiled, lang)
    nodes = renderer.nodes(compiled.pages[index], step.answers, {})
    return site.page(
        request, info.organisation, "_live.html", lang=lang, nodes=nodes, r=renderer, shown=shown
    )


async def read_form(request: Request) -> FormData:
    """The posted form; a body too large or that cannot be read is answered at once (413, 400)."""
    site = site_of(request)
    length = request.headers.get("content-length", "0")
    if length.isdigit() and int(length) > site.settings.max_form_bytes:
        raise EarlyResponse(
            _bad_request(
                request,
                site,
                413,
                N_("The files sent are too large altogether. Send fewer or smaller files."),
            )
        )
    try:
        return await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=1024 * 1024)
    except Exception as error:  # the multipart parser raises several kinds for malformed bodies
        raise EarlyResponse(
            _bad_request(request, site, 400, N_("The form could not be read. Go back and try again."))
        ) from error


def _bad_request(request: Request, site: Site, status: int, text: str) -> HTMLResponse:
    lang = site.lang(request)
    return site.page(
        request,
        None,
        "error.html",
        status_code=status,
        lang=lang,
        title=i18n.gettext(lang, "Something went wrong"),
        message=i18n.gettext(lang, text),
    )


def returns_to_review(request: Request) -> bool:
    """A page opened from the review's "change" link goes back to the review once saved."""
    return request.query_params.get("return") == "review"


def page_names(kind: str, info: VersionInfo) -> list[str]:
    """The templates of a page, the procedure's own first: `form-{procedure}.html`, `form.html`."""
    return [f"{kind}-{info.procedure.slug}.html", f"{kind}.html"]


def steps(
    renderer: Renderer, compiled: CompiledVersion, pages: list[int], current: int | None
) -> list[dict[str, Any]]:
    """The progress indicator: each visible page, then the review."""
    found: list[dict[str, Any]] = [
        {
            "title": renderer.page_title(compiled.pages[index]),
            "number": index + 1,
            "state": "current"
            if index == current
            else ("done" if current is None or index < current else "todo"),
        }
        for index in pages
    ]
    found.append(
        {
            "title": i18n.gettext(renderer.lang, "Review and send"),
            "number": None,
            "state": "current" if current is None else "todo",
        }
    )
    return found


def _is_live(compiled: CompiledVersion, current: Page) -> bool:
    """Whether answers on this page change what this page shows (then htmx refreshes it)."""
    from runtime.conditions import fields_of

    names = {field.name for field in current.fields}
    watched: set[str] = set()
    for element in current.definition["elements"]:
        watched.update(fields_of(element.get("visible_if")))
    return bool(names & watched) or any(field.widget.live_part for field in current.fields)


# -- answers saved to finish later: their link by mail (the save button, the saved page) --


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def wake(site: Site) -> None:
    """Have the worker look at the outbox now (what was just queued is a mail to send)."""
    if site.wake_worker:
        site.wake_worker()


def saved_location(site: Site, draft: Draft, address: str | None) -> str:
    """The saved page's address, saying where the resume link was mailed when it was (a
    signed notice: a link cannot make the page claim a mail that was not queued)."""
    location = f"/d/{draft.id}/saved"
    if address is None:
        return location
    wake(site)
    return f"{location}?{urlencode({'mailed': notices.sign(site.settings.data_dir, access.mask(address))})}"


def mail_resume(request: Request, site: Site, draft: Draft, info: VersionInfo, address: str) -> bool:
    """Queue the resume link's mail (in a worker thread); False when asked too often."""
    return access.mail_resume_link(
        site.engine,
        draft.id,
        address,
        client_of(request),
        site.base_url(request),
        site.lang(request, info.organisation),
    )
