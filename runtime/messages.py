"""Error sentences for citizens: what is wrong and how to put it right, in their language."""

from __future__ import annotations

from typing import Any, Mapping

from runtime.fields.base import FieldError
from runtime.i18n import gettext, money_text, number_text
from runtime.text import localize

_BY_CODE = {
    "required": "This field is required.",
    "hidden": "This answer is not expected given your other answers; remove it.",
    "unknown": "This field is not part of the form.",
    "type": "This answer is not of the expected kind.",
    "enum": "Choose one of the options offered.",
    "const": "Tick this box to continue.",
    "maxLength": "This text is too long: at most %(limit)s characters (you wrote %(length)s).",
    "minLength": "This text is too short: at least %(limit)s characters.",
    "minimum": "Enter a number greater than or equal to %(limit)s.",
    "maximum": "Enter a number less than or equal to %(limit)s.",
    "exclusiveMinimum": "Enter a number greater than %(limit)s.",
    "exclusiveMaximum": "Enter a number less than %(limit)s.",
    "multipleOf": "Enter a multiple of %(limit)s.",
    "minItems": "Choose at least %(limit)s.",
    "maxItems": "Choose at most %(limit)s.",
    "uniqueItems": "Each option can be chosen only once.",
    "pattern": "The format of this answer is not valid.",
    "after": "This date must be after the date “%(other)s”.",
    "budget": "Your choices cost %(total)s, more than the budget of %(budget)s. Remove a project.",
    "format:email": "Enter a valid e-mail address, for example name@example.fr.",
    "format:date": "Enter a valid date, for example 14/07/2026.",
    "format:date-time": "Enter a valid date and time.",
    "format:uri": "Enter a web address starting with https://.",
    "format:phone": "Enter a valid phone number, for example 01 23 45 67 89.",
    "format:fr-siret": "A SIRET number has 14 digits and a check digit; check for a typing mistake.",
    "format:fr-postcode": "A postcode has 5 digits, for example 75001.",
    "format:fr-insee": "An INSEE commune code has 5 characters, for example 75056 or 2A004.",
    "format:iban": "This IBAN is not valid; check it against your bank details (RIB).",
}

# Some widgets need their own words for a rule: a "type" error on a number field means
# the text typed was not a number.
_BY_WIDGET = {
    ("number", "type"): "Enter a number, for example 12.5.",
    ("integer", "type"): "Enter a whole number, for example 3.",
    ("rating", "type"): "Choose a rating.",
    ("ranking", "type"): "Give each option a different rank.",
    ("ranking", "minItems"): "Rank every option.",
    ("consent", "const"): "Tick this box to continue.",
    ("consent", "required"): "Tick this box to continue.",
    ("file", "maxItems"): "Attach at most %(limit)s files.",
    ("file", "minItems"): "Attach at least %(limit)s files.",
    ("date", "type"): "Enter a valid date, for example 14/07/2026.",
    ("yesno", "type"): "Answer yes or no.",
    ("group", "minItems"): "Add at least %(limit)s.",
    ("group", "maxItems"): "At most %(limit)s can be added.",
}


def message(error: FieldError, widget: str, element: Mapping[str, Any] | None, lang: str,
            fallback: str, labels: Mapping[str, str] | None = None) -> str:
    """The sentence for `error` on a field shown with `widget` (and its element's own texts)."""
    own = (element or {}).get("messages", {}).get(error.code.split(":")[0])
    if own:
        return localize(own, lang, fallback)
    template = _BY_WIDGET.get((widget, error.code)) or _BY_CODE.get(error.code) or _BY_CODE["type"]
    params = dict(error.params)
    if error.code == "budget":
        params["total"] = money_text(params["total"], params["currency"], lang)
        params["budget"] = money_text(params["budget"], params["currency"], lang)
    elif error.code == "after":
        params["other"] = (labels or {}).get(params["other"], params["other"])
    elif isinstance(params.get("limit"), (int, float)) and not isinstance(params["limit"], bool):
        params["limit"] = number_text(params["limit"], lang)
    return gettext(lang, template, **params) if "%(" in template else gettext(lang, template)
