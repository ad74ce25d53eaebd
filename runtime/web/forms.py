"""Citizen form pages: start, page by page, live conditions, review, submit."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from runtime import drafts, i18n, reception
from runtime.actions.mail import citizen_address
from runtime.answers import PostedForm
from runtime.catalogue import Published
from runtime.compiler import CompiledVersion
from runtime.i18n import N_
from runtime.journey import first_invalid_page, page_errors, post_page, visible_page_indexes
from runtime.models import Draft
from runtime.pdfs.receipts import schedule_receipt
from runtime.render_tree import Renderer
from runtime.site import Site, VersionInfo, site_of
from runtime.web.early_response import EarlyResponse
from runtime.web.form_page import (
    mail_resume,
    page_names,
    read_form,
    refresh_page,
    render_form_page,
    returns_to_review,
    saved_location,
    steps,
)
from runtime.web.form_uploads import store_uploads

FILE_NOT_KEPT = N_(
    "Your answers are saved, but a file was not kept (see below). Choose another file, "
    "or save again to finish later without it."
)


DraftHandler = Callable[[Request, Site, Draft, VersionInfo], Awaitable[Response]]


def with_draft(handler: DraftHandler) -> Callable[[Request], Awaitable[Response]]:
    """A handler of a draft's pages gets the draft and its version, or the citizen a 404
    (unknown link), the receipt (a draft already sent) or the closed page."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        site = site_of(request)
        draft, info = await _draft_and_version(request, site)
        return await handler(request, site, draft, info)

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
        html = bytes(response.body).decode()  # Starlette types a body as bytes or a memoryview
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
        page_names("review", info),
        lang=lang,
        r=renderer,
        version=info.compiled,
        draft=draft,
        sections=renderer.review(draft.answers),
        already=request.query_params.get("already") == "1",
        steps=steps(renderer, info.compiled, pages, None),
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
            await _draft_and_version(request, site)  # raises the closed page, with its dates
        if invalid == ALREADY_ANSWERED:
            return RedirectResponse(f"/d/{token}/review?already=1", status_code=303)
        return RedirectResponse(f"/d/{token}/p/{invalid + 1}?check=1", status_code=303)
    if site.wake_worker:  # the acknowledgement's mail, queued with the submission
        site.wake_worker()
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
            site.engine, info, draft, draft.answers, channel=draft.channel or "web", base_url=base_url
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
async def resume(request: Request, site: Site, draft: Draft, _info: VersionInfo) -> Response:
    return RedirectResponse(f"/d/{draft.id}/p/{draft.page + 1}", status_code=303)


# -- the parts ---------------------------------------------------------------------


async def _draft_and_version(request: Request, site: Site) -> tuple[Draft, VersionInfo]:
    """The draft of the address and its version; otherwise the answer to send instead (raised):
    a 404 for an unknown link, the receipt for a draft already sent, the closed page."""
    draft = await run_in_threadpool(drafts.get_draft, site.engine, request.path_params["token"])
    if draft is None:
        raise EarlyResponse(site.not_found(request))
    if draft.submission_id is not None:
        from runtime.submissions import submission_for_draft

        submission = await run_in_threadpool(submission_for_draft, site.engine, draft.id)
        if submission is not None:
            raise EarlyResponse(RedirectResponse(f"/r/{submission.follow_token}", status_code=303))
    info = site.version(draft.version_id)
    if info is None:
        raise EarlyResponse(site.not_found(request))
    closed = closed_page(request, site, info)
    if closed is not None:
        raise EarlyResponse(closed)
    return draft, info


def _page_index(request: Request, compiled: CompiledVersion) -> int | None:
    number = request.path_params.get("number", 1)
    if not 1 <= number <= len(compiled.pages):
        return None
    return int(number) - 1


async def _handle_post(
    request: Request, site: Site, info: VersionInfo, draft: Draft, index: int, new: bool = False
) -> Response:
    form = await read_form(request)
    compiled = info.compiled
    current = compiled.pages[index]
    try:
        uploaded, attachments, upload_errors = await store_uploads(site, draft, current, form)
    finally:
        await form.close()
    source = PostedForm(form, uploaded, draft.answers, info.organisation.timezone)
    action = form.get("action")
    to_review = returns_to_review(request)
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
        # The resume link goes to the address the answers give, if they give one already
        # (not for an agent's entry on a citizen's behalf: that draft is the agent's).
        address = citizen_address(info, step.answers) if draft.channel in ("web", None) else None
        mailed = address is not None and await run_in_threadpool(
            mail_resume, request, site, draft, info, address
        )
        return RedirectResponse(saved_location(site, draft, address if mailed else None), status_code=303)
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
