"""The loop the product exists for, in Chromium as people would try it: a citizen reports a
road problem on a phone, an agent finds it, asks for details, the citizen gets the mail and
answers on the follow-up page, the agent accepts, and the issued document appears; the
statistics and the export count it."""

from __future__ import annotations

import io
import re
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import BACKENDS, CHROMIUM, WAIT_SECONDS
from tests.example_answers import EXAMPLES, pdf_bytes
from tests.test_browser import PHONE, fill_page, free_port, running_parvis

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
REPORT = "beaulac/signalement-voirie"
DESKTOP = {"width": 1280, "height": 900}


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, words: str, timeout: float = WAIT_SECONDS) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for mail in self.messages:
                if words in str(mail["Subject"]):
                    return mail
            time.sleep(0.2)
        raise AssertionError(f"no mail about {words!r}: {[str(m['Subject']) for m in self.messages]}")


def wait_for(page: Any, selector: str, timeout: float = WAIT_SECONDS) -> None:
    """Reload until the worker has done its part (it runs beside the server)."""
    deadline = time.monotonic() + timeout
    while page.locator(selector).count() == 0:
        assert time.monotonic() < deadline, f"{selector} never appeared"
        time.sleep(0.5)
        page.reload()


@pytest.mark.parametrize("backend", BACKENDS)
def test_report_complement_acceptance_and_document(backend: str, browser: Any, tmp_path: Path) -> None:
    mailbox = Mailbox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    data_dir = tmp_path / "data"
    env = {
        "PARVIS_SMTP_HOST": "127.0.0.1",
        "PARVIS_SMTP_PORT": str(smtp_port),
        "PARVIS_WORKER_INTERVAL": "0.5",
    }
    try:
        with running_parvis(backend, data_dir, tmp_path / "server.log", env) as server:
            citizen = browser.new_context(viewport=PHONE, locale="fr-FR")
            phone = citizen.new_page()
            phone.goto(f"{server}/{REPORT}")
            for data, files in EXAMPLES[REPORT]:
                fill_page(phone, data, files, scripts=True)
                phone.locator("button.primary").click()
                phone.wait_for_load_state()
            phone.locator("form.send-form button.primary").click()
            expect(phone.locator(".reference")).to_be_visible()
            reference = phone.locator(".reference").inner_text()

            email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
            staff = browser.new_context(viewport=DESKTOP, locale="fr-FR")
            desk = staff.new_page()
            desk.goto(f"{server}/staff/login")
            desk.fill("#email", email)
            desk.fill("#password", password)
            desk.locator("button.primary").click()
            desk.locator('a[href="/staff/o/beaulac/inbox"]').click()
            desk.screenshot(path=str(tmp_path / "inbox.png"), full_page=True)
            desk.goto(f"{server}/staff/o/beaulac/p/signalement-voirie/inbox")
            desk.set_viewport_size(PHONE)  # an agent on a phone: nothing scrolls sideways
            assert desk.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            desk.set_viewport_size(DESKTOP)
            desk.get_by_role("link", name=reference).click()
            expect(desk.locator(".case-main")).to_contain_text("Banc public cassé")
            desk.get_by_label("Prendre en charge").check()
            desk.get_by_role("button", name="Confirmer").click()
            expect(desk.locator(".case-facts")).to_contain_text("En cours d’examen")
            desk.get_by_label("Demander des précisions").check()
            desk.fill("#transition-text", "Pouvez-vous préciser le numéro du banc ?")
            desk.get_by_role("button", name="Confirmer").click()
            expect(desk.locator(".case-facts")).to_contain_text("En attente de vos précisions")
            desk.screenshot(path=str(tmp_path / "case.png"), full_page=True)

            mail = mailbox.wait_for(f"besoin de précisions sur votre demande {reference}")
            text = mail.get_body(preferencelist=("plain",)).get_content()
            assert "numéro du banc" in text
            link = re.search(r"http://\S+/s/[\w-]+", text).group(0)  # type: ignore[union-attr]
            phone.goto(link)  # the citizen follows the link of the mail
            phone.fill("#complement-text", "C’est le banc n° 12, près de l’arrêt de bus.")
            phone.locator("#complement-files").set_input_files(
                {"name": "photo-banc.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
            )
            phone.get_by_role("button", name="Envoyer ma réponse").click()
            expect(phone.locator(".notice")).to_contain_text("transmise")
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            phone.screenshot(path=str(tmp_path / "follow.png"), full_page=True)

            desk.reload()
            assert "banc n° 12" in desk.locator(".history").inner_text()
            desk.get_by_label("Marquer comme traité").check()
            desk.get_by_role("button", name="Confirmer").click()
            expect(desk.locator(".case-facts")).to_contain_text("Traité")

            phone.reload()
            wait_for(phone, '.status-panel a[href*="/files/doc-"]')
            document = phone.locator('.status-panel a[href*="/files/doc-"]')
            pdf = citizen.request.get(server + document.get_attribute("href"))
            words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
            assert reference in words and "Avis d" in words
            assert "Traité" in phone.locator(".status").inner_text()

            desk.goto(f"{server}/staff/o/beaulac/p/signalement-voirie/statistics")
            assert desk.locator("svg").count() >= 1
            statistics = desk.locator("main").inner_text()
            assert "1" in statistics
            export = staff.request.get(f"{server}/staff/o/beaulac/p/signalement-voirie/export.csv?tab=all")
            assert export.ok and reference in export.body().decode("utf-8-sig")
            citizen.close()
            staff.close()
    finally:
        controller.stop()
