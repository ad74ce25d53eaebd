"""Staff pages: sign in and out, change password, the dashboard."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from designer import accounts
from designer.web.guard import COOKIE, SIGN_IN, signed_in
from designer.web.pages import dashboard_page, staff_page
from runtime import i18n
from runtime.i18n import N_
from runtime.site import site_of


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
    response = RedirectResponse(SIGN_IN, status_code=303)
    response.delete_cookie(COOKIE, path="/staff")
    return response


@signed_in
async def dashboard(request: Request, staff: accounts.Staff) -> Response:
    return await dashboard_page(request, site_of(request), staff)


@signed_in
async def password(request: Request, staff: accounts.Staff) -> Response:
    site = site_of(request)
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
