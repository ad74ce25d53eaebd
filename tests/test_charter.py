from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from runtime.charter import SCHEMA_PATH, Charter, CharterError, contrast_ratio, load_charter

THEMES = Path(__file__).resolve().parent.parent / "themes"
SHIPPED = sorted(path.parent.name for path in THEMES.glob("*/theme.json"))


def write_theme(folder: Path, **changes: object) -> Path:
    """A copy of the default theme's theme.json in `folder`, with top-level changes."""
    data = json.loads((THEMES / "default" / "theme.json").read_text(encoding="utf-8"))
    data["logo"] = None
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(CharterError) as caught:
        load_charter(folder)
    return caught.value.problems


def test_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_the_four_charters_ship() -> None:
    assert SHIPPED == ["beaulac", "default", "saint-aubin", "val-dorne"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_theme_loads(name: str) -> None:
    charter = load_charter(THEMES / name)
    assert charter.name
    assert charter.logo == "logo.svg"
    logo = charter.asset_path(charter.logo)
    assert logo is not None
    svg = logo.read_text(encoding="utf-8")
    assert "<script" not in svg and "href" not in svg
    assert {"fr", "en"} <= set(charter.footer.text)
    assert 2 <= len(charter.footer.links) <= 4
    # Written relative to the organisation's address, each leads to that organisation's page.
    assert [href for _label, href in charter.footer.links_for("beaulac")] == [
        "/beaulac/mentions-legales",
        "/beaulac/donnees-personnelles",
        "/beaulac/accessibilite",
        "/beaulac/contact",
    ]
    assert charter.footer.links_for(None) == []


def test_shipped_themes_are_visibly_distinct() -> None:
    primaries = {load_charter(THEMES / name).colors["primary"] for name in SHIPPED}
    assert len(primaries) == len(SHIPPED)


def test_beaulac_overrides_the_header_extra_template() -> None:
    charter = load_charter(THEMES / "beaulac")
    override = (charter.templates_dir / "_header_extra.html").read_text(encoding="utf-8")
    assert '<p class="charter-tagline">' in override
    assert not (load_charter(THEMES / "default").templates_dir / "_header_extra.html").exists()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),
        ("#777777", "#ffffff", 4.48),
        ("#1d4ed8", "#1d4ed8", 1.0),
        ("#FFFFFF", "#ffffff", 1.0),
    ],
)
def test_contrast_ratio(a: str, b: str, expected: float) -> None:
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.005)


def test_low_contrast_is_refused_naming_both_colours(tmp_path: Path) -> None:
    colors = json.loads((THEMES / "default" / "theme.json").read_text(encoding="utf-8"))["colors"]
    folder = write_theme(tmp_path / "pale", colors={**colors, "text": "#777777", "background": "#ffffff"})
    problems = problems_of(folder)
    assert (
        "Text colour #777777 on background #ffffff has a contrast of 4.48:1; "
        "WCAG AA asks for at least 4.5:1." in problems
    )


def test_every_failing_pair_is_reported(tmp_path: Path) -> None:
    colors = json.loads((THEMES / "default" / "theme.json").read_text(encoding="utf-8"))["colors"]
    pale = {**colors, "background": "#ffffff", "primary": "#ffd700", "focus": "#eeeeee"}
    problems = problems_of(write_theme(tmp_path / "pale", colors=pale))
    assert any("#ffd700" in p and "links" in p for p in problems)  # primary on background
    assert any("#ffd700" in p and "buttons" in p for p in problems)  # white on primary
    assert any("#eeeeee" in p and "at least 3:1" in p for p in problems)  # focus


def test_missing_key_is_refused_naming_its_path(tmp_path: Path) -> None:
    colors = json.loads((THEMES / "default" / "theme.json").read_text(encoding="utf-8"))["colors"]
    del colors["focus"]
    problems = problems_of(write_theme(tmp_path / "incomplete", colors=colors))
    assert problems == ["$.colors.focus: this key is required."]


def test_schema_problems_name_their_path(tmp_path: Path) -> None:
    fonts = {"body": "Arial", "heading": "x}</style><script>"}
    footer = {"text": {"fr": "Bonjour"}, "links": [{"label": {"fr": "X"}, "url": "//evil.example"}]}
    folder = write_theme(tmp_path / "bad", radius="big", fonts=fonts, footer=footer, extra=1)
    problems = problems_of(folder)
    assert any(p.startswith("$.radius: 'big'") for p in problems)
    assert any(p.startswith("$.fonts.heading:") for p in problems)
    assert any(p.startswith("$.footer.links[0].url:") for p in problems)
    assert "$.extra: unknown key." in problems


def test_missing_logo_file_is_refused(tmp_path: Path) -> None:
    problems = problems_of(write_theme(tmp_path / "nologo", logo="logo.svg"))
    assert problems[0].startswith("$.logo:")


def test_missing_or_broken_theme_json_is_refused(tmp_path: Path) -> None:
    assert "was not found" in problems_of(tmp_path)[0]
    (tmp_path / "theme.json").write_text("{", encoding="utf-8")
    assert "is not valid JSON" in problems_of(tmp_path)[0]


@pytest.fixture
def charter(tmp_path: Path) -> Charter:
    folder = write_theme(tmp_path / "theme")
    (folder / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (folder / "escape.svg").symlink_to(tmp_path / "secret.txt")
    (folder / "inside.svg").symlink_to(folder / "logo.svg")
    return load_charter(folder)


def test_asset_path_finds_files_inside_the_folder(charter: Charter) -> None:
    assert charter.asset_path("logo.svg") == charter.folder / "logo.svg"
    assert charter.asset_path("inside.svg") == charter.folder / "logo.svg"
    assert charter.asset_path("missing.svg") is None
    assert charter.asset_path("templates") is None  # a folder is not an asset


@pytest.mark.parametrize(
    "name",
    [
        "../secret.txt",
        "../theme/theme.json",
        "sub/../../secret.txt",
        "escape.svg",
        "",
        "/etc/passwd",
        "C:\\Windows\\win.ini",
        "..\\secret.txt",
        ".hidden",
        "logo.svg\x00.png",
    ],
)
def test_asset_path_refuses_escapes(charter: Charter, name: str) -> None:
    assert charter.asset_path(name) is None


def test_asset_path_refuses_an_absolute_path_even_inside_the_folder(charter: Charter) -> None:
    assert charter.asset_path(str(charter.folder / "logo.svg")) is None


def test_css_variables(charter: Charter) -> None:
    css = charter.css_variables()
    assert css.startswith(":root{") and css.endswith("}")
    assert "--parvis-primary:#1d4ed8;" in css
    assert "--parvis-primary-text:#ffffff;" in css
    assert "--parvis-muted-text:" in css
    assert "--parvis-font-heading:system-ui" in css
    assert "--parvis-radius:6px" in css


def test_contrast_is_checked_alongside_schema_problems(tmp_path: Path) -> None:
    colors = json.loads((THEMES / "default" / "theme.json").read_text(encoding="utf-8"))["colors"]
    colors.update(border="grey", text="#777777", background="#ffffff")
    problems = problems_of(write_theme(tmp_path / "both", colors=colors))
    assert problems[0].startswith("$.colors.border: 'grey' is not a colour written #rrggbb")
    assert any(p.startswith("Text colour #777777 on background #ffffff") for p in problems)
