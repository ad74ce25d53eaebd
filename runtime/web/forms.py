"""Citizen form pages: start, page by page, live conditions, review, submit."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from runtime import drafts, i18n, reception
from runtime.answers import PostedForm
from runtime.catalogue import Published
from runtime.compiler import CompiledVersion, Page
from runtime.fields.base import FieldError
from runtime.i18n import N_
from runtime.journey import (
    first_invalid_page,
    page_errors,
    post_page,
    previous_page,
    visible_page_indexes,
)
from runtime.models import Draft
from runtime.pdfs.receipts import schedule_receipt
from runtime.render_tree import SHOWN_SLOT, Renderer
from runtime.site import Site, VersionInfo, site_of
from runtime.web.form_uploads import store_uploads

MAX_FIELDS = 3000
MAX_FILES = 30
FILE_NOT_KEPT = N_(
    "Your answers are saved, but a file was not kept (see below). Choose another file, "
    "or save again to finish later without it."
)


DraftHandler = Callable[[Request, Site, Draft, VersionInfo], Awaitable[Response]]


def with_draft(handler: DraftHandler) -> Callable[[Request], Awaitable[Response]]:
    """A handler of a draft's pages gets the draft and its version, or the citizen a 404
    (unknown link) or the receipt (a draft already sent)."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        site = site_of(request)
        found = await _draft_and_version(request, site)
        if isinstance(found, Response):
            return found
        return await handler(request, site, *found)

    return endpoint


def closed_page(request: Request, site: Site, info: VersionInfo | Published) -> Response | None:
    """The page saying the procedure is closed, with its dates, or None while it is open:
    checked on every step (start, pages, review, send), in the organisation's time zone."""
    compiled, organisation = info.compiled, info.organisation
    if reception.is_open(compiled, organisation.timezone):
        return None
    settings = compiled.definition.get("settings") or {}
    lang = site.lang(request, organisation)
    return site.page(
        request,
        organisation,
        "closed.html",
        status_code=410,
        lang=lang,
        version=compiled,
        r=Renderer(compiled, lang),
        opens_at=settings.get("opens_at"),
        closes_at=settings.get("closes_at"),
        ended=reception.has_ended(compiled, organisation.timezone),
    )


async def start(request: Request) -> Response:
    site = site_of(request)
    published = site.published.get(request.path_params["org"], request.path_params["procedure"])
    if published is None:
        return site.not_found(request)
    organisation = published.organisation
    closed = closed_page(request, site, published)
    if closed is not None:
        return closed
    if request.method == "GET":
        return _start_page(request, site, published)
    info = site.version(published.version_id)
    assert info is not None
    # The draft is created with the first page's answers, in the same write.
    draft = Draft(
        id=drafts.new_token(),
        version_id=published.version_id,
        lang=site.lang(request, organisation),
        answers={},
    )
    return await _handle_post(request, site, info, draft, 0, new=True)


def _start_page(request: Request, site: Site, published: Published) -> Response:
    # Page one of a published version is the same for every citizen in a language: kept.
    lang = site.lang(request, published.organisation)
    key = (published.version_id, lang, published.organisation.theme)  # a new charter, a new page
    cache: dict[Any, str] = request.app.state.start_pages
    html = cache.get(key)
    if html is None:
        info = site.version(published.version_id)
        assert info is not None
        action = request.url_for(
            "start", org=published.organisation.slug, procedure=published.procedure_slug
        ).path
        response = render_form_page(request, site, info, 0, {}, {}, action=action, draft=None, lang=lang)
        html = response.body.decode()
        if len(cache) > 2000:
            cache.clear()
        cache[key] = html
    return HTMLResponse(html)


@with_draft
async def page(request: Request, site: Site, draft: Draft, info: VersionInfo) -> Response:
    index = _page_index(request, info.compiled)
    if index is None:
        return site.not_found(request, info.organisation)
    if request.method == "POST":
        return await _handle_post(request, site, info, draft, index)
    errors = (
        page_errors(info.compiled, info.compiled.pages[index], draft.answers)
        if request.query_params.get("check")
        else {}
    )
    return render_form_page(
        request,
        site,
        info,
        index,
        draft.answers,
        errors,
        draft=draft,
        focus=request.query_params.get("focus", ""),
    )


@with_draft
async def refresh(request: Request, site: Site, draft: Draft, info: VersionInfo) -> Response:
    """The page's conditional parts again, re-evaluated on what was just typed (htmx)."""
    index = _page_index(request, info.compiled)
    if index is None:
        return site.not_found(request, info.organisation)
    return await refresh_page(request, site, info, index, draft.answers)


