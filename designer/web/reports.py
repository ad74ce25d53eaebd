"""Staff pages for a procedure's submissions as a whole: statistics and exports.

Administrators, agents and readers of the organisation see them; anyone else gets a 404.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from designer.accounts import Staff
from designer.backoffice import inbox
from designer.editor.publishing import ProcedureState
from designer.web.guard import Endpoint, ProcedureAccess, for_procedure
from designer.web.pages import staff_page
from runtime.catalogue import compiled_for
from runtime.i18n import gettext
from runtime.models import Organisation, ProcedureVersion
from runtime.render_tree import Renderer
from runtime.reports import exports, statistics
from runtime.reports import file_formats as export_formats
from runtime.reports.charts import Palette
from runtime.reports.figures import (
    count_share,
    distribution_chart,
    duration,
    mean_rank,
    percent,
    status_chart,
    timeline_chart,
)
from runtime.site import site_of
from runtime.submission_filter import FilterError, SubmissionFilter, filter_from_query, query_values

REPORT_ROLES = ("administrator", "agent", "reader")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass
class Report:
    organisation: Organisation
    state: ProcedureState
    versions: list[ProcedureVersion]
    selection: SubmissionFilter
    lang: str
    staff: Staff

    @property
    def slug(self) -> str:
        return self.state.procedure.slug

    @property
    def base(self) -> str:
        return f"/staff/o/{self.organisation.slug}/p/{self.slug}"


def for_report(handler: Callable[[Request, Report], Awaitable[Response]]) -> Endpoint:
    """A report on the procedure in the address, its submissions chosen by the filter in the
    query; a filter that cannot be read gets the statistics page saying why (400)."""

    @for_procedure(REPORT_ROLES)
    @functools.wraps(handler)
    async def endpoint(request: Request, access: ProcedureAccess) -> Response:
        site, organisation, state = access.site, access.organisation, access.state
        lang = site.lang(request)
        assert state.procedure.id is not None
        versions = await run_in_threadpool(exports.published_versions, site.engine, state.procedure.id)
        states = [
            name
            for version in versions
            for name in ((compiled_for(version).definition.get("workflow") or {}).get("states") or {})
        ]
        params = {key: request.query_params.getlist(key) for key in ("status", "from", "to")}
        try:
            selection = filter_from_query(params, state.procedure.id, organisation.timezone, states, lang)
        except FilterError as error:
            selection = SubmissionFilter(state.procedure.id, timezone=organisation.timezone)
            report = Report(organisation, state, versions, selection, lang, access.staff)
            return await _statistics_page(request, report, None, error.problems, status_code=400)
        return await handler(request, Report(organisation, state, versions, selection, lang, access.staff))

    return endpoint


@for_report
async def statistics_page(request: Request, report: Report) -> Response:
    site = site_of(request)
    figures = await run_in_threadpool(statistics.figures, site.engine, report.selection, report.lang)
    return await _statistics_page(request, report, figures, [])


async def _statistics_page(
    request: Request,
    report: Report,
    figures: statistics.Figures | None,
    problems: list[str],
    status_code: int = 200,
) -> Response:
    site = site_of(request)
    lang = report.lang
    palette = Palette.from_colors(dict(site.charter("default").colors))
    latest = report.versions[-1] if report.versions else report.state.latest
    title = (
        Renderer(compiled_for(latest), lang).text(latest.definition.get("title")) if latest else report.slug
    )
    query = query_values(report.selection)
    return staff_page(
        request,
        site,
        "staff_statistics.html",
        status_code=status_code,
        lang=lang,
        staff=report.staff,
        organisation_row=report.organisation,
        report=report,
        procedure_title=title,
        figures=figures,
        problems=problems,
        statuses=_status_choices(report),
        selection=report.selection,
        query=urlencode(query),
        query_prefix="?" + urlencode(query) if query else "",
        charts={
            "distribution": lambda item: distribution_chart(item, lang, palette),
            "statuses": lambda: status_chart(figures, lang, palette, report.state.procedure.kind),
            "timeline": lambda: timeline_chart(figures, lang, palette, report.state.procedure.kind),
        }
        if figures
        else {},
        count_share=lambda count, share: count_share(count, share, lang),
        percent=lambda share: percent(share, lang),
        duration=lambda value: duration(value, lang),
        mean_rank=lambda value: mean_rank(value, lang),
    )


def _status_choices(report: Report) -> list[tuple[str, str]]:
    labels: dict[str, str] = {}
    for version in reversed(report.versions):
        for name, label in exports.status_labels(compiled_for(version), report.lang).items():
            labels.setdefault(name, label)
    return list(labels.items())


@for_report
async def statistics_csv(request: Request, report: Report) -> Response:
    site = site_of(request)
    figures = await run_in_threadpool(statistics.figures, site.engine, report.selection, report.lang)
    dialect = _dialect(request)
    if dialect is None:
        return _bad_dialect(request, report)
    rows = statistics.figure_rows(figures, report.lang, kind=report.state.procedure.kind)
    return _download(
        export_formats.csv_chunks(statistics.figure_header(report.lang), rows, dialect),
        "csv",
        f"{report.slug}-statistiques",
    )


@for_report
async def export(request: Request, report: Report) -> Response:
    site = site_of(request)
    kind = request.path_params["format"]
    if kind not in MEDIA_TYPES:
        return site.not_found(request)
    header = "keys" if request.query_params.get("header") == "keys" else "labels"
    table = exports.layout(report.versions, report.lang, report.selection.zone, header)
    report = await _with_inbox_filters(request, report)
    headers = [column.header for column in table.columns]
    chunks: Any
    if kind == "json":
        chunks = export_formats.json_chunks(exports.records(site.engine, report.selection, table))
    elif kind == "xlsx":
        chunks = export_formats.xlsx_chunks(
            headers, exports.rows(site.engine, report.selection, table), report.slug
        )
    else:
        dialect = _dialect(request)
        if dialect is None:
            return _bad_dialect(request, report)
        chunks = export_formats.csv_chunks(
            headers, exports.rows(site.engine, report.selection, table), dialect
        )
    return _download(chunks, kind, report.slug)


INBOX_KEYS = ("tab", "q", "assignee", "field", "overdue")


async def _with_inbox_filters(request: Request, report: Report) -> Report:
    """An export asked from the inbox carries its filters: the file has the list's rows."""
    if not any(request.query_params.get(key) for key in INBOX_KEYS):
        return report
    site = site_of(request)
    assert report.organisation.id is not None and report.state.procedure.id is not None
    where = await run_in_threadpool(
        inbox.scope,
        site.engine,
        [report.organisation.id],
        report.state.procedure.id,
        report.organisation.timezone,
    )
    extra = inbox.conditions(
        where,
        inbox.Filters.parse(request.query_params),
        report.staff.user.id,
        site.engine.dialect.name,
    )
    return dataclasses.replace(report, selection=dataclasses.replace(report.selection, extra=tuple(extra)))


def _dialect(request: Request) -> str | None:
    dialect = request.query_params.get("dialect") or "excel-fr"
    return dialect if dialect in export_formats.DIALECTS else None


def _bad_dialect(request: Request, report: Report) -> Response:
    message = gettext(
        report.lang,
        "dialect: choose “excel-fr” (semicolons, for French spreadsheets) or “rfc4180” (commas).",
    )
    return staff_page(
        request,
        site_of(request),
        "error.html",
        status_code=400,
        lang=report.lang,
        title=gettext(report.lang, "This export cannot be made"),
        message=message,
    )


def _download(chunks: Any, kind: str, name: str) -> Response:
    # Starlette runs a plain generator in a worker thread, one chunk at a time.
    filename = f"{name}-{dt.date.today().isoformat()}.{kind}"
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
