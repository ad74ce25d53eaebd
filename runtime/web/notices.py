"""Messages carried across a redirect ("Message sent.", "This step needs a comment"): signed,
so that a link cannot put an attacker's words on an official page.

The key lives in the data folder (made on first use, readable by its owner only), so every
process of one installation reads the others' messages.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

MAX_LENGTH = 600


@lru_cache(maxsize=8)
def _serializer(data_dir: Path) -> URLSafeSerializer:
    path = data_dir / "notice.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(secrets.token_urlsafe(32))
        temporary.chmod(0o600)
        os.replace(temporary, path)
    return URLSafeSerializer(path.read_text().strip(), salt="parvis-notice")


def sign(data_dir: Path, text: str) -> str:
    return str(_serializer(data_dir.resolve()).dumps(text[:MAX_LENGTH]))


def read(data_dir: Path, token: str | None) -> str:
    """The message, or "" for anything not signed by this installation."""
    if not token or len(token) > 4 * MAX_LENGTH:
        return ""
    try:
        value = _serializer(data_dir.resolve()).loads(token)
    except BadSignature:
        return ""
    return value if isinstance(value, str) else ""
