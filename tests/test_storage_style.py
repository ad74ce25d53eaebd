"""Only `runtime/db.py` opens units of work on the database, in one style.

Every other module asks it for one (`reading` or `writing`): a session made by hand, or a
connection or transaction taken straight from an engine, would skip the write lock and the
durability SQLite needs, or leave objects that expire once read. The code is read, not
run, so a way in that no test happens to reach is found all the same.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("runtime", "designer")
THE_STORAGE_MODULE = ROOT / "runtime" / "db.py"

# Making a session, whatever the spelling (`Session(...)`, `sqlmodel.Session(...)`).
SESSION_MAKERS = {"Session", "sessionmaker", "scoped_session", "AsyncSession", "async_sessionmaker"}
# What an engine opens a unit of work with.
ENGINE_OPENERS = {"connect", "begin", "raw_connection"}
# A receiver that is an engine: named so (`engine`, `site.engine`, `self._engine`), or made
# on the spot (`create_engine(...)`, `make_engine(...)`, `writer(...)`). Other objects have
# `connect` methods too (a socket, an SMTP client): they are not the database.
ENGINE_LIKE = re.compile(r"engine|\bwriter\(", re.IGNORECASE)


def openings(source: str) -> list[tuple[int, str]]:
    """(line, code) of each place the source opens a unit of work by itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
        if name in SESSION_MAKERS:
            found.append((node.lineno, ast.unparse(function)))
        elif (
            isinstance(function, ast.Attribute)
            and function.attr in ENGINE_OPENERS
            and ENGINE_LIKE.search(ast.unparse(function.value))
        ):
            found.append((node.lineno, ast.unparse(function)))
    return sorted(found)


def modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_only_the_storage_module_opens_units_of_work() -> None:
    misplaced = [
        f"{path.relative_to(ROOT)}:{line}: {code}(...)"
        for path in modules()
        if path != THE_STORAGE_MODULE
        for line, code in openings(path.read_text(encoding="utf-8"))
    ]
    assert not misplaced, "open units of work with runtime.db.reading or runtime.db.writing:\n" + "\n".join(
        misplaced
    )


def test_the_check_sees_every_spelling_and_nothing_else() -> None:
    caught = """
with Session(engine) as session: ...
with sqlmodel.Session(engine, expire_on_commit=False) as session: ...
make = sessionmaker(bind=engine)
with engine.connect() as connection: ...
with site.engine.begin() as connection: ...
with self._engine.connect() as connection: ...
with writer(engine, durable).begin() as connection: ...
raw = engine.raw_connection()
"""
    assert [line for line, _code in openings(caught)] == [2, 3, 4, 5, 6, 7, 8, 9]
    left_alone = """
with reading(engine) as session:
    connection = session.connection()
    with session.begin_nested(): ...
session.add(StaffSession(digest="d", user_id=1))
client.connect()
sock.connect(("localhost", 25))
csv.writer(buffer)
"""
    assert openings(left_alone) == []


def test_the_storage_module_opens_them_itself() -> None:
    # The check is pointed at the right file: the two ways in are there.
    assert openings(THE_STORAGE_MODULE.read_text(encoding="utf-8"))
