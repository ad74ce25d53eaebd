"""What the applicant does on the follow-up page: answer a request for a complement (with
files), write to the service, withdraw a request nobody has started, open documents."""

from __future__ import annotations

import functools
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from runtime import i18n, processing, uploads
from runtime.fields.base import FieldError
from runtime.i18n import N_
from runtime.messages import message as error_message
from runtime.models import Attachment
from runtime.site import site_of
from runtime.uploads import path_for
from runtime.web import notices
from runtime.web.files import download
from runtime.web.followed import followed
from runtime.wording import wording

MAX_FILES = 5


def _back(request: Request, token: str, notice: str = "", error: str = "") -> Response:
    data_dir = site_of(request).settings.data_dir
    query = (
        f"?notice={notices.sign(data_dir, notice)}"
        if notice
        else f"?error={notices.sign(data_dir, error)}"
        if error
        else ""
    )
    return RedirectResponse(f"/s/{token}{query}#status", status_code=303)


async def complement(request: Request) -> Response:
    site, found, info = await followed(request)
    if found is None or info is None:
        return site.not_found(request)
    lang = site.lang(request, info.organisation)
    token = found.submission.follow_token
    if processing.open_complement(found.events) is None:
        return _back(
            request,
            token,
            error=i18n.gettext(lang, "There is no request for a complement waiting for your answer."),
        )
    length = request.headers.get("content-length", "")
    if not length.isascii() or not length.isdigit() or int(length) > site.settings.max_form_bytes:
        return _back(
            request, token, error=i18n.gettext(lang, "Your answer is too large: send fewer or smaller files.")
        )
    try:
        form = await request.form(max_files=MAX_FILES + 1, max_fields=10)
    except (MultiPartException, ValueError):
        return _back(
            request, token, error=i18n.gettext(lang, "Attach at most %(limit)s files.", limit=MAX_FILES)
        )
    files: list[Attachment] = []
    problems: list[str] = []
    uploaded = [value for value in form.getlist("files") if isinstance(value, UploadFile) and value.filename]
    if len(uploaded) > MAX_FILES:
        problems.append(i18n.gettext(lang, "Attach at most %(limit)s files.", limit=MAX_FILES))
    limit = site.settings.max_upload_bytes
    for upload in uploaded[:MAX_FILES]:
        data = await upload.read(limit + 1)
        try:
            _pointer, stored = await run_in_threadpool(
                uploads.store,
                site.settings.data_dir,
                draft_id="",
                field="",
                filename=upload.filename or "",
                data=data,
                accept=None,
                max_size=limit,
            )
            files.append(stored)
        except uploads.UploadRefused as refused:
            problems.append(
                error_message(
                    FieldError("files", f"upload:{refused.code}", refused.params),
                    "file",
                    None,
                    lang,
                    info.compiled.lang,
                )
            )
    text = str(form.get("text", ""))[:10_000]
    await form.close()
    if problems:
        for stored in files:
            path_for(site.settings.data_dir, stored.id).unlink(missing_ok=True)
        return _back(request, token, error=" ".join(problems))
    assert found.submission.id is not None  # a stored submission has its id

    def forget_files() -> None:  # nothing of a refused answer is kept
        for stored in files:
            path_for(site.settings.data_dir, stored.id).unlink(missing_ok=True)

    return await _carried_out(
        request,
        token,
        lang,
        N_("Thank you: your answer has been sent to the service."),
        functools.partial(
            processing.answer_complement,
            site.engine,
            found.submission.id,
            found.events,
            text,
            files,
            info.compiled.definition,
            site.base_url(request),
        ),
        on_refused=forget_files,
    )


async def write(request: Request) -> Response:
    site, found, info = await followed(request)
    if found is None or info is None:
        return site.not_found(request)
    lang = site.lang(request, info.organisation)
    form = await request.form(max_files=0, max_fields=5)
    citizen = processing.Actor(name="citizen", kind="citizen")
    assert found.submission.id is not None  # a stored submission has its id
    return await _carried_out(
        request,
        found.submission.follow_token,
        lang,
        N_("Your message has been sent to the service."),
        functools.partial(
            processing.send_message,
            site.engine,
            found.submission.id,
            citizen,
            str(form.get("text", ""))[:10_000],
            base_url=site.base_url(request),
        ),
    )


async def withdraw(request: Request) -> Response:
    site, found, info = await followed(request)
    if found is None or info is None:
        return site.not_found(request)
    lang = site.lang(request, info.organisation)
    form = await request.form(max_files=0, max_fields=5)
    words = wording(info.compiled.definition)
    if form.get("confirm") != "yes":
        return _back(
            request,
            found.submission.follow_token,
            error=i18n.gettext(lang, words.withdraw_unconfirmed),
        )
    assert found.submission.id is not None  # a stored submission has its id
    return await _carried_out(
        request,
        found.submission.follow_token,
        lang,
        words.withdrawn_notice,
        functools.partial(
            processing.withdraw,
            site.engine,
            found.submission.id,
            info.compiled.definition,
            str(form.get("reason", "")),
            site.base_url(request),
        ),
    )


async def file(request: Request) -> Response:
    site, found, info = await followed(request)
    attachment_id = request.path_params["file"]
    if found is None or info is None or len(attachment_id) > 43:
        return site.not_found(request)
    assert found.submission.id is not None  # a stored submission has its id
    stored = next(
        (
            a
            for a in await run_in_threadpool(
                processing.visible_files, site.engine, found.submission.id, found.events
            )
            if a.id == attachment_id
        ),
        None,
    )
    response = download(site, stored) if stored else None
    return response or site.not_found(request, info.organisation)


async def _carried_out(
    request: Request,
    token: str,
    lang: str,
    notice: str,
    action: Callable[[], object],
    on_refused: Callable[[], None] | None = None,
) -> Response:
    """Run what the applicant asked in the thread pool; back to the follow-up page with the
    `notice` (a msgid), or with the reason it was refused."""
    try:
        await run_in_threadpool(action)
    except processing.Refused as refused:
        if on_refused is not None:
            on_refused()
        return _back(request, token, error=i18n.gettext(lang, refused.message, **refused.values))
    _wake(request)
    return _back(request, token, notice=i18n.gettext(lang, notice))


def _wake(request: Request) -> None:
    wake = site_of(request).wake_worker
    if wake is not None:
        wake()
