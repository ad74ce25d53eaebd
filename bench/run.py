"""Parvis benchmarks: each figure against a bare baseline measured in the same run.

    python bench/run.py            (from the project root; re-runs itself with .venv's Python if needed)

Prints one line per figure as soon as it is measured, `name: value unit (target ...)`, and a
few `info:` lines that have no target but explain the figures. The whole run is bounded in
requests and takes one to two minutes on a 2-core machine (`--keep` keeps its temporary folder:
data, server logs).

How it measures
* The servers are real: uvicorn (uvloop, httptools), one process each, on 127.0.0.1, started
  as subprocesses of this script (`--serve parvis|bare ...`), each with a temporary data folder.
  Parvis loads a temporary examples folder (`app.EXAMPLES` is pointed at it before
  `create_app`), holding two procedures written below: a one-page 30-field form and a
  one-page 10-field request.
* The bare server is Starlette alone: one route renders a Jinja template with no variables
  holding the exact HTML Parvis sent for the form page; one route parses the same posted
  form and inserts its JSON into SQLite (WAL, synchronous=FULL), one transaction a request.
* Load comes from this process: a small HTTP/1.1 keep-alive client on asyncio (uvloop), several
  connections at once, a fixed number of requests per round. Rounds of Parvis and of the
  baseline alternate and the median of each is compared, so drift in the machine affects both.
* Receipt rendering and database-write counting also run in-process (`create_app` on a
  temporary folder, Starlette's TestClient for the journey).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
    import uvloop
except ImportError:  # run with the system Python: use the project's virtual environment
    venv_python = ROOT / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.prefix).resolve() != venv_python.parent.parent.resolve():
        os.execv(str(venv_python), [str(venv_python), *sys.argv])
    raise

ORG = "bench"
FORM_30 = "formulaire-30"      # 30 fields on one page: the form-page figure
REQUEST = "demande-simple"     # 10 fields on one page: the submission figures
CONCURRENCY = 8                # client connections at once
STARTED = time.perf_counter()


# -- the procedures ----------------------------------------------------------------------

def _t(fr: str, en: str | None = None) -> dict[str, str]:
    return {"fr": fr, "en": en or fr}


def _choices(*values: str) -> dict[str, dict[str, str]]:
    return {value: _t(value.replace("-", " ").capitalize()) for value in values}


TEXT = {"type": "string", "maxLength": 100}
LONG = {"type": "string", "maxLength": 2000}

# (name, widget, property schema, required, extra element keys)
FIELDS_30: list[tuple[str, str, dict[str, Any], bool, dict[str, Any]]] = [
    ("nom", "text", TEXT, True, {"autocomplete": "family-name"}),
    ("prenom", "text", TEXT, True, {"autocomplete": "given-name"}),
    ("nom_naissance", "text", TEXT, False, {"help": _t("Si différent du nom d'usage.")}),
    ("date_naissance", "date", {"type": "string", "format": "date"}, True, {"help": _t("Par exemple 14/07/1985.")}),
    ("lieu_naissance", "text", TEXT, True, {}),
    ("nationalite", "select", {"type": "string", "enum": ["france", "ue", "hors-ue"]}, True,
     {"choices": _choices("france", "ue", "hors-ue")}),
    ("courriel", "email", {"type": "string", "format": "email", "maxLength": 254}, True,
     {"autocomplete": "email", "help": _t("Format attendu : nom@domaine.fr")}),
    ("telephone", "phone", {"type": "string", "format": "phone", "maxLength": 30}, False,
     {"autocomplete": "tel", "help": _t("Par exemple 06 12 34 56 78.")}),
    ("rue", "text", {"type": "string", "maxLength": 200}, True,
     {"autocomplete": "street-address", "help": _t("Numéro et nom de la rue.")}),
    ("complement", "text", TEXT, False, {"help": _t("Bâtiment, étage, lieu-dit.")}),
    ("code_postal", "postcode", {"type": "string", "format": "fr-postcode"}, True,
     {"autocomplete": "postal-code", "help": _t("5 chiffres, par exemple 61250.")}),
    ("commune", "text", TEXT, True, {"autocomplete": "address-level2"}),
    ("situation", "radio", {"type": "string", "enum": ["celibataire", "marie", "pacse", "autre"]}, True,
     {"choices": _choices("celibataire", "marie", "pacse", "autre")}),
    ("enfants", "integer", {"type": "integer", "minimum": 0, "maximum": 20}, True, {"help": _t("De 0 à 20.")}),
    ("revenus", "number", {"type": "number", "minimum": 0}, False, {"unit": "€", "step": 0.01}),
    ("logement", "radio", {"type": "string", "enum": ["proprietaire", "locataire", "heberge"]}, True,
     {"choices": _choices("proprietaire", "locataire", "heberge")}),
    ("surface", "integer", {"type": "integer", "minimum": 1, "maximum": 10000}, False, {"unit": "m²"}),
    ("date_arrivee", "date", {"type": "string", "format": "date"}, False,
     {"help": _t("Date d'arrivée dans la commune.")}),
    ("services", "checkboxes", {"type": "array", "uniqueItems": True, "items": {
        "type": "string", "enum": ["cantine", "periscolaire", "transport", "centre-loisirs"]}}, False,
     {"choices": _choices("cantine", "periscolaire", "transport", "centre-loisirs")}),
    ("transport", "checkboxes", {"type": "array", "uniqueItems": True, "items": {
        "type": "string", "enum": ["bus", "velo", "voiture", "pied"]}}, False,
     {"choices": _choices("bus", "velo", "voiture", "pied")}),
    ("vehicule", "yesno", {"type": "boolean"}, True, {}),
    ("animaux", "yesno", {"type": "boolean"}, False, {}),
    ("lettre", "yesno", {"type": "boolean"}, False, {"help": _t("Une lettre par mois, désinscription à tout moment.")}),
    ("quartier", "select", {"type": "string", "enum": ["centre", "nord", "sud", "est", "ouest", "hameaux"]}, False,
     {"choices": _choices("centre", "nord", "sud", "est", "ouest", "hameaux")}),
    ("contact", "radio", {"type": "string", "enum": ["courriel", "telephone", "courrier"]}, True,
     {"choices": _choices("courriel", "telephone", "courrier")}),
    ("disponibilites", "textarea", LONG, False, {"rows": 3}),
    ("message", "textarea", LONG, False, {"rows": 6, "help": _t("Tout ce qui peut aider le service.")}),
    ("siret", "siret", {"type": "string", "format": "fr-siret"}, False, {"help": _t("14 chiffres.")}),
    ("site_web", "url", {"type": "string", "format": "uri", "maxLength": 300}, False, {}),
    ("engagement", "consent", {"type": "boolean", "const": True}, True,
     {"label": _t("Je certifie l'exactitude des informations données.")}),
]

FIELDS_REQUEST = [field for field in FIELDS_30 if field[0] in {
    "nom", "prenom", "courriel", "telephone", "rue", "code_postal", "commune", "contact", "message", "engagement"}]

# What a citizen posts for the request form (multipart, as the page's form sends it).
REQUEST_ANSWERS = {
    "nom": "Martin", "prenom": "Camille", "courriel": "camille.martin@example.org",
    "telephone": "06 12 34 56 78", "rue": "12 rue des Lilas", "code_postal": "61250",
    "commune": "Beaulac", "contact": "courriel",
    "message": "Bonjour, je souhaite signaler un lampadaire éteint devant le numéro 12 depuis une semaine. Merci.",
    "engagement": "true",
}


def definition(slug: str, prefix: str, title: str, fields: list[tuple[str, str, dict[str, Any], bool, dict[str, Any]]]) -> dict[str, Any]:
    """A one-page procedure; workflow, receipt, legal and settings taken from an example."""
    example = json.loads((ROOT / "examples/val-dorne/procedures/demande-composteur.json").read_text(encoding="utf-8"))
    elements = []
    for name, widget, _schema, _required, extra in fields:
        element = {"field": name, "widget": widget, "label": _t(name.replace("_", " ").capitalize())}
        element.update(extra)
        elements.append(element)
    return {
        "id": slug, "kind": "procedure", "lang": "fr", "reference_prefix": prefix,
        "title": _t(title), "description": _t("Formulaire de mesure des performances.\n\nIl n'est pas réel."),
        "schema": {"type": "object", "properties": {name: schema for name, _w, schema, _r, _e in fields},
                   "required": [name for name, _w, _s, required, _e in fields if required]},
        "ui": {"pages": [{"id": "page", "title": _t("Vos informations"), "elements": elements}]},
        **{key: example[key] for key in ("workflow", "receipt", "legal", "settings") if key in example},
    }


def write_examples(folder: Path) -> None:
    """An examples folder as `load_examples` reads it: one organisation, two procedures."""
    organisation = json.loads((ROOT / "examples/val-dorne/organisation.json").read_text(encoding="utf-8"))
    organisation.update(slug=ORG, name="Commune de Banc-d'Essai", kind="commune")
    procedures = folder / ORG / "procedures"
    procedures.mkdir(parents=True)
    (folder / ORG / "organisation.json").write_text(json.dumps(organisation, ensure_ascii=False), encoding="utf-8")
    for slug, prefix, title, fields in ((FORM_30, "TRENT", "Formulaire à trente champs", FIELDS_30),
                                        (REQUEST, "DEM", "Demande simple", FIELDS_REQUEST)):
        document = definition(slug, prefix, title, fields)
        from runtime.definition import load_definition
        load_definition(json.dumps(document))  # raises DefinitionError listing every problem
        (procedures / f"{slug}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def multipart(fields: dict[str, str], boundary: str = "----parvisbench7MA4YWxkTrZu0gW") -> tuple[bytes, str]:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# -- the servers (run in subprocesses: `run.py --serve ...`) ---------------------------------

def serve(kind: str, port: int, folder: str) -> None:
    if kind == "parvis":
        import app as parvis  # settings come from the PARVIS_* variables the parent set

        parvis.EXAMPLES = Path(folder)
        application = parvis.create_app()
        if os.environ.get("BENCH_NO_RECEIPTS"):  # the diagnostic server: submit queues no receipt
            from runtime.routes import forms

            forms.schedule_receipt = lambda *args, **kwargs: None
    else:
        application = bare_app(Path(folder))
    uvicorn.run(application, host="127.0.0.1", port=port, loop="uvloop", http="httptools",
                log_level="warning", access_log=False)


def bare_app(folder: Path) -> Any:
    """Starlette and nothing else: a variable-free template, and one insert a request."""
    import sqlite3

    from jinja2 import Environment, FileSystemLoader
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse
    from starlette.routing import Route

    template = Environment(loader=FileSystemLoader(folder / "templates"), autoescape=True).get_template("page.html")
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

    connection().execute("CREATE TABLE IF NOT EXISTS submission (id INTEGER PRIMARY KEY, answers TEXT NOT NULL, "
                         "created_at TEXT NOT NULL)")

    def insert(document: str) -> int:
        db = connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("INSERT INTO submission (answers, created_at) VALUES (?, datetime('now'))",
                             (document,)).lastrowid
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return int(row or 0)

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(template.render())

    async def submit(request: Request) -> RedirectResponse:
        form = await request.form()
        document = json.dumps({key: value for key, value in form.multi_items() if key != "action"}, ensure_ascii=False)
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
            [sys.executable, str(Path(__file__).resolve()), "--serve", kind, str(self.port), str(folder)],
            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent)

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


# -- the load client ---------------------------------------------------------------------

class HTTPError(Exception):
    pass


class Connection:
    """One keep-alive HTTP/1.1 connection: enough of the protocol for these servers."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.answered = 0  # responses read on the open connection

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
        self.answered = 0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", content_type: str = "",
                      headers: str = "") -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            reused = self.writer is not None and self.answered > 0
            try:
                return await self._request(method, path, body, content_type, headers)
            except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError) as error:
                self.close()
                nothing_read = not getattr(error, "partial", b"")
                # uvicorn closes a connection after a request that raised (once its 500 is sent): like
                # a browser, send the next request again on a new connection if none of it was answered
                if attempt == 1 and reused and nothing_read:
                    continue
                raise HTTPError(f"{method} {path}: connection closed by the server ({type(error).__name__})") from error
        raise AssertionError("unreachable")

    async def _request(self, method: str, path: str, body: bytes, content_type: str,
                       headers: str) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{headers}"
        if method == "POST":
            if content_type:
                head += f"Content-Type: {content_type}\r\n"
            head += f"Content-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        found: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                found[name.strip().lower()] = value.strip()
        if "content-length" in found:
            content = await self.reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            content = b"".join(chunk[:-2] for chunk in chunks)
        else:
            content = b""
        self.answered += 1
        if found.get("connection", "").lower() == "close":
            self.close()
        return status, found, content


