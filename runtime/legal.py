"""An organisation's legal pages: what its settings say, completed by defaults.

Four pages every public website owes its readers, served under the organisation's address:
the legal notice (LCEN, article 6), how personal data is used (RGPD, articles 13 and 14),
the accessibility statement (RGAA, article 47 of law 2005-102) and how to reach the
organisation. They are written from the organisation's `contact` and `legal` settings; what
an administrator has not written yet falls back to what the organisation already says of
itself (its name, address, e-mail), so that every page is complete from the first start.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runtime.i18n import N_, gettext
from runtime.text import localize

# The pages' addresses under the organisation's (/beaulac/mentions-legales), and their keys.
# French addresses: they are what citizens read in the address bar and what themes link to.
PAGES: Mapping[str, str] = {
    "mentions-legales": "notice",
    "donnees-personnelles": "data",
    "accessibilite": "accessibility",
    "contact": "contact",
}
ADDRESSES: Mapping[str, str] = {key: address for address, key in PAGES.items()}
CONTACT_KEYS = ("service", "address", "phone", "email", "website", "hours")
LEGAL_KEYS = (
    "director",
    "host_name",
    "host_address",
    "host_phone",
    "dpo",
    "data_notes",
    "audit_rate",
    "audit_date",
    "audit_by",
    "non_accessible",
    "derogations",
    "exempt",
    "statement_date",
)
# The state of conformity a statement declares, in the RGAA's own words.
CONFORMITY: Mapping[str, str] = {
    "none": N_("not compliant"),
    "partial": N_("partially compliant"),
    "full": N_("fully compliant"),
}
# Most procedures of a town carry out a task in the public interest (RGPD, article 6-1-e).
PUBLIC_TASK = N_("Performance of a task carried out in the public interest (GDPR, article 6(1)(e)).")
_RATE = re.compile(r"[0-9]{1,3}([.,][0-9]{1,2})?")


def parse_rate(text: str) -> float | None:
    """An audit's rate of compliance, in percent ("72,5" or "72.5"), or None if it is not one."""
    text = text.strip().removesuffix("%").strip()
    if not _RATE.fullmatch(text):
        return None
    rate = float(text.replace(",", "."))
    return rate if rate <= 100 else None


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def conformity(rate: float | None) -> str:
    """The RGAA's rule: fully compliant when every criterion is met, partially from half of
    them; below that, or without an audit, not compliant."""
    if rate is None or rate < 50:
        return "none"
    return "full" if rate >= 100 else "partial"


def conformity_of(legal: Mapping[str, Any]) -> str:
    """The state an organisation's statement declares (a CONFORMITY message), from its settings.

    Every page's footer says it next to the link to the statement, as the RGAA asks: the
    theme's own label for that link could not know each organisation's audit.
    """
    rate = legal.get("audit_rate")
    return CONFORMITY[conformity(parse_rate(rate) if isinstance(rate, str) else None)]


@dataclass(frozen=True)
class Processing:
    """What one published procedure does with personal data, in the reader's language."""

    address: str  # the procedure's slug
    title: str
    purpose: str  # Markdown, may be empty
    legal_basis: str
    recipients: str
    retention: str  # may be empty: the page then says it is not stated


@dataclass(frozen=True)
class LegalPages:
    """Everything the four pages say, defaults applied, in the reader's language."""

    name: str
    service: str
    address: str
    phone: str
    email: str
    website: str
    hours: str  # Markdown
    director: str
    host_name: str
    host_address: str
    host_phone: str
    dpo: str
    data_notes: str  # Markdown
    audit_rate: float | None
    audit_date: dt.date | None
    audit_by: str
    non_accessible: str  # Markdown
    derogations: str  # Markdown
    exempt: str  # Markdown
    statement_date: dt.date | None

    @property
    def conformity(self) -> str:
        return conformity(self.audit_rate)

    @property
    def rate_text(self) -> str:
        return f"{self.audit_rate:g}" if self.audit_rate is not None else ""


def _text(settings: Mapping[str, Any], key: str) -> str:
    value = settings.get(key)
    return value.strip() if isinstance(value, str) else ""


def legal_pages(
    name: str, kind: str, contact: Mapping[str, Any], legal: Mapping[str, Any], lang: str
) -> LegalPages:
    """The pages' content for an organisation (its name, kind and settings) in `lang`."""
    address, phone, email = _text(contact, "address"), _text(contact, "phone"), _text(contact, "email")
    website = _text(contact, "website")
    head = N_("The mayor of %(name)s") if kind in ("commune", "village") else N_("The president of %(name)s")
    audit_date = parse_date(_text(legal, "audit_date"))
    return LegalPages(
        name=name,
        service=_text(contact, "service"),
        address=address,
        phone=phone,
        email=email,
        # Only a web address becomes a link: never a javascript: one, whoever stored it.
        website=website if website.startswith(("https://", "http://")) else "",
        hours=_text(contact, "hours"),
        director=_text(legal, "director") or gettext(lang, head, name=name),
        # Without a word on the host, the organisation serves the pages itself.
        host_name=_text(legal, "host_name") or name,
        host_address=_text(legal, "host_address") or address,
        host_phone=_text(legal, "host_phone") or phone,
        dpo=_text(legal, "dpo") or email,
        data_notes=_text(legal, "data_notes"),
        audit_rate=parse_rate(_text(legal, "audit_rate")),
        audit_date=audit_date,
        audit_by=_text(legal, "audit_by"),
        non_accessible=_text(legal, "non_accessible"),
        derogations=_text(legal, "derogations"),
        exempt=_text(legal, "exempt"),
        statement_date=parse_date(_text(legal, "statement_date")) or audit_date,
    )


def processing(definition: Mapping[str, Any], lang: str) -> Processing:
    """What a procedure's definition states of its personal data; the public task by default."""
    fallback = str(definition.get("lang") or "fr")
    legal = definition.get("legal") or {}
    settings = definition.get("settings") or {}

    def text(key: str) -> str:
        return localize(legal.get(key), lang, fallback).strip()

    retention = text("retention")
    days = settings.get("retention_days")
    if not retention and isinstance(days, int):
        retention = gettext(lang, N_("%(days)s days after the file is closed."), days=days)
    return Processing(
        address=str(definition.get("id", "")),
        title=localize(definition.get("title"), lang, fallback),
        purpose=text("purpose"),
        legal_basis=text("legal_basis") or gettext(lang, PUBLIC_TASK),
        recipients=text("recipients"),
        retention=retention,
    )
