"""After submitting: the receipt page, the PDF, the follow-up page, fingerprint checks."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from runtime import access, i18n, processing
from runtime.actions.mail import citizen_address
from runtime.pdfs.receipts import receipt_file
from runtime.render_tree import Renderer
from runtime.site import site_of
from runtime.submissions import by_fingerprint
from runtime.web import notices
from runtime.web.followed import followed


async def receipt_page(request: Request) -> Response:
    site, found, info = await followed(request)
    if found is None or info is None:
        return site.not_found(request)
    lang = site.lang(request, info.organisation)
    address = citizen_address(info, found.submission.answers)
    return site.page(
        request,
        info.organisation,
        ["receipt-page.html"],
        mailed=access.mask(address) if address else "",
        lang=lang,
        r=Renderer(info.compiled, lang),
        version=info.compiled,
        submission=found.submission,
        follow_url=f"{site.base_url(request)}/s/{found.submission.follow_token}",
    )


async def follow_page(request: Request) -> Response:
    site, found, info = await followed(request)
    if found is None or info is None:
        return site.not_found(request)
    lang = site.lang(request, info.organisation)
    renderer = Renderer(info.compiled, lang)
    definition = info.compiled.definition
    states = (definition.get("workflow") or {}).get("states") or {}
    # Only what the applicant may see: statuses marked visible, messages, their own answers.
    history = [
        event
        for event in found.events
        if event.visible
        and (event.kind != "transition" or states.get(event.to_state or "", {}).get("visible", True))
    ]
    current = next((e.to_state for e in reversed(history) if e.to_state), found.submission.state)
    assert found.submission.id is not None  # a stored submission has its id
    files = await run_in_threadpool(processing.visible_files, site.engine, found.submission.id, found.events)
    return site.page(
        request,
        info.organisation,
        "follow.html",
        lang=lang,
        r=renderer,
        version=info.compiled,
        submission=found.submission,
        history=history,
        states=states,
        current=states.get(current or "", {}),
        withdrawn=found.submission.state == processing.WITHDRAWN,
        sections=renderer.review(found.submission.answers),
        open_request=processing.open_complement(found.events),
        can_withdraw=processing.can_withdraw(definition, found.submission, found.events),
        documents=[f for f in files if f.kind == "document"],
        event_files={event.id: [f for f in files if f.event_id == event.id] for event in history},
        notice=notices.read(site.settings.data_dir, request.query_params.get("notice")),
        error=notices.read(site.settings.data_dir, request.query_params.get("error")),
    )


async def receipt_pdf(request: Request) -> Response:
    site = site_of(request)
    known = site.receipt_files.get(request.path_params["token"])
    if known is not None:
        return _pdf_response(known)
    site, found, info = await followed(request)
    if found is None or info is None:
        return site.not_found(request)
    path = await receipt_file(site, found.submission, site.base_url(request))
    if path is None:
        lang = site.lang(request, info.organisation)
        response = site.page(
            request,
            info.organisation,
            "error.html",
            status_code=503,
            lang=lang,
            title=i18n.gettext(lang, "Your receipt is being prepared"),
            message=i18n.gettext(lang, "Your receipt is being prepared. Try again in a minute."),
        )
        response.headers["Retry-After"] = "30"
        return response
    if len(site.receipt_files) > 10_000:
        site.receipt_files.clear()
    site.receipt_files[found.submission.follow_token] = path
    return _pdf_response(path)


def _pdf_response(path: Path) -> Response:
    # The file is named after the reference, which is what the citizen's download is called.
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=path.name,
        content_disposition_type="inline",
        headers={"Cache-Control": "private, max-age=3600"},
    )


async def verify(request: Request) -> Response:
    site = site_of(request)
    digest = request.path_params["fingerprint"].lower()
    submission = None
    if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
        submission = await run_in_threadpool(by_fingerprint, site.engine, digest)
    info = site.version(submission.version_id) if submission else None
    organisation = info.organisation if info else None
    lang = site.lang(request, organisation)
    return site.page(
        request,
        organisation,
        "verify.html",
        status_code=200 if submission else 404,
        lang=lang,
        submission=submission,
        fingerprint=digest,
        r=Renderer(info.compiled, lang) if info else None,
        version=info.compiled if info else None,
    )
