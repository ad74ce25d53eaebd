"""axe-core over every page a citizen or an agent sees, on a phone and on a desktop, with
scripts on and off, fresh and showing errors: no violation of any impact.

Runs in Debian's Chromium, driven by Playwright, with axe-core from axe-playwright-python.
Accessibility does not depend on the database: one SQLite server serves every check.

Without scripts Chromium runs no JavaScript at all, not even axe; so the page a person without
scripts sees (its HTML, `<noscript>` shown, no script run) is captured and checked in a second
page that serves that HTML at the same address, where axe may run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from tests.conftest import CHROMIUM
from tests.example_answers import EXAMPLES
from tests.test_browser import PHONE, fill_page, running_parvis

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
WIDTHS = (PHONE["width"], 1280)
SCRIPTS = pytest.mark.parametrize("scripts", [True, False], ids=["js", "nojs"])
REPORT = "beaulac/signalement-voirie"


@pytest.fixture(scope="module")
def parvis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("data")
    with running_parvis("sqlite", data_dir, tmp_path_factory.mktemp("log") / "server.log") as address:
        yield address, data_dir


@dataclass
class Axe:
    """Runs axe-core on what a page shows at each width, and words what fails so that a
    developer sees the page, the rule and the element."""

    reader: Any  # a page with scripts on, showing the HTML a person without scripts got
    checked: int = 0
    failures: list[str] = field(default_factory=list, repr=False)
    served: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        def serve(route: Any) -> None:
            if route.request.resource_type == "document" and route.request.frame.parent_frame is None:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.served)
            else:
                route.continue_()

        self.reader.route("**/*", serve)

    def check(self, page: Any, what: str, scripts: bool) -> None:
        target = page if scripts else self._as_without_scripts(page)
        size = page.viewport_size
        # What a person can unfold is checked too.
        target.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found: dict[str, tuple[dict[str, Any], list[int]]] = {}
        for width in WIDTHS:
            target.set_viewport_size({"width": width, "height": 900})
            if target.evaluate("typeof window.axe") == "undefined":
                target.evaluate(AXE_SCRIPT)
            violations = target.evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(results => results.violations)"
            )
            self.checked += 1
            for violation in violations:
                key = violation["id"] + repr([node["target"] for node in violation["nodes"]])
                found.setdefault(key, (violation, []))[1].append(width)
        mode = "scripts on" if scripts else "scripts off"
        for violation, widths in found.values():
            where = f"{mode}, {' and '.join(str(width) for width in widths)} px"
            self.failures.append(describe(what, where, page.url, violation))
        if scripts:
            page.set_viewport_size(size)

    def _as_without_scripts(self, page: Any) -> Any:
        html = page.content()
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S | re.I)
        # Without scripts, a <noscript>'s content is part of the page.
        self.served = re.sub(r"</?noscript>", "", html, flags=re.I)
        self.reader.goto(page.url)
        return self.reader

    def assert_clean(self) -> None:
        assert not self.failures, f"{len(self.failures)} accessibility violations:\n\n" + "\n\n".join(
            self.failures
        )


def describe(what: str, mode: str, url: str, violation: dict[str, Any]) -> str:
    lines = [
        f"{what} ({mode}) {url}",
        f"  {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})",
    ]
    for node in violation["nodes"]:
        lines.append(f"    at {' '.join(str(part) for part in node['target'])}: {node['html'][:200]}")
        lines.extend("      " + line for line in (node.get("failureSummary") or "").splitlines())
    return "\n".join(lines)


@pytest.fixture
def axe(browser: Any) -> Iterator[Axe]:
    context = browser.new_context(locale="fr-FR")
    yield Axe(context.new_page())
    context.close()


def submit_empty(page: Any) -> bool:
    """Press "Continue" on an empty page; True when the error summary shows, else back to it."""
    url = page.url
    page.locator("form.procedure-form button.primary").click()
    page.wait_for_load_state()
    if page.locator(".error-summary").count():
        return True
    page.goto(url)
    return False


def questions(page: Any) -> list[str]:
    return list(page.locator("form.procedure-form [name]").evaluate_all("all => all.map(e => e.name)"))


def citizen_journey(page: Any, axe: Axe, address: str, procedure: str, scripts: bool) -> None:
    """Every page fresh, with its errors and with the questions its answers reveal; then the
    review, the receipt and the follow-up page."""
    page.goto(f"{address}/{procedure}")
    for number, (data, files) in enumerate(EXAMPLES[procedure], start=1):
        axe.check(page, f"{procedure}, page {number}", scripts)
        if submit_empty(page):
            axe.check(page, f"{procedure}, page {number} with errors", scripts)
        asked = questions(page)
        fill_page(page, data, files, scripts)
        if questions(page) != asked:  # the answers revealed other questions
            axe.check(page, f"{procedure}, page {number} answered", scripts)
        page.locator("form.procedure-form button.primary").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    expect(page).to_have_url(re.compile(r"/review$"))
    axe.check(page, f"{procedure}, review", scripts)
    page.locator("form.send-form button.primary").click()
    expect(page.locator(".reference")).to_be_visible()
    axe.check(page, f"{procedure}, receipt", scripts)
    page.locator('a[href^="/s/"]:not([href$=".pdf"])').first.click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]+$"))
    axe.check(page, f"{procedure}, follow-up", scripts)


@SCRIPTS
@pytest.mark.parametrize("procedure", sorted(EXAMPLES))
def test_every_page_of_every_example(
    parvis: tuple[str, Path], browser: Any, axe: Axe, procedure: str, scripts: bool
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts, locale="fr-FR")
    citizen_journey(context.new_page(), axe, parvis[0], procedure, scripts)
    context.close()
    axe.assert_clean()


@SCRIPTS
def test_the_citizen_other_pages(parvis: tuple[str, Path], browser: Any, axe: Axe, scripts: bool) -> None:
    """The list of towns, each town's procedures, "finish later", "find my requests" (fresh,
    with an error, sent), the legal pages and a page that does not exist."""
    address = parvis[0]
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts, locale="fr-FR")
    page = context.new_page()
    for what, url in [
        ("towns", "/"),
        *(
            (organisation, f"/{organisation}")
            for organisation in sorted({name.split("/")[0] for name in EXAMPLES})
        ),
        ("not found", "/beaulac/pas-de-demarche"),
        ("find my requests", "/beaulac/mes-demandes"),
        *(
            (f"legal page {page}", f"/beaulac/{page}")
            for page in ("mentions-legales", "donnees-personnelles", "accessibilite", "contact")
        ),
        # The statement of each state of conformity: not, partially and fully compliant.
        ("accessibility statement, no audit", "/saint-aubin/accessibilite"),
        ("accessibility statement, fully compliant", "/val-dorne/accessibilite"),
    ]:
        page.goto(address + url)
        axe.check(page, what, scripts)
    page.goto(f"{address}/{REPORT}")
    page.locator('button[value="save"]').click()
    expect(page.locator(".resume-link")).to_be_visible()
    axe.check(page, "answers saved to finish later", scripts)
    page.locator("#resume-email").fill("pas une adresse")
    page.locator('form[action$="/saved"] button').click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe.check(page, "answers saved, a wrong address for the link", scripts)
    page.goto(f"{address}/beaulac/mes-demandes")
    page.locator(".find-form button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe.check(page, "find my requests, no address", scripts)
    page.locator("#find-email").fill("marie.dupont@example.fr")
    page.locator(".find-form button").click()
    expect(page.locator('[role="status"]')).to_be_visible()
    axe.check(page, "find my requests, sent", scripts)
    context.close()
    axe.assert_clean()


@SCRIPTS
def test_every_staff_page(parvis: tuple[str, Path], browser: Any, axe: Axe, scripts: bool) -> None:
    address, data_dir = parvis
    citizen = browser.new_context(viewport=PHONE, locale="fr-FR")
    phone = citizen.new_page()
    phone.goto(f"{address}/{REPORT}")
    for data, files in EXAMPLES[REPORT]:
        fill_page(phone, data, files, scripts=True)
        phone.locator("form.procedure-form button.primary").click()
        phone.wait_for_load_state()
    phone.locator("form.send-form button.primary").click()
    reference = phone.locator(".reference").inner_text()
    citizen.close()

    staff = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=scripts, locale="fr-FR"
    )
    page = staff.new_page()
    page.goto(f"{address}/staff/login")
    axe.check(page, "sign-in", scripts)
    page.fill("#email", "personne@example.fr")
    page.fill("#password", "pas le bon")
    page.locator("button.primary").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe.check(page, "sign-in with errors", scripts)
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("button.primary").click()
    expect(page).to_have_url(re.compile(r"/staff$"))
    axe.check(page, "dashboard", scripts)
    organisation, slug = REPORT.split("/")
    base = f"{address}/staff/o/{organisation}"
    for what, url in [
        ("inbox", f"{base}/inbox"),
        ("procedure inbox", f"{base}/p/{slug}/inbox"),
        ("editor", f"{base}/p/{slug}/edit"),
        ("editor, a question", f"{base}/p/{slug}/edit?page=0&element=0"),
        ("editor, a question shown on a condition", f"{base}/p/{slug}/edit?page=0&element=1"),
        (
            "editor, a question in a group",
            f"{address}/staff/o/saint-aubin/p/inscription-cantine/edit?page=0&element=0&sub=0",
        ),
        ("statistics", f"{base}/p/{slug}/statistics"),
        ("charter", f"{base}/charter"),
        ("team", f"{base}/team"),
        ("functions", f"{base}/p/{slug}/functions"),
        ("publication", f"{base}/p/{slug}/publish"),
        ("preview", f"{base}/p/{slug}/preview/0"),
        ("API tokens", f"{base}/api"),
        ("password", f"{address}/staff/password"),
    ]:
        assert page.goto(url).ok, what
        axe.check(page, what, scripts)
    page.goto(f"{base}/legal")
    axe.check(page, "legal pages", scripts)
    page.locator("#address").fill("")  # a required setting left empty
    page.locator(".legal-form button.primary").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe.check(page, "legal pages with errors", scripts)
    page.goto(f"{base}/p/{slug}/inbox")
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".case-main")).to_be_visible()
    axe.check(page, "case", scripts)
    staff.close()
    axe.assert_clean()
