"""Agents process submissions and applicants follow them: inbox, transitions, complements,
messages, notes, documents, withdrawal, and who may do what; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from runtime.actions import worker
from tests.conftest import complete
from tests.example_answers import EXAMPLES, pdf_bytes
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"


async def submitted(client: httpx.AsyncClient) -> tuple[str, str]:
    """A road report sent as a citizen: (reference, follow-up path)."""
    receipt = await complete(client, REPORT, EXAMPLES[REPORT])
    soup = BeautifulSoup(receipt.text, "html.parser")
    follow = soup.find("a", href=lambda h: h and h.startswith("/s/") and not h.endswith(".pdf"))["href"]
    reference = re.search(r"VOI-\d{4}-\d{6}", receipt.text).group(0)  # type: ignore[union-attr]
    return reference, follow


def case_url(inbox_html: str, reference: str) -> str:
    link = BeautifulSoup(inbox_html, "html.parser").find("a", string=reference)
    assert link is not None, f"{reference} is not in the inbox"
    return str(link["href"])


def transitions(page_html: str) -> dict[str, str]:
    """Label of each transition offered -> its value."""
    soup = BeautifulSoup(page_html, "html.parser")
    return {
        soup.find("label", attrs={"for": radio["id"]}).get_text(" ", strip=True).split(" (")[0]: radio[
            "value"
        ]
        for radio in soup.select('input[name="transition"]')
    }


async def take(client: httpx.AsyncClient, url: str, label: str, text: str = "") -> httpx.Response:
    page = await client.get(url)
    offered = transitions(page.text)
    assert label in offered, offered
    state = BeautifulSoup(page.text, "html.parser").select_one('input[name="state"]')["value"]
    return await client.post(
        f"{url}/act", data={"do": "transition", "transition": offered[label], "text": text, "state": state}
    )


def mails(settings: Any) -> list[Message]:
    folder = Path(settings.data_dir) / "mail"
    return (
        [message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]
        if folder.exists()
        else []
    )


def body(mail: Message) -> str:
    part = mail.get_body(preferencelist=("plain",)) if hasattr(mail, "get_body") else mail
    return part.get_content() if hasattr(part, "get_content") else str(part.get_payload(decode=True), "utf-8")


async def test_the_whole_loop_from_report_to_issued_document(
    app: Any, client: httpx.AsyncClient, settings: Any
) -> None:
    from email import policy

    reference, follow = await submitted(client)
    citizen = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")  # type: ignore[attr-defined]
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})

    inbox = await client.get("/staff/o/beaulac/inbox")
    assert inbox.status_code == 200 and reference in inbox.text
    url = case_url(inbox.text, reference)
    page = await client.get(url)
    assert "Banc public cassé" in page.text  # the answers, through the render tree

    taken = await take(client, url, "Prendre en charge")
    assert taken.status_code == 303
    page = await client.get(url)
    facts = BeautifulSoup(page.text, "html.parser").select_one(".case-facts").get_text(" ", strip=True)
    assert "Agent Test" in facts and "Échéance" in facts  # assigned to whoever took it, with a deadline

    refused = await take(client, url, "Demander des précisions", text="")
    assert "commentaire" in (await client.get(refused.headers["location"])).text

    await take(client, url, "Demander des précisions", text="Pouvez-vous préciser le numéro du banc ?")
    await worker.drain(app.state.site)
    sent = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in mails(settings)]
    asking = [
        m
        for m in sent
        if "marie.dupont@example.fr" in m["To"]
        and "précisions" in m["Subject"].lower()
        or "informations" in str(m["Subject"]).lower()
    ]
    assert asking, [m["Subject"] for m in sent]
    text = asking[-1].get_body(preferencelist=("plain",)).get_content()
    assert "numéro du banc" in text and follow in text

    async with citizen:
        shown = await citizen.get(follow)
        assert "numéro du banc" in shown.text and 'action="' + follow + '/complement"' in shown.text
        answered = await citizen.post(
            f"{follow}/complement",
            data={"text": "C'est le banc n° 12."},
            files={"files": ("plan.pdf", pdf_bytes(), "application/pdf")},
        )
        assert answered.status_code == 303
        after = await citizen.get(follow)
        assert "En cours d’examen" in after.text and "plan.pdf" in after.text
        assert '/complement"' not in after.text  # the request is answered

        page = await client.get(url)
        assert "banc n° 12" in page.text and "plan.pdf" in page.text

        await take(client, url, "Marquer comme traité")
        await worker.drain(app.state.site)
        final = await citizen.get(follow)
        assert "Traité" in final.text
        document = BeautifulSoup(final.text, "html.parser").find("a", href=lambda h: h and "/files/doc-" in h)
        assert document is not None, "the issued document is shown to the applicant"
        pdf = await citizen.get(document["href"])
        assert pdf.headers["content-type"] == "application/pdf"
        words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Avis d’intervention" in words or "Avis d'intervention" in words
        assert reference in words and "3 rue du Lac" in words

    closed = await client.get("/staff/o/beaulac/inbox?tab=closed")
    assert reference in closed.text
    assert reference not in (await client.get("/staff/o/beaulac/inbox")).text


async def test_notes_stay_internal_and_messages_go_both_ways(app: Any, client: httpx.AsyncClient) -> None:
    reference, follow = await submitted(client)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    await client.post(
        f"{url}/act", data={"do": "note", "text": "Voisin déjà venu se plaindre <b>deux</b> fois"}
    )
    await client.post(f"{url}/act", data={"do": "message", "text": "Nous passons jeudi."})
    citizen = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")  # type: ignore[attr-defined]
    async with citizen:
        page = (await citizen.get(follow)).text
        assert "Nous passons jeudi." in page and "Voisin" not in page
        await citizen.post(f"{follow}/message", data={"text": "Merci, je serai là."})
    staff_page = (await client.get(url)).text
    assert "Merci, je serai là." in staff_page
    assert "&lt;b&gt;deux&lt;/b&gt;" in staff_page  # staff text is shown literally


async def test_withdrawal_only_before_processing(app: Any, client: httpx.AsyncClient) -> None:
    reference, follow = await submitted(client)
    first = (await client.get(follow)).text
    assert f'action="{follow}/withdraw"' in first
    unconfirmed = await client.post(f"{follow}/withdraw", data={})
    assert "Cochez" in (await client.get(unconfirmed.headers["location"])).text
    await client.post(f"{follow}/withdraw", data={"confirm": "yes", "reason": "Réparé entre-temps"})
    page = (await client.get(follow)).text
    assert "Retirée à votre demande" in page and f'{follow}/withdraw"' not in page
    again = await client.post(f"{follow}/withdraw", data={"confirm": "yes"})
    assert "déjà" in (await client.get(again.headers["location"])).text

    reference2, follow2 = await submitted(client)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference2)
    await take(client, url, "Prendre en charge")
    assert f"{follow2}/withdraw" not in (await client.get(follow2)).text
    assert reference in (await client.get("/staff/o/beaulac/inbox?tab=closed")).text


async def test_who_may_see_and_act(app: Any, client: httpx.AsyncClient) -> None:
    reference, _follow = await submitted(client)
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    assert (await client.get(url)).status_code == 200
    assert 'name="transition"' not in (await client.get(url)).text
    assert (await client.post(f"{url}/act", data={"do": "note", "text": "x"})).status_code == 404

    client.cookies.clear()
    await signed_in(app, client, "agent@saint-aubin.example", {"saint-aubin": "agent"})
    assert (await client.get(url)).status_code == 404
    assert (await client.post(f"{url}/act", data={"do": "note", "text": "x"})).status_code == 404
    # Their own organisation's address with Beaulac's submission id: still nothing.
    submission_id = url.rsplit("/", 1)[1]
    assert (await client.get(f"/staff/o/saint-aubin/s/{submission_id}")).status_code == 404
    assert reference not in (await client.get("/staff/o/saint-aubin/inbox")).text

    client.cookies.clear()
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    assert (await client.get("/staff/o/beaulac/inbox")).status_code == 404


async def test_a_stale_page_cannot_move_a_submission_twice(app: Any, client: httpx.AsyncClient) -> None:
    reference, _follow = await submitted(client)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    page = await client.get(url)
    offered = transitions(page.text)
    data = {"do": "transition", "transition": offered["Prendre en charge"], "state": "en-construction"}
    assert (await client.post(f"{url}/act", data=data)).status_code == 303
    second = await client.post(f"{url}/act", data=data)  # the same form, posted again
    shown = await client.get(second.headers["location"])
    assert "Quelqu’un" in shown.text or "quelqu’un" in shown.text
    history = BeautifulSoup(shown.text, "html.parser").select(".history-item")
    assert sum("En cours d’examen" in item.get_text() for item in history) == 1


async def test_probable_duplicates_are_flagged_and_linked(app: Any, client: httpx.AsyncClient) -> None:
    from tests.conftest import post_page

    first, _ = await submitted(client)
    second, _ = await submitted(client)  # same place, same category
    other_place = [dict(page) for page, _files in EXAMPLES[REPORT]]
    other_place[0]["lieu.street"] = "8 avenue des Tilleuls"
    url = f"/{REPORT}"
    for data, (_, files) in zip(other_place, EXAMPLES[REPORT], strict=False):
        url = (await post_page(client, url, data, files)).headers["location"]
    await client.post(url.replace("/review", "/submit"))

    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    inbox = (await client.get("/staff/o/beaulac/inbox")).text
    page = await client.get(case_url(inbox, second))
    panel = BeautifulSoup(page.text, "html.parser").select_one(".duplicates")
    assert (
        panel is not None and first in panel.get_text() and "Tilleuls" not in page.text.split("Réponses")[0]
    )
    assert len(panel.select("li")) == 1  # the report at another address is not flagged
    other_id = panel.select_one('input[name="other"]')["value"]
    linked = await client.post(f"{case_url(inbox, second)}/act", data={"do": "link", "other": other_id})
    shown = (await client.get(linked.headers["location"])).text
    assert "Lié\u00a0: " in shown or "Lié" in shown
    first_page = (await client.get(case_url(inbox, first))).text
    assert second in BeautifulSoup(first_page, "html.parser").select_one(".duplicates").get_text()
    forged = await client.post(f"{case_url(inbox, second)}/act", data={"do": "link", "other": "999999"})
    assert "doublons probables" in (await client.get(forged.headers["location"])).text


async def test_a_late_answer_cannot_reopen_a_closed_request(
    app: Any, client: httpx.AsyncClient, settings: Any
) -> None:
    from runtime import processing

    reference, follow = await submitted(client)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    await take(client, url, "Prendre en charge")
    await take(client, url, "Demander des précisions", text="Quel banc ?")
    stale = processing.load(app.state.site.engine, int(url.rsplit("/", 1)[1]))
    assert stale is not None
    info = app.state.site.version(stale[0].version_id)
    closing = next(t.index for t in processing.workflow.transitions(info.compiled.definition) if t.automatic)
    processing.take_transition(
        app.state.site.engine,
        stale[0].id,
        info.compiled.definition,
        closing,
        processing.Actor("system", kind="system"),
    )
    with pytest.raises(processing.Refused):  # the page was read before the request closed
        processing.answer_complement(
            app.state.site.engine, stale[0].id, stale[1], "Le banc 12", [], info.compiled.definition
        )
    uploads = Path(settings.data_dir) / "uploads"
    before = sorted(uploads.rglob("*"))
    answered = await client.post(
        f"{follow}/complement",
        data={"text": "trop tard"},
        files={"files": ("plan.pdf", pdf_bytes(), "application/pdf")},
    )
    assert "Aucune demande de complément" in (await client.get(answered.headers["location"])).text
    assert sorted(uploads.rglob("*")) == before  # nothing stored for a refused answer
    assert "Classé sans suite" in (await client.get(follow)).text


async def test_forged_notices_and_odd_digits(app: Any, client: httpx.AsyncClient) -> None:
    reference, follow = await submitted(client)
    page = await client.get(follow, params={"notice": "Votre compte est bloqué, appelez le 0899…"})
    assert "0899" not in page.text
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    for query in ({"assignee": "²"}, {"page": "²"}, {"notice": "Session expirée"}):
        shown = await client.get("/staff/o/beaulac/inbox", params=query)
        assert shown.status_code == 200 and "Session expirée" not in shown.text
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    odd = await client.post(f"{url}/act", data={"do": "transition", "transition": "²"})
    assert odd.status_code == 303
    bulk = await client.post(
        "/staff/o/beaulac/p/signalement-voirie/inbox/bulk", data={"selected": ["²", "1"], "action": "³"}
    )
    assert bulk.status_code == 303


async def existing(client: httpx.AsyncClient, email: str) -> None:
    """Sign in as someone already made."""
    from tests.test_accounts import sign_in

    response = await sign_in(client, email)
    client.cookies.set("parvis_staff", response.cookies["parvis_staff"], path="/staff")
