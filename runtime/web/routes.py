"""The citizen-facing URL map, with the JSON API under /api.

Addresses are grouped under their prefixes (a draft's pages under /d/{token}, a
submission's under /s/{token}): a request tries only the routes of its group. One order
matters: an organisation's addresses (/{org}, /{org}/{procedure}...) take any first
segment, so they come last, and the staff map comes before this one (see app.py).
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from runtime.legal import PAGES
from runtime.web import access, follow, follow_actions, forms, json_api, legal_pages, pages, results
from runtime.web.routing import page_and_below

STATIC = Path(__file__).resolve().parent.parent / "static"

routes: list[BaseRoute] = [
    Route("/", pages.index, name="index"),
    Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    Route("/lang/{lang}", pages.choose_language, name="language"),
    Mount(
        "/charters/{theme}",
        routes=[
            # The stylesheet is made from the charter; any other name is one of its files.
            Route("/charter.css", pages.charter_css, name="charter_css"),
            Route("/{name:path}", pages.charter_asset, name="charter_asset"),
        ],
    ),
    *page_and_below(
        Route("/d/{token}", forms.resume, name="resume"),
        [
            Route("/p/{number:int}", forms.page, methods=["GET", "POST"], name="page"),
            Route("/p/{number:int}/refresh", forms.refresh, methods=["POST"], name="refresh"),
            Route("/review", forms.review, name="review"),
            Route("/submit", forms.send, methods=["POST"], name="submit"),
            Route("/saved", access.saved, methods=["GET", "POST"], name="saved"),
        ],
    ),
    Route("/r/{token}", follow.receipt_page, name="receipt"),
    *page_and_below(
        Route("/s/{token}", follow.follow_page, name="follow"),
        [
            Route("/receipt.pdf", follow.receipt_pdf, name="receipt_pdf"),
            Route("/complement", follow_actions.complement, methods=["POST"], name="follow_complement"),
            Route("/message", follow_actions.write, methods=["POST"], name="follow_message"),
            Route("/withdraw", follow_actions.withdraw, methods=["POST"], name="follow_withdraw"),
            Route("/files/{file}", follow_actions.file, name="follow_file"),
        ],
    ),
    Route("/verify/{fingerprint}", follow.verify, name="verify"),
    Mount("/api", routes=json_api.routes),
    # Last: any first segment is an organisation's.
    Route("/{org}", pages.home, name="home"),
    # Before an organisation's procedures: these names are refused as a procedure's address.
    Route(f"/{{org}}/{access.FIND}", access.find_requests, methods=["GET", "POST"], name="find_requests"),
    *(
        Route(f"/{{org}}/{address}", legal_pages.page_for(key), name=f"legal_{key}")
        for address, key in PAGES.items()
    ),
    *page_and_below(
        Route("/{org}/{procedure}", forms.start, methods=["GET", "POST"], name="start"),
        [
            Route("/refresh", forms.refresh_start, methods=["POST"], name="start_refresh"),
            Route("/resultats", results.results, name="results"),
            Route("/resultats.csv", results.results_csv, name="results_csv"),
        ],
    ),
]
