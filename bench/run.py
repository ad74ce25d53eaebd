"""Parvis benchmarks: each figure against a bare baseline measured in the same run.

    python bench/run.py            (from the project root; re-runs itself with .venv's Python if needed)

Prints one line per figure as soon as it is measured, `name: value unit (target ...)`, and a
few `info:` lines that have no target but explain the figures. The whole run is bounded in
requests and takes one to two minutes on a 2-core machine (`--keep` keeps its temporary folder:
data, server logs; `--only submissions` or any comma-separated choice of form_page, draft_page,
receipts, submissions, memory, in_process, editor runs only those parts).

How it measures
* The servers are real: uvicorn (uvloop, httptools), one process each, on 127.0.0.1, started
  as subprocesses of this script (`--serve parvis|bare ...`), each with a temporary data folder.
  Parvis loads a temporary examples folder (`app.EXAMPLES` is pointed at it before
  `create_app`), holding two procedures written for it (`procedures.py`): a one-page 30-field form and a
  one-page 10-field request.
* The bare server is Starlette alone: one route renders a Jinja template with no variables
  holding the exact HTML Parvis sent for the form page; one route parses the same posted
  form and inserts its JSON into SQLite (WAL, synchronous=FULL), one transaction a request.
* Load comes from this process: a small HTTP/1.1 keep-alive client on asyncio (uvloop), several
  connections at once, a fixed number of requests per round. Rounds of Parvis and of the
  baseline alternate and the median of each is compared, so drift in the machine affects both.
* Receipt rendering and database-write counting also run in-process (`create_app` on a
  temporary folder, Starlette's TestClient for the journey).

The code: `procedures.py` (the procedures written for the bench), `servers.py` (the server
subprocesses and the bare baseline), `load.py` (the HTTP client, the load driver, the
comparison), `http_figures.py` and `in_process.py` (the figures), `report.py` (the output).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()
BENCH = (
    Path(__file__).resolve().parent
)  # the modules below, when run as `python bench/run.py` or from elsewhere
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from project import use_project_python  # noqa: E402

use_project_python("starlette", "uvicorn", "uvloop")

from editor import bench_editor
from http_figures import (
    bench_draft_page,
    bench_form_page,
    bench_memory,
    bench_receipt_downloads,
    bench_submissions,
    bench_submissions_without_receipts,
    probe_concurrent_submissions,
)
from in_process import bench_in_process
from load import CONCURRENCY, HTTPError, expect, one_request, run
from procedures import FIELDS_30, FORM_30, ORG, write_examples
from report import info
from servers import Server, serve, start_parvis

PARTS = ("form_page", "draft_page", "receipts", "submissions", "memory", "in_process", "editor")


def chosen_parts(argv: list[str]) -> set[str]:
    """The parts named after `--only` (all of them without it)."""
    if "--only" not in argv or argv.index("--only") + 1 >= len(argv):
        return set(PARTS)
    wanted = set(argv[argv.index("--only") + 1].split(","))
    unknown = wanted - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts {sorted(unknown)}; choose among {', '.join(PARTS)}")
    return wanted


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return 0
    parts = chosen_parts(sys.argv)
    tmp = Path(tempfile.mkdtemp(prefix="parvis-bench-"))
    servers: list[Server] = []
    try:
        write_examples(tmp / "examples")
        print(
            f"Parvis benchmarks ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start, data in "
            f"{tmp}); one line per figure",
            flush=True,
        )

        parvis = start_parvis(tmp, "parvis")
        servers.append(parvis)
        _s, _h, html = expect(run(one_request(parvis.port, "GET", f"/{ORG}/{FORM_30}")), 200, "form page")
        names = {name.decode() for name in re.findall(rb' name="([^"]+)"', html)}
        missing = {name for name, *_rest in FIELDS_30} - names
        if missing:
            raise HTTPError(f"the form page lacks fields {sorted(missing)}")
        (tmp / "bare" / "templates").mkdir(parents=True)
        (tmp / "bare" / "templates" / "page.html").write_bytes(b"{% raw %}" + html + b"{% endraw %}")
        bare = Server("bare", tmp / "bare", tmp / "bare.log")
        servers.append(bare)
        bare.wait_ready("/page")
        _s, _h, same = expect(run(one_request(bare.port, "GET", "/page")), 200, "bare page")
        assert same == html, "the bare page differs from Parvis's"
        info(f"form page: {len(html) // 1024} KiB of HTML, all {len(FIELDS_30)} fields in its form")

        if "form_page" in parts:
            bench_form_page(parvis, bare)
        if "draft_page" in parts:
            bench_draft_page(parvis, bare)
        if "receipts" in parts:
            bench_receipt_downloads(parvis)
        concurrency = CONCURRENCY if probe_concurrent_submissions(parvis) else 1
        if "submissions" in parts:
            bench_submissions(parvis, bare, concurrency)
        parvis.stop()  # its receipt backlog is left unrendered
        servers.remove(parvis)
        if "submissions" in parts:
            bench_submissions_without_receipts(tmp, bare, concurrency)
        bare.stop()
        servers.clear()

        if "memory" in parts:
            bench_memory(tmp, concurrency)
        if "in_process" in parts:
            bench_in_process(tmp)
        if "editor" in parts:
            bench_editor(tmp)
        info(
            f"done in {time.perf_counter() - STARTED:.0f} s; load average {os.getloadavg()[0]:.1f} "
            f"(other work on the machine makes figures noisier)"
        )
        return 0
    except HTTPError as error:
        print(f"failed: {error}", file=sys.stderr)
        for server in servers:
            print(
                f"--- end of the {server.kind} server's log ({server.log_path.name}) ---\n{server.log()}",
                file=sys.stderr,
            )
        return 1
    finally:
        for server in servers:
            server.stop()
        if "--keep" in sys.argv:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
