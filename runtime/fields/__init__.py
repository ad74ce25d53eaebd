"""The field types: one module each, registered by their class (see `registry`).

Importing the package imports each of its modules, so every field type kept here is known;
there is no list to keep up to date. Adding one is writing `runtime/fields/<name>.py`, a
`Widget` subclass that sets `name` and `palette` and says what it does differently (its
`pane`, `messages`, `statistics`, `export_value`... see `base.Widget`), and its template
`runtime/templates/fields/<name>.html`. tests/weekday_widget.py is one kept outside.
"""

from __future__ import annotations

import importlib
import pkgutil

from runtime.fields.registry import WIDGETS, in_palette_order, widget_for

__all__ = ["WIDGETS", "in_palette_order", "widget_for"]

for _module in sorted(module.name for module in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