async def refresh_start(request: Request) -> Response:
    """The same for the first page of a procedure, before any draft exists."""
    site = site_of(request)
    published = site.published.get(request.path_params["org"], request.path_params["procedure"])
    info = site.version(published.version_id) if published else None
    if info is None:
        return site.not_found(request)
    return await refresh_page(request, site, info, 0, {})


async def refresh_page(
    request: Request, site: Site, info: VersionInfo, index: int, answers: dict[str, Any]
) -> Response:
    form = await _read_form(request)
    if isinstance(form, Response):
        return form
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


@with_draft
async def review(request: Request, site: Site, draft: Draft, info: VersionInfo) -> Response:
    invalid = first_invalid_page(info.compiled, draft.answers)
    if invalid is not None:
        return RedirectResponse(f"/d/{draft.id}/p/{invalid + 1}?check=1", status_code=303)
    lang = site.lang(request, info.organisation)
    renderer = Renderer(info.compiled, lang)
    pages = visible_page_indexes(info.compiled, draft.answers)
    return site.page(
        request,
        info.organisation,
        _names("review", info),
        lang=lang,
        r=renderer,
        version=info.compiled,
        draft=draft,
        sections=renderer.review(draft.answers),
        already=request.query_params.get("already") == "1",
        steps=_steps(renderer, info.compiled, pages, None),
        back=pages[-1] + 1 if pages else 1,
    )


async def send(request: Request) -> Response:
    """The review page's button: the draft becomes a submission, or the citizen is shown
    what is missing; a draft already sent shows its receipt."""
    site = site_of(request)
    outcome = await run_in_threadpool(_send, site, request.path_params["token"], site.base_url(request))
    if outcome is None:
        return site.not_found(request)
    if isinstance(outcome, tuple):
        token, invalid = outcome
        if invalid == CLOSED:
            closed = await _draft_and_version(request, site)
            if isinstance(closed, Response):
                return closed  # the closed page, with its dates
        if invalid == ALREADY_ANSWERED:
            return RedirectResponse(f"/d/{token}/review?already=1", status_code=303)
        return RedirectResponse(f"/d/{token}/p/{invalid + 1}?check=1", status_code=303)
    return RedirectResponse(f"/r/{outcome}", status_code=303)


# What `_send` answers, in place of a page number, when the procedure takes one answer per
# person and this person's address has already sent one.
ALREADY_ANSWERED = -1
CLOSED = -2


def _send(site: Site, token: str, base_url: str) -> str | tuple[str, int] | None:
    """The whole submit in one worker thread (the draft read, the checks, the write, the
    receipt queued), so that the request waits on one thread hop, not several.

    Returns the follow token of the submission (new or the one the draft already became),
    the draft's first page with errors, or None for an unknown link.
    """
    draft = drafts.get_draft(site.engine, token)
    if draft is None:
        return None
    if draft.submission_id is not None:
        from runtime.submissions import submission_for_draft

        sent = submission_for_draft(site.engine, draft.id)
        if sent is not None:
            return sent.follow_token
    info = site.version(draft.version_id)
    if info is None:
        return None
    try:
        submission = reception.receive(
            site.engine, info, draft, draft.answers, channel=draft.channel or "web"
        )
    except reception.Closed:
        return draft.id, CLOSED
    except reception.Invalid:
        return draft.id, first_invalid_page(info.compiled, draft.answers) or 0
    except reception.AlreadyAnswered:
        return draft.id, ALREADY_ANSWERED
    schedule_receipt(site, submission, base_url, eager=True)
    return submission.follow_token


@with_draft
async def saved(request: Request, site: Site, draft: Draft, info: VersionInfo) -> Response:
    lang = site.lang(request, info.organisation)
    return site.page(
        request,
        info.organisation,
        "saved.html",
        lang=lang,
        draft=draft,
        version=info.compiled,
        r=Renderer(info.compiled, lang),
        resume_url=f"{site.base_url(request)}/d/{draft.id}",
    )


@with_draft
async def resume(request: Request, site: Site, draft: Draft, _info: VersionInfo) -> Response:
    return RedirectResponse(f"/d/{draft.id}/p/{draft.page + 1}", status_code=303)


# -- the parts ---------------------------------------------------------------------


async def _draft_and_version(request: Request, site: Site) -> tuple[Draft, VersionInfo] | Response:
    draft = await run_in_threadpool(drafts.get_draft, site.engine, request.path_params["token"])
    if draft is None:
        return site.not_found(request)
    if draft.submission_id is not None:
        from runtime.submissions import submission_for_draft

        submission = await run_in_threadpool(submission_for_draft, site.engine, draft.id)
        if submission is not None:
            return RedirectResponse(f"/r/{submission.follow_token}", status_code=303)
    info = site.version(draft.version_id)
    if info is None:
        return site.not_found(request)
    return closed_page(request, site, info) or (draft, info)


