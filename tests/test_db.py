"""Storage: the migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import designer.staff_models  # noqa: F401
import runtime.models  # noqa: F401
from app import DESIGNER
from runtime.db import make_engine, migrate
from tests.conftest import make_settings


def test_migrations_match_the_models(backend: str, tmp_path: Path) -> None:
    settings = make_settings(backend, tmp_path)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine, [DESIGNER / "migrations" / "versions"])
    migrate(engine, [DESIGNER / "migrations" / "versions"])  # a second start changes nothing
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _ours})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def _ours(name: str | None, kind: str, _parents: dict[str, str | None]) -> bool:
    # SQLite's full-text index of submissions is a virtual table (and its shadow tables)
    # that the migration makes by hand: no model describes it.
    return not (kind == "table" and (name or "").startswith("submission_fts"))


def test_sqlite_is_durable_and_checks_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_the_first_start_loads_the_examples_once(backend: str, tmp_path: Path) -> None:
    from app import create_app
    from runtime.catalogue import organisations

    settings = make_settings(backend, tmp_path)
    first = create_app(settings)
    names = [o.slug for o in organisations(first.state.site.engine)]
    first.state.site.engine.dispose()
    again = create_app(settings)
    assert [o.slug for o in organisations(again.state.site.engine)] == names
    assert sorted(names) == ["beaulac", "saint-aubin", "val-dorne"]
    again.state.site.engine.dispose()


@pytest.mark.parametrize("year_count", [3])
def test_references_are_numbered_per_procedure(backend: str, tmp_path: Path, year_count: int) -> None:
    from sqlmodel import Session

    from runtime.submissions import _next_number

    settings = make_settings(backend, tmp_path)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (slug, name, kind, theme, lang, timezone, contact, created_at) "
                "VALUES ('o', 'O', 'commune', 'default', 'fr', 'Europe/Paris', '{}', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO procedure (organisation_id, slug, kind, reference_prefix, created_at) "
                "VALUES (1, 'p', 'procedure', 'PRO', CURRENT_TIMESTAMP)"
            )
        )
    with Session(engine) as session:
        numbers = [_next_number(session, "PRO", 2026) for _ in range(year_count)]
        numbers.append(_next_number(session, "PRO", 2027))
        session.commit()
    engine.dispose()
    assert numbers == [1, 2, 3, 1]


def test_submissions_are_flushed_to_disk_and_drafts_need_not_be(tmp_path: Path) -> None:
    from runtime.db import writing

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with writing(engine) as session:
        assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with writing(engine, durable=False) as session:
        assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with writing(engine) as session:
        assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2
    engine.dispose()


def test_a_read_neither_waits_for_the_writers_nor_keeps_anything(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from runtime.db import reading, writing

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with writing(engine) as session:
        session.connection().execute(text("CREATE TABLE counted (n INTEGER)"))

    def count() -> int:
        with reading(engine) as session:
            return int(session.connection().execute(text("SELECT count(*) FROM counted")).scalar_one())

    with writing(engine) as session, ThreadPoolExecutor(1) as pool:
        session.connection().execute(text("INSERT INTO counted VALUES (1)"))
        # While a writer holds the write lock, a reader reads what was committed before it.
        assert pool.submit(count).result(timeout=20) == 0
    with reading(engine) as session:
        session.connection().execute(text("INSERT INTO counted VALUES (2)"))
    assert count() == 1  # what a reading wrote was rolled back
    engine.dispose()