def expect(response: tuple[int, dict[str, str], bytes], status: int, what: str) -> tuple[int, dict[str, str], bytes]:
    if response[0] != status:
        raise HTTPError(f"{what}: expected {status}, got {response[0]}: {response[2][:300]!r}")
    return response


async def one_request(port: int, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple[int, dict[str, str], bytes]:
    connection = Connection(port)
    try:
        return await connection.request(method, path, body, content_type)
    finally:
        connection.close()


Job = Callable[[Connection], Awaitable[None]]


async def drive(port: int, job: Job, total: int, concurrency: int = CONCURRENCY) -> float:
    """Run `job` `total` times over `concurrency` connections; seconds taken."""
    connections = [Connection(port) for _ in range(min(concurrency, total))]
    for connection in connections:
        await connection.open()
    remaining = total

    async def worker(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await job(connection)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(connection) for connection in connections))
    finally:
        for connection in connections:
            connection.close()
    return time.perf_counter() - started


_loop = uvloop.new_event_loop()


def run(coroutine: Awaitable[Any]) -> Any:
    return _loop.run_until_complete(coroutine)


class Comparison:
    """Median jobs/s of each side, and the CPU share the server and this client used (of one core)."""

    def __init__(self) -> None:
        self.rates: list[list[float]] = [[], []]
        self.server_cpu: list[list[float]] = [[], []]
        self.client_cpu: list[list[float]] = [[], []]

    @property
    def app(self) -> float:
        return statistics.median(self.rates[0])

    @property
    def bare(self) -> float:
        return statistics.median(self.rates[1])

    @property
    def ratio(self) -> float:
        return self.app / self.bare

    def cpu(self, which: int) -> str:
        return (f"server CPU {statistics.median(self.server_cpu[which]):.0%}, "
                f"client CPU {statistics.median(self.client_cpu[which]):.0%}")


