"""The words of each kind of procedure: what a citizen sends, and what it is called after.

A citizen applying for a permit sends a request and gets an acknowledgement of receipt
with the legal mentions of the code des relations entre le public et l'administration;
someone answering a satisfaction survey sends answers, a consultation takes contributions
and a participatory budget takes votes: none of those is an application to the
administration, and calling them "requests" or citing the CRPA on their receipt misleads.
Every page, PDF, e-mail and statistic asks this module for its words instead of naming a
kind. The messages are whole sentences, one per kind, because French agrees its words
with the noun (une demande retirée, un vote retiré).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runtime.i18n import N_


@dataclass(frozen=True)
class Wording:
    kind: str
    label: str  # the kind itself, on the catalogue's badges and in the editor
    is_application: bool  # an application to the administration (CRPA L112-11 and following)
    follow_heading: str  # "%(reference)s" is the submission's reference
    received_event: str
    on_behalf: str  # the agents' inbox: entering one for a citizen met at the counter
    sent_heading: str
    send_button: str
    receipt_title: str  # when the definition gives none
    download_receipt: str
    follow_link: str
    follow_online: str
    keep_link: str
    withdraw: str
    withdraw_explained: str
    withdraw_confirm: str
    withdraw_unconfirmed: str  # the error when the box is not ticked
    withdrawn_status: str
    withdrawn_notice: str
    mail_subject_status: str  # "%(reference)s", "%(status)s"
    mail_subject_message: str  # "%(reference)s"
    total: str  # statistics: how many were received
    over_time: str
    per_week: str  # the title of the chart of `over_time`
    per_day: str
    by_status: str  # the description of the chart of statuses; "%(n)s" is a number
    processing_time: bool  # statistics: an application is processed, an answer is counted


KINDS: dict[str, Wording] = {
    "procedure": Wording(
        kind="procedure",
        label=N_("Procedure"),
        is_application=True,
        follow_heading=N_("Request %(reference)s"),
        received_event=N_("Request received"),
        on_behalf=N_("Enter a request for a citizen"),
        sent_heading=N_("Your request has been sent"),
        send_button=N_("Send my request"),
        receipt_title=N_("Acknowledgement of receipt"),
        download_receipt=N_("Download the acknowledgement of receipt (PDF)"),
        follow_link=N_("Follow my request"),
        follow_online=N_("Follow your request online:"),
        keep_link=N_(
            "Keep the follow-up link: it shows what becomes of your request. Anyone with the link can see it."
        ),
        withdraw=N_("Withdraw my request"),
        withdraw_explained=N_(
            "Nobody has started processing your request yet: you can withdraw it. This cannot be undone."
        ),
        withdraw_confirm=N_("I withdraw my request"),
        withdraw_unconfirmed=N_("Tick the box to confirm that you withdraw your request."),
        withdrawn_status=N_("Withdrawn at your request"),
        withdrawn_notice=N_("Your request has been withdrawn."),
        mail_subject_status=N_("Your request %(reference)s: %(status)s"),
        mail_subject_message=N_("New message about your request %(reference)s"),
        total=N_("Submissions"),
        over_time=N_("Submissions over time"),
        per_week=N_("Submissions per week"),
        per_day=N_("Submissions per day"),
        by_status=N_("%(n)s submissions by current status."),
        processing_time=True,
    ),
    "survey": Wording(
        kind="survey",
        label=N_("Survey"),
        is_application=False,
        follow_heading=N_("Answer %(reference)s"),
        received_event=N_("Answers received"),
        on_behalf=N_("Enter answers for a citizen"),
        sent_heading=N_("Your answers have been sent"),
        send_button=N_("Send my answers"),
        receipt_title=N_("Receipt of your answers"),
        download_receipt=N_("Download the receipt of your answers (PDF)"),
        follow_link=N_("See my answers"),
        follow_online=N_("Your answers online:"),
        keep_link=N_("Keep this link: it shows your answers. Anyone with the link can see them."),
        withdraw=N_("Withdraw my answers"),
        withdraw_explained=N_(
            "You can withdraw your answers: they will no longer be counted. This cannot be undone."
        ),
        withdraw_confirm=N_("I withdraw my answers"),
        withdraw_unconfirmed=N_("Tick the box to confirm that you withdraw your answers."),
        withdrawn_status=N_("You withdrew your answers"),
        withdrawn_notice=N_("Your answers have been withdrawn."),
        mail_subject_status=N_("Your answer %(reference)s: %(status)s"),
        mail_subject_message=N_("New message about your answer %(reference)s"),
        total=N_("Answers received"),
        over_time=N_("Answers over time"),
        per_week=N_("Answers per week"),
        per_day=N_("Answers per day"),
        by_status=N_("%(n)s answers by current status."),
        processing_time=False,
    ),
    "consultation": Wording(
        kind="consultation",
        label=N_("Consultation"),
        is_application=False,
        follow_heading=N_("Contribution %(reference)s"),
        received_event=N_("Contribution received"),
        on_behalf=N_("Enter a contribution for a citizen"),
        sent_heading=N_("Your contribution has been sent"),
        send_button=N_("Send my contribution"),
        receipt_title=N_("Confirmation of participation"),
        download_receipt=N_("Download the confirmation of participation (PDF)"),
        follow_link=N_("Follow my contribution"),
        follow_online=N_("Follow your contribution online:"),
        keep_link=N_(
            "Keep the follow-up link: it shows your contribution and what becomes of it. Anyone with the link can see it."
        ),
        withdraw=N_("Withdraw my contribution"),
        withdraw_explained=N_(
            "You can withdraw your contribution: it will no longer be taken into account. This cannot be undone."
        ),
        withdraw_confirm=N_("I withdraw my contribution"),
        withdraw_unconfirmed=N_("Tick the box to confirm that you withdraw your contribution."),
        withdrawn_status=N_("You withdrew your contribution"),
        withdrawn_notice=N_("Your contribution has been withdrawn."),
        mail_subject_status=N_("Your contribution %(reference)s: %(status)s"),
        mail_subject_message=N_("New message about your contribution %(reference)s"),
        total=N_("Contributions received"),
        over_time=N_("Contributions over time"),
        per_week=N_("Contributions per week"),
        per_day=N_("Contributions per day"),
        by_status=N_("%(n)s contributions by current status."),
        processing_time=False,
    ),
    "vote": Wording(
        kind="vote",
        label=N_("Vote"),
        is_application=False,
        follow_heading=N_("Vote %(reference)s"),
        received_event=N_("Vote recorded"),
        on_behalf=N_("Enter a vote for a citizen"),
        sent_heading=N_("Your vote has been recorded"),
        send_button=N_("Cast my vote"),
        receipt_title=N_("Confirmation of vote"),
        download_receipt=N_("Download the confirmation of vote (PDF)"),
        follow_link=N_("See my vote"),
        follow_online=N_("Your vote online:"),
        keep_link=N_("Keep this link: it shows your vote. Anyone with the link can see it."),
        withdraw=N_("Withdraw my vote"),
        withdraw_explained=N_(
            "You can withdraw your vote while voting is open: it will no longer be counted. This cannot be undone."
        ),
        withdraw_confirm=N_("I withdraw my vote"),
        withdraw_unconfirmed=N_("Tick the box to confirm that you withdraw your vote."),
        withdrawn_status=N_("You withdrew your vote"),
        withdrawn_notice=N_("Your vote has been withdrawn."),
        mail_subject_status=N_("Your vote %(reference)s: %(status)s"),
        mail_subject_message=N_("New message about your vote %(reference)s"),
        total=N_("Votes cast"),
        over_time=N_("Votes over time"),
        per_week=N_("Votes per week"),
        per_day=N_("Votes per day"),
        by_status=N_("%(n)s votes by current status."),
        processing_time=False,
    ),
}


def wording(kind_or_definition: str | Mapping[str, Any] | None) -> Wording:
    """The words of a kind, given the kind or a definition. The schema admits only the
    kinds above; anything else reads as an application, as every definition did before
    kinds had words of their own."""
    kind = kind_or_definition.get("kind") if isinstance(kind_or_definition, Mapping) else kind_or_definition
    return KINDS.get(str(kind), KINDS["procedure"])
