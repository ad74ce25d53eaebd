"""The legal pages' settings as a form edits them, and checked.

What the pages say is decided by runtime/legal.py; this module lists the settings an
administrator writes (each with its label, hint and limits, declared once), shows them
filled with what the pages say today (so that a default is seen, and kept, before it is
changed), and phrases what is wrong with what was posted, field by field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from designer.admin.charter_form import Problems
from runtime.i18n import N_, gettext
from runtime.legal import legal_pages, parse_date, parse_rate
from runtime.models import Organisation

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[0-9][0-9 .()-]{3,29}")
WEBSITE = re.compile(r"https?://[^\s\"'<>]+")


@dataclass(frozen=True)
class Setting:
    name: str  # the form field, and the key in the organisation's `contact` or `legal`
    column: str  # "contact" or "legal"
    label: str
    hint: str = ""
    limit: int = 200  # characters
    kind: str = "text"  # text, markdown, email, tel, url, rate, date
    required: bool = False


MARKDOWN_HINT = N_("Markdown: a blank line between paragraphs, “- ” at the start of each item of a list.")
SECTIONS: tuple[tuple[str, tuple[Setting, ...]], ...] = (
    (
        N_("Contact"),
        (
            Setting(
                "service",
                "contact",
                N_("Service receiving the public"),
                N_("For example: Town hall – reception."),
            ),
            Setting("address", "contact", N_("Postal address"), limit=300, required=True),
            Setting("phone", "contact", N_("Phone"), kind="tel"),
            Setting("email", "contact", N_("E-mail"), kind="email", required=True),
            Setting("website", "contact", N_("Website"), N_("Starting with https://."), kind="url"),
            Setting("hours", "contact", N_("Opening hours"), MARKDOWN_HINT, 2000, "markdown"),
        ),
    ),
    (
        N_("Legal notice"),
        (
            Setting(
                "director",
                "legal",
                N_("Director of publication"),
                N_("Usually the mayor or the president, by name and office."),
                required=True,
            ),
            Setting(
                "host_name", "legal", N_("Host"), N_("Who runs the server of these pages."), required=True
            ),
            Setting("host_address", "legal", N_("Host’s address"), limit=300, required=True),
            Setting("host_phone", "legal", N_("Host’s phone"), kind="tel"),
        ),
    ),
    (
        N_("Personal data"),
        (
            Setting(
                "dpo",
                "legal",
                N_("Data protection officer"),
                N_("An e-mail address or a postal address where citizens exercise their rights."),
                limit=300,
                required=True,
            ),
            Setting(
                "data_notes",
                "legal",
                N_("More about personal data (optional)"),
                N_("Shown above the list of procedures, each with its purpose, legal basis and retention.")
                + " "
                + MARKDOWN_HINT,
                5000,
                "markdown",
            ),
        ),
    ),
    (
        N_("Accessibility statement"),
        (
            Setting(
                "audit_rate",
                "legal",
                N_("Rate of RGAA criteria met at the last audit, in percent"),
                N_("Leave empty if no audit was carried out: the statement then says “not compliant”."),
                kind="rate",
            ),
            Setting("audit_date", "legal", N_("Date of the audit"), kind="date"),
            Setting("audit_by", "legal", N_("Audit carried out by")),
            Setting("non_accessible", "legal", N_("Non-compliances"), MARKDOWN_HINT, 5000, "markdown"),
            Setting(
                "derogations",
                "legal",
                N_("Derogations for disproportionate burden"),
                MARKDOWN_HINT,
                5000,
                "markdown",
            ),
            Setting(
                "exempt",
                "legal",
                N_("Content not subject to the accessibility obligation"),
                MARKDOWN_HINT,
                5000,
                "markdown",
            ),
        ),
    ),
)
SETTINGS: tuple[Setting, ...] = tuple(setting for _title, settings in SECTIONS for setting in settings)
# The statement's date changes when what it says of accessibility does.
STATEMENT = ("audit_rate", "audit_date", "audit_by", "non_accessible", "derogations", "exempt")


def editable(organisation: Organisation, lang: str) -> dict[str, str]:
    """The form's values: what the pages say today, defaults included."""
    pages = legal_pages(organisation.name, organisation.kind, organisation.contact, organisation.legal, lang)
    stored = {**organisation.contact, **organisation.legal}
    values = {}
    for setting in SETTINGS:
        shown = getattr(pages, setting.name)
        if setting.kind in ("rate", "date"):  # as written, not as read
            shown = stored.get(setting.name) or ""
        values[setting.name] = str(shown or "")
    return values


def read_form(form: Mapping[str, str], lang: str, today: dt.date) -> tuple[dict[str, str], Problems]:
    """The posted values, trimmed, and what is wrong with them, next to each field."""
    values = {setting.name: form.get(setting.name, "").replace("\r\n", "\n").strip() for setting in SETTINGS}
    problems = Problems()
    for setting in SETTINGS:
        value = values[setting.name]
        label = gettext(lang, setting.label)
        if not value:
            if setting.required:
                problems.add(setting.name, gettext(lang, N_("%(label)s: this is required."), label=label))
            continue
        if len(value) > setting.limit:
            problems.add(
                setting.name,
                gettext(lang, N_("%(label)s: at most %(max)s characters."), label=label, max=setting.limit),
            )
        message = _format_problem(setting.kind, value, today)
        if message:
            problems.add(setting.name, gettext(lang, message, label=label))
    if values["audit_rate"] and not values["audit_date"]:
        problems.add(
            "audit_date",
            gettext(lang, N_("Date of the audit: write the date of the audit whose rate is given.")),
        )
    if values["audit_date"] and not values["audit_rate"]:
        problems.add("audit_rate", gettext(lang, N_("Rate of the audit: write the rate the audit found.")))
    return values, problems


def _format_problem(kind: str, value: str, today: dt.date) -> str | None:
    if kind == "email" and not EMAIL.fullmatch(value):
        return N_("%(label)s: write an e-mail address, for example mairie@example.fr.")
    if kind == "tel" and not PHONE.fullmatch(value):
        return N_("%(label)s: write a phone number with digits, for example 02 61 91 20 00.")
    if kind == "url" and not WEBSITE.fullmatch(value):
        return N_("%(label)s: write an address starting with https://, without spaces.")
    if kind == "rate" and parse_rate(value) is None:
        return N_("%(label)s: write a number from 0 to 100, for example 78 or 78,5.")
    if kind == "date":
        date = parse_date(value)
        if date is None:
            return N_("%(label)s: write a date as YYYY-MM-DD, for example 2026-06-15.")
        if date > today:
            return N_("%(label)s: the audit cannot be in the future.")
    return None


def stored(
    values: Mapping[str, str], organisation: Organisation, today: dt.date
) -> tuple[dict[str, str], dict[str, str]]:
    """The organisation's new `contact` and `legal`: checked values over what was there.

    Keys the form does not show are kept; the statement is dated today when what it says of
    accessibility changed.
    """
    contact = dict(organisation.contact)
    legal = dict(organisation.legal)
    for setting in SETTINGS:
        (contact if setting.column == "contact" else legal)[setting.name] = values[setting.name]
    if any(legal.get(name, "") != organisation.legal.get(name, "") for name in STATEMENT):
        legal["statement_date"] = today.isoformat()
    return contact, legal
