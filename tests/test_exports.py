"""Exports of submissions: CSV for French spreadsheets and RFC 4180, XLSX, JSON; stable columns
over versions, values as people read them, formulas neutralised, filters, roles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import insert, update

from runtime.catalogue import find_published, publish
from runtime.db import writing
from runtime.drafts import new_token, save_draft
from runtime.models import Draft, Organisation, Submission, SubmissionEvent
from runtime.reports.file_formats import csv_chunks, neutralised
from runtime.submission_filter import SubmissionFilter, submissions_in_batches
from runtime.submissions import submit
from tests.conftest import complete
from tests.example_answers import EXAMPLES
from tests.neighbourhood_survey import FORMULA, SLUG, V1_ANSWERS, V2_ANSWERS, version_one, version_two
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
BASE = f"/staff/o/beaulac/p/{SLUG}"


def organisation(app: Any, slug: str = "beaulac") -> Organisation:
    from runtime.catalogue import organisation_by_slug

    found = organisation_by_slug(app.state.site.engine, slug)
    assert found is not None
    return found


def publish_version(app: Any, definition: dict[str, Any]) -> None:
    with writing(app.state.site.engine) as session:
        publish(session, organisation(app), definition)
    app.state.site.published.clear()


def submit_answers(app: Any, answers: dict[str, Any], slug: str = SLUG, org: str = "beaulac") -> Submission:
    """Submit as the citizen journey's last step does: a draft on the published version,
    then submit."""
    engine = app.state.site.engine
    published = find_published(engine, org, slug)
    assert published is not None
    pruned = published.compiled.prune(answers)
    assert not list(published.compiled.validator.iter_errors(pruned)), answers
    draft = Draft(id=new_token(), version_id=published.version_id, lang="fr")
    save_draft(engine, draft, pruned, 0, new=True)
    return submit(
        engine,
        draft,
        pruned,
        procedure_id=published.procedure_id,
        prefix="ENQ",
        version_hash=published.content_hash,
        initial_state="recue",
    )


def move(app: Any, submission: Submission, to_state: str, at: dt.datetime, from_state: str = "recue") -> None:
    """A status change as the workflow records it: an event, and the submission's state."""
    with writing(app.state.site.engine) as session:
        connection = session.connection()
        connection.execute(
            insert(SubmissionEvent).values(
                submission_id=submission.id,
                kind="transition",
                from_state=from_state,
                to_state=to_state,
                visible=True,
                created_at=at,
            )
        )
        connection.execute(update(Submission).where(Submission.id == submission.id).values(state=to_state))


def received_at(app: Any, submission: Submission, at: dt.datetime) -> None:
    with writing(app.state.site.engine) as session:
        connection = session.connection()
        connection.execute(update(Submission).where(Submission.id == submission.id).values(created_at=at))


def two_versions(app: Any) -> list[Submission]:
    """Two submissions on version 1, two on version 2."""
    publish_version(app, version_one())
    made = [submit_answers(app, answers) for answers in V1_ANSWERS]
    publish_version(app, version_two())
    return made + [submit_answers(app, answers) for answers in V2_ANSWERS]


def read_csv(body: bytes, dialect: str) -> list[list[str]]:
    if dialect == "excel-fr":
        assert body.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert not body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


EXPECTED_HEADER = [
    "Référence",
    "Reçue le",
    "Statut",
    "Canal",
    "Version",
    "Votre quartier",
    "Services utilisés",
    "Votre avis",
    "Vos priorités",
    "Surface du jardin",
    "Arrivée dans le quartier",
    "Enfants",
    "Nom et prénom",
    "Note du quartier",
    "Commentaire",
    "Nom",
    "Habitez-vous ici depuis plus de dix ans ?",
]


