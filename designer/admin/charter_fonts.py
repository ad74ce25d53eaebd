"""The fonts a charter may use: installed stacks only, nothing downloaded."""

from __future__ import annotations

from dataclasses import dataclass

from runtime.i18n import N_


@dataclass(frozen=True)
class FontChoice:
    key: str
    label: str  # a msgid
    stack: str


# Installed fonts only (nothing is downloaded): the system's, and the stacks the shipped
# themes use, so that editing a shipped charter keeps its fonts.
FONTS: tuple[FontChoice, ...] = (
    FontChoice(
        "system",
        N_("System font (sans-serif)"),
        "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif",
    ),
    FontChoice(
        "neutral",
        N_("Helvetica, Arial (sans-serif)"),
        "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif",
    ),
    FontChoice(
        "geometric",
        N_("Avenir (sans-serif)"),
        "'Avenir Next', 'Segoe UI Semibold', 'Segoe UI', system-ui, -apple-system, Roboto, 'DejaVu Sans', "
        "sans-serif",
    ),
    FontChoice(
        "humanist",
        N_("Trebuchet, Gill Sans (sans-serif)"),
        "'Trebuchet MS', 'Gill Sans', 'Gill Sans MT', Calibri, 'Segoe UI', 'DejaVu Sans', sans-serif",
    ),
    FontChoice(
        "segoe",
        N_("Segoe UI (sans-serif)"),
        "'Segoe UI', system-ui, -apple-system, Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif",
    ),
    FontChoice(
        "condensed",
        N_("Franklin Gothic, Arial Narrow (narrow sans-serif)"),
        "'Franklin Gothic Medium', 'Arial Narrow', 'Roboto Condensed', 'DejaVu Sans Condensed', 'Segoe UI', "
        "sans-serif",
    ),
    FontChoice(
        "serif",
        N_("Georgia, Palatino (serif)"),
        "Georgia, 'Iowan Old Style', 'Palatino Linotype', 'Book Antiqua', Palatino, 'DejaVu Serif', serif",
    ),
    FontChoice(
        "times", N_("Times (serif)"), "'Times New Roman', Times, 'Liberation Serif', 'DejaVu Serif', serif"
    ),
)
