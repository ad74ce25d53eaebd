"""The citizen-facing URL map."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from runtime.web import follow, follow_actions, forms, pages
from runtime.web import json_api as api

STATIC = Path(__file__).resolve().parent.parent / "static"

routes = [
    Route("/", pages.index, name="index"),
    Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    Route("/lang/{lang}", pages.choose_language, name="language"),
    Route("/charters/{theme}/charter.css", pages.charter_css, name="charter_css"),
    Route("/charters/{theme}/{name:path}", pages.charter_asset, name="charter_asset"),
    Route("/d/{token}", forms.resume, name="resume"),
    Route("/d/{token}/p/{number:int}", forms.page, methods=["GET", "POST"], name="page"),
    Route("/d/{token}/p/{number:int}/refresh", forms.refresh, methods=["POST"], name="refresh"),
    Route("/d/{token}/review", forms.review, name="review"),
    Route("/d/{token}/submit", forms.send, methods=["POST"], name="submit"),
    Route("/d/{token}/saved", forms.saved, name="saved"),
    Route("/r/{token}", follow.receipt_page, name="receipt"),
    Route("/s/{token}", follow.follow_page, name="follow"),
    Route("/s/{token}/receipt.pdf", follow.receipt_pdf, name="receipt_pdf"),
    Route("/s/{token}/complement", follow_actions.complement, methods=["POST"], name="follow_complement"),
    Route("/s/{token}/message", follow_actions.write, methods=["POST"], name="follow_message"),
    Route("/s/{token}/withdraw", follow_actions.withdraw, methods=["POST"], name="follow_withdraw"),
    Route("/s/{token}/files/{file}", follow_actions.file, name="follow_file"),
    Route("/verify/{fingerprint}", follow.verify, name="verify"),
    *api.routes,
    Route("/{org}", pages.home, name="home"),
    Route("/{org}/{procedure}", forms.start, methods=["GET", "POST"], name="start"),
    Route("/{org}/{procedure}/refresh", forms.refresh_start, methods=["POST"], name="start_refresh"),
]