async def test_french_csv_has_stable_columns_readable_values_and_no_formula(
    app: Any, client: httpx.AsyncClient
) -> None:
    made = two_versions(app)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    response = await client.get(f"{BASE}/export.csv?dialect=excel-fr")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    assert response.content.count(b"\r\n") == 5 and b"\n" not in response.content.replace(b"\r\n", b"")
    table = read_csv(response.content, "excel-fr")
    assert table[0] == EXPECTED_HEADER
    rows = {row[0]: dict(zip(table[0], row, strict=False)) for row in table[1:]}
    assert list(rows) == [submission.reference for submission in made]
    first, second, third, fourth = rows.values()
    assert first["Version"] == "1" and third["Version"] == "2"
    assert first["Statut"] == "Reçue" and first["Canal"] == "web"
    dt.datetime.strptime(first["Reçue le"], "%Y-%m-%d %H:%M:%S")
    # Version 1's columns are filled by version 1 only, and the other way round.
    assert (first["Nom"], first["Nom et prénom"]) == ("Alice Martin", "")
    assert (third["Nom"], third["Nom et prénom"]) == ("", "Bruno Petit")
    assert (
        first["Habitez-vous ici depuis plus de dix ans ?"] == "Oui"
        and second["Habitez-vous ici depuis plus de dix ans ?"] == "Non"
    )
    assert first["Votre quartier"] == "Quartier nord" and third["Votre quartier"] == "Centre-ville"
    assert first["Note du quartier"] == "4"
    assert third["Services utilisés"] == "Bus, Écoles"
    # Statements in the form's order (PostgreSQL's JSONB keeps definitions' keys in its own order).
    assert set(third["Votre avis"].split(" ; ")) == {
        "Le quartier est propre\u00a0: Oui",
        "Le quartier est calme\u00a0: Non",
    }
    assert third["Vos priorités"] == "1. Écoles ; 2. Bus ; 3. Parcs"
    assert third["Surface du jardin"] == "12,5" and third["Arrivée dans le quartier"] == "2019-09-01"
    assert third["Enfants"] == (
        "Enfant 1 (Prénom\u00a0: Léa ; Date de naissance\u00a0: 2019-03-12) ; Enfant 2 (Prénom\u00a0: Tom)"
    )
    assert fourth["Surface du jardin"] == "" and fourth["Enfants"] == ""
    # Formulas come out as text a spreadsheet shows, never runs.
    assert first["Commentaire"] == "'" + FORMULA
    assert second["Nom"] == "'-2+3"
    assert third["Commentaire"] == "'@SUM(A1)"


async def test_rfc4180_csv_uses_commas_points_and_keys_on_request(
    app: Any, client: httpx.AsyncClient
) -> None:
    two_versions(app)
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    response = await client.get(f"{BASE}/export.csv?dialect=rfc4180&header=keys")
    assert response.status_code == 200
    assert response.content.endswith(b"\r\n")
    table = read_csv(response.content, "rfc4180")
    assert table[0][:6] == ["reference", "received_at", "status", "channel", "version", "quartier"]
    assert table[0][-2:] == ["nom", "ancien"]
    rows = [dict(zip(table[0], row, strict=False)) for row in table[1:]]
    assert rows[2]["surface"] == "12.5"
    assert rows[0]["commentaire"] == "'" + FORMULA


async def test_xlsx_reads_back_with_text_never_formulas(app: Any, client: httpx.AsyncClient) -> None:
    two_versions(app)
    await signed_in(app, client, "admin@beaulac.example", {"beaulac": "administrator"})
    response = await client.get(f"{BASE}/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == EXPECTED_HEADER
    records = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    assert len(records) == 4
    assert records[0]["Commentaire"] == "'" + FORMULA
    assert records[2]["Surface du jardin"] == 12.5 and records[0]["Note du quartier"] == 4
    assert isinstance(records[0]["Reçue le"], dt.datetime)
    assert records[2]["Votre quartier"] == "Centre-ville"


async def test_json_export_has_raw_answers_and_metadata(app: Any, client: httpx.AsyncClient) -> None:
    made = two_versions(app)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    response = await client.get(f"{BASE}/export.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    records = response.json()
    assert [record["reference"] for record in records] == [submission.reference for submission in made]
    assert records[0]["answers"] == V1_ANSWERS[0]
    assert records[2]["answers"]["enfants"] == V2_ANSWERS[0]["enfants"]
    assert records[0]["status"] == "recue" and records[0]["status_label"] == "Reçue"
    assert [record["version"] for record in records] == [1, 1, 2, 2]
    assert dt.datetime.fromisoformat(records[0]["received_at"]).utcoffset() is not None


async def test_filters_select_by_status_and_local_day(app: Any, client: httpx.AsyncClient) -> None:
    made = two_versions(app)
    utc = dt.UTC
    # 23:30 UTC on 1 March is 00:30 on 2 March in Paris.
    moments = [
        dt.datetime(2026, 3, 1, 22, 30, tzinfo=utc),
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=utc),
        dt.datetime(2026, 3, 3, 10, 0, tzinfo=utc),
        dt.datetime(2026, 3, 4, 10, 0, tzinfo=utc),
    ]
    for submission, moment in zip(made, moments, strict=False):
        received_at(app, submission, moment)
    move(app, made[1], "acceptee", moments[1] + dt.timedelta(days=2))
    move(app, made[2], "refusee", moments[2] + dt.timedelta(days=1))
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})

    async def references(query: str) -> list[str]:
        response = await client.get(f"{BASE}/export.json?{query}")
        assert response.status_code == 200, response.text
        return [record["reference"] for record in response.json()]

    assert await references("from=2026-03-02") == [s.reference for s in made[1:]]
    assert await references("from=2026-03-02&to=2026-03-03") == [
        made[1].reference,
        made[2].reference,
    ]
    assert await references("to=2026-03-01") == [made[0].reference]
    assert await references("status=acceptee&status=refusee") == [
        made[1].reference,
        made[2].reference,
    ]
    assert await references("status=refusee&from=2026-03-04") == []
    csv_rows = read_csv((await client.get(f"{BASE}/export.csv?status=acceptee")).content, "excel-fr")
    assert [row[0] for row in csv_rows[1:]] == [made[1].reference] and csv_rows[1][2] == "Acceptée"


