"""Error sentences for citizens: what is wrong and how to put it right, in their language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.fields.base import FieldError
from runtime.fields.file import FORMAT_NAMES, size_text
from runtime.i18n import N_, gettext, money_text, number_text
from runtime.text import localize

_BY_CODE = {
    "required": N_("This field is required."),
    "hidden": N_("This answer is not expected given your other answers; remove it."),
    "unknown": N_("This field is not part of the form."),
    "api:file": N_(
        "A file question takes a list of files, each with name (its file name) and content (its bytes "
        "in base64)."
    ),
    "type": N_("This answer is not of the expected kind."),
    "enum": N_("Choose one of the options offered."),
    "const": N_("Tick this box to continue."),
    "maxLength": N_("This text is too long: at most %(limit)s characters (you wrote %(length)s)."),
    "minLength": N_("This text is too short: at least %(limit)s characters."),
    "minimum": N_("Enter a number greater than or equal to %(limit)s."),
    "maximum": N_("Enter a number less than or equal to %(limit)s."),
    "exclusiveMinimum": N_("Enter a number greater than %(limit)s."),
    "exclusiveMaximum": N_("Enter a number less than %(limit)s."),
    "multipleOf": N_("Enter a multiple of %(limit)s."),
    "minItems": N_("Choose at least %(limit)s."),
    "maxItems": N_("Choose at most %(limit)s."),
    "uniqueItems": N_("Each option can be chosen only once."),
    "pattern": N_("The format of this answer is not valid."),
    "after": N_("This date must be after the date “%(other)s”."),
    "budget": N_("Your choices cost %(total)s, more than the budget of %(budget)s. Remove a project."),
    "upload:too_large": N_("The file “%(name)s” is too large: at most %(limit)s."),
    "upload:type": N_("The file “%(name)s” is not in an accepted format (%(allowed)s)."),
    "upload:empty": N_("The file “%(name)s” is empty."),
    "format:email": N_("Enter a valid e-mail address, for example name@example.fr."),
    "format:date": N_("Enter a valid date, for example 14/07/2026."),
    "format:date-time": N_("Enter a valid date and time."),
    "format:uri": N_("Enter a web address starting with https://."),
    "format:phone": N_("Enter a valid phone number, for example 01 23 45 67 89."),
    "format:fr-siret": N_(
        "A SIRET number has 14 digits, including a check digit; check for a typing mistake."
    ),
    "format:fr-postcode": N_("A postcode has 5 digits, for example 75001."),
    "format:fr-insee": N_("An INSEE commune code has 5 characters, for example 75056 or 2A004."),
    "format:iban": N_("This IBAN is not valid; check it against your bank details (RIB)."),
}

# Some widgets need their own words for a rule: a "type" error on a number field means
# the text typed was not a number.
_BY_WIDGET = {
    ("number", "type"): N_("Enter a number, for example 12.5."),
    ("integer", "type"): N_("Enter a whole number, for example 3."),
    ("rating", "type"): N_("Choose a rating."),
    ("ranking", "type"): N_("Give each option a different rank."),
    ("ranking", "minItems"): N_("Rank every option."),
    ("consent", "const"): N_("Tick this box to continue."),
    ("consent", "required"): N_("Tick this box to continue."),
    ("file", "maxItems"): N_("Attach at most %(limit)s files."),
    ("file", "minItems"): N_("Attach at least %(limit)s files."),
    ("date", "type"): N_("Enter a valid date, for example 14/07/2026."),
    ("yesno", "type"): N_("Answer yes or no."),
    ("group", "minItems"): N_("Add at least %(limit)s."),
    ("group", "maxItems"): N_("At most %(limit)s can be added."),
    # One sentence per statement left unanswered, naming it.
    ("matrix", "required:row"): N_("Choose an answer for the statement “%(statement)s”."),
}


def message(
    error: FieldError,
    widget: str,
    element: Mapping[str, Any] | None,
    lang: str,
    fallback: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The sentence for `error` on a field shown with `widget` (and its element's own texts)."""
    own = (element or {}).get("messages", {}).get(error.code.split(":")[0])
    if own:
        return localize(own, lang, fallback)
    code = error.code
    params = dict(error.params)
    rows = (element or {}).get("rows")
    if widget == "matrix" and code == "required" and "." in error.path and isinstance(rows, Mapping):
        row = error.path.rsplit(".", 1)[1]
        code, params["statement"] = "required:row", localize(rows.get(row, row), lang, fallback)
    template = _BY_WIDGET.get((widget, code)) or _BY_CODE.get(code) or _BY_CODE["type"]
    if error.code == "budget":
        params["total"] = money_text(params["total"], params["currency"], lang)
        params["budget"] = money_text(params["budget"], params["currency"], lang)
    elif error.code == "upload:too_large":
        params["limit"] = size_text(params["limit"], lang)
    elif error.code == "upload:type":
        params["allowed"] = ", ".join(FORMAT_NAMES.get(kind, kind) for kind in params["allowed"])
    elif error.code == "after":
        params["other"] = (labels or {}).get(params["other"], params["other"])
    elif isinstance(params.get("limit"), (int, float)) and not isinstance(params["limit"], bool):
        params["limit"] = number_text(params["limit"], lang)
    return gettext(lang, template, **params) if "%(" in template else gettext(lang, template)
