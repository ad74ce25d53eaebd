"""The staff URL map: every address under /staff, grouped by prefix.

An organisation's pages live under /staff/o/{org}, a procedure's under
/staff/o/{org}/p/{slug}, a submission's under /staff/o/{org}/s/{id}: a request tries only
the routes of its group, and no route of one group can shadow another's.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute, Mount, Route

from designer.web import (
    api_tokens,
    case,
    charter,
    editor,
    functions,
    inbox,
    legal,
    procedures,
    reports,
    session,
    team,
)
from runtime.web.routing import page_and_below


class ExportedFile(Convertor[str]):
    """What a procedure exports as JSON: its definition or its schema; so that
    `{what}.json` never takes `export.json`, the submissions' export."""

    regex = "definition|schema"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("exported", ExportedFile())

procedure_routes: list[BaseRoute] = [
    Route("/edit", editor.editor, methods=["GET", "POST"], name="staff_editor"),
    Route("/preview/{page:int}", editor.preview, methods=["GET", "POST"], name="staff_preview"),
    Route("/preview/{page:int}/refresh", editor.preview, methods=["POST"], name="staff_preview_refresh"),
    Route("/publish", procedures.publish, methods=["GET", "POST"], name="staff_publish"),
    Route("/{what:exported}.json", procedures.export_definition, name="staff_export"),
    Route("/functions", functions.bindings_page, methods=["GET", "POST"], name="staff_functions"),
    Route("/inbox", inbox.procedure_inbox, name="staff_procedure_inbox"),
    Route("/inbox/bulk", inbox.bulk_change, methods=["POST"], name="staff_inbox_bulk"),
    Route("/on-behalf", inbox.on_behalf, methods=["POST"], name="staff_on_behalf"),
    Route("/statistics", reports.statistics_page, name="staff_statistics"),
    Route("/statistics.csv", reports.statistics_csv, name="staff_statistics_csv"),
    Route("/export.{format}", reports.export, name="staff_submissions_export"),
]

organisation_routes: list[BaseRoute] = [
    Route("/new", procedures.new_procedure, methods=["POST"], name="staff_new"),
    Route("/import", procedures.import_definition, methods=["POST"], name="staff_import"),
    Route("/team", team.team_page, methods=["GET", "POST"], name="staff_team"),
    Route("/api", api_tokens.tokens, methods=["GET", "POST"], name="staff_api"),
    Route("/charter", charter.charter_page, methods=["GET", "POST"], name="staff_charter"),
    Route("/charter/preview", charter.preview, methods=["POST"], name="staff_charter_preview"),
    Route("/charter/preview.css", charter.preview_css, name="staff_charter_preview_css"),
    Route("/legal", legal.legal_page, methods=["GET", "POST"], name="staff_legal"),
    Route("/inbox", inbox.organisation_inbox, name="staff_inbox"),
    Mount("/p/{slug}", routes=procedure_routes),
    *page_and_below(
        Route("/s/{id}", case.page, name="staff_case"),
        [
            Route("/act", case.act, methods=["POST"], name="staff_case_act"),
            Route("/files/{file}", case.file, name="staff_case_file"),
        ],
    ),
]

routes: list[BaseRoute] = page_and_below(
    Route("/staff", session.dashboard, name="staff"),
    [
        Route("/login", session.login, methods=["GET", "POST"], name="staff_login"),
        Route("/logout", session.logout, methods=["POST"], name="staff_logout"),
        Route("/password", session.password, methods=["GET", "POST"], name="staff_password"),
        Mount("/o/{org}", routes=organisation_routes),
    ],
)
