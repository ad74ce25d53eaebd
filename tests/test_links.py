"""Relative links in themes and definitions: `python app.py check` names each dead one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app import EXAMPLES, check
from runtime.links import ANY_ORGANISATION, Known, leads_somewhere

THEMES = Path(__file__).resolve().parent.parent / "themes"
KNOWN = Known.from_folders([EXAMPLES])


@pytest.mark.parametrize(
    ("url", "base", "alive"),
    [
        ("mentions-legales", f"/{ANY_ORGANISATION}/", True),
        ("contact#horaires", f"/{ANY_ORGANISATION}/", True),
        ("/mentions-legales", f"/{ANY_ORGANISATION}/", False),  # the themes' former links
        ("donnees-perso", f"/{ANY_ORGANISATION}/", False),
        ("/beaulac/accessibilite", "/beaulac/signalement-voirie", True),
        ("occupation-terrasse", "/beaulac/signalement-voirie", True),
        ("inscription-cantine", "/beaulac/signalement-voirie", False),  # another organisation's
        ("../saint-aubin/inscription-cantine", "/beaulac/signalement-voirie", True),
        ("budget-participatif/resultats", "/val-dorne/consultation-plu", True),
        ("/static/parvis.css", "/beaulac/signalement-voirie", True),
        ("/static/../app.py", "/beaulac/signalement-voirie", False),
        ("/staff/login", "/beaulac/signalement-voirie", True),
        ("/", "/beaulac/signalement-voirie", True),
    ],
)
def test_a_relative_link_leads_to_a_page_the_site_answers(url: str, base: str, alive: bool) -> None:
    assert leads_somewhere(url, base, KNOWN) is alive


def test_the_shipped_themes_and_examples_have_no_dead_link(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(path) for path in sorted(THEMES.iterdir())]
    paths += [str(path) for path in sorted(EXAMPLES.glob("*/procedures/*.json"))]
    assert check(paths) == 0, capsys.readouterr().out


def test_check_names_the_file_and_each_dead_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(THEMES / "beaulac", theme)
    data = json.loads((theme / "theme.json").read_text(encoding="utf-8"))
    data["footer"]["links"][3]["url"] = "/contact"
    (theme / "theme.json").write_text(json.dumps(data), encoding="utf-8")

    organisation = tmp_path / "orgs" / "mairie"
    (organisation / "procedures").mkdir(parents=True)
    (organisation / "organisation.json").write_text('{"slug": "mairie", "name": "Mairie"}')
    definition = json.loads((EXAMPLES / "beaulac" / "procedures" / "signalement-voirie.json").read_text())
    definition["id"] = "voirie"
    definition["ui"]["pages"][0]["elements"].insert(
        0,
        {
            "content": {
                "fr": "[Mentions](mentions-legales), [résultats](voirie/resultats), [perdu](plan-du-site)."
            }
        },
    )
    path = organisation / "procedures" / "voirie.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")

    assert check([str(theme), str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{theme}: 1 problem(s)" in out
    assert "$.footer.links[3].url: the link '/contact' leads to no page (/contact)." in out
    assert f"{path}: 1 problem(s)" in out
    assert "/ui/pages/0/elements/0/content/fr: the link 'plan-du-site' leads to no page." in out