async def test_bad_filters_and_formats_are_explained(app: Any, client: httpx.AsyncClient) -> None:
    two_versions(app)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    wrong = await client.get(f"{BASE}/export.csv?from=2026-13-01&status=perdue")
    assert wrong.status_code == 400
    assert "2026-13-01" in wrong.text and "perdue" in wrong.text and "Reçue à partir du" in wrong.text
    backwards = await client.get(f"{BASE}/export.json?from=2026-03-05&to=2026-03-01")
    assert backwards.status_code == 400 and "2026-03-05" in backwards.text
    dialect = await client.get(f"{BASE}/export.csv?dialect=excel")
    assert dialect.status_code == 400 and "rfc4180" in dialect.text
    assert (await client.get(f"{BASE}/export.pdf")).status_code == 404


async def test_only_agents_administrators_and_readers_of_the_organisation(
    app: Any, client: httpx.AsyncClient
) -> None:
    two_versions(app)
    assert (await client.get(f"{BASE}/export.csv")).status_code == 303  # signed out: to the sign-in page
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    assert (await client.get(f"{BASE}/export.csv")).status_code == 404
    client.cookies.clear()
    await signed_in(app, client, "agent@saint-aubin.example", {"saint-aubin": "agent"})
    for url in (
        f"{BASE}/export.csv",
        f"{BASE}/export.json",
        f"{BASE}/export.xlsx",
        f"{BASE}/statistics",
    ):
        assert (await client.get(url)).status_code == 404
    assert (await client.get("/staff/o/saint-aubin/p/nowhere/export.csv")).status_code == 404


async def test_a_submission_made_through_the_citizen_journey_exports_as_read(
    app: Any, client: httpx.AsyncClient
) -> None:
    procedure = "saint-aubin/satisfaction-services"
    await complete(client, procedure, EXAMPLES[procedure])
    await signed_in(app, client, "agent@saint-aubin.example", {"saint-aubin": "agent"})
    table = read_csv(
        (await client.get("/staff/o/saint-aubin/p/satisfaction-services/export.csv")).content,
        "excel-fr",
    )
    assert len(table) == 2
    row = dict(zip(table[0], table[1], strict=False))
    assert row["Quels services avez-vous utilisés ces douze derniers mois ?"] == (
        "Accueil et secrétariat de mairie, Bibliothèque"
    )
    assert row["Dans l'ensemble, êtes-vous satisfait(e) des services de la mairie ?"] == "4"
    assert "Tout à fait d'accord" in row["Êtes-vous d'accord avec les affirmations suivantes ?"]
    assert row["Vos remarques et suggestions"] == "Très bon accueil."


def test_writers_stream_in_chunks_and_neutralise_every_formula_start() -> None:
    rows = ([str(number), "x" * 200] for number in range(2_000))
    chunks = list(csv_chunks(["n", "texte"], rows, "rfc4180"))
    assert len(chunks) > 3 and all(len(chunk) < 70_000 for chunk in chunks)
    assert len(read_csv(b"".join(chunks), "rfc4180")) == 2_001
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralised(start + "1+1") == "'" + start + "1+1"
    assert neutralised("1+1") == "1+1" and neutralised("") == ""


@pytest.mark.parametrize("batch", [1, 3, 500])
def test_batches_cover_every_row_once_in_order(app: Any, batch: int) -> None:
    made = two_versions(app)
    selection = SubmissionFilter(procedure_id=made[0].procedure_id)
    batches = list(submissions_in_batches(app.state.site.engine, selection, batch_size=batch))
    assert all(len(rows) <= batch for rows in batches)
    assert [row.reference for rows in batches for row in rows] == [s.reference for s in made]
    assert json.dumps(batches[0][0].answers)  # answers come back as JSON values
