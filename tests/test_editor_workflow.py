"""The editor's workflow pane: statuses and transitions edited, and their gaps flagged."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.test_editor import Editor, _new
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio


async def test_the_workflow_is_edited_and_its_gaps_flagged(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    await client.post(
        "/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "procedure"}
    )
    editor = Editor(client)
    await editor.do("status_add", label="En attente de pièces")
    soup = await editor.soup()
    row = soup.find(id="status-en-attente-de-pieces")
    assert row is not None and row.select_one(".error-message") is not None  # unreachable
    await editor.do(
        "transition_add", **{"from": "en-instruction", "to": "en-attente-de-pieces", "label": "Demander"}
    )
    await editor.do("transition_add", **{"from": "en-attente-de-pieces", "to": "en-instruction"})
    soup = await editor.soup()
    assert soup.find(id="status-en-attente-de-pieces").select_one(".error-message") is None
    assert len(soup.select(".transitions li")) == 6
    refused = await editor.do("status_delete", expect=422, status="en-construction")
    assert "Le premier statut ne peut pas être supprimé" in refused.text


async def test_notifying_the_citizen_without_an_email_question_is_flagged(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client)
    await editor.do("add", widget="text")
    soup = await editor.soup()
    flow = soup.select_one("details.workflow-editor")
    assert flow.select_one("summary").get_text().endswith("1 avertissement")
    assert "aucune question de courriel" in flow.select_one(".citizen-unreachable").get_text()
    notifying = [li for li in flow.select(".transitions li") if "prévenir l’usager" in li.get_text()]
    assert notifying and all("aucune question de courriel" in li.get_text() for li in notifying)
    assert flow.select_one("#tr-notify")["aria-describedby"] == "tr-notify-warning"

    await editor.do("add", widget="email")
    flow = (await editor.soup()).select_one("details.workflow-editor")
    assert (
        flow.select_one(".citizen-unreachable") is None
        and "aucune question de courriel" not in flow.get_text()
    )
    assert not flow.select_one("#tr-notify").has_attr("aria-describedby")
