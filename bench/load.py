"""The load: a small keep-alive HTTP/1.1 client on asyncio (uvloop), the driver that runs a job
over several connections at once, and the comparison of a server against its baseline.

Rounds of the app and of the baseline alternate and the median of each is compared, so drift
in the machine affects both.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import uvloop

if TYPE_CHECKING:
    from servers import Server

CONCURRENCY = 8  # client connections at once


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

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "", headers: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
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
                raise HTTPError(
                    f"{method} {path}: connection closed by the server ({type(error).__name__})"
                ) from error
        raise AssertionError("unreachable")

    async def _request(
        self, method: str, path: str, body: bytes, content_type: str, headers: str
    ) -> tuple[int, dict[str, str], bytes]:
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


def expect(
    response: tuple[int, dict[str, str], bytes], status: int, what: str
) -> tuple[int, dict[str, str], bytes]:
    if response[0] != status:
        raise HTTPError(f"{what}: expected {status}, got {response[0]}: {response[2][:300]!r}")
    return response


async def one_request(
    port: int, method: str, path: str, body: bytes = b"", content_type: str = ""
) -> tuple[int, dict[str, str], bytes]:
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
        return (
            f"server CPU {statistics.median(self.server_cpu[which]):.0%}, "
            f"client CPU {statistics.median(self.client_cpu[which]):.0%}"
        )


def compare(
    app: tuple[Server, Job],
    bare: tuple[Server, Job],
    *,
    seconds: float,
    rounds: int = 3,
    warm: int = 200,
    most: int = 20_000,
    least: int = 50,
    interleave: bool = True,
    concurrency: int = CONCURRENCY,
    prepare: Callable[[int], None] | None = None,
    during_bare: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
) -> Comparison:
    """Jobs/s of the app and of the baseline over rounds of about `seconds` each, alternating
    unless `interleave` is false (then the baseline's rounds come first).

    A warm-up of `warm` jobs sizes the rounds; each round has a fixed number of jobs.
    `prepare(count)`, if given, runs untimed before each of the app's runs, to make what its
    `count` jobs need (the drafts that submit requests send); `during_bare()` is entered around
    each of the baseline's runs (to pause the app's background work while the baseline runs).
    """
    sizes = []
    for which, (server, job) in enumerate((app, bare)):
        if which == 0 and prepare is not None:
            prepare(warm)
        elapsed = run(drive(server.port, job, warm, concurrency))
        sizes.append(max(least, min(most, int(warm / elapsed * seconds))))
    result = Comparison()
    order = [(0, 1)] * rounds if interleave else [(1,)] * rounds + [(0,)] * rounds
    for group in order:
        for which in group:
            server, job = (app, bare)[which]
            if which == 0 and prepare is not None:
                prepare(sizes[which])
            client, served = time.process_time(), server.cpu_seconds()
            with during_bare() if which == 1 else contextlib.nullcontext():
                elapsed = run(drive(server.port, job, sizes[which], concurrency))
            result.rates[which].append(sizes[which] / elapsed)
            result.server_cpu[which].append((server.cpu_seconds() - served) / elapsed)
            result.client_cpu[which].append((time.process_time() - client) / elapsed)
    return result


def multipart(fields: dict[str, str], boundary: str = "----parvisbench7MA4YWxkTrZu0gW") -> tuple[bytes, str]:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"
