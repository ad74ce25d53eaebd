"""The mails that keep a citizen's keys, through a real SMTP server (aiosmtpd): the
acknowledgement of receipt with its PDF and follow-up link, the link to finish saved answers,
and nothing at all for a form that asks no e-mail address."""

from __future__ import annotations

import io
import json
from concurrent.futures import Future
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import select

from app import create_app
from runtime import i18n
from runtime.actions import citizen_mails, worker
from runtime.models import Outbox, Submission
from tests.conftest import Inbox, complete, make_settings, post_page
from tests.example_answers import EXAMPLES

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"
BASE = "https://parvis.beaulac.example"


def mailing_app(backend: str, tmp_path: Path, port: int) -> Any:
    settings = make_settings(backend, tmp_path, smtp_host="127.0.0.1", smtp_port=port, base_url=BASE)
    return create_app(settings)


def client_of(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"accept-language": "fr"},
    )


def last_submission(app: Any) -> Submission:
    with app.state.site.engine.connect() as connection:
        row = connection.execute(select(Submission).order_by(Submission.id.desc())).mappings().first()  # type: ignore[union-attr]
    return Submission(**row)


def outbox_kinds(app: Any) -> list[tuple[str, str]]:
    with app.state.site.engine.connect() as connection:
        return [(row.kind, row.status) for row in connection.execute(select(Outbox).order_by(Outbox.id))]


def text_of(mail: EmailMessage) -> str:
    return str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def html_of(mail: EmailMessage) -> str:
    return str(mail.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]


