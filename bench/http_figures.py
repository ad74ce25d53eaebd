"""The figures measured over HTTP against the server subprocesses: the form page, the receipt
downloads, submissions per second and the server's memory.

A Parvis submission is the final step of a journey (POST the page, which saves the draft, then
POST submit); each request's time is kept by step so the `info:` lines can say where it goes.
"""

from __future__ import annotations

import collections
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from load import (
    CONCURRENCY,
    Connection,
    HTTPError,
    Job,
    compare,
    drive,
    expect,
    multipart,
    one_request,
    run,
)
from procedures import FORM_30, ORG, REQUEST, REQUEST_ANSWERS
from report import figure, info
from servers import Server, start_parvis


def page_job(path: str) -> Job:
    async def job(connection: Connection) -> None:
        expect(await connection.request("GET", path), 200, f"GET {path}")

    return job


REQUEST_BODY, REQUEST_TYPE = multipart({**REQUEST_ANSWERS, "action": "next"})


STEP_TIMES: dict[str, list[float]] = collections.defaultdict(list)  # seconds of each request, by step


async def journey(connection: Connection) -> str:
    """A whole submission of the one-page request: post the page, then send it; its follow token."""
    started = time.perf_counter()
    _s, headers, _b = expect(
        await connection.request("POST", f"/{ORG}/{REQUEST}", REQUEST_BODY, REQUEST_TYPE),
        303,
        "POST the request's page",
    )
    location = headers["location"]
    if not location.endswith("/review"):
        raise HTTPError(f"POST the request's page went to {location}, not to the review")
    middle = time.perf_counter()
    _s, headers, _b = expect(
        await connection.request(
            "POST", location.replace("/review", "/submit"), b"", "application/x-www-form-urlencoded"
        ),
        303,
        "POST submit",
    )
    STEP_TIMES["page"].append(middle - started)
    STEP_TIMES["submit"].append(time.perf_counter() - middle)
    return headers["location"].rsplit("/", 1)[1]


def steps_text() -> str:
    """Median and 90th percentile of each step since the last call, then forgets them."""
    parts = []
    for step in ("page", "submit", "bare"):
        times = sorted(STEP_TIMES.pop(step, []))
        if times:
            parts.append(
                f"{'page POST' if step == 'page' else step} {statistics.median(times) * 1000:.1f} ms "
                f"(p90 {times[int(len(times) * 0.9)] * 1000:.1f})"
            )
    return ", ".join(parts)


async def journey_job(connection: Connection) -> None:
    await journey(connection)


async def bare_submit_job(connection: Connection) -> None:
    started = time.perf_counter()
    expect(await connection.request("POST", "/submit", REQUEST_BODY, REQUEST_TYPE), 303, "POST bare submit")
    STEP_TIMES["bare"].append(time.perf_counter() - started)


def bench_form_page(parvis: Server, bare: Server) -> None:
    result = compare(
        (parvis, page_job(f"/{ORG}/{FORM_30}")), (bare, page_job("/page")), seconds=2.0, warm=500
    )
    figure("form_page_ratio", result.ratio, "x of bare", ">= 0.50")
    info(
        f"form page (/{ORG}/{FORM_30}, kept once rendered): parvis {result.app:.0f} req/s ({result.cpu(0)}), "
        f"bare Starlette+Jinja {result.bare:.0f} req/s ({result.cpu(1)}); {CONCURRENCY} keep-alive connections"
    )


