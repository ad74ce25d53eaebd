"""The CSV export of 100,000 submissions, against reading the same rows bare, in the same run.

    python bench/export_bench.py [--rows N]

(from the project root; re-runs itself with .venv's Python)

Sets up a temporary SQLite database with the examples, inserts N submissions (100,000 by
default) of the satisfaction survey with varied answers in a few executemany statements,
then measures, each in a fresh process so that one phase's memory does not hide the next's:
* bare: the same columns read with the same batched keyset queries, answers decoded, nothing
  else done;
* export: the French-spreadsheet CSV export as the staff download streams it (columns over
  every version, labels, formula neutralising, bytes encoded), the bytes thrown away.

Prints `export_csv_rows_per_second` and the ratio of export to bare time, and for each phase
the growth of resident memory at its peak over its start (a sampler thread reads
/proc/self/statm every 5 ms): constant memory means the export's growth stays small and does
not rise with N.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import ROOT, use_project_python

use_project_python("sqlalchemy", "xlsxwriter")

from report import figure, info

ORG, SLUG = "saint-aubin", "satisfaction-services"
SCALE = ["pas-du-tout", "plutot-non", "plutot-oui", "tout-a-fait"]
SERVICES = [
    "accueil",
    "etat-civil",
    "urbanisme",
    "cantine-garderie",
    "agence-postale",
    "bibliotheque",
]
STATEMENTS = ["accueil", "horaires", "information", "delais", "entretien"]


def answers(rng: random.Random) -> dict[str, object]:
    found: dict[str, object] = {"note_globale": rng.randint(1, 5)}
    found["appreciations"] = {row: rng.choice(SCALE) for row in STATEMENTS if rng.random() < 0.8}
    found["services"] = rng.sample(SERVICES, rng.randint(1, 3))
    if rng.random() < 0.4:
        found["commentaire"] = "Accueil agréable ; horaires à revoir le samedi. " * rng.randint(1, 4)
    if rng.random() < 0.3:
        found["courriel"] = f"habitant{rng.randint(1, 99999)}@example.fr"
    return found


def set_up(folder: Path, count: int) -> str:
    """A data folder with the examples and `count` submissions; returns the database URL."""
    import datetime as dt

    from sqlalchemy import insert

    from app import create_app
    from runtime.catalogue import find_published
    from runtime.db import writing
    from runtime.models import Submission
    from runtime.settings import Settings

    settings = Settings(data_dir=folder)
    app = create_app(settings)
    engine = app.state.site.engine
    published = find_published(engine, ORG, SLUG)
    assert published is not None
    rng = random.Random(2026)
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    batch = []
    with writing(engine) as session:
        connection = session.connection()
        for number in range(1, count + 1):
            moment = start + dt.timedelta(seconds=number * 97)
            batch.append(
                {
                    "procedure_id": published.procedure_id,
                    "version_id": published.version_id,
                    "reference": f"SAT-2026-{number:06d}",
                    "state": rng.choice(["recue", "recue", "traitee"]),
                    "answers": answers(rng),
                    "lang": "fr",
                    "channel": "web",
                    "follow_token": secrets.token_urlsafe(24),
                    "fingerprint": secrets.token_hex(32),
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            if len(batch) == 5000:
                connection.execute(insert(Submission), batch)
                batch = []
        if batch:
            connection.execute(insert(Submission), batch)
    engine.dispose()
    return settings.sqlalchemy_url


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakSampler:
    """Resident memory sampled every few milliseconds while a phase runs."""

    def __init__(self) -> None:
        self.start = resident_bytes()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, resident_bytes())

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())


def phase(name: str, url: str) -> dict[str, float]:
    """One measured phase, in this (fresh) process."""
    from runtime.catalogue import find_published
    from runtime.db import make_engine
    from runtime.reports import exports
    from runtime.reports import file_formats as export_formats
    from runtime.submission_filter import SubmissionFilter, submissions_in_batches

    engine = make_engine(url)
    published = find_published(engine, ORG, SLUG)
    assert published is not None
    selection = SubmissionFilter(published.procedure_id, timezone=published.organisation.timezone)
    table = exports.layout(exports.published_versions(engine, published.procedure_id), "fr", selection.zone)
    # Warm what both phases share (connection pool, compiled statements, catalogues).
    next(iter(submissions_in_batches(engine, selection, batch_size=10)))
    rows, size = 0, 0
    with PeakSampler() as sampler:
        began = time.perf_counter()
        if name == "bare":
            for batch in submissions_in_batches(engine, selection):
                rows += len(batch)
        else:
            header = [column.header for column in table.columns]
            for chunk in export_formats.csv_chunks(header, exports.rows(engine, selection, table)):
                size += len(chunk)
                rows += chunk.count(b"\r\n")
            rows -= 1  # the header line
        seconds = time.perf_counter() - began
    return {
        "rows": rows,
        "seconds": seconds,
        "growth": (sampler.peak - sampler.start) / 2**20,
        "bytes": size,
    }


def run_phase(name: str, url: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phase", choices=["bare", "export"])
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.url)))
        return
    with tempfile.TemporaryDirectory(prefix="parvis-export-bench-") as folder:
        began = time.perf_counter()
        url = set_up(Path(folder), args.rows)
        info(f"{args.rows} submissions inserted in {time.perf_counter() - began:.1f} s (SQLite, executemany)")
        bare = run_phase("bare", url)
        export = run_phase("export", url)
    assert export["rows"] == bare["rows"] == args.rows, (export, bare)
    info(
        f"bare read: {bare['rows'] / bare['seconds']:.0f} rows/s, peak memory growth {bare['growth']:.1f} MiB"
    )
    info(f"CSV size: {export['bytes'] / 2**20:.1f} MiB for {args.rows} rows")
    figure(
        "export_csv_rows_per_second",
        export["rows"] / export["seconds"],
        "rows/s",
        ">= 5000: 100,000 rows in under 20 s",
        ".0f",
    )
    figure("export_csv_time_ratio", export["seconds"] / bare["seconds"], "x bare read", "<= 10")
    figure(
        "export_csv_peak_memory_growth",
        export["growth"],
        "MiB",
        "<= 50, flat in the number of rows",
        ".1f",
    )
    figure("export_csv_memory_over_bare", export["growth"] - bare["growth"], "MiB", "<= 30", ".1f")


if __name__ == "__main__":
    main()
