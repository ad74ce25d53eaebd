"""Parvis: builds the application from its parts; `python app.py` serves it.

python app.py [serve] [--host H] [--port P]   start the server
python app.py check FILE...                   check procedure definitions and charters
python app.py create-admin --email E --name N create a staff administrator
python app.py worker                          carry out queued actions (mails, documents...)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from designer import accounts
from designer.admin import functions
from designer.web.routes import routes as staff_routes
from runtime import i18n
from runtime.actions import worker
from runtime.catalogue import PublishedCache, load_examples
from runtime.charter import theme_roots
from runtime.db import make_engine, migrate
from runtime.pdfs import receipts
from runtime.settings import Settings, documentation, server_address
from runtime.site import ROOT, Site
from runtime.templating import Templates
from runtime.web.early_response import EarlyResponse, send_early_response
from runtime.web.routes import routes as citizen_routes
from runtime.web.security import SecurityMiddleware

EXAMPLES = ROOT / "examples"
DESIGNER = ROOT / "designer"
DEMO_EMAIL = "demo@parvis.example"


def build_site(settings: Settings) -> Site:
    """The database (migrated, examples loaded on first start), templates and caches."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine, [DESIGNER / "migrations" / "versions"])
    if settings.load_examples and load_examples(engine, EXAMPLES) and not accounts.any_user(engine):
        create_demo_administrator(engine, settings)
    templates = Templates(theme_roots(settings.themes_dir, settings.data_dir), extra=[DESIGNER / "templates"])
    site = Site(settings=settings, engine=engine, templates=templates, published=PublishedCache(engine))
    site.staff_recipients = functions.recipients_for(engine)
    return site


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    site = build_site(settings)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return site.not_found(request)
        lang = site.lang(request)
        title = i18n.gettext(lang, "Something went wrong")
        text = i18n.gettext(
            lang,
            "The server could not answer this request. Your answers already saved are kept; try again in a moment.",
        )
        if status == 405:
            text = i18n.gettext(lang, "This address cannot be used that way.")
        return site.page(
            request, None, "error.html", status_code=status, lang=lang, title=title, message=text
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = None
        if settings.worker_in_process:
            task = start_worker(site)
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        receipts.shutdown()

    app = Starlette(
        # Staff first: the citizen map ends with an organisation's addresses, which take any
        # first segment, /staff included.
        routes=[*staff_routes, *citizen_routes],
        middleware=[Middleware(SecurityMiddleware)],
        lifespan=lifespan,
        exception_handlers={
            404: http_error,
            405: http_error,
            500: http_error,
            EarlyResponse: send_early_response,
        },
    )
    app.state.site = site
    app.state.start_pages = {}
    # What start-up made (templates, schemas, the ORM's tables) lives as long as the process:
    # kept out of the garbage collector's full passes, which then stay short under load.
    gc.freeze()
    return app


def start_worker(site: Site) -> asyncio.Task[None]:
    """The outbox worker in this process; `site.wake_worker()` makes it look at once."""
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()
    site.wake_worker = lambda: loop.call_soon_threadsafe(wake.set)
    return loop.create_task(worker.forever(site, wake), name="parvis-worker")


def run_worker() -> int:
    """`python app.py worker`: drain the outbox and take automatic transitions, forever."""
    site = build_site(Settings.from_env())
    print(f"Parvis worker started (every {site.settings.worker_interval:g} s).", flush=True)

    async def main() -> None:
        await worker.forever(site, asyncio.Event())

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        receipts.shutdown()
    return 0


def create_demo_administrator(engine: Any, settings: Settings) -> None:
    """On a first start with the examples, an administrator of every example organisation.

    Its password is random and kept in the data folder (readable by its owner only), so the
    start-up message can show it until someone changes it.
    """
    from runtime.catalogue import organisations

    password = secrets.token_urlsafe(12)
    roles = {
        organisation.id: "administrator"
        for organisation in organisations(engine)
        if organisation.parent_id is None
    }
    accounts.create_user(engine, DEMO_EMAIL, "Démo Parvis", password, roles)  # type: ignore[arg-type]  # stored organisations have their ids
    path = settings.data_dir / "demo-login.txt"
    path.write_text(f"{DEMO_EMAIL}\n{password}\n")
    path.chmod(0o600)


def demo_login(settings: Settings, engine: Any) -> tuple[str, str] | None:
    """The demo administrator's login, while its password is still the one made at first start."""
    path = settings.data_dir / "demo-login.txt"
    if not path.exists():
        return None
    email, password = path.read_text().split()[:2]
    return (email, password) if accounts.password_matches(engine, email, password) else None


def create_admin(email: str, name: str, organisation: str | None) -> int:
    """Create an administrator from the command line (password read without echo)."""
    import getpass

    from runtime.catalogue import organisation_by_slug, organisations

    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine, [DESIGNER / "migrations" / "versions"])
    if organisation:
        found = organisation_by_slug(engine, organisation)
        if found is None:
            print(f"No organisation {organisation!r}.")
            return 1
        targets = [found]
    else:
        targets = [o for o in organisations(engine) if o.parent_id is None]
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    try:
        accounts.create_user(engine, email, name, password, {o.id: "administrator" for o in targets})  # type: ignore[misc]  # stored organisations have their ids
    except accounts.PasswordRefused as refused:
        print(f"Password refused: {refused}.")
        return 1
    except Exception as error:  # an e-mail already taken is the usual one
        print(f"Not created: {error.__class__.__name__}: {str(error).splitlines()[0]}")
        return 1
    print(
        f"Administrator {email} created for: {', '.join(o.name for o in targets) or 'no organisation yet'}."
    )
    return 0