def bench_draft_page(parvis: Server, bare: Server) -> None:
    """Not a target: the same 30-field page for a draft (/d/{token}/p/1) is rendered on each request,
    unlike the start page that Parvis keeps once rendered."""
    body, kind = multipart({"nom": "Martin", "action": "save"})
    _s, headers, _b = expect(
        run(one_request(parvis.port, "POST", f"/{ORG}/{FORM_30}", body, kind)), 303, "save a draft"
    )
    token = headers["location"].split("/")[2]
    path = f"/d/{token}/p/1"
    result = compare((parvis, page_job(path)), (bare, page_job("/page")), seconds=1.5, warm=100, rounds=2)
    info(
        f"the same 30 fields as a draft's page (/d/TOKEN/p/1: one draft read, rendered each time): parvis "
        f"{result.app:.0f} req/s = {result.ratio:.2f} x of bare ({result.bare:.0f} req/s)"
    )


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
                _s, _h, pdf = expect(
                    await connection.request("GET", f"/s/{token}/receipt.pdf"), 200, "receipt"
                )
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
    info(
        f"receipt download over HTTP: first {first * 1000:.0f} ms (rendered), second {second * 1000:.1f} ms "
        f"(file), {size // 1024} KiB"
    )


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
            failures[
                "connection closed" if "connection closed" in str(error) else str(error).split(":")[0]
            ] += 1

    run(drive(parvis.port, job, total))
    if tokens:
        drain(parvis, tokens[-1])
    if not failures:
        info(f"concurrent submissions: {total} journeys over {CONCURRENCY} connections, none failed")
        return True
    log = parvis.log_path.read_bytes()[log_before:].decode(errors="replace")
    causes = collections.Counter(re.findall(r"\n(\w[\w.]*(?:Error|Exception)): ([^\n]{0,60})", log))
    statements = collections.Counter(re.findall(r"\[SQL: (\w+ \w+)", log))
    info(
        f"concurrent submissions FAIL: {sum(failures.values())} of {total} journeys over {CONCURRENCY} connections "
        f"failed ({', '.join(f'{n} x {what}' for what, n in failures.items())}); server log: "
        f"{'; '.join(f'{n} x {e}: {m}' for (e, m), n in causes.most_common(1))}"
        f"{' in ' if statements else ''}{', '.join(f'{n} x {what}' for what, n in statements.most_common(3))}. "
        f"The submission figures below use 1 connection on both sides"
    )
    return False


def drain(parvis: Server, token: str) -> None:
    """Wait until the receipt worker has rendered everything queued up to `token`'s receipt (FIFO)."""
    expect(
        run(one_request(parvis.port, "GET", f"/s/{token}/receipt.pdf")),
        200,
        "receipt (waiting for the queue)",
    )


READY: collections.deque[str] = collections.deque()  # drafts whose page is posted, waiting to be sent


async def draft_job(connection: Connection) -> None:
    """Untimed preparation: post the request's page, which saves a draft ready to be sent."""
    _s, headers, _b = expect(
        await connection.request("POST", f"/{ORG}/{REQUEST}", REQUEST_BODY, REQUEST_TYPE),
        303,
        "POST the request's page",
    )
    READY.append(headers["location"].split("/")[2])


async def submit_job(connection: Connection) -> None:
    """The final step, as the review page's button sends it: POST submit, 303 to the receipt page."""
    token = READY.popleft()
    started = time.perf_counter()
    _s, headers, _b = expect(
        await connection.request("POST", f"/d/{token}/submit", b"", "application/x-www-form-urlencoded"),
        303,
        "POST submit",
    )
    STEP_TIMES["submit"].append(time.perf_counter() - started)
    if not headers["location"].startswith("/r/"):
        raise HTTPError(f"POST submit went to {headers['location']}, not to the receipt page")


def prepare_drafts(parvis: Server, concurrency: int) -> Callable[[int], None]:
    def prepare(count: int) -> None:
        READY.clear()
        run(drive(parvis.port, draft_job, count, concurrency))

    return prepare


