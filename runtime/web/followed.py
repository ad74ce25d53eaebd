"""The submission a follow-up address opens (/s/{token}): where the applicant's follow-up
pages and actions start."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from runtime.site import Site, VersionInfo, site_of
from runtime.submissions import Follow, follow


async def followed(request: Request) -> tuple[Site, Follow | None, VersionInfo | None]:
    """(site, the submission with its history, its version) for the token in the address;
    None for the last two when the token opens nothing."""
    site = site_of(request)
    found = await run_in_threadpool(follow, site.engine, request.path_params["token"])
    if found is None:
        return site, None, None
    return site, found, site.version(found.submission.version_id)