def pdfs_of(mail: EmailMessage) -> list[tuple[str, bytes]]:
    return [
        (str(part.get_filename()), part.get_content())
        for part in mail.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


async def test_the_receipt_mail_carries_the_pdf_and_the_follow_up_link(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        async with client_of(app) as client:
            page = await complete(client, REPORT, EXAMPLES[REPORT])
        submission = last_submission(app)
        shown = BeautifulSoup(page.text, "html.parser").select_one(".mailed")
        assert shown is not None and "m.d…@example.fr" in shown.get_text()
        assert outbox_kinds(app) == [(citizen_mails.RECEIPT, "pending")]  # queued with the submission
        assert await worker.drain(app.state.site) == 1
        [(recipients, mail)] = received.messages
        assert recipients == ["marie.dupont@example.fr"]
        name, address = parseaddr(mail["From"])
        assert name == "Ville de Beaulac" and address == "ne-pas-repondre@parvis.localhost"
        assert submission.reference in mail["Subject"]
        link = f"{BASE}/s/{submission.follow_token}"
        assert link in text_of(mail) and f'href="{link}"' in html_of(mail)
        assert i18n.gettext("fr", citizen_mails.ATTACHED) in text_of(mail)
        assert 'lang="fr"' in html_of(mail)
        [(filename, content)] = pdfs_of(mail)
        assert filename == f"{submission.reference}.pdf"
        reader = PdfReader(io.BytesIO(content))
        assert submission.reference in "".join(page.extract_text() for page in reader.pages)
        embedded = json.loads(reader.attachments["answers.json"][0])
        assert embedded["reference"] == submission.reference
        assert await worker.drain(app.state.site) == 0  # sent once, never again
        assert outbox_kinds(app) == [(citizen_mails.RECEIPT, "done")]
    finally:
        app.state.site.engine.dispose()


async def test_a_receipt_that_cannot_be_rendered_does_not_hold_the_mail_back(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)

    def refused(*_args: Any, **_kwargs: Any) -> Future[Path]:
        failed: Future[Path] = Future()
        failed.set_exception(OSError("disk full"))
        return failed

    try:
        async with client_of(app) as client:
            monkeypatch.setattr("runtime.web.forms.schedule_receipt", refused)
            await complete(client, REPORT, EXAMPLES[REPORT])
        monkeypatch.setattr(citizen_mails, "schedule_receipt", refused)
        submission = last_submission(app)
        assert await worker.drain(app.state.site) == 1
        [(_, mail)] = received.messages
        assert pdfs_of(mail) == []
        assert i18n.gettext("fr", citizen_mails.NOT_ATTACHED) in text_of(mail)  # says so
        assert f"{BASE}/s/{submission.follow_token}" in text_of(mail)
    finally:
        app.state.site.engine.dispose()


async def resume_from(client: httpx.AsyncClient, text: str, token: str) -> None:
    """The link of the mail resumes the draft where it was left."""
    link = f"{BASE}/d/{token}"
    assert link in text
    resumed = await client.get(f"/d/{token}")
    assert resumed.status_code == 303 and resumed.headers["location"].startswith(f"/d/{token}/p/")
    page = await client.get(resumed.headers["location"])
    assert page.status_code == 200


async def test_saving_with_an_address_mails_the_resume_link(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        async with client_of(app) as client:
            (first, files), (contact, _) = EXAMPLES[REPORT]
            url = (await post_page(client, f"/{REPORT}", first, files)).headers["location"]
            token = url.split("/")[2]
            saved = await post_page(client, url, contact, action="save")
            assert saved.status_code == 303 and saved.headers["location"].startswith(
                f"/d/{token}/saved?mailed="
            )
            page = BeautifulSoup((await client.get(saved.headers["location"])).text, "html.parser")
            assert "m.d…@example.fr" in page.select_one(".mailed").get_text()  # type: ignore[union-attr]
            assert page.select_one("#resume-email") is None  # sent already: no need to ask
            forged = await client.get(f"/d/{token}/saved?mailed=x.y%40evil.example")
            assert "evil" not in forged.text  # only a notice this site signed is shown
            assert await worker.drain(app.state.site) == 1
            [(recipients, mail)] = received.messages
            assert recipients == ["marie.dupont@example.fr"]
            assert parseaddr(mail["From"])[0] == "Ville de Beaulac"
            await resume_from(client, text_of(mail), token)
        assert outbox_kinds(app) == [(citizen_mails.RESUME, "done")]
        with app.state.site.engine.connect() as connection:  # the typed address is not kept
            assert connection.execute(select(Outbox.payload)).scalar_one() == {}
    finally:
        app.state.site.engine.dispose()


async def test_the_save_page_asks_for_an_address_when_none_was_given(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        async with client_of(app) as client:
            first, files = EXAMPLES[REPORT][0]
            saved = await post_page(client, f"/{REPORT}", first, files, action="save")
            location = saved.headers["location"]
            assert location.endswith("/saved"), location  # no address yet: nothing mailed
            token = location.split("/")[2]
            page = BeautifulSoup((await client.get(location)).text, "html.parser")
            field = page.select_one("#resume-email")
            assert field is not None and field["type"] == "email" and field["autocomplete"] == "email"
            assert page.select_one('label[for="resume-email"]') is not None

            wrong = await client.post(location, data={"email": "pas une adresse"})
            assert wrong.status_code == 422
            shown = BeautifulSoup(wrong.text, "html.parser")
            assert shown.title is not None and shown.title.get_text().startswith("Erreur")
            assert shown.select_one('.error-summary a[href="#resume-email"]') is not None
            assert shown.select_one("#resume-email")["aria-invalid"] == "true"  # type: ignore[index]

            sent = await client.post(location, data={"email": "Paul.Martin@example.fr"})
            assert sent.status_code == 303 and "mailed=" in sent.headers["location"]
            page = BeautifulSoup((await client.get(sent.headers["location"])).text, "html.parser")
            assert "P.M…@example.fr" in page.select_one(".mailed").get_text()  # type: ignore[union-attr]
            await worker.drain(app.state.site)
            [(recipients, mail)] = received.messages
            assert recipients == ["Paul.Martin@example.fr"]
            await resume_from(client, text_of(mail), token)
    finally:
        app.state.site.engine.dispose()


def without_email_question(app: Any) -> None:
    from runtime.catalogue import publish
    from runtime.db import writing
    from runtime.site import ROOT
    from tests.test_exports import organisation

    definition = json.loads((ROOT / "examples/beaulac/procedures/signalement-voirie.json").read_text())
    del definition["schema"]["properties"]["courriel"]
    definition["schema"]["required"] = [
        n for n in definition["schema"].get("required", []) if n != "courriel"
    ]
    for page in definition["ui"]["pages"]:
        page["elements"] = [e for e in page["elements"] if e.get("field") != "courriel"]
    with writing(app.state.site.engine) as session:
        publish(session, organisation(app), definition)
    app.state.site.published.clear()


async def test_no_mail_when_the_form_asks_no_address(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        without_email_question(app)
        contact = {k: v for k, v in EXAMPLES[REPORT][1][0].items() if k != "courriel"}
        async with client_of(app) as client:
            page = await complete(client, REPORT, [EXAMPLES[REPORT][0], (contact, {})])
            assert BeautifulSoup(page.text, "html.parser").select_one(".mailed") is None
            first, files = EXAMPLES[REPORT][0]
            saved = await post_page(client, f"/{REPORT}", first, files, action="save")
            assert saved.headers["location"].endswith("/saved")
        assert outbox_kinds(app) == []
        assert await worker.drain(app.state.site) == 0
        assert received.messages == []
    finally:
        app.state.site.engine.dispose()


async def test_an_agents_entry_on_a_citizens_behalf_mails_no_resume_link(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    from runtime import drafts

    _, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        site = app.state.site
        published = site.published.get("beaulac", "signalement-voirie")
        token = drafts.start_on_behalf(site.engine, published.version_id, "fr", "counter")
        async with client_of(app) as client:
            (first, files), (contact, _) = EXAMPLES[REPORT]
            url = (await post_page(client, f"/d/{token}/p/1", first, files)).headers["location"]
            saved = await post_page(client, url, contact, action="save")
            assert saved.headers["location"] == f"/d/{token}/saved"  # the draft is the agent's
            page = BeautifulSoup((await client.get(saved.headers["location"])).text, "html.parser")
            assert page.select_one("#resume-email") is None
        assert outbox_kinds(app) == []
    finally:
        app.state.site.engine.dispose()
