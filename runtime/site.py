"""What every citizen-facing handler shares: database, caches, charters and page rendering."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse

from runtime import i18n
from runtime.catalogue import PUBLISHED_TTL, PublishedCache, compiled_for, version_by_id
from runtime.charter import Charter, charter_for, theme_roots
from runtime.compiler import CompiledVersion
from runtime.models import Organisation, Procedure, ProcedureVersion
from runtime.settings import Settings
from runtime.templating import Templates

ROOT = Path(__file__).resolve().parent.parent
LANG_COOKIE = "parvis_lang"


@dataclass(frozen=True)
class VersionInfo:
    organisation: Organisation
    procedure: Procedure
    version: ProcedureVersion
    compiled: CompiledVersion


@dataclass
class Site:
    settings: Settings
    engine: Engine
    templates: Templates
    published: PublishedCache
    _charters: dict[str, Charter] = field(default_factory=dict)
    # Version id -> (when to read its organisation again, the version and its organisation).
    _versions: dict[int, tuple[float, VersionInfo]] = field(default_factory=dict)
    # Follow-up token -> rendered receipt file: a receipt never changes once written.
    receipt_files: dict[str, Path] = field(default_factory=dict)
    # Who on the staff side receives a notification (set by the staff side; None: nobody).
    staff_recipients: Any = None
    # Wakes the in-process worker when something was queued (set when the worker starts).
    wake_worker: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- charters and versions -----------------------------------------------------
    @property
    def theme_roots(self) -> tuple[Path, ...]:
        """The folders holding themes: the shipped ones, then those edited by staff."""
        return theme_roots(self.settings.themes_dir, self.settings.data_dir)

    def charter(self, theme: str) -> Charter:
        charter = self._charters.get(theme)
        if charter is None:
            charter = charter_for(self.theme_roots, theme)
            # A theme's files never change under its name (an edited charter is saved under a
            # new one), so a charter is kept; a stand-in for a theme not there yet is not.
            if charter.folder.name == theme:
                self._charters[theme] = charter
        return charter

    def organisation_changed(self, organisation_id: int, old_theme: str | None = None) -> None:
        """Forget what this process keeps of an organisation, so its next page shows the change."""
        self.published.clear()
        with self._lock:
            for version_id, (_until, info) in list(self._versions.items()):
                if info.organisation.id == organisation_id:
                    del self._versions[version_id]
            if old_theme is not None:
                self._charters.pop(old_theme, None)
        if old_theme is not None:
            self.templates.forget(old_theme)

    def version(self, version_id: int) -> VersionInfo | None:
        """A version with its procedure and organisation.

        Versions never change and their compiled form is kept for good; the organisation (its
        charter, its name) is read again after a few seconds, so that other processes see a
        change as this one does (where `organisation_changed` applies it at once).
        """
        entry = self._versions.get(version_id)
        if entry is None or entry[0] < time.monotonic():
            row = version_by_id(self.engine, version_id)
            if row is None:
                return None
            organisation, procedure, version = row
            info = VersionInfo(organisation, procedure, version, compiled_for(version))
            with self._lock:
                self._versions[version_id] = (time.monotonic() + PUBLISHED_TTL, info)
            return info
        return entry[1]

    # -- requests -------------------------------------------------------------------
    def lang(self, request: Request, organisation: Organisation | None = None) -> str:
        default = organisation.lang if organisation else self.settings.default_lang
        return i18n.negotiate(
            request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"), default
        )

    def base_url(self, request: Request) -> str:
        return (self.settings.base_url or str(request.base_url)).rstrip("/")

    def page(
        self,
        request: Request,
        organisation: Organisation | None,
        names: str | list[str],
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        theme = organisation.theme if organisation else "default"
        lang = context.pop("lang", None) or self.lang(request, organisation)
        html = self.templates.render(
            theme,
            names,
            request=request,
            lang=lang,
            organisation=organisation,
            charter=self.charter(theme),
            theme=theme,
            timezone=context.pop("timezone", None)
            or (ZoneInfo(organisation.timezone) if organisation else None),
            path=request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def not_found(
        self, request: Request, organisation: Organisation | None = None, message: str | None = None
    ) -> HTMLResponse:
        lang = self.lang(request, organisation)
        text = message or i18n.gettext(lang, "This page does not exist, or the link has expired.")
        return self.page(
            request,
            organisation,
            "error.html",
            status_code=404,
            lang=lang,
            title=i18n.gettext(lang, "Page not found"),
            message=text,
        )


def site_of(request: Request) -> Site:
    """The site serving a request (built once by `create_app`)."""
    return request.app.state.site  # type: ignore[no-any-return]  # Starlette's state holds Any