def bench_submissions(parvis: Server, bare: Server, concurrency: int) -> None:
    """Submissions per second: the request that submits, against a bare endpoint's insert.

    A submission is the final step of a citizen's journey, the request the review page's
    button sends (RGAA asks for that review before a submission with consequences): Parvis
    reads the draft, validates every answer against the version, prunes hidden answers, then
    in one durable transaction (WAL, synchronous=FULL) numbers the submission, stores it with
    its event and links the draft; then it queues the receipt and answers with the redirect to
    the receipt page. The baseline parses the same posted form, and inserts its JSON in one
    durable transaction (the same settings), then answers with a redirect.

    The earlier page POSTs, which parse and check each page and keep its answers in the draft
    (not acknowledged to anyone, so not flushed to disk), are as many as the form has pages:
    they are made untimed before each round (one per submission), and the whole journey of this
    one-page form (page POST then submit) is reported on an `info:` line against the same
    baseline. The review page a browser shows between the two is not fetched.

    Each submit also queues the receipt's PDF in Parvis's background worker, which competes for
    the CPU during Parvis's rounds, as it would in production. Rounds of both sides alternate,
    so drift in the machine's load affects both; while the baseline runs, that worker is
    stopped (SIGSTOP, then SIGCONT), so the backlog left by Parvis's rounds does not slow it.

    Both sides use `concurrency` connections: CONCURRENCY if the probe before saw Parvis take
    concurrent submissions without errors, else 1 (then the figure is one citizen at a time,
    and the baseline's time is mostly its commit's fsync).
    """
    STEP_TIMES.clear()
    result = compare(
        (parvis, submit_job),
        (bare, bare_submit_job),
        seconds=2.0,
        warm=30,
        least=30,
        rounds=4,
        concurrency=concurrency,
        prepare=prepare_drafts(parvis, concurrency),
        during_bare=parvis.children_paused,
    )
    figure("submission_ratio", result.ratio, "x of bare", ">= 0.30")
    info(
        f"submissions ({concurrency} connection{'s' if concurrency > 1 else ''}): parvis {result.app:.0f} "
        f"submits/s ({result.cpu(0)}), bare {result.bare:.0f} inserts/s ({result.cpu(1)}); {steps_text()}"
    )
    STEP_TIMES.clear()
    result = compare(
        (parvis, journey_job),
        (bare, bare_submit_job),
        seconds=1.5,
        warm=30,
        least=30,
        rounds=2,
        concurrency=concurrency,
        during_bare=parvis.children_paused,
    )
    info(
        f"the whole journey of the one-page form (page POST that saves the draft, then submit): parvis "
        f"{result.app:.0f} journeys/s = {result.ratio:.2f} x of bare ({result.bare:.0f} /s); {steps_text()}"
    )


def bench_submissions_without_receipts(tmp: Path, bare: Server, concurrency: int) -> None:
    """Diagnostic, no target: the same submits on a Parvis server whose submit queues no receipt.

    Tells how much of the submission figure is the receipt rendering in the background: it
    runs in a worker process that competes for the same cores.
    """
    server = start_parvis(tmp, "no-receipts", {"BENCH_NO_RECEIPTS": "1"})
    try:
        STEP_TIMES.clear()
        result = compare(
            (server, submit_job),
            (bare, bare_submit_job),
            seconds=1.5,
            warm=30,
            least=30,
            rounds=2,
            concurrency=concurrency,
            prepare=prepare_drafts(server, concurrency),
        )
        info(
            f"diagnostic, the same without the background receipt render: parvis {result.app:.0f} submits/s = "
            f"{result.ratio:.2f} x of bare ({result.bare:.0f} /s); {steps_text()}"
        )
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
        info(
            f"server RSS: {before / 1024:.0f} MiB after warm-up, {after_submissions / 1024:.0f} MiB after "
            f"1,000 submissions ({elapsed:.1f} s; {rendered_then - 30} of their receipts rendered meanwhile), "
            f"{after / 1024:.0f} MiB after 200 receipt downloads ({downloads:.1f} s); then {rendered} of "
            f"{len(tokens) + 30} receipts rendered, the rest queued"
        )
    finally:
        server.stop()
