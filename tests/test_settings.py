"""Every setting is documented in the README, and read from its environment variable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app import serve
from runtime import processing, workflow
from runtime.actions import worker
from runtime.models import Submission
from runtime.settings import Settings, documentation, server_address
from tests.conftest import complete, make_settings
from tests.example_answers import EXAMPLES

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"


def test_every_setting_is_in_the_readme() -> None:
    readme = Path("README.md").read_text()
    missing = [name for name, _default, _help in documentation() if f"`{name}`" not in readme]
    assert missing == []


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "PARVIS_DATA_DIR": str(tmp_path),
            "PARVIS_LOAD_EXAMPLES": "no",
            "PARVIS_MAX_UPLOAD_BYTES": "1000",
            "PARVIS_DATABASE_URL": "postgresql://h/db",
        }
    )
    assert settings.data_dir == tmp_path and settings.load_examples is False
    assert settings.max_upload_bytes == 1000
    assert settings.sqlalchemy_url == "postgresql+psycopg://h/db"
    assert Settings.from_env({"PARVIS_DATA_DIR": str(tmp_path)}).sqlalchemy_url.startswith("sqlite:///")


def test_the_server_address_is_the_one_it_is_bound_to() -> None:
    assert server_address("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert server_address("localhost", 8000) == "http://localhost:8000"
    assert server_address("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert server_address("::", 8000) == "http://[::1]:8000"
    assert server_address("fe80::1", 8000) == "http://[fe80::1]:8000"


async def test_links_in_receipts_and_mails_are_the_address_printed_at_start_up(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    settings = make_settings(backend, tmp_path)
    monkeypatch.setenv("PARVIS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PARVIS_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("PARVIS_BASE_URL", raising=False)
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    serve("127.0.0.1", 8123)
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in printed and "localhost" not in printed
    app = served["app"]
    try:
        # Whatever address the request names, links are the printed one.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://other.example",
            headers={"accept-language": "fr"},
        ) as client:
            page = await complete(client, REPORT, EXAMPLES[REPORT])
        assert "http://127.0.0.1:8123/s/" in page.text and "other.example" not in page.text
        with app.state.site.engine.connect() as connection:
            submission = Submission(**connection.execute(select(Submission)).mappings().one())
        definition = dict(app.state.site.version(submission.version_id).compiled.definition)
        target = next(t.index for t in workflow.transitions(definition) if t.target == "en-instruction")
        processing.take_transition(
            app.state.site.engine, submission.id, definition, target, processing.Actor("Agent", 1)
        )
        assert await worker.drain(app.state.site) == 2  # the acknowledgement's mail, the notification
        for mail in (tmp_path / "mail").glob("*.eml"):
            text = mail.read_text()
            assert f"http://127.0.0.1:8123/s/{submission.follow_token}" in text and "//localhost" not in text
    finally:
        app.state.site.engine.dispose()
