"""The JSON API (described by runtime/api/openapi.py): thin handlers over runtime.api.service."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from runtime import i18n, processing, reception, workflow
from runtime.api import openapi
from runtime.api import service as api
from runtime.api import tokens as api_tokens
from runtime.catalogue import open_procedures, organisation_by_slug
from runtime.i18n import N_
from runtime.models import ApiToken, Organisation
from runtime.site import Site, site_of
from runtime.web.early_response import EarlyResponse

MAX_BODY = 2_000_000
NO_TOKEN = N_("Give an API token of this organisation in the Authorization header (Bearer pvs_…).")


def _lang(request: Request, organisation: Organisation | None = None) -> str:
    return i18n.negotiate(
        None,
        request.headers.get("accept-language"),
        organisation.lang if organisation else site_of(request).settings.default_lang,
    )


class Problem(JSONResponse):
    media_type = "application/problem+json"


def error(
    request: Request,
    status: int,
    text: str,
    *,
    values: dict[str, Any] | None = None,
    pointer: str = "",
    **extra: Any,
) -> JSONResponse:
    """An RFC 9457 problem: `title` and `detail` in the language asked for, `errors` with a
    JSON pointer into the request body for each answer at fault."""
    lang = _lang(request)
    detail = i18n.gettext(lang, text, **(values or {}))
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": detail,
        "status": status,
        "detail": detail,
        **extra,
    }
    if pointer:
        body["errors"] = [
            {"pointer": pointer, "field": pointer.lstrip("/"), "code": "body", "message": detail}
        ]
    return Problem(body, status_code=status, headers={"Cache-Control": "no-store"})


async def _organisation(request: Request) -> Organisation | None:
    return await run_in_threadpool(organisation_by_slug, site_of(request).engine, request.path_params["org"])


async def _token(request: Request, organisation: Organisation) -> ApiToken | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    found = await run_in_threadpool(api_tokens.verify, site_of(request).engine, header[7:].strip())
    return found if found is not None and found.organisation_id == organisation.id else None


def with_token(
    handler: Callable[[Request, Organisation, ApiToken], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """A handler for an organisation's API client: it gets the organisation of the address and
    the token of the Authorization header; without a token of that organisation, a 401 that
    says the same whether the organisation exists or not."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        organisation = await _organisation(request)
        token = await _token(request, organisation) if organisation else None
        if organisation is None or token is None or organisation.id is None:
            return error(request, 401, NO_TOKEN)
        return await handler(request, organisation, token)

    return endpoint


async def _body(request: Request, limit: int = MAX_BODY) -> Any:
    """The request's JSON; otherwise the error saying why it cannot be read is sent (raised)."""
    declared = request.headers.get("content-length", "")
    too_large = error(request, 413, N_("The request is too large."))
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise EarlyResponse(too_large)
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise EarlyResponse(too_large)
    body = b"".join(chunks)
    try:
        return api.read_json(body)
    except api.Unreadable as unreadable:
        raise EarlyResponse(
            error(
                request,
                400,
                unreadable.text,
                values={"key": unreadable.pointer.rsplit("/", 1)[-1]},
                pointer=unreadable.pointer,
            )
        ) from unreadable


async def openapi_document(request: Request) -> Response:
    return JSONResponse(openapi.document())


async def list_procedures(request: Request) -> Response:
    organisation = await _organisation(request)
    if organisation is None:
        return error(request, 404, N_("This organisation does not exist."))
    site = site_of(request)
    lang = _lang(request, organisation)
    found = []
    for compiled in await run_in_threadpool(open_procedures, site.engine, organisation):
        published = site.published.get(organisation.slug, compiled.definition["id"])
        if published is not None:
            found.append(api.procedure_json(published, lang, site.base_url(request)))
    return JSONResponse({"procedures": found})


async def get_procedure(request: Request) -> Response:
    site = site_of(request)
    published = site.published.get(request.path_params["org"], request.path_params["slug"])
    if published is None:
        return error(request, 404, N_("There is no published procedure at this address."))
    lang = _lang(request, published.organisation)
    return JSONResponse(
        {
            **api.procedure_json(published, lang, site.base_url(request)),
            "definition": api.public_definition(published.compiled.definition),
            "schema": published.compiled.schema,
        }
    )


