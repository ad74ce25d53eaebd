"""Settings: each one declared once, with its environment variable, default and help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


def setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = setting(Path("./data"), "Folder of the SQLite database, uploads and receipts.")
    database_url: str = setting(
        "", "Database URL (e.g. postgresql+psycopg://host/db); empty means SQLite in the data folder."
    )
    base_url: str = setting(
        "",
        "Public address of this server, for links in receipts and e-mails; empty means the address the server listens on, as printed at start-up.",
    )
    load_examples: bool = setting(True, "Load the organisations and procedures of examples/ on first start.")
    max_upload_bytes: int = setting(
        10 * 1024 * 1024, "Largest file a citizen may upload, in bytes (a field may set less)."
    )
    max_form_bytes: int = setting(25 * 1024 * 1024, "Largest form post accepted, uploads included, in bytes.")
    receipt_timeout: float = setting(
        30.0, "Seconds a request waits for a receipt PDF before answering 'try again shortly'."
    )
    render_processes: int = setting(
        2,
        "Processes rendering PDFs (receipts, documents) side by side, so one slow document never holds up the others.",
    )
    render_timeout: float = setting(
        20.0,
        "Seconds one PDF render may take; past it, its process is killed and replaced, and a receipt is issued in a plain form (reference, date, fingerprint, answers attached).",
    )
    render_memory_mb: int = setting(
        1024,
        "Memory (address space, in MiB) of each PDF rendering process; a render needing more is stopped as above. 0 means no limit.",
    )
    themes_dir: Path = setting(
        Path(__file__).resolve().parent.parent / "themes",
        "Folder of the graphic charters, one sub-folder each.",
    )
    default_lang: str = setting(
        "fr", "Interface language when neither the citizen nor the browser chooses one."
    )
    smtp_host: str = setting(
        "",
        "Mail server for notifications; empty means mails are written as .eml files in the data folder's mail/ (for trying Parvis out).",
    )
    smtp_port: int = setting(25, "Port of the mail server.")
    smtp_username: str = setting("", "User name on the mail server, if it asks for one.")
    smtp_password: str = setting("", "Password on the mail server, if it asks for one.")
    smtp_starttls: bool = setting(False, "Encrypt the connection to the mail server with STARTTLS.")
    mail_from: str = setting("Parvis <ne-pas-repondre@parvis.localhost>", "Sender of the notifications.")
    worker_in_process: bool = setting(
        True,
        "Carry out queued actions (mails, documents, webhooks) and automatic transitions inside the web server; set to false when `python app.py worker` runs beside it.",
    )
    worker_interval: float = setting(
        2.0, "Seconds between two looks at the queue of actions when nothing wakes the worker."
    )
    webhook_allowed_hosts: str = setting(
        "",
        "Comma-separated host names or addresses that webhooks may call although they are private or loopback (e.g. an intranet service).",
    )
    webhook_timeout: float = setting(
        10.0, "Seconds a webhook call may take before it counts as failed and is retried."
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = environ.get(f"PARVIS_{item.name.upper()}")
            if raw is None:
                continue
            kind: type[Any] = type(item.default)
            if kind is bool:
                values[item.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif kind is Path:
                values[item.name] = Path(raw)
            else:
                values[item.name] = kind(raw)
        values.update(overrides)
        return cls(**values)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{(self.data_dir / 'parvis.db').resolve()}"


def server_address(host: str, port: int) -> str:
    """The address `python app.py` prints, and puts in links when PARVIS_BASE_URL is unset.

    It is the address the server is bound to, as given (127.0.0.1 stays 127.0.0.1: cookies
    and links belong to one host name), never one read from a request's Host header, which
    anyone can set. Bound to every address, it names this machine's loopback.
    """
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"  # an IPv6 address in a URL
    return f"http://{shown}:{port}"


def documentation() -> list[tuple[str, str, str]]:
    """(variable, default, help) for each setting, for the README and `--help`."""
    return [
        (f"PARVIS_{item.name.upper()}", str(item.default), item.metadata["help"]) for item in fields(Settings)
    ]