def compare(app: tuple[Server, Job], bare: tuple[Server, Job], *, seconds: float, rounds: int = 3,
            warm: int = 200, most: int = 20_000, least: int = 50, interleave: bool = True,
            concurrency: int = CONCURRENCY) -> Comparison:
    """Jobs/s of the app and of the baseline over rounds of about `seconds` each, alternating
    unless `interleave` is false (then the baseline's rounds come first).

    A warm-up of `warm` jobs sizes the rounds; each round has a fixed number of jobs.
    """
    sizes = []
    for server, job in (app, bare):
        elapsed = run(drive(server.port, job, warm, concurrency))
        sizes.append(max(least, min(most, int(warm / elapsed * seconds))))
    result = Comparison()
    order = [(0, 1)] * rounds if interleave else [(1,)] * rounds + [(0,)] * rounds
    for group in order:
        for which in group:
            server, job = (app, bare)[which]
            client, served = time.process_time(), server.cpu_seconds()
            elapsed = run(drive(server.port, job, sizes[which], concurrency))
            result.rates[which].append(sizes[which] / elapsed)
            result.server_cpu[which].append((server.cpu_seconds() - served) / elapsed)
            result.client_cpu[which].append((time.process_time() - client) / elapsed)
    return result


# -- output ------------------------------------------------------------------------------

