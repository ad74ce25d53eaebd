"""Pages around the forms: organisations, an organisation's home, language, charter files."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from runtime import i18n
from runtime.catalogue import open_procedures, organisation_by_slug, organisations
from runtime.render_tree import Renderer
from runtime.site import LANG_COOKIE, site_of


async def index(request: Request) -> Response:
    site = site_of(request)
    found = await run_in_threadpool(organisations, site.engine)
    return site.page(request, None, "index.html", organisations=found)


async def home(request: Request) -> Response:
    site = site_of(request)
    organisation = await run_in_threadpool(organisation_by_slug, site.engine, request.path_params["org"])
    if organisation is None:
        return site.not_found(request)
    lang = site.lang(request, organisation)
    procedures = await run_in_threadpool(open_procedures, site.engine, organisation)
    cards = [(version, Renderer(version, lang)) for version in procedures]
    return site.page(
        request, organisation, ["home-" + organisation.slug + ".html", "home.html"], lang=lang, cards=cards
    )


async def choose_language(request: Request) -> Response:
    """The language switcher: a plain link, so it works without scripts."""
    lang = request.path_params["lang"]
    target = request.query_params.get("next", "/")
    # Only a path on this site: the switcher must not become an open redirect.
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if lang in i18n.LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


async def charter_css(request: Request) -> Response:
    site = site_of(request)
    charter = site.charter(request.path_params["theme"])
    return Response(
        charter.css_variables(), media_type="text/css", headers={"Cache-Control": "public, max-age=300"}
    )


async def charter_asset(request: Request) -> Response:
    site = site_of(request)
    charter = site.charter(request.path_params["theme"])
    path = charter.asset_path(request.path_params["name"])
    if path is None or path.name == "theme.json" or "templates" in path.parts[-2:-1]:
        return site.not_found(request)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})
