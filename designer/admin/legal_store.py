"""Saving the legal pages' settings of an organisation (checked by legal_form.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from runtime.db import writing
from runtime.models import Organisation


def save(engine: Engine, organisation_id: int, contact: dict[str, Any], legal: dict[str, Any]) -> None:
    with writing(engine) as session:
        row = session.get(Organisation, organisation_id)
        if row is None:  # removed meanwhile: nothing to save into
            return
        # New dicts, so that the JSON columns are seen as changed.
        row.contact = dict(contact)
        row.legal = dict(legal)
        session.add(row)