def check(paths: list[str]) -> int:
    """Check procedure definitions (JSON files) and charters (folders or theme.json files).

    Relative links are followed too: a theme's footer links and the links in a definition's
    texts must lead to a page, given the organisations of examples/ and of the definitions'
    own folders (<organisation>/procedures/<procedure>.json).
    """
    from runtime.charter import CharterError, load_charter
    from runtime.definition import DefinitionError, load_definition
    from runtime.links import Known, charter_dead_links, definition_dead_links, organisation_of

    homes = [Path(name).resolve().parent.parent for name in paths]
    known = Known.from_folders(
        sorted({EXAMPLES, *(home.parent for home in homes if (home / "organisation.json").is_file())})
    )
    failed = 0
    for name in paths:
        path = Path(name)
        try:
            if path.is_dir() or path.name == "theme.json":
                charter = load_charter(path if path.is_dir() else path.parent)
                problems = charter_dead_links(charter, known)
            else:
                definition = load_definition(path.read_bytes())
                problems = definition_dead_links(definition, organisation_of(path), known)
        except OSError as error:
            print(f"{name}: cannot be read: {error.strerror}")
            failed += 1
            continue
        except DefinitionError as error:
            problems = [f"{problem.path or '/'}: {problem.message}" for problem in error.problems]
        except CharterError as error:
            problems = error.problems
        if problems:
            failed += 1
            print(f"{name}: {len(problems)} problem(s)")
            for message in problems:
                print(f"  {message}")
        else:
            print(f"{name}: ok")
    return 1 if failed else 0


def serve(host: str, port: int) -> None:
    import uvicorn

    from runtime.catalogue import organisations

    settings = Settings.from_env()
    address = server_address(host, port)
    if not settings.base_url:
        # Links in mails and documents never take their address from a request's Host header,
        # which anyone can set: without PARVIS_BASE_URL, they use the address printed here.
        settings = dataclasses.replace(settings, base_url=address)
    app = create_app(settings)
    print(f"Parvis is starting on {address}/  (data in {settings.data_dir.resolve()})", flush=True)
    for organisation in organisations(app.state.site.engine):
        print(f"  {organisation.name}: {address}/{organisation.slug}", flush=True)
    demo = demo_login(settings, app.state.site.engine)
    if demo:
        print(
            f"Staff sign-in: {address}/staff/login  with the demo administrator {demo[0]} / {demo[1]}",
            flush=True,
        )
        print(
            "  (created on first start with the examples; change its password at /staff/password)", flush=True
        )
    if host in ("", "0.0.0.0", "::") and not Settings.from_env().base_url:
        print(
            f"Links in mails and receipts say {address}: set PARVIS_BASE_URL to the address people use.",
            flush=True,
        )
    uvicorn.run(
        app, host=host, port=port, loop="uvloop", http="httptools", log_level="warning", proxy_headers=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="parvis",
        description="Citizen procedures: designer and runtime.",
        epilog="Settings (environment variables):\n"
        + "\n".join(f"  {name} (default {default!r}): {text}" for name, default, text in documentation()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command")
    serve_parser = commands.add_parser("serve", help="start the web server (the default)")
    for sub in (parser, serve_parser):
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
    admin_parser = commands.add_parser(
        "create-admin", help="create a staff administrator (password on stdin)"
    )
    admin_parser.add_argument("--email", required=True)
    admin_parser.add_argument("--name", required=True)
    admin_parser.add_argument(
        "--organisation", help="slug of the organisation (default: every top-level one)"
    )
    commands.add_parser(
        "worker", help="carry out queued mails, documents and webhooks, and automatic transitions"
    )
    check_parser = commands.add_parser("check", help="check procedure definitions and charter folders")
    check_parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.files)
    if args.command == "worker":
        return run_worker()
    if args.command == "create-admin":
        return create_admin(args.email, args.name, args.organisation)
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
