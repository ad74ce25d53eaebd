"""The figures of a procedure as charts and sentences, in one language.

The statistics page and the public results page both draw with these, so a chart and the
table beside it always say the same numbers the same way.
"""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_percent
from babel.units import format_unit
from markupsafe import Markup

from runtime.i18n import N_, date_text, gettext, locale, number_text
from runtime.reports.charts import BarItem, Palette, StackedRow, bar_chart, stacked_chart, time_chart
from runtime.reports.distributions import Distribution
from runtime.reports.statistics import Figures
from runtime.wording import wording


def percent(share: float, lang: str) -> str:
    return format_percent(share, locale=locale(lang))


def count_share(count: int, share: float, lang: str) -> str:
    return f"{number_text(count, lang)} ({percent(share, lang)})"


def duration(value: dt.timedelta | None, lang: str) -> str:
    """ "8,6 jours", "5 heures", "12 minutes": one decimal at most, in the largest fitting unit."""
    if value is None:
        return "–"
    seconds = value.total_seconds()
    for unit, size in (("duration-day", 86400), ("duration-hour", 3600)):
        if seconds >= size:
            return format_unit(round(seconds / size, 1), unit, length="long", locale=locale(lang))
    return format_unit(round(seconds / 60), "duration-minute", length="long", locale=locale(lang))


def mean_rank(value: float, lang: str) -> str:
    return number_text(round(value, 1), lang) if value else "–"


def distribution_chart(item: Distribution, lang: str, palette: Palette) -> Markup:
    chart_id = f"chart-{item.key}"
    respondents = number_text(item.respondents, lang)
    if item.kind == "statements":
        legend = [bar.label for bar in item.rows[0][1]] if item.rows else []
        rows = [
            StackedRow(label, [bar.share for bar in bars], [percent(bar.share, lang) for bar in bars])
            for label, bars in item.rows
        ]
        desc = gettext(
            lang,
            "%(n)s respondents. One bar per statement, divided by answer; the table below "
            "gives every figure.",
            n=respondents,
        )
        return stacked_chart(chart_id, item.label, desc, legend, rows, palette)
    if item.kind == "ranks":
        size = len(item.ranks)
        bars = [
            BarItem(
                label,
                size + 1 - mean if mean else 0.0,
                gettext(lang, "mean rank %(rank)s", rank=mean_rank(mean, lang)),
            )
            for label, mean, _ in item.ranks
        ]
        best = next((label for label, mean, _ in item.ranks if mean), "")
        desc = gettext(
            lang,
            "%(n)s respondents. The longer the bar, the better the option was ranked; first: %(label)s.",
            n=respondents,
            label=best or "–",
        )
        return bar_chart(chart_id, item.label, desc, bars, palette, maximum=size)
    bars = [BarItem(bar.label, bar.count, count_share(bar.count, bar.share, lang)) for bar in item.bars]
    top = max(item.bars, key=lambda bar: bar.count, default=None)
    if top is None or top.count == 0:
        desc = gettext(lang, "No answer yet.")
    else:
        sentence = (
            N_("%(n)s respondents, several answers possible. Most chosen: %(label)s (%(figure)s).")
            if item.kind == "multiple"
            else N_("%(n)s respondents. Most frequent answer: %(label)s (%(figure)s).")
        )
        desc = gettext(
            lang,
            sentence,
            n=respondents,
            label=top.label,
            figure=count_share(top.count, top.share, lang),
        )
    return bar_chart(chart_id, item.label, desc, bars, palette)


def status_chart(result: Figures, lang: str, palette: Palette, kind: str = "procedure") -> Markup:
    total = result.total
    bars = [
        BarItem(
            status.label,
            status.count,
            count_share(status.count, status.count / total if total else 0, lang),
        )
        for status in result.statuses
    ]
    desc = gettext(lang, wording(kind).by_status, n=number_text(total, lang))
    return bar_chart("chart-statuses", gettext(lang, "By status"), desc, bars, palette)


def timeline_chart(result: Figures, lang: str, palette: Palette, kind: str = "procedure") -> Markup:
    points = result.timeline
    weekly = result.period == "week"
    words = wording(kind)
    title = gettext(lang, words.per_week if weekly else words.per_day)
    if not points:
        return time_chart(
            "chart-timeline",
            title,
            gettext(lang, "No submission yet."),
            [],
            "",
            "",
            ["0", "", ""],
            palette,
        )
    peak_day, peak = max(points, key=lambda point: point[1])
    first, last = date_text(points[0][0], lang, "medium"), date_text(points[-1][0], lang, "medium")
    sentence = (
        N_(
            "From the week of %(first)s to the week of %(last)s: %(total)s in all, "
            "at most %(peak)s "
            "in the week of %(day)s."
        )
        if weekly
        else N_("From %(first)s to %(last)s: %(total)s in all, at most %(peak)s on %(day)s.")
    )
    desc = gettext(
        lang,
        sentence,
        first=first,
        last=last,
        total=number_text(sum(c for _, c in points), lang),
        peak=number_text(peak, lang),
        day=date_text(peak_day, lang, "medium"),
    )
    axis = ["0", number_text(round(peak / 2, 1), lang), number_text(peak, lang)]
    return time_chart("chart-timeline", title, desc, points, first, last, axis, palette)
