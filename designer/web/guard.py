"""The one guard of staff pages: who is signed in, and which pages they may open.

A staff handler is wrapped by one of the decorators below. The guard reads the person, the
organisation of the address and its procedure in one trip to the thread pool (each trip
costs a thread's wake-up), answers by itself when the page is not for this person, and
hands the handler what it found:

- nobody signed in: a redirect to the sign-in page;
- an organisation that is not theirs, a role not allowed there, a procedure that does not
  exist: a 404, whatever exists, so that nothing tells what there is elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer import accounts
from designer.editor.publishing import ProcedureState, procedure_state
from runtime.catalogue import organisation_by_slug
from runtime.models import Organisation, ProcedureVersion
from runtime.site import Site, site_of

COOKIE = "parvis_staff"
SIGN_IN = "/staff/login"
_UNREAD = object()

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class StaffAccess:
    """A signed-in person on a page of one of their organisations."""

    site: Site
    staff: accounts.Staff
    organisation: Organisation

    @property
    def organisation_id(self) -> int:
        assert self.organisation.id is not None  # read from the database
        return self.organisation.id

    @property
    def role(self) -> str | None:
        return self.staff.role_in(self.organisation_id)


@dataclass(frozen=True)
class ProcedureAccess(StaffAccess):
    """The same, on a page of one of the organisation's procedures."""

    state: ProcedureState

    @property
    def version(self) -> ProcedureVersion:
        """The draft, or the published version when there is no draft."""
        assert self.state.latest is not None  # the guard lets no procedure without a version through
        return self.state.latest


async def current_staff(request: Request) -> accounts.Staff | None:
    """The signed-in staff member, looked up once per request however many steps ask."""
    if "staff" not in request.scope.setdefault("state", {}):
        request.state.staff = await run_in_threadpool(
            accounts.staff_for, site_of(request).engine, request.cookies.get(COOKIE)
        )
    return request.state.staff  # type: ignore[no-any-return]  # Starlette's state holds Any


def to_sign_in() -> Response:
    return RedirectResponse(SIGN_IN, status_code=303)


def signed_in(handler: Callable[[Request, accounts.Staff], Awaitable[Response]]) -> Endpoint:
    """A page for anyone signed in: the handler gets the person."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        staff = await current_staff(request)
        if staff is None:
            return to_sign_in()
        return await handler(request, staff)

    return endpoint


def for_organisation(
    roles: tuple[str, ...],
) -> Callable[[Callable[[Request, StaffAccess], Awaitable[Response]]], Endpoint]:
    """A page of the organisation in the address, for those who hold one of `roles` there."""

    def guard(handler: Callable[[Request, StaffAccess], Awaitable[Response]]) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            site = site_of(request)
            staff, organisation, _state = await _read(request, site, roles, None)
            if staff is None:
                return to_sign_in()
            if organisation is None:
                return site.not_found(request)
            return await handler(request, StaffAccess(site, staff, organisation))

        return endpoint

    return guard


def for_procedure(
    roles: tuple[str, ...],
) -> Callable[[Callable[[Request, ProcedureAccess], Awaitable[Response]]], Endpoint]:
    """A page of the procedure in the address, under the same rule as `for_organisation`."""

    def guard(handler: Callable[[Request, ProcedureAccess], Awaitable[Response]]) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            site = site_of(request)
            staff, organisation, state = await _read(request, site, roles, request.path_params["slug"])
            if staff is None:
                return to_sign_in()
            if organisation is None or state is None or state.latest is None:
                return site.not_found(request)
            return await handler(request, ProcedureAccess(site, staff, organisation, state))

        return endpoint

    return guard


async def _read(
    request: Request, site: Site, roles: tuple[str, ...], slug: str | None
) -> tuple[accounts.Staff | None, Organisation | None, ProcedureState | None]:
    """The person, the organisation if they hold one of `roles` there, and the procedure
    `slug` of that organisation: read in one trip to the thread pool."""
    cookie = request.cookies.get(COOKIE)
    known: Any = request.scope.get("state", {}).get("staff", _UNREAD)

    def read() -> tuple[accounts.Staff | None, Organisation | None, ProcedureState | None]:
        staff = accounts.staff_for(site.engine, cookie) if known is _UNREAD else known
        organisation = organisation_by_slug(site.engine, request.path_params["org"]) if staff else None
        if (
            staff is None
            or organisation is None
            or organisation.id is None
            or staff.role_in(organisation.id) not in roles
        ):
            return staff, None, None
        state = procedure_state(site.engine, organisation, slug) if slug else None
        return staff, organisation, state

    staff, organisation, state = await run_in_threadpool(read)
    request.state.staff = staff
    return staff, organisation, state
