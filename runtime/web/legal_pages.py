"""An organisation's legal pages: legal notice, personal data, accessibility, contact.

Served under the organisation's address (/{org}/mentions-legales...), so that a theme's
footer links, written relative to it, lead to the pages of the organisation being read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runtime.catalogue import organisation_by_slug, published_definitions
from runtime.legal import ADDRESSES, CONFORMITY, legal_pages, processing
from runtime.models import Organisation
from runtime.site import site_of


def _read(
    engine: Engine, slug: str, with_procedures: bool
) -> tuple[Organisation | None, list[dict[str, Any]]]:
    organisation = organisation_by_slug(engine, slug)
    if organisation is None or not with_procedures:
        return organisation, []
    return organisation, published_definitions(engine, organisation)


def page_for(key: str) -> Callable[[Request], Awaitable[Response]]:
    """The handler of the page `key` (a value of runtime.legal.PAGES)."""

    async def legal_page(request: Request) -> Response:
        site = site_of(request)
        organisation, definitions = await run_in_threadpool(
            _read, site.engine, request.path_params["org"], key == "data"
        )
        if organisation is None:
            return site.not_found(request)
        lang = site.lang(request, organisation)
        legal = legal_pages(
            organisation.name, organisation.kind, organisation.contact, organisation.legal, lang
        )
        return site.page(
            request,
            organisation,
            [f"legal_{key}-{organisation.slug}.html", f"legal_{key}.html"],
            lang=lang,
            legal=legal,
            conformity=CONFORMITY,
            processings=[processing(definition, lang) for definition in definitions],
            pages={name: f"/{organisation.slug}/{address}" for name, address in ADDRESSES.items()},
        )

    legal_page.__name__ = f"legal_{key}"
    return legal_page