def figure(name: str, value: float, unit: str, target: str, fmt: str = ".2f") -> None:
    print(f"{name}: {value:{fmt}} {unit} (target {target})", flush=True)


def info(text: str) -> None:
    print(f"info: {text}", flush=True)


# -- the benchmarks ----------------------------------------------------------------------

def page_job(path: str) -> Job:
    async def job(connection: Connection) -> None:
        expect(await connection.request("GET", path), 200, f"GET {path}")
    return job


REQUEST_BODY, REQUEST_TYPE = multipart({**REQUEST_ANSWERS, "action": "next"})


STEP_TIMES: dict[str, list[float]] = collections.defaultdict(list)  # seconds of each request, by step


async def journey(connection: Connection) -> str:
    """A whole submission of the one-page request: post the page, then send it; its follow token."""
    started = time.perf_counter()
    _s, headers, _b = expect(await connection.request("POST", f"/{ORG}/{REQUEST}", REQUEST_BODY, REQUEST_TYPE),
                             303, "POST the request's page")
    location = headers["location"]
    if not location.endswith("/review"):
        raise HTTPError(f"POST the request's page went to {location}, not to the review")
    middle = time.perf_counter()
    _s, headers, _b = expect(await connection.request("POST", location.replace("/review", "/submit"), b"",
                                                      "application/x-www-form-urlencoded"),
                             303, "POST submit")
    STEP_TIMES["page"].append(middle - started)
    STEP_TIMES["submit"].append(time.perf_counter() - middle)
    return headers["location"].rsplit("/", 1)[1]


