"""Staff pages: sign in and out, change password, the dashboard."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from designer import accounts
from designer.backoffice.dashboard import overview
from designer.editor.publishing import templates
from runtime import i18n
from runtime.i18n import N_
from runtime.site import Site, site_of

COOKIE = "parvis_staff"


async def current_staff(request: Request) -> accounts.Staff | None:
    """The signed-in staff member, looked up once per request however many steps ask."""
    if "staff" not in request.scope.setdefault("state", {}):
        request.state.staff = await run_in_threadpool(
            accounts.staff_for, site_of(request).engine, request.cookies.get(COOKIE)
        )
    return request.state.staff  # type: ignore[no-any-return]


async def signed_in(request: Request) -> accounts.Staff | Response:
    """The signed-in staff member, or the response sending the browser to the sign-in page."""
    staff = await current_staff(request)
    return RedirectResponse("/staff/login", status_code=303) if staff is None else staff


def staff_page(request: Request, site: Site, name: str, status_code: int = 200, **context: Any) -> Response:
    response = site.page(request, None, name, status_code=status_code, **context)
    # Staff pages hold personal data: never kept by a browser or a proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _with_session(response: Response, request: Request, token: str) -> Response:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        path="/staff",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def login(request: Request) -> Response:
    site = site_of(request)
    lang = site.lang(request)
    if request.method == "GET":
        return staff_page(request, site, "staff_login.html", lang=lang, error="", email="")
    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    address = request.client.host if request.client else "unknown"
    try:
        token = await run_in_threadpool(accounts.sign_in, site.engine, email, password, address)
    except accounts.SignInRefused as refused:
        # The same words whether the account exists or not.
        text = {
            "throttled": N_("Too many attempts. Wait a quarter of an hour, then try again."),
            "invalid": N_("This e-mail address and password do not match an active account."),
        }[refused.reason]
        return staff_page(
            request,
            site,
            "staff_login.html",
            status_code=429 if refused.reason == "throttled" else 401,
            lang=lang,
            error=i18n.gettext(lang, text),
            email=email[:254],
        )
    return _with_session(RedirectResponse("/staff", status_code=303), request, token)


async def logout(request: Request) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(accounts.sign_out, site_of(request).engine, token)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(COOKIE, path="/staff")
    return response


async def dashboard(request: Request) -> Response:
    staff = await signed_in(request)
    if isinstance(staff, Response):
        return staff
    return await dashboard_page(request, staff)


async def dashboard_page(
    request: Request, staff: accounts.Staff, status_code: int = 200, new: dict[str, str] | None = None
) -> Response:
    """The dashboard; `new` is a refused new procedure: what was typed, its organisation, the error."""
    site = site_of(request)
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


async def password(request: Request) -> Response:
    site = site_of(request)
    staff = await signed_in(request)
    if isinstance(staff, Response):
        return staff
    lang = site.lang(request)
    if request.method == "GET":
        return staff_page(request, site, "staff_password.html", lang=lang, staff=staff, error="")
    form = await request.form()
    current, new = str(form.get("current", "")), str(form.get("new", ""))
    assert staff.user.id is not None
    try:
        token = await run_in_threadpool(accounts.change_password, site.engine, staff.user.id, current, new)
    except accounts.PasswordRefused:
        error = i18n.gettext(
            lang, N_("The new password must have at least %(n)s characters."), n=accounts.MIN_PASSWORD_LENGTH
        )
        return staff_page(
            request, site, "staff_password.html", status_code=422, lang=lang, staff=staff, error=error
        )
    except accounts.SignInRefused:
        error = i18n.gettext(lang, N_("The current password is not right."))
        return staff_page(
            request, site, "staff_password.html", status_code=422, lang=lang, staff=staff, error=error
        )
    return _with_session(RedirectResponse("/staff", status_code=303), request, token)


routes = [
    Route("/staff", dashboard, name="staff"),
    Route("/staff/login", login, methods=["GET", "POST"], name="staff_login"),
    Route("/staff/logout", logout, methods=["POST"], name="staff_logout"),
    Route("/staff/password", password, methods=["GET", "POST"], name="staff_password"),
]
