"""Saving an edited charter: a new theme folder, then the organisation pointed at it.

Saving never changes a theme folder in place. It writes a new folder under the data folder,
`<data_dir>/themes/<slug>-r<N>`, whose theme.json names the theme it derives from (the
shipped theme the organisation started with, whose template overrides and files stay in
use), then points the organisation at it. A theme's files therefore never change under its
name, so everything kept by name stays right in every process with nothing to invalidate:
charters, Jinja environments and their rendered fragments, the PDF renderer's, and
browsers' copies of charter.css and of the logo.

The values come checked from designer/admin/charter_form.py; the runtime's own load of the
written folder is the last check before the organisation uses it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from designer.admin.charter_form import CharterValues, theme_data
from runtime.charter import Charter, CharterError, load_charter, theme_problems
from runtime.db import reading, writing
from runtime.models import Organisation

_REVISION = "-r"


def save(
    engine: Engine,
    data_dir: Path,
    roots: Sequence[Path],
    organisation: Organisation,
    charter: Charter,
    values: CharterValues,
) -> str:
    """Write the charter of `values` as a new theme and make it the organisation's; its name.

    The folder is complete before anyone can see it (written aside, then renamed), and the
    organisation points at it only once it loads as a charter: a failure leaves the current
    charter in place. Raises CharterError if the values are not a valid charter.
    """
    assert organisation.id is not None
    edited = data_dir / "themes"
    edited.mkdir(parents=True, exist_ok=True)
    previous = organisation.theme
    for _attempt in range(5):
        name = _next_name(edited, roots, organisation.slug)
        staging = edited / f".{name}.{secrets.token_hex(4)}.tmp"
        staging.mkdir()
        try:
            _write_theme(staging, values, charter, organisation.name)
            load_charter(staging, roots)  # the runtime's own check, on the very files
            try:
                os.rename(staging, edited / name)  # atomic: the folder appears whole
            except OSError:
                continue  # another save took this name in the meantime: take the next one
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        break
    else:
        raise CharterError(["no free name for the edited charter"])
    try:
        with writing(engine) as session:
            row = session.get(Organisation, organisation.id)
            assert row is not None
            row.theme = name
    except BaseException:
        shutil.rmtree(edited / name, ignore_errors=True)
        raise
    _prune(engine, edited, organisation.slug, keep={name, previous})
    return name


def _write_theme(folder: Path, values: CharterValues, charter: Charter, organisation_name: str) -> None:
    logo: str | None = None
    if values.new_logo is not None:
        logo = f"logo-{secrets.token_hex(4)}.{values.new_logo.extension}"
        _write(folder / logo, values.new_logo.data)
    elif charter.logo and not values.remove_logo:
        source = charter.asset_path(charter.logo)
        if source is not None:  # copied, so that every edited charter holds its own files
            logo = charter.logo
            _write(folder / logo, source.read_bytes())
    data = theme_data(values, charter, organisation_name, logo)
    problems = theme_problems(data)
    if problems:
        raise CharterError(problems)
    _write(folder / "theme.json", (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())


def _write(path: Path, content: bytes) -> None:
    with path.open("wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def _revision_pattern(slug: str) -> re.Pattern[str]:
    return re.compile(re.escape(_prefix(slug)) + re.escape(_REVISION) + r"([0-9]+)")


def _prefix(slug: str) -> str:
    # Theme names fit the organisation table's 63 characters, with room for "-r12345".
    return slug[:50]


def _next_name(edited: Path, roots: Sequence[Path], slug: str) -> str:
    pattern = _revision_pattern(slug)
    numbers = [int(match.group(1)) for path in edited.iterdir() if (match := pattern.fullmatch(path.name))]
    number = max(numbers, default=0) + 1
    while any((root / f"{_prefix(slug)}{_REVISION}{number}").exists() for root in roots):
        number += 1
    return f"{_prefix(slug)}{_REVISION}{number}"


def _prune(engine: Engine, edited: Path, slug: str, keep: set[str]) -> None:
    """Remove the organisation's older edited charters that nothing uses any more.

    The one just replaced is kept: a receipt queued a moment ago may still be rendered with it.
    """
    pattern = _revision_pattern(slug)
    with reading(engine) as session:
        used = set(session.exec(select(Organisation.theme)).all())
    for path in edited.iterdir():
        if pattern.fullmatch(path.name) and path.name not in keep | used:
            shutil.rmtree(path, ignore_errors=True)
