"""The designer's edit round trip: change one property of a 100-field form, get the page back.

Measured in-process (the application called through httpx's ASGI transport, one request at a
time, the server otherwise at rest): the figure is the time staff wait after a change.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from pathlib import Path

from report import figure, info

FIELDS = 100
EDITS = 200


def bench_editor(tmp: Path) -> None:
    asyncio.run(_measure(tmp))


async def _measure(tmp: Path) -> None:
    import httpx

    import app as parvis
    from designer import accounts
    from designer.editor import operations, publishing
    from runtime.catalogue import organisation_by_slug
    from runtime.settings import Settings

    parvis.EXAMPLES = tmp / "examples"  # the bench's own organisation, written by run.py
    app = parvis.create_app(Settings(data_dir=tmp / "data-editor", load_examples=True))
    engine = app.state.site.engine
    organisation = organisation_by_slug(engine, "bench")
    assert organisation is not None and organisation.id is not None
    definition = operations.blank("cent-champs", "Cent champs", "procedure", "fr")
    widgets = [name for name, _label in operations.palette()]
    for number in range(FIELDS):
        definition, _index = operations.add_field(definition, 0, widgets[number % len(widgets)], "fr")
    publishing.save_draft(engine, organisation, definition)
    accounts.create_user(
        engine, "bench@parvis.example", "Bench", "bench password 2026", {organisation.id: "designer"}
    )
    base = "/staff/o/bench/p/cent-champs/edit"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        signed = await client.post(
            "/staff/login", data={"email": "bench@parvis.example", "password": "bench password 2026"}
        )
        client.cookies.set("parvis_staff", signed.cookies["parvis_staff"], path="/staff")
        page = (await client.get(f"{base}?page=0&element=50")).text
        results = {}
        # As the editor sends a change with scripts on (htmx: the page comes back in the
        # answer), then as a plain form does (post, redirect, get).
        for name, headers in (("htmx", {"HX-Request": "true"}), ("plain", {})):
            times = []
            for number in range(EDITS + 20):
                revision = re.search(r'name="revision" value="([0-9a-f]+)"', page)
                assert revision is not None
                label = f"Question modifiée {name} {number}"
                started = time.perf_counter()
                changed = await client.post(
                    base,
                    headers=headers,
                    follow_redirects=True,
                    data={
                        "revision": revision.group(1),
                        "page": "0",
                        "element": "50",
                        "edit_lang": "fr",
                        "op": "properties",
                        "label": label,
                    },
                )
                elapsed = time.perf_counter() - started
                assert changed.status_code == 200 and label in changed.text
                page = changed.text
                if number >= 20:  # the first ones warm caches up
                    times.append(elapsed * 1000)
            times.sort()
            results[name] = (statistics.median(times), times[int(len(times) * 0.99) - 1])
    app.state.site.engine.dispose()
    figure("editor_round_trip_p50", results["htmx"][0], "ms", "< 30", ".1f")
    figure("editor_round_trip_p99", results["htmx"][1], "ms", "< 100", ".1f")
    info(
        f"editor without scripts (post, redirect, get): p50 {results['plain'][0]:.1f} ms, "
        f"p99 {results['plain'][1]:.1f} ms"
    )
    info(
        f"editor: {EDITS} changes of one label on a {FIELDS}-field page, each saved (checked, one write) "
        f"and the editor page rendered again; {len(page) // 1024} KiB of HTML"
    )
