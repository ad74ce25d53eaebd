"""Statistics of a procedure: figures equal to counts made by hand, SVG charts with their
tables, the figures as CSV, and the public results page only when the designer chose it."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from bs4 import BeautifulSoup

from runtime.i18n import gettext
from runtime.reports.charts import BarItem, Palette, bar_chart, time_chart
from runtime.reports.statistics import figures
from runtime.submission_filter import SubmissionFilter
from tests.neighbourhood_survey import FORMULA, version_one, version_two
from tests.test_exports import (
    BASE,
    move,
    publish_version,
    read_csv,
    received_at,
    submit_answers,
    two_versions,
)
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
UTC = dt.UTC
DAY = dt.timedelta(days=1)
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def with_history(app: Any) -> list[Any]:
    """Four submissions on known days, three of them taken to a final status."""
    made = two_versions(app)
    moments = [
        dt.datetime(2026, 3, 1, 22, 30, tzinfo=UTC),  # 1 March in Paris
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC),  # 2 March in Paris
        dt.datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
    ]
    for submission, moment in zip(made, moments, strict=False):
        received_at(app, submission, moment)
    # Accepted after a day, reopened, then refused: processed after one day all the same.
    move(app, made[0], "acceptee", moments[0] + DAY)
    move(app, made[0], "recue", moments[0] + 2 * DAY, from_state="acceptee")
    move(app, made[0], "refusee", moments[0] + 6 * DAY)
    move(app, made[1], "acceptee", moments[1] + 3 * DAY)
    move(app, made[2], "refusee", moments[2] + 10 * DAY)
    return made


def as_application(app: Any) -> None:
    """The same questions published as an application, whose submissions are processed:
    processing time is the figure of applications only."""
    publish_version(app, {**version_two(), "kind": "procedure"})


def bars(item: Any) -> dict[str, int]:
    return {bar.key: bar.count for bar in item.bars}


def test_figures_equal_counts_made_by_hand(app: Any) -> None:
    made = with_history(app)
    selection = SubmissionFilter(made[0].procedure_id)
    result = figures(app.state.site.engine, selection, "fr")
    assert result.total == 4
    assert result.period == "day"
    assert result.timeline == [
        (dt.date(2026, 3, 1), 1),
        (dt.date(2026, 3, 2), 1),
        (dt.date(2026, 3, 3), 1),
        (dt.date(2026, 3, 4), 0),
        (dt.date(2026, 3, 5), 1),
    ]
    assert [(s.state, s.label, s.count, s.final) for s in result.statuses] == [
        ("recue", "Reçue", 1, False),
        ("acceptee", "Acceptée", 1, True),
        ("refusee", "Refusée", 2, True),
    ]
    # 1, 3 and 10 days: median 3; 90th percentile 3 + 0.8 × (10 − 3) = 8.6 days.
    assert result.processing.count == 3
    assert result.processing.median == 3 * DAY
    assert result.processing.p90 is not None and abs(result.processing.p90 / DAY - 8.6) < 1e-6

    by_key = {item.key: item for item in result.distributions}
    # The newest form's order, then what only version 1 asked; free text and numbers are
    # not counted.
    assert list(by_key) == ["quartier", "services", "avis", "priorites", "note", "ancien"]
    quartier = by_key["quartier"]
    assert (quartier.kind, quartier.respondents, bars(quartier)) == (
        "choice",
        4,
        {"nord": 2, "sud": 1, "centre": 1},
    )
    assert [bar.label for bar in quartier.bars] == ["Quartier nord", "Quartier sud", "Centre-ville"]
    assert quartier.bars[0].share == 0.5
    assert (by_key["services"].respondents, bars(by_key["services"])) == (
        2,
        {"bus": 2, "parcs": 0, "ecoles": 1},
    )
    assert (by_key["note"].respondents, bars(by_key["note"])) == (
        4,
        {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1},
    )
    assert (by_key["ancien"].respondents, bars(by_key["ancien"])) == (2, {"true": 1, "false": 1})
    assert [bar.label for bar in by_key["ancien"].bars] == ["Oui", "Non"]
    matrix = {statement: {bar.key: bar.count for bar in row} for statement, row in by_key["avis"].rows}
    assert by_key["avis"].respondents == 2
    assert matrix == {
        "Le quartier est propre": {"oui": 2, "non": 0},
        "Le quartier est calme": {"oui": 0, "non": 1},
    }
    assert by_key["priorites"].respondents == 2
    assert by_key["priorites"].ranks == [
        ("Bus", 1.5, [1, 1, 0]),
        ("Écoles", 2.0, [1, 0, 1]),
        ("Parcs", 2.5, [0, 1, 1]),
    ]


def test_figures_follow_the_filter_and_go_weekly_over_long_spans(app: Any) -> None:
    made = with_history(app)
    engine = app.state.site.engine
    refused = figures(engine, SubmissionFilter(made[0].procedure_id, states=("refusee",)), "fr")
    assert refused.total == 2 and bars(refused.distributions[0]) == {
        "nord": 1,
        "sud": 0,
        "centre": 1,
    }
    march = figures(
        engine,
        SubmissionFilter(
            made[0].procedure_id, received_from=dt.date(2026, 3, 2), received_to=dt.date(2026, 3, 3)
        ),
        "fr",
    )
    assert march.total == 2 and march.timeline == [
        (dt.date(2026, 3, 2), 1),
        (dt.date(2026, 3, 3), 1),
    ]
    received_at(app, made[0], dt.datetime(2025, 9, 3, 12, 0, tzinfo=UTC))
    long_run = figures(engine, SubmissionFilter(made[0].procedure_id), "fr")
    assert long_run.period == "week"
    assert long_run.timeline[0] == (dt.date(2025, 9, 1), 1)  # the Monday of that week
    assert all(day.weekday() == 0 for day, _ in long_run.timeline)
    assert sum(count for _, count in long_run.timeline) == 4
    assert long_run.timeline[-1] == (dt.date(2026, 3, 2), 3)


def svgs(html: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(found) for found in SVG.findall(html)]


async def test_the_statistics_page_draws_charts_with_their_tables(
    app: Any, client: httpx.AsyncClient
) -> None:
    with_history(app)
    as_application(app)
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    page = await client.get(f"{BASE}/statistics")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text.split("<main", 1)[1]
    charts = svgs(page.text)
    namespace = "{http://www.w3.org/2000/svg}"
    titles = [chart.find(f"{namespace}title").text for chart in charts]
    assert titles == [
        "Demandes reçues par jour",
        "Par statut",
        "Votre quartier",
        "Services utilisés",
        "Votre avis",
        "Vos priorités",
        "Note du quartier",
        "Habitez-vous ici depuis plus de dix ans ?",
    ]
    for chart in charts:
        assert chart.get("role") == "img"
        title, desc = chart.get("aria-labelledby").split()
        assert (
            chart.find(f"{namespace}desc").get("id") == desc
            and chart.find(f"{namespace}title").get("id") == title
        )
    assert "Quartier nord" in [text.text for text in charts[2].iter(f"{namespace}tspan")]
    soup = BeautifulSoup(page.text, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "q-quartier"})
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in section.select("tbody tr")
    ]
    assert rows[0] == ["Quartier nord", "2", "50\u00a0%"]
    overview = [
        row.get_text(" ", strip=True)
        for row in soup.select("#overview ~ table tr, section[aria-labelledby=overview] tr")
    ]
    assert any(line.startswith("Demandes") and line.endswith("4") for line in overview)
    assert any(line.endswith("3\u00a0jours") for line in overview)
    assert any(line.endswith("8,6\u00a0jours") for line in overview)

    filtered = await client.get(f"{BASE}/statistics?status=refusee")
    assert filtered.status_code == 200
    assert (
        BeautifulSoup(filtered.text, "html.parser")
        .find("input", attrs={"value": "refusee"})
        .has_attr("checked")
    )
    assert f"{BASE}/export.csv?dialect=excel-fr&amp;status=refusee" in filtered.text
    wrong = await client.get(f"{BASE}/statistics?to=hier")
    assert wrong.status_code == 400 and "hier" in wrong.text and "2026-03-31" in wrong.text


async def test_the_figures_download_as_csv(app: Any, client: httpx.AsyncClient) -> None:
    with_history(app)
    as_application(app)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    response = await client.get(f"{BASE}/statistics.csv")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    table = read_csv(response.content, "excel-fr")
    assert table[0] == ["Rubrique", "Question", "Réponse", "Nombre", "Part"]
    assert ["Demandes reçues", "", "Total", "4", ""] in table
    assert ["Demandes reçues dans le temps", "Par jour", "2026-03-04", "0", ""] in table
    assert ["Votre quartier", "", "Quartier nord", "2", "0,5"] in table
    assert ["Votre avis", "Le quartier est calme", "Non", "1", "1,0"] in table
    assert ["Vos priorités", "Bus", "Rang moyen", "1,5", ""] in table
    assert ["Traitement", "", "Durée médiane de traitement (jours)", "3,0", ""] in table
    rfc = read_csv((await client.get(f"{BASE}/statistics.csv?dialect=rfc4180")).content, "rfc4180")
    assert ["Votre quartier", "", "Quartier nord", "2", "0.5"] in rfc
    client.cookies.clear()
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    assert (await client.get(f"{BASE}/statistics.csv")).status_code == 404
    assert (await client.get(f"{BASE}/statistics")).status_code == 404


async def test_a_surveys_statistics_count_answers_and_no_processing_time(
    app: Any, client: httpx.AsyncClient
) -> None:
    with_history(app)  # a survey, some of whose answers were moved to a final status all the same
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    page = await client.get(f"{BASE}/statistics")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    overview = [row.get_text(" ", strip=True) for row in soup.select("section[aria-labelledby=overview] tr")]
    assert overview == [f"{gettext('fr', 'Answers received')} 4"]
    # The figures, below the filter and the exports (which speak of submissions in general).
    figures_shown = soup.select(
        "section[aria-labelledby=overview], section[aria-labelledby=over-time], section[aria-labelledby=by-status]"
    )
    shown = " ".join(" ".join(section.get_text(" ").split()) for section in figures_shown).lower()
    assert "traitement" not in shown and "processing" not in shown and "demande" not in shown
    assert soup.select_one("#over-time").get_text(strip=True) == gettext("fr", "Answers over time")
    title = svgs(page.text)[0].find("{http://www.w3.org/2000/svg}title").text
    assert title == gettext("fr", "Answers per day")
    table = read_csv((await client.get(f"{BASE}/statistics.csv")).content, "excel-fr")
    assert [gettext("fr", "Answers received"), "", "Total", "4", ""] in table
    assert all(row[0] != "Traitement" and "traitement" not in row[2] for row in table)


def public(definition: dict[str, Any]) -> dict[str, Any]:
    definition = copy.deepcopy(definition)
    definition["settings"]["results_public"] = True
    return definition


async def test_results_are_public_only_when_the_designer_chose_it(
    app: Any, client: httpx.AsyncClient
) -> None:
    two_versions(app)
    url = "/beaulac/enquete-quartiers/resultats"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url + ".csv")).status_code == 404
    assert (await client.get("/beaulac/signalement-voirie/resultats")).status_code == 404
    publish_version(app, public(version_two()))
    submit_answers(
        app,
        {"quartier": "sud", "nom_complet": "Denise Roy", "note": 3, "commentaire": "Trop de bruit"},
    )
    page = await client.get(url)
    assert page.status_code == 200 and page.headers["cache-control"].startswith("public")
    assert "Résultats" in page.text and "5 réponses reçues" in page.text
    # The charter of the organisation, not the staff look.
    assert 'href="/charters/beaulac/charter.css"' in page.text
    titles = [chart.find("{http://www.w3.org/2000/svg}title").text for chart in svgs(page.text)]
    assert titles == [
        "Votre quartier",
        "Services utilisés",
        "Votre avis",
        "Vos priorités",
        "Note du quartier",
        "Habitez-vous ici depuis plus de dix ans ?",
    ]
    for private in (
        "Alice Martin",
        "Bruno Petit",
        "Denise Roy",
        "Trop de bruit",
        "HYPERLINK",
        "ENQ-",
        "Reçue",
    ):
        assert private not in page.text
    table = read_csv((await client.get(url + ".csv")).content, "excel-fr")
    assert ["Votre quartier", "", "Quartier sud", "2", "0,4"] in table
    assert all(row[0] not in ("Demandes reçues", "Statut", "Traitement") for row in table[1:])
    assert FORMULA not in page.text


async def test_results_wait_for_enough_answers(app: Any, client: httpx.AsyncClient) -> None:
    publish_version(app, public(version_one()))
    submit_answers(app, {"quartier": "nord", "note": 5})
    page = await client.get("/beaulac/enquete-quartiers/resultats")
    assert page.status_code == 200
    assert "au moins auront été reçues" in page.text and not svgs(page.text)
    assert (await client.get("/beaulac/enquete-quartiers/resultats.csv")).status_code == 404


def test_charts_are_valid_svg_whatever_the_labels() -> None:
    palette = Palette.from_colors({"primary": "#7a1f5c"})
    label = "<script>alert(1)</script> & « Vie associative » " + "très long libellé " * 8
    drawn = bar_chart(
        "chart-x",
        "Titre & co",
        "Une description",
        [BarItem(label, 3, "3 (75 %)"), BarItem("Autre", 1, "1 (25 %)")],
        palette,
    )
    svg = ElementTree.fromstring(str(drawn))
    namespace = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{namespace}title").text == "Titre & co"
    assert not list(svg.iter(f"{namespace}script"))
    lines = [span.text for span in svg.iter(f"{namespace}tspan")]
    assert lines[0].startswith("<script>alert(1)</script> &") and len(lines) == 4  # three lines, then "Autre"
    assert any(rect.get("fill") == "#7a1f5c" for rect in svg.iter(f"{namespace}rect"))
    empty = ElementTree.fromstring(
        str(time_chart("chart-t", "Par jour", "Aucune", [], "", "", ["0", "", ""], palette))
    )
    assert empty.get("role") == "img"
