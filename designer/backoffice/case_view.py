"""A case as one person opens it: the case, its version, the organisation's procedures and
the workflow functions this person holds, read in one trip to the thread pool."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from designer.accounts import Staff
from designer.admin import functions
from designer.backoffice.casework import Case, case
from designer.backoffice.procedures import ProcedureInfo, procedures_of
from runtime import processing
from runtime.models import Organisation

if TYPE_CHECKING:
    from runtime.site import VersionInfo


@dataclass(frozen=True)
class CaseView:
    case: Case
    version: VersionInfo  # the submission's version
    procedures: dict[int, ProcedureInfo]  # the organisation's
    held: frozenset[str]  # the workflow functions this person holds on the case's procedure


def open_case(
    engine: Engine,
    staff: Staff,
    organisation: Organisation,
    submission_id: int,
    lang: str,
    version_of: Callable[[int], VersionInfo | None],
) -> CaseView | None:
    """The submission if it belongs to one of the organisation's procedures; None otherwise,
    whatever it is."""
    assert organisation.id is not None
    infos = procedures_of(engine, organisation, lang)
    peek = processing.load(engine, submission_id)
    if peek is None or peek[0].procedure_id not in infos:
        return None
    info = version_of(peek[0].version_id)
    assert info is not None  # a submission's version is never deleted
    held = functions.held(engine, staff, organisation.id, peek[0].procedure_id, info.compiled.definition)

    def definition_for(version_id: int) -> Mapping[str, Any]:
        found = version_of(version_id)
        assert found is not None
        return found.compiled.definition

    found = case(engine, submission_id, tuple(infos), organisation.id, definition_for, held)
    return None if found is None else CaseView(found, info, infos, held)
