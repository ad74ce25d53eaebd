"""Parvis: builds the application from its parts; `python app.py` serves it.

    python app.py [serve] [--host H] [--port P]   start the server
    python app.py check FILE...                   check procedure definitions
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from runtime import i18n, receipts
from runtime.catalogue import PublishedCache, load_examples
from runtime.db import make_engine, migrate
from runtime.routes import routes
from runtime.security import SecurityMiddleware
from runtime.settings import Settings, documentation
from runtime.site import ROOT, Site
from runtime.templating import Templates

EXAMPLES = ROOT / "examples"


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    if settings.load_examples:
        load_examples(engine, EXAMPLES)
    site = Site(settings=settings, engine=engine, templates=Templates(settings.themes_dir), published=PublishedCache(engine))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return site.not_found(request)
        lang = site.lang(request)
        title = i18n.gettext(lang, "Something went wrong")
        text = i18n.gettext(lang, "The server could not answer this request. Your answers already saved are kept; try again in a moment.")
        if status == 405:
            text = i18n.gettext(lang, "This address cannot be used that way.")
        return site.page(request, None, "error.html", status_code=status, lang=lang, title=title, message=text)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        receipts.shutdown()

    app = Starlette(routes=routes, middleware=[Middleware(SecurityMiddleware)], lifespan=lifespan,
                    exception_handlers={404: http_error, 405: http_error, 500: http_error})
    app.state.site = site
    app.state.start_pages = {}
    return app


def check(paths: list[str]) -> int:
    """Check procedure definitions (JSON files) and charters (folders or theme.json files)."""
    from runtime.charter import CharterError, load_charter
    from runtime.definition import DefinitionError, load_definition

    failed = 0
    for name in paths:
        path = Path(name)
        try:
            if path.is_dir() or path.name == "theme.json":
                load_charter(path if path.is_dir() else path.parent)
            else:
                load_definition(path.read_bytes())
        except OSError as error:
            print(f"{name}: cannot be read: {error.strerror}")
            failed += 1
        except DefinitionError as error:
            failed += 1
            print(f"{name}: {len(error.problems)} problem(s)")
            for problem in error.problems:
                print(f"  {problem.path or '/'}: {problem.message}")
        except CharterError as error:
            failed += 1
            print(f"{name}: {len(error.problems)} problem(s)")
            for problem in error.problems:
                print(f"  {problem}")
        else:
            print(f"{name}: ok")
    return 1 if failed else 0


def serve(host: str, port: int) -> None:
    import uvicorn

    from runtime.catalogue import organisations

    settings = Settings.from_env()
    app = create_app(settings)
    shown = "localhost" if host in ("0.0.0.0", "127.0.0.1") else host
    address = f"http://{shown}:{port}"
    print(f"Parvis is starting on {address}/  (data in {settings.data_dir.resolve()})", flush=True)
    for organisation in organisations(app.state.site.engine):
        print(f"  {organisation.name}: {address}/{organisation.slug}", flush=True)
    uvicorn.run(app, host=host, port=port, loop="uvloop", http="httptools", log_level="warning",
                proxy_headers=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parvis", description="Citizen procedures: designer and runtime.",
                                     epilog="Settings (environment variables):\n" + "\n".join(
                                         f"  {name} (default {default!r}): {text}" for name, default, text in documentation()),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    serve_parser = commands.add_parser("serve", help="start the web server (the default)")
    for sub in (parser, serve_parser):
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
    check_parser = commands.add_parser("check", help="check procedure definitions and charter folders")
    check_parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.files)
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