def steps_text() -> str:
    """Median and 90th percentile of each step since the last call, then forgets them."""
    parts = []
    for step in ("page", "submit", "bare"):
        times = sorted(STEP_TIMES.pop(step, []))
        if times:
            parts.append(f"{'page POST' if step == 'page' else step} {statistics.median(times) * 1000:.1f} ms "
                         f"(p90 {times[int(len(times) * 0.9)] * 1000:.1f})")
    return ", ".join(parts)


async def journey_job(connection: Connection) -> None:
    await journey(connection)


async def bare_submit_job(connection: Connection) -> None:
    started = time.perf_counter()
    expect(await connection.request("POST", "/submit", REQUEST_BODY, REQUEST_TYPE), 303, "POST bare submit")
    STEP_TIMES["bare"].append(time.perf_counter() - started)


def bench_form_page(parvis: Server, bare: Server) -> None:
    result = compare((parvis, page_job(f"/{ORG}/{FORM_30}")), (bare, page_job("/page")), seconds=2.0, warm=500)
    figure("form_page_ratio", result.ratio, "x of bare", ">= 0.50")
    info(f"form page (/{ORG}/{FORM_30}, kept once rendered): parvis {result.app:.0f} req/s ({result.cpu(0)}), "
         f"bare Starlette+Jinja {result.bare:.0f} req/s ({result.cpu(1)}); {CONCURRENCY} keep-alive connections")


def bench_draft_page(parvis: Server, bare: Server) -> None:
    """Not a target: the same 30-field page for a draft (/d/{token}/p/1) is rendered on each request,
    unlike the start page that Parvis keeps once rendered."""
    body, kind = multipart({"nom": "Martin", "action": "save"})
    _s, headers, _b = expect(run(one_request(parvis.port, "POST", f"/{ORG}/{FORM_30}", body, kind)), 303, "save a draft")
    token = headers["location"].split("/")[2]
    path = f"/d/{token}/p/1"
    result = compare((parvis, page_job(path)), (bare, page_job("/page")), seconds=1.5, warm=100, rounds=2)
    info(f"the same 30 fields as a draft's page (/d/TOKEN/p/1: one draft read, rendered each time): parvis "
         f"{result.app:.0f} req/s = {result.ratio:.2f} x of bare ({result.bare:.0f} req/s)")


