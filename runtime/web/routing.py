"""What both URL maps (citizen and staff) use to group their routes under prefixes."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
TRAILING_SLASH = "trailing_slash"  # the name of the route that sends a group's root to its page


def page_and_below(page: Route, below: Sequence[BaseRoute]) -> list[BaseRoute]:
    """A page, and the addresses below it grouped under its path: a request tries those
    only when its path starts with the page's.

    For a path that matches nothing, Starlette tries it without its trailing slash: the
    page's address followed by a slash alone would instead enter the group and find nothing
    there, so the group sends it to the page itself, as Starlette would.
    """
    return [
        page,
        Mount(
            page.path, routes=[Route("/", _without_slash, methods=ANY_METHOD, name=TRAILING_SLASH), *below]
        ),
    ]


async def _without_slash(request: Request) -> Response:
    url = request.url
    return RedirectResponse(url.replace(path=url.path.rstrip("/")))
