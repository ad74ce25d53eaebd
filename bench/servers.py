"""The servers, each a uvicorn subprocess (uvloop, httptools) on 127.0.0.1: Parvis, and the bare baseline.

They are started as `run.py --serve parvis|bare PORT FOLDER`, the entry point re-launched by
`Server`, each with a temporary data folder.

* Parvis loads a temporary examples folder (`app.EXAMPLES` is pointed at it before
  `create_app`), holding the procedures of `procedures.py`.
* The bare server is Starlette alone: one route renders a Jinja template with no variables
  holding the exact HTML Parvis sent for the form page; one route parses the same posted
  form and inserts its JSON into SQLite (WAL, synchronous=FULL), one transaction a request.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from load import HTTPError, one_request, run
from procedures import FORM_30, ORG

ROOT = Path(__file__).resolve().parent.parent
RUN = Path(__file__).resolve().with_name("run.py")  # the entry point, re-launched with `--serve`


def serve(kind: str, port: int, folder: str) -> None:
    if kind == "parvis":
        import app as parvis  # settings come from the PARVIS_* variables the parent set

        parvis.EXAMPLES = Path(folder)
        application = parvis.create_app()
        if os.environ.get("BENCH_NO_RECEIPTS"):  # the diagnostic server: submit queues no receipt
            from runtime.web import forms

            forms.schedule_receipt = lambda *args, **kwargs: None
    else:
        application = bare_app(Path(folder))
    uvicorn.run(
        application,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )


def bare_app(folder: Path) -> Any:
    """Starlette and nothing else: a variable-free template, and one insert a request."""
    import sqlite3

    from jinja2 import Environment, FileSystemLoader
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse
    from starlette.routing import Route

    template = Environment(loader=FileSystemLoader(folder / "templates"), autoescape=True).get_template(
        "page.html"
    )
    database = folder / "bare.db"
    local = threading.local()

    def connection() -> sqlite3.Connection:
        found = getattr(local, "connection", None)
        if found is None:
            found = sqlite3.connect(database, isolation_level=None, check_same_thread=False, timeout=30)
            found.execute("PRAGMA journal_mode=WAL")
            found.execute("PRAGMA synchronous=FULL")
            found.execute("PRAGMA busy_timeout=30000")
            local.connection = found
        return found

    connection().execute(
        "CREATE TABLE IF NOT EXISTS submission (id INTEGER PRIMARY KEY, answers TEXT NOT NULL, "
        "created_at TEXT NOT NULL)"
    )

    def insert(document: str) -> int:
        db = connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                "INSERT INTO submission (answers, created_at) VALUES (?, datetime('now'))", (document,)
            ).lastrowid
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return int(row or 0)

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(template.render())

    async def submit(request: Request) -> RedirectResponse:
        form = await request.form()
        document = json.dumps(
            {key: value for key, value in form.multi_items() if key != "action"}, ensure_ascii=False
        )
        number = await run_in_threadpool(insert, document)
        return RedirectResponse(f"/r/{number}", status_code=303)

    return Starlette(routes=[Route("/page", page), Route("/submit", submit, methods=["POST"])])


class Server:
    """One server subprocess; its log goes to a file shown if it fails."""

    def __init__(self, kind: str, folder: Path, log: Path, env: dict[str, str] | None = None):
        self.kind = kind
        self.data_dir = folder
        self.port = free_port()
        self.log_path = log
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, str(RUN), "--serve", kind, str(self.port), str(folder)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the {self.kind} server stopped at start:\n{self.log()}")
            try:
                status, _headers, _body = run(one_request(self.port, "GET", path))
                if status == 200:
                    return
            except (OSError, HTTPError):
                pass
            time.sleep(0.1)
        raise SystemExit(f"the {self.kind} server did not answer in {timeout:.0f} s:\n{self.log()}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used, all its threads."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    @contextlib.contextmanager
    def children_paused(self) -> Iterator[None]:
        """The server's child processes (the receipt renderer) stopped for the block, then continued.

        Lets a baseline's rounds alternate with the server's without competing with the
        backlog of background work the server's rounds left.
        """
        children = [
            int(pid)
            for task in Path(f"/proc/{self.pid}/task").iterdir()
            for pid in (task / "children").read_text().split()
        ]
        stopped = []
        try:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
                    stopped.append(pid)
            yield
        finally:
            for pid in stopped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL: a receipt backlog would keep the process exiting for minutes."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()


def _die_with_parent() -> None:
    """In the server's process before exec (Linux): killed if this script dies without stopping it."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_parvis(tmp: Path, name: str, env: dict[str, str] | None = None) -> Server:
    data = tmp / f"data-{name}"
    server = Server(
        "parvis",
        tmp / "examples",
        tmp / f"{name}.log",
        env={
            "PARVIS_DATA_DIR": str(data),
            "PARVIS_LOAD_EXAMPLES": "1",
            "PARVIS_RECEIPT_TIMEOUT": "300",
            "PARVIS_BASE_URL": "http://127.0.0.1",
            **(env or {}),
        },
    )
    server.data_dir = data
    server.wait_ready(f"/{ORG}/{FORM_30}")
    return server
