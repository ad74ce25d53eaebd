"""Workflow editing: statuses and transitions; unreachable statuses and dead ends flagged."""

from __future__ import annotations

import pytest

from designer.editor import operations, workflow_editing
from runtime.definition import check_definition


def procedure() -> dict:
    return operations.blank("permis", "Permis", "procedure", "fr")


def test_the_default_graph_has_no_warning() -> None:
    assert workflow_editing.warnings(procedure()) == []
    survey = operations.blank("avis", "Avis", "survey", "fr")
    assert workflow_editing.warnings(survey) == []


def test_a_new_status_is_unreachable_until_a_transition_leads_to_it() -> None:
    changed = workflow_editing.add_status(procedure(), "fr", "En attente de pièces")
    status = "en-attente-de-pieces"
    assert workflow_editing.warnings(changed) == [(status, "unreachable")]
    linked = workflow_editing.add_transition(
        changed,
        "fr",
        {
            "from": "en-instruction",
            "to": status,
            "label": "Demander",
            "ask_complement": "on",
            "comment_required": "on",
        },
    )
    assert (status, "dead_end") in workflow_editing.warnings(linked)
    back = workflow_editing.add_transition(linked, "fr", {"from": status, "to": "en-instruction"})
    assert workflow_editing.warnings(back) == []
    assert check_definition(back) == []
    added = back["workflow"]["transitions"][-2]
    assert added["comment_required"] is True and {"ask": "complement"} in added["actions"]


def test_statuses_are_edited_and_deleted_with_their_transitions() -> None:
    changed = workflow_editing.set_status(
        procedure(), "acceptee", "fr", {"label": "Autorisée", "visible": "on", "final": "on"}
    )
    assert changed["workflow"]["states"]["acceptee"]["label"]["fr"] == "Autorisée"
    hidden = workflow_editing.set_status(changed, "en-instruction", "fr", {"label": "Instruction"})
    assert hidden["workflow"]["states"]["en-instruction"]["visible"] is False
    removed = workflow_editing.delete_status(hidden, "refusee")
    assert "refusee" not in removed["workflow"]["states"]
    assert all("refusee" not in (t["from"], t["to"]) for t in removed["workflow"]["transitions"])
    with pytest.raises(operations.EditRefused):
        workflow_editing.delete_status(removed, "en-construction")
    with pytest.raises(operations.EditRefused):
        workflow_editing.add_transition(removed, "fr", {"from": "nowhere", "to": "acceptee"})


def test_every_action_can_be_added_without_writing_json() -> None:
    changed = workflow_editing.add_transition(
        procedure(),
        "fr",
        {
            "from": "en-instruction",
            "to": "acceptee",
            "label": "Autoriser",
            "assign_actor": "on",
            "deadline_days": "10",
            "document_title": "Autorisation d’occupation",
            "document_text": "Le demandeur {nom} est autorisé.",
            "webhook": "https://sig.example/hook",
        },
    )
    added = changed["workflow"]["transitions"][-1]
    assert {"assign": "actor"} in added["actions"] and {"deadline_days": 10} in added["actions"]
    assert {"webhook": "https://sig.example/hook"} in added["actions"]
    assert {
        "document": {
            "title": {"fr": "Autorisation d’occupation"},
            "text": {"fr": "Le demandeur {nom} est autorisé."},
        }
    } in added["actions"]
    assert check_definition(changed) == []
    automatic = workflow_editing.add_transition(
        changed, "fr", {"from": "en-construction", "to": "classee-sans-suite", "after_days": "60"}
    )
    last = automatic["workflow"]["transitions"][-1]
    assert last["after_days"] == 60 and "functions" not in last
    assert check_definition(automatic) == []
    with pytest.raises(operations.EditRefused):
        workflow_editing.add_transition(
            changed, "fr", {"from": "en-instruction", "to": "acceptee", "deadline_days": "dix"}
        )
    bad_hook = workflow_editing.add_transition(
        changed, "fr", {"from": "en-instruction", "to": "acceptee", "webhook": "file:///etc/passwd"}
    )
    assert any("webhook" in problem.path for problem in check_definition(bad_hook))