def bench_receipt_downloads(parvis: Server) -> None:
    """First download of a fresh submission's receipt (rendered then) against the second (a file).

    The render starts when the submission is made (Parvis schedules it on submit), a few
    milliseconds before the first download's request: the first time is from that request.
    """
    async def measure() -> tuple[float, float, int]:
        connection = Connection(parvis.port)
        try:
            token = await journey(connection)  # also warms WeasyPrint up (fonts, the theme)
            expect(await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "first receipt")
            firsts, seconds = [], []
            size = 0
            for _ in range(7):
                token = await journey(connection)
                started = time.perf_counter()
                _s, headers, pdf = expect(await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "receipt")
                firsts.append(time.perf_counter() - started)
                if not pdf.startswith(b"%PDF"):
                    raise HTTPError("the receipt is not a PDF")
                size = len(pdf)
                started = time.perf_counter()
                expect(await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "receipt again")
                seconds.append(time.perf_counter() - started)
            return statistics.median(firsts), statistics.median(seconds), size
        finally:
            connection.close()

    first, second, size = run(measure())
    figure("receipt_cached_speedup", first / second, "x (first download / second)", ">= 50", ".0f")
    info(f"receipt download over HTTP: first {first * 1000:.0f} ms (rendered), second {second * 1000:.1f} ms "
         f"(file), {size // 1024} KiB")


def probe_concurrent_submissions(parvis: Server, total: int = 100) -> bool:
    """Whether Parvis takes submissions from several citizens at once without failing.

    If it does not, the submission figures are measured with one connection (both sides), and
    what failed is printed from the server's log.
    """
    failures: collections.Counter[str] = collections.Counter()
    tokens: list[str] = []
    log_before = len(parvis.log_path.read_bytes())

    async def job(connection: Connection) -> None:
        try:
            tokens.append(await journey(connection))
        except HTTPError as error:
            failures["connection closed" if "connection closed" in str(error) else str(error).split(":")[0]] += 1

    run(drive(parvis.port, job, total))
    if tokens:
        drain(parvis, tokens[-1])
    if not failures:
        info(f"concurrent submissions: {total} journeys over {CONCURRENCY} connections, none failed")
        return True
    log = parvis.log_path.read_bytes()[log_before:].decode(errors="replace")
    causes = collections.Counter(re.findall(r"\n(\w[\w.]*(?:Error|Exception)): ([^\n]{0,60})", log))
    statements = collections.Counter(re.findall(r"\[SQL: (\w+ \w+)", log))
    info(f"concurrent submissions FAIL: {sum(failures.values())} of {total} journeys over {CONCURRENCY} connections "
         f"failed ({', '.join(f'{n} x {what}' for what, n in failures.items())}); server log: "
         f"{'; '.join(f'{n} x {e}: {m}' for (e, m), n in causes.most_common(1))}"
         f"{' in ' if statements else ''}{', '.join(f'{n} x {what}' for what, n in statements.most_common(3))}. "
         f"The submission figures below use 1 connection on both sides")
    return False


def drain(parvis: Server, token: str) -> None:
    """Wait until the receipt worker has rendered everything queued up to `token`'s receipt (FIFO)."""
    expect(run(one_request(parvis.port, "GET", f"/s/{token}/receipt.pdf")), 200, "receipt (waiting for the queue)")


