"""Queued actions with real receivers: mails to an SMTP server (aiosmtpd), signed webhooks to a
local HTTP server, retries when they fail, never twice for one event; and two agents racing
for the same transition on PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from app import create_app
from runtime import processing, workflow
from runtime.actions import citizen_mails, webhooks, worker
from runtime.models import Outbox, Submission
from tests.conftest import POSTGRES_URL, Inbox, complete, free_port, make_settings
from tests.example_answers import EXAMPLES

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"
AGENT = processing.Actor("Agent Test", 1)


async def a_submission(app: Any) -> Submission:
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        await complete(client, REPORT, EXAMPLES[REPORT])
    with app.state.site.engine.begin() as connection:
        row = connection.execute(select(Submission).order_by(Submission.id.desc())).mappings().first()  # type: ignore[union-attr]
        # The acknowledgement's own mail (tests/test_citizen_mails.py) is out of the way here.
        connection.execute(update(Outbox).where(Outbox.kind == citizen_mails.RECEIPT).values(status="done"))
    return Submission(**row)


def definition_of(app: Any, submission: Submission) -> dict[str, Any]:
    # A deep copy: the compiled version is shared by the whole process (and by the next
    # tests' apps, whose examples have the same ids and content), so a test that changes a
    # transition's actions must not change them there.
    return copy.deepcopy(dict(app.state.site.version(submission.version_id).compiled.definition))


def index_of(definition: dict[str, Any], target: str, source: str | None = None) -> int:
    return next(
        t.index
        for t in workflow.transitions(definition)
        if t.target == target and (source is None or t.source == source)
    )


def outbox_rows(app: Any) -> list[Outbox]:
    """The rows queued by the workflow (not the acknowledgement's mail of the submission)."""
    with app.state.site.engine.connect() as connection:
        rows = connection.execute(
            select(Outbox).where(Outbox.kind != citizen_mails.RECEIPT).order_by(Outbox.id)
        ).mappings()
        return [Outbox(**row) for row in rows]


async def test_mails_reach_the_smtp_server_in_the_applicants_language(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = create_app(
        make_settings(
            backend,
            tmp_path,
            smtp_host="127.0.0.1",
            smtp_port=port,
            base_url="https://parvis.beaulac.example",
        )
    )
    try:
        submission = await a_submission(app)
        definition = definition_of(app, submission)
        processing.take_transition(
            app.state.site.engine,
            submission.id,
            definition,
            index_of(definition, "en-instruction"),
            AGENT,
            "Nous regardons.",
        )
        assert await worker.drain(app.state.site) == 1
        assert len(received.messages) == 1
        recipients, mail = received.messages[0]
        assert recipients == ["marie.dupont@example.fr"]
        assert submission.reference in mail["Subject"] and "En cours d’examen" in mail["Subject"]
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert f"https://parvis.beaulac.example/s/{submission.follow_token}" in text
        assert "Nous regardons." in text and "Ville de Beaulac" in text
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert 'lang="fr"' in html and "#" in html  # the charter's colours, inline
        assert await worker.drain(app.state.site) == 0  # done once, never again
        assert [row.status for row in outbox_rows(app)] == ["done"]
    finally:
        app.state.site.engine.dispose()


async def test_a_mail_server_that_is_down_loses_nothing(backend: str, tmp_path: Path) -> None:
    port = free_port()
    app = create_app(make_settings(backend, tmp_path, smtp_host="127.0.0.1", smtp_port=port))
    try:
        submission = await a_submission(app)
        definition = definition_of(app, submission)
        processing.take_transition(
            app.state.site.engine, submission.id, definition, index_of(definition, "en-instruction"), AGENT
        )
        await worker.drain(app.state.site)
        [row] = outbox_rows(app)
        assert row.status == "pending" and row.attempts == 1 and row.last_error
        assert row.next_attempt_at.replace(tzinfo=dt.UTC) > dt.datetime.now(dt.UTC)
        assert await worker.drain(app.state.site) == 0  # not due yet: backing off

        received = Inbox()
        controller = Controller(received, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with app.state.site.engine.begin() as connection:
                connection.execute(
                    update(Outbox).values(next_attempt_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
                )
            assert await worker.drain(app.state.site) == 1
        finally:
            controller.stop()
        assert len(received.messages) == 1
        assert [r.status for r in outbox_rows(app)] == ["done"]
        with app.state.site.engine.connect() as connection:  # the transition itself was never in doubt
            assert connection.execute(select(Submission.state)).scalar() == "en-instruction"
    finally:
        app.state.site.engine.dispose()


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["content-length"]))
        Receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def with_webhook(app: Any, submission: Submission, url: str) -> dict[str, Any]:
    definition = definition_of(app, submission)
    definition["workflow"]["transitions"][0]["actions"] = [{"webhook": url}]
    return definition


async def test_webhooks_are_signed_and_private_targets_need_an_administrator(
    backend: str, tmp_path: Path, receiver: str
) -> None:
    refused_app = create_app(make_settings(backend, tmp_path / "a"))
    try:
        submission = await a_submission(refused_app)
        processing.take_transition(
            refused_app.state.site.engine,
            submission.id,
            with_webhook(refused_app, submission, receiver),
            0,
            AGENT,
        )
        await worker.drain(refused_app.state.site)
        [row] = outbox_rows(refused_app)
        assert row.status == "failed" and "PARVIS_WEBHOOK_ALLOWED_HOSTS" in (row.last_error or "")
        assert Receiver.received == []
    finally:
        refused_app.state.site.engine.dispose()

    app = create_app(make_settings(backend, tmp_path / "b", webhook_allowed_hosts="127.0.0.1"))
    try:
        submission = await a_submission(app)
        processing.take_transition(
            app.state.site.engine, submission.id, with_webhook(app, submission, receiver), 0, AGENT, "Vu"
        )
        await worker.drain(app.state.site)
        [(headers, body)] = Receiver.received
        secret = webhooks.organisation_secret(
            app.state.site, app.state.site.version(submission.version_id).organisation.id
        )
        assert webhooks.verify(secret, headers, body)
        assert not webhooks.verify(secret, headers, body.replace(b"Vu", b"Vv"))  # tampered
        document = json.loads(body)
        assert document["type"] == "submission.transition"
        assert document["data"]["reference"] == submission.reference
        assert document["data"]["to_state"] == "en-instruction"
        assert [row.status for row in outbox_rows(app)] == ["done"]
    finally:
        app.state.site.engine.dispose()


async def test_automatic_transitions_after_their_delay(backend: str, tmp_path: Path) -> None:
    app = create_app(make_settings(backend, tmp_path))
    try:
        submission = await a_submission(app)
        engine = app.state.site.engine
        definition = definition_of(app, submission)
        processing.take_transition(
            engine, submission.id, definition, index_of(definition, "en-instruction"), AGENT
        )
        processing.take_transition(
            engine,
            submission.id,
            definition,
            index_of(definition, "attente-precisions"),
            AGENT,
            "Quel banc ?",
        )
        assert worker.take_automatic(app.state.site) == 0  # 30 days have not passed
        with engine.begin() as connection:
            connection.execute(update(Submission).values(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
        assert worker.take_automatic(app.state.site) == 1
        loaded = processing.load(engine, submission.id)
        assert loaded is not None and loaded[0].state == "classee-sans-suite"
        assert loaded[1][-1].actor == "system"
        with pytest.raises(processing.Refused):  # nobody takes it by hand
            processing.take_transition(
                engine,
                submission.id,
                definition,
                index_of(definition, "classee-sans-suite", "attente-precisions"),
                AGENT,
            )
    finally:
        app.state.site.engine.dispose()


@pytest.mark.postgresql
async def test_two_agents_taking_the_same_transition_at_once(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("PARVIS_TEST_DATABASE_URL is not set")
    app = create_app(make_settings("postgresql", tmp_path))
    try:
        submission = await a_submission(app)
        definition = definition_of(app, submission)
        index = index_of(definition, "en-instruction")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def agent(name: str) -> None:
            barrier.wait()
            try:
                processing.take_transition(
                    app.state.site.engine, submission.id, definition, index, processing.Actor(name, None)
                )
                outcomes.append("won")
            except processing.Refused as refused:
                outcomes.append(refused.message)

        await asyncio.gather(asyncio.to_thread(agent, "A"), asyncio.to_thread(agent, "B"))
        assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1
        assert any("Someone else" in outcome for outcome in outcomes)
        loaded = processing.load(app.state.site.engine, submission.id)
        assert loaded is not None
        assert [e.kind for e in loaded[1]].count("transition") == 1
        assert len(outbox_rows(app)) == 1  # one notification, not two
    finally:
        app.state.site.engine.dispose()


async def test_webhook_targets_that_reach_inside_are_refused() -> None:
    for url in (
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://93.184.215.14:6379/hook",
        "file:///etc/passwd",
    ):
        with pytest.raises(webhooks.TargetRefused):
            await webhooks.check_target(url, "")
    allowed = await webhooks.check_target("http://localhost:8080/hook", "localhost")
    assert allowed.host == "localhost" and ":8080/hook" in allowed.url


def test_answers_cannot_add_markdown_to_an_issued_document() -> None:
    from runtime.actions.documents import escape_markdown
    from runtime.text import markdown_html

    answer = "[Payez ici](https://evil.example)\n## DÉCISION : ACCORDÉE"
    html = str(markdown_html(f"Lieu : {escape_markdown(answer)}"))
    assert "<a" not in html and "<h2" not in html and "Payez ici" in html


async def test_notifying_a_citizen_who_gave_no_address_is_recorded_as_not_sent(
    app: Any, client: Any, settings: Any
) -> None:
    from bs4 import BeautifulSoup

    from runtime.catalogue import publish
    from runtime.db import writing
    from runtime.site import ROOT
    from tests.test_casework import case_url, take
    from tests.test_exports import organisation
    from tests.test_procedures import signed_in

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
    contact = {k: v for k, v in EXAMPLES[REPORT][1][0].items() if k != "courriel"}
    receipt = await complete(client, REPORT, [EXAMPLES[REPORT][0], (contact, {})])
    reference = BeautifulSoup(receipt.text, "html.parser").select_one(".reference").get_text(strip=True)

    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    assert (await take(client, url, "Prendre en charge")).status_code == 303
    await worker.drain(app.state.site)

    assert [(row.kind, row.status) for row in outbox_rows(app) if row.kind == "notify"][:1] == [
        ("notify", "skipped")
    ]
    assert not list((settings.data_dir / "mail").glob("*.eml"))
    history = BeautifulSoup((await client.get(url)).text, "html.parser").select(".delivery")
    assert any("Courriel" in p.get_text() and "aucune adresse" in p.get_text() for p in history), [
        p.get_text() for p in history
    ]