def _page_index(request: Request, compiled: CompiledVersion) -> int | None:
    number = request.path_params.get("number", 1)
    if not 1 <= number <= len(compiled.pages):
        return None
    return int(number) - 1


async def _read_form(request: Request) -> FormData | Response:
    site = site_of(request)
    length = request.headers.get("content-length", "0")
    if length.isdigit() and int(length) > site.settings.max_form_bytes:
        return _bad_request(
            request, site, 413, N_("The files sent are too large altogether. Send fewer or smaller files.")
        )
    try:
        return await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=1024 * 1024)
    except Exception:  # the multipart parser raises several kinds for malformed bodies
        return _bad_request(request, site, 400, N_("The form could not be read. Go back and try again."))


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


async def _handle_post(
    request: Request, site: Site, info: VersionInfo, draft: Draft, index: int, new: bool = False
) -> Response:
    form = await _read_form(request)
    if isinstance(form, Response):
        return form
    compiled = info.compiled
    current = compiled.pages[index]
    try:
        uploaded, attachments, upload_errors = await store_uploads(site, draft, current, form)
    finally:
        await form.close()
    source = PostedForm(form, uploaded, draft.answers, info.organisation.timezone)
    action = form.get("action")
    to_review = _returns_to_review(request)
    step = post_page(
        compiled,
        current,
        source,
        draft.answers,
        action if isinstance(action, str) else "next",
        upload_errors,
        to_review=to_review,
    )
    target = step.go_to
    saved_page = target if isinstance(target, int) else index
    await run_in_threadpool(
        drafts.save_draft, site.engine, draft, step.answers, saved_page, attachments, new=new
    )
    if step.errors:
        banner = (
            i18n.gettext(site.lang(request, info.organisation), FILE_NOT_KEPT) if action == "save" else ""
        )
        return render_form_page(
            request, site, info, index, step.answers, step.errors, draft=draft, status_code=422, banner=banner
        )
    if target == "review":
        return RedirectResponse(f"/d/{draft.id}/review", status_code=303)
    if target == "saved":
        return RedirectResponse(f"/d/{draft.id}/saved", status_code=303)
    number = (target if isinstance(target, int) else index) + 1
    query = urlencode(
        {
            **({"return": "review"} if to_review and target is None else {}),
            **({"focus": step.focus} if step.focus else {}),
        }
    )
    anchor = f"#{step.anchor}" if step.anchor else ""
    return RedirectResponse(
        f"/d/{draft.id}/p/{number}{'?' + query if query else ''}{anchor}", status_code=303
    )


def _returns_to_review(request: Request) -> bool:
    """A page opened from the review's "change" link goes back to the review once saved."""
    return request.query_params.get("return") == "review"


def _names(kind: str, info: VersionInfo) -> list[str]:
    return [f"{kind}-{info.procedure.slug}.html", f"{kind}.html"]


def _steps(
    renderer: Renderer, compiled: CompiledVersion, pages: list[int], current: int | None
) -> list[dict[str, Any]]:
    """The progress indicator: each visible page, then the review."""
    steps = [
        {
            "title": renderer.page_title(compiled.pages[index]),
            "number": index + 1,
            "state": "current"
            if index == current
            else ("done" if current is None or index < current else "todo"),
        }
        for index in pages
    ]
    steps.append(
        {
            "title": i18n.gettext(renderer.lang, "Review and send"),
            "number": None,
            "state": "current" if current is None else "todo",
        }
    )
    return steps


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
        _names("form", info),
        status_code=status_code,
        lang=lang,
        r=renderer,
        version=compiled,
        page=current,
        nodes=nodes,
        summary=renderer.summary(errors, nodes) if errors else [],
        steps=_steps(renderer, compiled, pages, index),
        step_number=pages.index(index) + 1,
        step_count=len(pages) + 1,
        refresh_url=f"{base.rstrip('/')}/refresh",
        action=base + ("?return=review" if draft and _returns_to_review(request) else ""),
        draft=draft,
        live=_is_live(compiled, current),
        has_previous=previous_page(compiled, answers, index) is not None,
        first=index == 0 and draft is None,
        banner=banner,
    )


def _is_live(compiled: CompiledVersion, current: Page) -> bool:
    """Whether answers on this page change what this page shows (then htmx refreshes it)."""
    from runtime.conditions import fields_of

    names = {field.name for field in current.fields}
    watched = set()
    for element in current.definition["elements"]:
        watched.update(fields_of(element.get("visible_if")))
    return bool(names & watched) or any(field.widget.name == "budget" for field in current.fields)
