"""The sample citizen page the charter editor previews: a short form rendered by the runtime."""

from __future__ import annotations

import functools
from typing import Any

from runtime.compiler import CompiledVersion
from runtime.fields.base import FieldError
from runtime.i18n import N_, gettext
from runtime.render_tree import Node, Renderer


@functools.lru_cache(maxsize=8)
def _sample(lang: str) -> CompiledVersion:
    def text(message: str) -> dict[str, str]:
        return {lang: gettext(lang, message)}

    definition: dict[str, Any] = {
        "id": "charter-preview",
        "kind": "procedure",
        "lang": lang,
        "title": text(N_("Report a problem on the road")),
        "schema": {
            "type": "object",
            "properties": {
                "category": {"type": "string", "enum": ["pothole", "lighting"]},
                "details": {"type": "string", "maxLength": 500},
                "email": {"type": "string", "format": "email", "maxLength": 200},
            },
            "required": ["category", "email"],
        },
        "ui": {
            "pages": [
                {
                    "title": text(N_("The problem")),
                    "elements": [
                        {"content": text(N_("An agent answers within five working days."))},
                        {
                            "field": "category",
                            "widget": "radio",
                            "label": text(N_("What is the problem?")),
                            "choices": {
                                "pothole": text(N_("A pothole")),
                                "lighting": text(N_("Street lighting")),
                            },
                        },
                        {
                            "field": "details",
                            "widget": "textarea",
                            "label": text(N_("Details")),
                            "help": text(N_("Where exactly, and since when.")),
                        },
                        {"field": "email", "widget": "email", "label": text(N_("Your e-mail address"))},
                    ],
                }
            ]
        },
    }
    return CompiledVersion(definition)


def sample_page(lang: str) -> tuple[Renderer, list[Node]]:
    """The sample's renderer and its page's elements: one answer given, one missing (to show
    how errors look)."""
    version = _sample(lang)
    renderer = Renderer(version, lang)
    nodes = renderer.nodes(
        version.pages[0], {"category": "pothole"}, {"email": FieldError("email", "required")}
    )
    return renderer, nodes
