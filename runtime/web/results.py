"""The public results of a survey or consultation, when its designer chose to publish them.

Only distributions of answers to choice, yes/no, rating, matrix and ranking questions are
shown: never free text, never anything about one submission, and nothing at all before a
handful of answers have been received. Figures are kept a minute per version and language,
so a much-visited page does not count every submission at each visit.
"""

from __future__ import annotations

import threading
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from runtime.catalogue import Published
from runtime.render_tree import Renderer
from runtime.reports import file_formats as export_formats
from runtime.reports import statistics
from runtime.reports.charts import Palette
from runtime.reports.figures import count_share, distribution_chart, mean_rank, percent
from runtime.site import Site, site_of
from runtime.submission_filter import SubmissionFilter

PUBLIC_MINIMUM = 5
CACHE_SECONDS = 60.0
_cache: dict[tuple[str, int, str], tuple[float, statistics.Figures]] = {}
_lock = threading.Lock()


def results_public(published: Published | None) -> bool:
    return published is not None and bool(
        (published.compiled.definition.get("settings") or {}).get("results_public")
    )


def public_figures(site: Site, published: Published, lang: str) -> statistics.Figures:
    key = (str(site.engine.url), published.version_id, lang)
    entry = _cache.get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    selection = SubmissionFilter(published.procedure_id, timezone=published.organisation.timezone)
    figures = statistics.figures(site.engine, selection, lang, answers_only=True)
    with _lock:
        if len(_cache) > 1000:
            _cache.clear()
        _cache[key] = (time.monotonic() + CACHE_SECONDS, figures)
    return figures


async def results(request: Request) -> Response:
    site = site_of(request)
    published = site.published.get(request.path_params["org"], request.path_params["procedure"])
    if published is None or not results_public(published):
        return site.not_found(request)
    organisation = published.organisation
    lang = site.lang(request, organisation)
    figures = await run_in_threadpool(public_figures, site, published, lang)
    palette = Palette.from_colors(dict(site.charter(organisation.theme).colors))
    shown = figures.total >= PUBLIC_MINIMUM
    response = site.page(
        request,
        organisation,
        [f"results-{published.procedure_slug}.html", "results.html"],
        lang=lang,
        r=Renderer(published.compiled, lang),
        version=published.compiled,
        procedure_slug=published.procedure_slug,
        figures=figures,
        shown=shown,
        minimum=PUBLIC_MINIMUM,
        charts={"distribution": lambda item: distribution_chart(item, lang, palette)},
        count_share=lambda count, share: count_share(count, share, lang),
        percent=lambda share: percent(share, lang),
        mean_rank=lambda value: mean_rank(value, lang),
    )
    response.headers["Cache-Control"] = f"public, max-age={int(CACHE_SECONDS)}"
    return response


async def results_csv(request: Request) -> Response:
    site = site_of(request)
    published = site.published.get(request.path_params["org"], request.path_params["procedure"])
    if published is None or not results_public(published):
        return site.not_found(request)
    lang = site.lang(request, published.organisation)
    figures = await run_in_threadpool(public_figures, site, published, lang)
    if figures.total < PUBLIC_MINIMUM:
        return site.not_found(request, published.organisation)
    rows = statistics.figure_rows(figures, lang, answers_only=True)
    dialect = "rfc4180" if request.query_params.get("dialect") == "rfc4180" else "excel-fr"
    return StreamingResponse(
        export_formats.csv_chunks(statistics.figure_header(lang), rows, dialect),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (f'attachment; filename="{published.procedure_slug}-resultats.csv"'),
            "Cache-Control": f"public, max-age={int(CACHE_SECONDS)}",
        },
    )
