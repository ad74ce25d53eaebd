"""Back-office figures with 100,000 submissions in SQLite: an inbox page with a filter, and a
transition with its actions queued, each beside a bare baseline measured in the same run.

    python bench/inbox_bench.py [--rows 100000]

The inbox is measured as an agent's browser gets it (the whole HTTP request through the app:
session, scope, filter, count, page of 50, template), its baseline being the bare SQL that
fetches the same 50 rows. The transition is measured as `processing.take_transition` (checks,
status update, event, outbox rows, durable commit) against a bare durable one-row insert.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import use_project_python  # noqa: E402

use_project_python("sqlmodel", "httpx")

import httpx  # noqa: E402
from report import figure, info  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from designer import accounts  # noqa: E402
from runtime import processing, workflow  # noqa: E402
from runtime.models import Organisation, Procedure, Submission  # noqa: E402
from runtime.search import search_text  # noqa: E402
from runtime.settings import Settings  # noqa: E402

PASSWORD = "bench password 1234"
STATES = ["en-construction", "en-instruction", "attente-precisions", "acceptee", "refusee"]
WORDS = ["banc", "lampadaire", "trottoir", "nid-de-poule", "tag", "poubelle", "arbre", "feu"]


def fill(app, rows: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    engine = app.state.site.engine
    with engine.connect() as connection:
        procedure_id, version_id = connection.execute(
            select(Procedure.id, Procedure.published_version_id)
            .join(Organisation, Organisation.id == Procedure.organisation_id)
            .where(Organisation.slug == "beaulac", Procedure.slug == "signalement-voirie")
        ).one()
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    batch = []
    with engine.begin() as connection:
        for number in range(1, rows + 1):
            word = WORDS[number % len(WORDS)]
            answers = {
                "categorie": "autre",
                "precision": f"{word} abîmé",
                "description": f"Le {word} n° {number}",
                "lieu": {"street": f"{number} rue du Lac", "postcode": "61250", "city": "Beaulac"},
                "nom": f"Nom{number}",
                "prenom": "Camille",
                "courriel": f"c{number}@example.fr",
            }
            reference = f"VOI-2025-{number:06d}"
            created = start + dt.timedelta(minutes=5 * number)
            batch.append(
                {
                    "procedure_id": procedure_id,
                    "version_id": version_id,
                    "reference": reference,
                    "state": STATES[number % len(STATES)],
                    "answers": answers,
                    "lang": "fr",
                    "channel": "web",
                    "follow_token": secrets.token_urlsafe(24),
                    "draft_id": None,
                    "fingerprint": secrets.token_hex(32),
                    "created_at": created,
                    "updated_at": created,
                    "search_text": search_text(reference, answers),
                }
            )
            if len(batch) == 5000:
                connection.execute(insert(Submission), batch)
                batch = []
        if batch:
            connection.execute(insert(Submission), batch)
        connection.execute(text("ANALYZE"))
    return procedure_id, version_id


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def inbox_figures(app, procedure_id: int) -> None:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        signed = await client.post(
            "/staff/login", data={"email": "agent@bench.example", "password": PASSWORD}
        )
        client.cookies.set("parvis_staff", signed.cookies["parvis_staff"], path="/staff")
        cases = {
            "status": "/staff/o/beaulac/p/signalement-voirie/inbox?tab=all&status=en-instruction",
            "search": "/staff/o/beaulac/inbox?tab=all&q=lampadaire",
            "todo_tab": "/staff/o/beaulac/inbox",
            "page_200": "/staff/o/beaulac/p/signalement-voirie/inbox?tab=all&page=200",
        }
        for name, url in cases.items():
            response = await client.get(url)
            assert response.status_code == 200, response.text[:500]
            samples = []
            for _ in range(30):
                began = time.perf_counter()
                await client.get(url)
                samples.append((time.perf_counter() - began) * 1000)
            figure(f"inbox_{name}_p50", statistics.median(samples), "ms", "< 100 ms")
    engine = app.state.site.engine
    bare = []
    with engine.connect() as connection:
        for _ in range(30):
            began = time.perf_counter()
            connection.execute(
                text(
                    "SELECT * FROM submission WHERE procedure_id = :p AND state = 'en-instruction' "
                    "ORDER BY created_at DESC, id DESC LIMIT 50"
                ),
                {"p": procedure_id},
            ).all()
            bare.append((time.perf_counter() - began) * 1000)
    figure("inbox_bare_query_p50", statistics.median(bare), "ms", "baseline")


def transition_figures(app, version_id: int) -> None:  # type: ignore[no-untyped-def]
    site = app.state.site
    definition = site.version(version_id).compiled.definition
    index = next(t.index for t in workflow.transitions(definition) if t.target == "en-instruction")
    engine = site.engine
    with engine.connect() as connection:
        ids = [
            row[0]
            for row in connection.execute(
                select(Submission.id).where(Submission.state == "en-construction").limit(200)
            )
        ]
    actor = processing.Actor("Bench", None)
    samples = []
    for submission_id in ids:
        began = time.perf_counter()
        processing.take_transition(
            engine, submission_id, definition, index, actor, "Pris en charge", base_url="http://bench"
        )
        samples.append((time.perf_counter() - began) * 1000)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS bare (id INTEGER PRIMARY KEY, body TEXT)"))
    bare = []
    for number in range(len(ids)):
        began = time.perf_counter()
        with engine.begin() as connection:  # the same durability: WAL, synchronous=FULL
            connection.execute(text("INSERT INTO bare (body) VALUES (:b)"), {"b": json.dumps({"n": number})})
        bare.append((time.perf_counter() - began) * 1000)
    p50, bare_p50 = statistics.median(samples), statistics.median(bare)
    figure("transition_p50", p50, "ms", "< 20 ms")
    figure("transition_p99", percentile(samples, 0.99), "ms", "report")
    figure("transition_bare_insert_p50", bare_p50, "ms", "baseline")
    figure("transition_over_bare", p50 / bare_p50, "x", "report")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), worker_in_process=False)
        app = create_app(settings)
        began = time.perf_counter()
        procedure_id, version_id = fill(app, args.rows)
        info(f"{args.rows} submissions inserted in {time.perf_counter() - began:.1f} s")
        with app.state.site.engine.connect() as connection:
            beaulac = connection.execute(
                select(Organisation.id).where(Organisation.slug == "beaulac")
            ).scalar_one()
        accounts.create_user(
            app.state.site.engine, "agent@bench.example", "Agent", PASSWORD, {beaulac: "agent"}
        )
        asyncio.run(inbox_figures(app, procedure_id))
        transition_figures(app, version_id)
        app.state.site.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
