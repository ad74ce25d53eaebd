"""Every setting is documented in the README, and read from its environment variable."""

from __future__ import annotations

from pathlib import Path

from runtime.settings import Settings, documentation


def test_every_setting_is_in_the_readme() -> None:
    readme = Path("README.md").read_text()
    missing = [name for name, _default, _help in documentation() if f"`{name}`" not in readme]
    assert missing == []


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"PARVIS_DATA_DIR": str(tmp_path), "PARVIS_LOAD_EXAMPLES": "no",
                                  "PARVIS_MAX_UPLOAD_BYTES": "1000", "PARVIS_DATABASE_URL": "postgresql://h/db"})
    assert settings.data_dir == tmp_path and settings.load_examples is False
    assert settings.max_upload_bytes == 1000
    assert settings.sqlalchemy_url == "postgresql+psycopg://h/db"
    assert Settings.from_env({"PARVIS_DATA_DIR": str(tmp_path)}).sqlalchemy_url.startswith("sqlite:///")
