"""Migration 0005 on a database with earlier submissions: the first answer of each address
keeps its person key (an earlier race may have let a second in), references continue from
the highest number given to each prefix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from runtime.catalogue import organisation_by_slug
from runtime.db import MIGRATIONS, make_engine, migrate
from runtime.legal import legal_pages
from runtime.submissions import _next_number
from tests.conftest import make_settings


def _upgrade(engine: object, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    with engine.begin() as connection:  # type: ignore[attr-defined]
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def _one_procedure(connection: Any, definition: dict[str, Any]) -> None:
    """An organisation with one procedure and its first version, as 0003 stored them."""
    connection.execute(
        text(
            "INSERT INTO organisation (slug, name, kind, theme, lang, timezone, contact, created_at) "
            "VALUES ('o', 'O', 'commune', 'default', 'fr', 'Europe/Paris', '{}', CURRENT_TIMESTAMP)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO procedure (organisation_id, slug, kind, reference_prefix, created_at) "
            "VALUES (1, 'p', 'procedure', 'VOT', CURRENT_TIMESTAMP)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO procedure_version (procedure_id, number, definition, content_hash, "
            "created_at) VALUES (1, 1, :d, 'h', CURRENT_TIMESTAMP)"
        ),
        {"d": json.dumps(definition)},
    )


def test_earlier_submissions_get_their_person_key_and_numbers_continue(backend: str, tmp_path: Path) -> None:
    engine = make_engine(make_settings(backend, tmp_path).sqlalchemy_url)
    _upgrade(engine, "0003")
    definition = {
        "settings": {"one_answer_per_person": True},
        "schema": {"properties": {"courriel": {"type": "string", "format": "email"}}},
        "ui": {"pages": [{"elements": [{"field": "courriel", "widget": "email"}]}]},
    }
    with engine.begin() as connection:
        _one_procedure(connection, definition)
        for number, (address, state) in enumerate(
            [("Ann@x.fr", "recue"), ("ann@X.fr", "recue"), ("bob@x.fr", "_withdrawn"), ("bob@x.fr", "recue")],
            1,
        ):
            connection.execute(
                text(
                    "INSERT INTO submission (procedure_id, version_id, reference, state, answers, lang, channel, "
                    "follow_token, fingerprint, created_at, updated_at, search_text) VALUES (1, 1, :r, :s, :a, 'fr', "
                    "'web', :t, 'f', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '')"
                ),
                {
                    "r": f"VOT-2026-{number + 40:06d}",
                    "s": state,
                    "a": json.dumps({"courriel": address}),
                    "t": f"t{number}",
                },
            )
    migrate(engine)
    with engine.begin() as connection:
        keys = connection.execute(text("SELECT person_key FROM submission ORDER BY id")).scalars().all()
        assert keys == ["ann@x.fr", None, None, "bob@x.fr"]
        assert _next_number(connection, "VOT", 2026) == 45
        assert _next_number(connection, "VOT", 2027) == 1
    engine.dispose()


def test_answers_stored_with_nan_are_made_json(tmp_path: Path) -> None:
    """Only SQLite ever held them: PostgreSQL's JSON types refuse NaN."""
    engine = make_engine(make_settings("sqlite", tmp_path).sqlalchemy_url)
    _upgrade(engine, "0005")
    with engine.begin() as connection:
        _one_procedure(connection, {"schema": {"properties": {}}, "ui": {"pages": []}})
        connection.execute(
            text(
                "INSERT INTO draft (id, version_id, answers, page, lang, channel, created_at, updated_at) "
                "VALUES (:i, 1, :a, 0, 'fr', 'web', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            [
                {"i": "nan", "a": '{"surface": NaN, "nom": "Émile"}'},
                {"i": "infinite", "a": '{"surface": [Infinity, -Infinity]}'},
                {"i": "fine", "a": '{"surface": 12.5}'},
            ],
        )
    migrate(engine)
    with engine.begin() as connection:
        stored = dict(connection.execute(text("SELECT id, answers FROM draft")).all())
        assert (
            connection.execute(text("SELECT count(*) FROM draft WHERE json_valid(answers) = 0")).scalar() == 0
        )
    assert json.loads(stored["nan"]) == {"surface": None, "nom": "Émile"}
    assert json.loads(stored["infinite"]) == {"surface": [None, None]}
    assert json.loads(stored["fine"]) == {"surface": 12.5}
    engine.dispose()


def test_an_organisation_stored_before_0008_has_complete_legal_pages(backend: str, tmp_path: Path) -> None:
    """Its legal settings start empty, and its pages show the defaults drawn from its contact."""
    engine = make_engine(make_settings(backend, tmp_path).sqlalchemy_url)
    _upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (slug, name, kind, theme, lang, timezone, contact, created_at) "
                "VALUES ('o', 'Ville d''Ô', 'commune', 'default', 'fr', 'Europe/Paris', "
                """'{"address": "1 rue", "email": "m@o.example"}', CURRENT_TIMESTAMP)"""
            )
        )
    migrate(engine)
    found = organisation_by_slug(engine, "o")
    engine.dispose()
    assert found is not None and found.legal == {}
    pages = legal_pages(found.name, found.kind, found.contact, found.legal, "fr")
    assert (pages.host_name, pages.host_address, pages.dpo) == ("Ville d'Ô", "1 rue", "m@o.example")
