"""The database: engine set-up for SQLite and PostgreSQL, the two ways a unit of work is
opened (`reading` and `writing`), and migrations at start."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _read_json(text: str) -> Any:
    # NaN and Infinity are not JSON: nothing writes them now, but SQLite kept whatever older
    # versions stored, and one such value made pages, exports and the API fail on reading.
    return json.loads(text, parse_constant=lambda _constant: None)


def _write_json(value: Any) -> str:
    return json.dumps(value, allow_nan=False)


def make_engine(url: str, **options: Any) -> Engine:
    options = {"json_deserializer": _read_json, "json_serializer": _write_json, **options}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **options)


def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a submission acknowledged to a citizen survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    record.info[_SYNCHRONOUS] = "FULL"
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_SYNCHRONOUS = "parvis_synchronous"  # the connection's `PRAGMA synchronous`, kept in its pool record


def _sqlite_begin(connection: Any) -> None:
    # A transaction that reads and then writes fails at once ("database is locked") if
    # another write landed in between; one that says up front it will write waits its turn.
    options = connection.get_execution_options()
    if options.get("parvis_writes"):
        # FULL: what a citizen is told was received survives a power cut. A draft's pages
        # are not acknowledged to anyone: NORMAL spares their commits a disk flush (the
        # next FULL commit flushes them too).
        mode = "FULL" if options.get("parvis_durable", True) else "NORMAL"
        # Set only when it changes (it stays set on the connection): one statement fewer
        # inside the write lock for most writes.
        kept = connection.connection.info
        if kept.get(_SYNCHRONOUS) != mode:
            connection.exec_driver_sql(f"PRAGMA synchronous={mode}")
            kept[_SYNCHRONOUS] = mode
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


# (id of the engine, durable) -> the engine and its writer; the engine is kept to tell a
# recycled id from the same engine (an option engine's own `.engine` is itself).
_writers: dict[tuple[int, bool], tuple[Engine, Engine]] = {}


def _writer(engine: Engine, durable: bool = True) -> Engine:
    """The engine for units of work that write: on SQLite they take the write lock first."""
    key = (id(engine), durable)
    found = _writers.get(key)
    if found is None or found[0] is not engine:
        found = _writers[key] = (engine, engine.execution_options(parvis_writes=True, parvis_durable=durable))
    return found[1]


_write_locks: dict[str, threading.Lock] = {}


@contextmanager
def _one_writer(engine: Engine) -> Iterator[None]:
    """On SQLite, the process's writers queue on a lock of their own.

    SQLite lets one writer in at a time and makes the others sleep and retry; threads that
    queue here instead are let in the moment the writer before them is done. Other
    processes still wait on SQLite's own busy timeout.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    lock = _write_locks.setdefault(str(engine.url), threading.Lock())
    with lock:
        yield


def migrate(engine: Engine, extra_versions: list[Path] | None = None) -> None:
    """Bring the schema to the newest migration (Alembic), whatever the database.

    Parts built on the runtime (the staff side) add their own folders of migrations: a
    chain of their own that branches off the runtime's first revision, so each part's
    chain grows without the other's; every head is brought up to date.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    folders = [MIGRATIONS / "versions", *(extra_versions or [])]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(folder) for folder in folders))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


# The two ways into the database: every unit of work of the product is opened by one of
# them and by nothing else (tests/test_storage_style.py checks it). Both give a SQLModel
# Session. ORM code works on it (`exec`, `get`, `add`); code written as SQL statements
# runs them on `session.connection()`, which returns plain rows (the session's own
# `execute` would turn `select(Model)` into objects) and adds no ORM work to each of
# the hot paths' statements. What was read stays usable after the block
# (expire_on_commit=False).


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """One unit of work that only reads: no write lock, and nothing of it is committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def writing(engine: Engine, durable: bool = True) -> Iterator[Session]:
    """One unit of work that writes: committed when the block ends, rolled back if it raises.

    On SQLite it waits for the process's write lock and begins with BEGIN IMMEDIATE.
    `durable=False` is for writes no one has been told are kept (a draft's pages): on SQLite
    their commit spares a disk flush.
    """
    with Session(_writer(engine, durable), expire_on_commit=False) as session:
        # The lock spans the transaction, from its BEGIN to its COMMIT: making the session
        # and handing its connection back to the pool are done outside it.
        with _one_writer(engine):
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