def bench_submissions(parvis: Server, bare: Server, concurrency: int) -> None:
    """Submissions per second.

    One Parvis submission is counted as the whole journey a citizen makes for a one-page form:
    POST the page (creates the draft, saves the answers, 303 to the review) then POST submit
    (stores the submission, 303 to the receipt page): that is what it takes to get one
    submission in, and the baseline gets one in with one POST of the same form. The review page
    a browser shows between the two is not fetched. Each submit also queues the receipt's PDF
    in Parvis's background worker, which competes for the CPU during the rounds, as it would in
    production; so the baseline's rounds run first, before that backlog exists.

    Both sides use `concurrency` connections: CONCURRENCY if the probe before saw Parvis take
    concurrent submissions without errors, else 1 (then the figure is one citizen at a time,
    and the baseline's time is mostly its commit's fsync).
    """
    STEP_TIMES.clear()
    result = compare((parvis, journey_job), (bare, bare_submit_job), seconds=2.0, warm=30, least=30,
                     interleave=False, concurrency=concurrency)
    figure("submission_ratio", result.ratio, "x of bare", ">= 0.30")
    info(f"submissions ({concurrency} connection{'s' if concurrency > 1 else ''}): parvis {result.app:.0f} "
         f"journeys/s, bare {result.bare:.0f} inserts/s; {steps_text()}")


def bench_submissions_without_receipts(tmp: Path, bare: Server, concurrency: int) -> None:
    """Diagnostic, no target: the same on a Parvis server whose submit does not queue the receipt.

    Tells how much of the submission figure is the receipt rendering in the background: it
    runs in a thread of the server process and holds the GIL while WeasyPrint works.
    """
    server = start_parvis(tmp, "no-receipts", {"BENCH_NO_RECEIPTS": "1"})
    try:
        STEP_TIMES.clear()
        result = compare((server, journey_job), (bare, bare_submit_job), seconds=1.5, warm=30, least=30,
                         rounds=2, concurrency=concurrency)
        info(f"diagnostic, the same without the background receipt render: parvis {result.app:.0f} journeys/s = "
             f"{result.ratio:.2f} x of bare ({result.bare:.0f} /s); {steps_text()}")
    finally:
        server.stop()


def bench_memory(tmp: Path, concurrency: int) -> None:
    """RSS of a fresh server after a warm-up, then after 1,000 submissions and 200 receipt downloads.

    The downloads are the receipts of the first 200 of those submissions: a download waits for
    its render if the worker (one thread, first come first served) has not reached it yet.
    Renders of later submissions may still be queued when RSS is read; the line says how many.
    """
    server = start_parvis(tmp, "memory")
    try:
        async def warm_up() -> None:
            connection = Connection(server.port)
            try:
                for _ in range(200):
                    expect(await connection.request("GET", f"/{ORG}/{FORM_30}"), 200, "form page")
                for _ in range(30):
                    token = await journey(connection)
                    expect(await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "receipt")
                    expect(await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "receipt again")
                    expect(await connection.request("GET", f"/r/{token}"), 200, "receipt page")
            finally:
                connection.close()

        run(warm_up())
        before = server.rss_kib()
        tokens: list[str] = []

        async def submit_one(connection: Connection) -> None:
            tokens.append(await journey(connection))

        elapsed = run(drive(server.port, submit_one, 1000, concurrency))
        after_submissions = server.rss_kib()
        rendered_then = len(list((server.data_dir / "receipts").glob("*.pdf")))
        queue = list(tokens[:200])

        async def download(connection: Connection) -> None:
            token = queue.pop(0)
            _s, _h, pdf = expect(await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "receipt")
            if not pdf.startswith(b"%PDF"):
                raise HTTPError("the receipt is not a PDF")

        downloads = run(drive(server.port, download, 200, concurrency))
        after = server.rss_kib()
        rendered = len(list((server.data_dir / "receipts").glob("*.pdf")))
        growth = (after - before) / before * 100
        figure("memory_growth", growth, "%", "<= 10", ".1f")
        info(f"server RSS: {before / 1024:.0f} MiB after warm-up, {after_submissions / 1024:.0f} MiB after "
             f"1,000 submissions ({elapsed:.1f} s; {rendered_then - 30} of their receipts rendered meanwhile), "
             f"{after / 1024:.0f} MiB after 200 receipt downloads ({downloads:.1f} s); then {rendered} of "
             f"{len(tokens) + 30} receipts rendered, the rest queued")
    finally:
        server.stop()


