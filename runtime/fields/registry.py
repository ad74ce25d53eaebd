"""The field types by name, as their classes register themselves (`Widget.__init_subclass__`).

Every other part of Parvis asks this registry, never a list of names: the palette, the
properties pane, the messages, the exports and the statistics all read what the widget
declares. A widget kept outside `runtime/fields` registers the same way, when its module is
imported, and names its own template (`Widget.template_file`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runtime.fields.base import Widget

WIDGETS: dict[str, Widget] = {}


def register(widget: Widget) -> None:
    """Add a field type; a module imported again (a test's) replaces its own widget."""
    taken = WIDGETS.get(widget.name)
    if taken is not None and type(taken).__module__ != type(widget).__module__:
        raise ValueError(
            f"widget {widget.name!r} of {type(widget).__module__} is already {type(taken).__module__}'s"
        )
    WIDGETS[widget.name] = widget


def widget_for(name: str) -> Widget | None:
    return WIDGETS.get(name)


def in_palette_order() -> list[Widget]:
    return sorted(WIDGETS.values(), key=lambda widget: widget.palette.order)


def rule_owner(code: str) -> Widget | None:
    """The widget whose own rule (not JSON Schema's) reports errors with this code."""
    return next((widget for widget in WIDGETS.values() if code in widget.rule_messages), None)


def template_source(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    """For Jinja's FunctionLoader: `fields/<name>.html` of a widget that keeps its template
    next to its module. The package's own widgets are found among the templates first."""
    folder, _, file_name = name.partition("/")
    widget = WIDGETS.get(file_name.removesuffix(".html")) if folder == "fields" else None
    path = widget.template_file if widget is not None else None
    if path is None or not path.is_file():
        return None
    modified = path.stat().st_mtime
    return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == modified