async def create_submission(request: Request) -> Response:
    site = site_of(request)
    published = site.published.get(request.path_params["org"], request.path_params["slug"])
    if published is None:
        return error(request, 404, N_("There is no published procedure at this address."))
    token = await _token(request, published.organisation)
    if token is None:
        return error(request, 401, NO_TOKEN)
    if not reception.is_open(published.compiled, published.organisation.timezone):
        return error(request, 410, N_("This procedure is closed."))
    key = request.headers.get("idempotency-key", "").strip()
    if not key or len(key) > 200:
        return error(
            request, 400, N_("Give an Idempotency-Key header (any unique text, at most 200 characters).")
        )
    # Files come in base64 (a third larger): the same total as a form post, and a margin.
    body = await _body(request, max(MAX_BODY, site.settings.max_form_bytes * 4 // 3 + MAX_BODY))
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("answers"), dict)
        or set(body) - {"answers", "lang"}
        or not isinstance(body.get("lang", ""), str)
    ):
        return error(
            request, 400, N_('The body must be an object with "answers" (an object) and optionally "lang".')
        )
    lang = i18n.negotiate(
        body.get("lang"), request.headers.get("accept-language"), published.organisation.lang
    )
    try:
        submission, created = await run_in_threadpool(
            api.create_submission, site, published, token, key, body["answers"], lang, site.base_url(request)
        )
    except api.Invalid as invalid:
        return error(request, 422, N_("The answers are not valid."), errors=invalid.errors)
    except reception.Closed:
        return error(request, 410, N_("This procedure is closed."))
    except reception.AlreadyAnswered:
        return error(
            request,
            409,
            N_("This procedure takes one answer per person, and this e-mail address has already sent one."),
        )
    if created and site.wake_worker:  # the acknowledgement's mail, queued with the submission
        site.wake_worker()
    return await _status(request, site, published.organisation, submission.reference, 201 if created else 200)


async def _status(
    request: Request, site: Site, organisation: Organisation, reference: str, status_code: int = 200
) -> Response:
    assert organisation.id is not None
    loaded = await run_in_threadpool(api.by_reference, site.engine, organisation.id, reference)
    if loaded is None:
        return error(request, 404, N_("There is no submission with this reference in this organisation."))
    submission, events = loaded
    info = site.version(submission.version_id)
    assert info is not None
    return JSONResponse(
        api.status_json(info, submission, events, _lang(request, organisation), site.base_url(request)),
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


@with_token
async def get_submission(request: Request, organisation: Organisation, _token: ApiToken) -> Response:
    return await _status(request, site_of(request), organisation, request.path_params["reference"])


@with_token
async def transition(request: Request, organisation: Organisation, token: ApiToken) -> Response:
    site = site_of(request)
    assert organisation.id is not None  # with_token lets no organisation without one through
    body = await _body(request)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("to"), str)
        or not isinstance(body.get("comment", ""), str)
    ):
        return error(
            request, 400, N_('The body must be an object with "to" (a status) and optionally "comment".')
        )
    loaded = await run_in_threadpool(
        api.by_reference, site.engine, organisation.id, request.path_params["reference"]
    )
    if loaded is None:
        return error(request, 404, N_("There is no submission with this reference in this organisation."))
    submission, _events = loaded
    info = site.version(submission.version_id)
    assert info is not None and submission.id is not None
    definition = info.compiled.definition
    held = frozenset(token.functions) if token.functions is not None else None
    candidates = [t for t in workflow.available(definition, submission.state, None) if t.target == body["to"]]
    if not candidates:
        return error(request, 409, N_("There is no transition to this status from the current one."))
    allowed = [t for t in candidates if workflow.may_take(t, set(held) if held is not None else None)]
    if not allowed:
        return error(request, 403, N_("This token holds no function allowed to take this transition."))
    actor = processing.Actor(name=f"API: {token.name}", held=held, kind="api")
    try:
        await run_in_threadpool(
            processing.take_transition,
            site.engine,
            submission.id,
            definition,
            allowed[0].index,
            actor,
            body.get("comment", ""),
            expected_state=submission.state,
            base_url=site.base_url(request),
        )
    except processing.Refused as refused:
        return error(request, 409, refused.message, values=refused.values)
    if site.wake_worker:
        site.wake_worker()
    return await _status(request, site, organisation, submission.reference)


async def elsewhere(request: Request) -> Response:
    """Any other address under /api: a problem document too, never the site's HTML page."""
    for route in routes[:-1]:
        if route.matches(request.scope)[0] == Match.PARTIAL:  # the address exists, not the method
            return error(request, 405, N_("This address does not take this method."))
    return error(request, 404, N_("There is nothing at this address of the API."))


# The API's URL map, mounted under /api by the citizen map (runtime/web/routes.py). It lives
# here because `elsewhere` reads it to tell a wrong method from a wrong address.
routes = [
    Route("/openapi.json", openapi_document, name="api_openapi"),
    Route("/{org}/procedures", list_procedures, name="api_procedures"),
    Route("/{org}/procedures/{slug}", get_procedure, name="api_procedure"),
    Route("/{org}/procedures/{slug}/submissions", create_submission, methods=["POST"], name="api_submit"),
    Route("/{org}/submissions/{reference}", get_submission, name="api_submission"),
    Route("/{org}/submissions/{reference}/transitions", transition, methods=["POST"], name="api_transition"),
    Route(
        "/{rest:path}",
        elsewhere,
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        name="api_elsewhere",
    ),
]
