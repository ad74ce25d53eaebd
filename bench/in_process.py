"""The figures measured in this process (`create_app` on a temporary folder, Starlette's TestClient
for the journey): write transactions per submission, and receipt rendering against WeasyPrint alone.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path
from typing import Any

from procedures import ORG, REQUEST, REQUEST_ANSWERS
from report import figure, info


def bench_in_process(tmp: Path) -> None:
    """Write transactions per submission (SQLite's trace), and receipt rendering against WeasyPrint alone."""
    import logging
    import warnings

    from sqlalchemy import event

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's note that httpx will give way to httpx2
        from starlette.testclient import TestClient

    import app as parvis
    from runtime.pdfs import receipts
    from runtime.settings import Settings
    from runtime.submissions import follow

    parvis.EXAMPLES = tmp / "examples"
    application = parvis.create_app(Settings(data_dir=tmp / "in-process", receipt_timeout=120.0))
    site = application.state.site
    engine = site.engine

    # -- counting write transactions with SQLite's own trace of the statements it runs
    lock = threading.Lock()
    counts = {"transactions": 0, "writes": 0}

    def traced(dbapi_connection: Any, _record: Any) -> None:
        state = {"open": False, "write": False}

        def trace(statement: str) -> None:
            word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
            if word == "BEGIN":
                state.update(open=True, write=False)
            elif word in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
                state["write"] = True
            elif word in ("COMMIT", "END", "ROLLBACK"):
                with lock:
                    counts["transactions"] += 1
                    counts["writes"] += word != "ROLLBACK" and state["write"]
                state.update(open=False, write=False)

        dbapi_connection.set_trace_callback(trace)

    event.listen(engine, "connect", traced)
    engine.dispose()  # connections made from now on are traced

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    client = TestClient(application, base_url="http://127.0.0.1")
    # no raise_server_exceptions change: a failing request fails the run
    page_writes, submit_writes, page_txns, submit_txns = [], [], [], []
    tokens = []
    for _ in range(5):
        start = dict(counts)
        response = client.post(
            f"/{ORG}/{REQUEST}", data={**REQUEST_ANSWERS, "action": "next"}, follow_redirects=False
        )
        assert response.status_code == 303 and response.headers["location"].endswith("/review"), (
            response.text[:300]
        )
        middle = dict(counts)
        response = client.post(
            response.headers["location"].replace("/review", "/submit"), follow_redirects=False
        )
        assert response.status_code == 303, response.text[:300]
        end = dict(counts)
        tokens.append(response.headers["location"].rsplit("/", 1)[1])
        page_writes.append(middle["writes"] - start["writes"])
        submit_writes.append(end["writes"] - middle["writes"])
        page_txns.append(middle["transactions"] - start["transactions"])
        submit_txns.append(end["transactions"] - middle["transactions"])
    figure(
        "submission_db_writes",
        max(submit_writes),
        "write transactions per submission (the submit request)",
        "1",
        "d",
    )
    info(
        f"whole journey: page POST {max(page_writes)} write transaction(s) of {max(page_txns)}, submit "
        f"{max(submit_writes)} of {max(submit_txns)} transactions (reads included)"
    )

    # -- receipts: Parvis's ensure_receipt against WeasyPrint on the same HTML
    import weasyprint

    submissions = []
    for token in tokens:
        found = follow(engine, token)
        assert found is not None
        receipts.schedule_receipt(site, found.submission, "http://127.0.0.1").result(120)  # the queued ones
        submissions.append(found.submission)
    base_url = "http://127.0.0.1"
    assets = (
        site.charter(site.version(submissions[0].version_id).organisation.theme).folder.resolve().as_uri()
        + "/"
    )

    def parvis_render(submission: Any) -> float:
        # The server's own path: HTML, QR code and PDF made in the worker process, file written.
        path = receipts.receipt_path(site.settings.data_dir, submission)
        path.unlink()
        started = time.perf_counter()
        receipts.schedule_receipt(site, submission, base_url).result(120)
        while not path.exists():
            time.sleep(0.0005)
        return time.perf_counter() - started

    def bare_render(submission: Any) -> float:
        html = receipts.receipt_html(receipts.job_for(site, submission, base_url))
        started = time.perf_counter()
        # base_url: the same document, its logo included, as Parvis renders it
        pdf = weasyprint.HTML(string=html, base_url=assets).write_pdf()
        elapsed = time.perf_counter() - started
        assert pdf.startswith(b"%PDF")
        return elapsed

    parvis_render(submissions[0]), bare_render(submissions[0])  # warm both up
    parvis_times, bare_times = [], []
    for submission in submissions:
        parvis_times.append(parvis_render(submission))
        bare_times.append(bare_render(submission))
    app_time, bare_time = statistics.median(parvis_times), statistics.median(bare_times)
    figure("receipt_ratio", app_time / bare_time, "x of WeasyPrint alone", "<= 1.3")
    info(
        f"receipt render: parvis worker process {app_time * 1000:.0f} ms (HTML, QR code, PDF/A-3b, answers.json, "
        f"file), weasyprint.HTML(string=html).write_pdf() {bare_time * 1000:.0f} ms; one worker renders about "
        f"{1 / app_time:.1f} receipts/s"
    )

    # -- one render held for minutes: the other renderer process goes on with the receipts
    from runtime.pdfs import pool as render_pool

    held = render_pool.pool(site.settings.render_processes, site.settings.render_memory_mb).submit(
        time.sleep, 600.0, 600.0
    )
    beside = statistics.median([parvis_render(submission) for submission in submissions])
    assert not held.done()
    figure(
        "receipt_beside_slow_render",
        beside / app_time,
        "x of a receipt's time while another render takes 10 minutes",
        "<= 1.5",
    )
    receipts.shutdown()  # the held render is stopped with its process
    client.close()
    engine.dispose()
