"""Pages every staff handler may answer with: any staff page, and the dashboard (which the
new-procedure form, posted from it, shows again with its error)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from designer import accounts
from designer.backoffice.dashboard import overview
from designer.editor.publishing import templates
from runtime.site import Site


def staff_page(request: Request, site: Site, name: str, status_code: int = 200, **context: Any) -> Response:
    response = site.page(request, None, name, status_code=status_code, **context)
    # Staff pages hold personal data: never kept by a browser or a proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


async def dashboard_page(
    request: Request,
    site: Site,
    staff: accounts.Staff,
    status_code: int = 200,
    new: dict[str, str] | None = None,
) -> Response:
    """The dashboard; `new` is a refused new procedure: what was typed, its organisation, the error."""
    lang = site.lang(request)
    rows = await run_in_threadpool(overview, site.engine, staff.roles, lang)
    return staff_page(
        request,
        site,
        "staff_dashboard.html",
        status_code=status_code,
        lang=lang,
        staff=staff,
        rows=rows,
        template_names=sorted(templates()),
        new=new,
    )
