"""A citizen's ways back: the "find my requests" page of an organisation, and the page of
saved answers, which mails their resume link. Plain forms and redirects: no script needed."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from runtime import access, i18n
from runtime.actions.mail import citizen_address
from runtime.catalogue import organisation_by_slug
from runtime.i18n import N_
from runtime.models import Draft, Organisation
from runtime.organisation_pages import FIND_REQUESTS
from runtime.render_tree import Renderer
from runtime.site import Site, VersionInfo, site_of
from runtime.web import notices
from runtime.web.form_page import client_of, mail_resume, read_form, saved_location, wake
from runtime.web.forms import with_draft

FIND = FIND_REQUESTS  # below an organisation's address: /{org}/mes-demandes
NOT_AN_ADDRESS = N_("Enter an e-mail address in the format name@example.fr")
EMPTY = N_("Enter the e-mail address you gave in your requests")
TOO_MANY = N_(
    "Too many links were asked for this address or from this connection. Wait an hour, then try again."
)


async def find_requests(request: Request) -> Response:
    site = site_of(request)
    organisation = await run_in_threadpool(organisation_by_slug, site.engine, request.path_params["org"])
    if organisation is None:
        return site.not_found(request)
    lang = site.lang(request, organisation)
    if request.method == "GET":
        return _find_page(request, site, organisation, lang, sent=request.query_params.get("sent") == "1")
    form = await read_form(request)
    typed = str(form.get("email") or "")[:400]
    await form.close()
    address = access.checked(typed)
    if address is None:
        problem = i18n.gettext(lang, EMPTY if not typed.strip() else NOT_AN_ADDRESS)
        return _find_page(request, site, organisation, lang, value=typed, error=problem, status_code=422)
    assert organisation.id is not None
    try:
        await run_in_threadpool(
            access.ask_for_requests,
            site.engine,
            organisation.id,
            address,
            client_of(request),
            site.base_url(request),
            lang,
        )
    except access.Throttled:
        return _find_page(
            request,
            site,
            organisation,
            lang,
            value=typed,
            refused=i18n.gettext(lang, TOO_MANY),
            status_code=429,
        )
    wake(site)
    # The same page whether the address wrote or not: only its inbox may know.
    return RedirectResponse(f"/{organisation.slug}/{FIND}?sent=1", status_code=303)


def _find_page(
    request: Request,
    site: Site,
    organisation: Organisation,
    lang: str,
    *,
    sent: bool = False,
    value: str = "",
    error: str = "",
    refused: str = "",
    status_code: int = 200,
) -> Response:
    return site.page(
        request,
        organisation,
        ["find-" + organisation.slug + ".html", "find.html"],
        status_code=status_code,
        lang=lang,
        sent=sent,
        value=value,
        error=error,
        refused=refused,
    )


@with_draft
async def saved(request: Request, site: Site, draft: Draft, info: VersionInfo) -> Response:
    """Answers saved to finish later: their link, and the way to have it by mail."""
    lang = site.lang(request, info.organisation)
    error = refused = ""
    typed = ""
    own = draft.channel in ("web", None)  # an agent's entry on a citizen's behalf is the agent's
    if request.method == "POST" and own:
        form = await read_form(request)
        typed = str(form.get("email") or "")[:400]
        await form.close()
        address = access.checked(typed)
        if address is None:
            error = i18n.gettext(lang, NOT_AN_ADDRESS)
        elif await run_in_threadpool(mail_resume, request, site, draft, info, address):
            return RedirectResponse(saved_location(site, draft, address), status_code=303)
        else:
            refused = i18n.gettext(lang, TOO_MANY)
    mailed = notices.read(site.settings.data_dir, request.query_params.get("mailed"))
    return site.page(
        request,
        info.organisation,
        "saved.html",
        status_code=422 if error else (429 if refused else 200),
        lang=lang,
        draft=draft,
        version=info.compiled,
        r=Renderer(info.compiled, lang),
        resume_url=f"{site.base_url(request)}/d/{draft.id}",
        mailed=mailed,
        can_mail=own,
        value=typed or citizen_address(info, draft.answers) or "",
        error=error,
        refused=refused,
        find_url=f"/{info.organisation.slug}/{FIND}",
    )
