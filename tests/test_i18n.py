"""Interface translations: every text found in the code is translated into French, keeping its
placeholders, and the language helpers (choice, formatting) behave as citizens expect."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from runtime.i18n import DEFAULT_LANGUAGE, date_text, gettext, negotiate

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
FRENCH_PO = LOCALES / "fr" / "LC_MESSAGES" / "messages.po"
ENGLISH_PO = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as in locales/README.md: Python code calls gettext(lang, "…").
KEYWORDS = ["_", "gettext:2", "ngettext:1,2", "N_"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _pybabel() -> str:
    script = Path(sys.executable).with_name("pybabel")
    return str(script) if script.exists() else "pybabel"


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=lang)


def _texts(message) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _label(message) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:3])
    return f"{_ids(message)[0]!r} ({where})" if where else repr(_ids(message)[0])


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The texts the code and templates use today, extracted as documented."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    command = [_pybabel(), "-q", "extract", "-F", "babel.cfg", "--no-default-keywords", "-o", str(pot)]
    for keyword in KEYWORDS:
        command += ["-k", keyword]
    result = subprocess.run([*command, "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    return _read(pot)


@pytest.fixture(scope="module")
def french() -> Catalog:
    return _read(FRENCH_PO, "fr")


def test_extraction_finds_code_and_template_texts(extracted: Catalog) -> None:
    found = {_ids(message)[0] for message in extracted if message.id}
    # One from each source: a Python gettext(lang, …) call, an N_() marker, a template.
    assert {"Page not found", "This field is required.", "Save and finish later"} <= found


def test_every_extracted_text_has_a_french_translation(extracted: Catalog, french: Catalog) -> None:
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = french.get(message.id)
        if translated is None:
            problems.append(f"missing: {_label(message)}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {_label(message)}")
        elif not all(text and text.strip() for text in _texts(translated)):
            problems.append(f"empty: {_label(message)}")
        elif isinstance(message.id, tuple) and len(_texts(translated)) != french.num_plurals:
            problems.append(f"plural forms: {_label(message)}")
    assert not problems, (
        f"{len(problems)} text(s) to translate in {FRENCH_PO.relative_to(ROOT)} "
        "(see locales/README.md):\n" + "\n".join(problems)
    )


def test_french_translations_keep_their_placeholders(french: Catalog) -> None:
    problems = []
    for message in french:
        if not message.id or not any(_texts(message)):
            continue
        expected = sorted(PLACEHOLDER.findall(_ids(message)[-1]))
        for text in _texts(message):
            if sorted(PLACEHOLDER.findall(text)) != expected:
                problems.append(f"{_label(message)}: {text!r}")
            elif expected or isinstance(message.id, (list, tuple)):
                try:  # a stray "%" would break the substitution at run time
                    text % {name: "x" for name in [*expected, "num"]}
                except (ValueError, TypeError, KeyError) as error:
                    problems.append(f"{_label(message)}: {text!r} ({error})")
    assert not problems, "placeholders differ from the msgid:\n" + "\n".join(problems)


def test_french_typography(french: Catalog) -> None:
    """A non-breaking space before « : ; ? ! » and inside guillemets; no straight quotes."""
    problems = []
    for message in french:
        for text in _texts(message) if message.id else ():
            rest = _without_good_spaces(text)
            if re.search(r"[;?!«»]|:(?=\s|$)", rest):
                problems.append(f"{_label(message)}: {text!r} (non-breaking space)")
            elif '"' in text or "'" in text:
                problems.append(f"{_label(message)}: {text!r} (use « » and ’)")
    assert not problems, "French typography:\n" + "\n".join(problems)


def _without_good_spaces(text: str) -> str:
    """The text without its well-spaced punctuation marks, so only faulty ones remain."""
    text = re.sub(r"[\u00a0\u202f][:;?!»]", "", text)
    return re.sub(r"«[\u00a0\u202f]", "", text)


def test_gettext_translates_into_french_and_falls_back_to_english() -> None:
    assert gettext("fr", "This field is required.") == "Ce champ est obligatoire."
    assert gettext("en", "This field is required.") == "This field is required."
    assert gettext("fr", "Step %(n)s of %(total)s", n=2, total=4) == "Étape 2 sur 4"
    assert gettext("en", "Step %(n)s of %(total)s", n=2, total=4) == "Step 2 of 4"


def test_english_catalogue_declares_the_language_without_translating() -> None:
    english = _read(ENGLISH_PO, "en")
    assert str(english.locale) == "en"
    assert not [message.id for message in english if message.id and any(_texts(message))]


@pytest.mark.parametrize(
    ("choice", "accept_language", "default", "expected"),
    [
        ("en", "fr-FR,fr;q=0.9", "fr", "en"),  # the citizen's choice comes first
        ("fr", "en-GB,en;q=0.9", "en", "fr"),
        ("de", "en-GB,en;q=0.8,fr;q=0.5", "fr", "en"),  # an unknown choice is ignored
        (None, "de-DE,de;q=0.9,en;q=0.8,fr;q=0.7", "fr", "en"),  # first language we have
        (None, "fr;q=0.4, en;q=0.9", "fr", "en"),  # q-values, not order, decide
        (None, "en;q=0, fr;q=0.1", "en", "fr"),  # q=0 means "not this one"
        (None, "EN-us", "fr", "en"),
        (None, "de, es;q=0.5", "en", "en"),  # nothing we have: the default
        (None, None, "en", "en"),
        (None, "", "fr", "fr"),
        (None, "de", "it", DEFAULT_LANGUAGE),  # an unknown default: French
    ],
)
def test_negotiate(choice, accept_language, default, expected) -> None:
    assert negotiate(choice, accept_language, default) == expected


def test_dates_are_written_in_words() -> None:
    assert date_text("2026-07-14", "fr") == "14 juillet 2026"
    assert date_text("2026-07-14", "en") == "July 14, 2026"