def bench_in_process(tmp: Path) -> None:
    """Write transactions per submission (SQLite's trace), and receipt rendering against WeasyPrint alone."""
    import logging

    import warnings

    from sqlalchemy import event

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's note that httpx will give way to httpx2
        from starlette.testclient import TestClient

    import app as parvis
    from runtime import receipts
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
        response = client.post(f"/{ORG}/{REQUEST}", data={**REQUEST_ANSWERS, "action": "next"},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].endswith("/review"), response.text[:300]
        middle = dict(counts)
        response = client.post(response.headers["location"].replace("/review", "/submit"), follow_redirects=False)
        assert response.status_code == 303, response.text[:300]
        end = dict(counts)
        tokens.append(response.headers["location"].rsplit("/", 1)[1])
        page_writes.append(middle["writes"] - start["writes"])
        submit_writes.append(end["writes"] - middle["writes"])
        page_txns.append(middle["transactions"] - start["transactions"])
        submit_txns.append(end["transactions"] - middle["transactions"])
    figure("submission_db_writes", max(submit_writes), "write transactions per submission (the submit request)",
           "1", "d")
    info(f"whole journey: page POST {max(page_writes)} write transaction(s) of {max(page_txns)}, submit "
         f"{max(submit_writes)} of {max(submit_txns)} transactions (reads included)")

    # -- receipts: Parvis's ensure_receipt against WeasyPrint on the same HTML
    import weasyprint

    submissions = []
    for token in tokens:
        found = follow(engine, token)
        assert found is not None
        receipts.schedule_receipt(site, found.submission, "http://127.0.0.1").result(120)  # the queued ones
        submissions.append(found.submission)
    base_url = "http://127.0.0.1"
    assets = site.charter(site.version(submissions[0].version_id).organisation.theme).folder.resolve().as_uri() + "/"

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
    info(f"receipt render: parvis worker process {app_time * 1000:.0f} ms (HTML, QR code, PDF/A-3b, answers.json, "
         f"file), weasyprint.HTML(string=html).write_pdf() {bare_time * 1000:.0f} ms; one worker renders about "
         f"{1 / app_time:.1f} receipts/s")
    client.close()
    engine.dispose()


def start_parvis(tmp: Path, name: str, env: dict[str, str] | None = None) -> Server:
    data = tmp / f"data-{name}"
    server = Server("parvis", tmp / "examples", tmp / f"{name}.log", env={
        "PARVIS_DATA_DIR": str(data), "PARVIS_LOAD_EXAMPLES": "1", "PARVIS_RECEIPT_TIMEOUT": "300",
        "PARVIS_BASE_URL": "http://127.0.0.1", **(env or {})})
    server.data_dir = data
    server.wait_ready(f"/{ORG}/{FORM_30}")
    return server


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="parvis-bench-"))
    servers: list[Server] = []
    try:
        write_examples(tmp / "examples")
        print(f"Parvis benchmarks ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start, data in "
              f"{tmp}); one line per figure", flush=True)

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

        bench_form_page(parvis, bare)
        bench_draft_page(parvis, bare)
        bench_receipt_downloads(parvis)
        concurrency = CONCURRENCY if probe_concurrent_submissions(parvis) else 1
        bench_submissions(parvis, bare, concurrency)
        parvis.stop()  # its receipt backlog is left unrendered
        servers.remove(parvis)
        bench_submissions_without_receipts(tmp, bare, concurrency)
        bare.stop()
        servers.clear()

        bench_memory(tmp, concurrency)
        bench_in_process(tmp)
        info(f"done in {time.perf_counter() - STARTED:.0f} s; load average {os.getloadavg()[0]:.1f} "
             f"(other work on the machine makes figures noisier)")
        return 0
    except HTTPError as error:
        print(f"failed: {error}", file=sys.stderr)
        for server in servers:
            print(f"--- end of the {server.kind} server's log ({server.log_path.name}) ---\n{server.log()}", file=sys.stderr)
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
