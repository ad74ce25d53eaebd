"""Error sentences for citizens: what is wrong and how to put it right, in their language.

The sentences of JSON Schema's rules are here; a widget declares its own words for them and
the sentences of the rules it checks itself (`Widget.messages`, `Widget.rule_messages`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.fields import widget_for
from runtime.fields.base import DisplayContext, FieldError
from runtime.fields.registry import rule_owner
from runtime.i18n import N_, gettext, number_text
from runtime.text import localize

_BY_CODE = {
    "required": N_("This field is required."),
    "hidden": N_("This answer is not expected given your other answers; remove it."),
    "unknown": N_("This field is not part of the form."),
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


def message(
    error: FieldError,
    widget: str,
    element: Mapping[str, Any] | None,
    lang: str,
    fallback: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The sentence for `error` on a field shown with `widget` (and its element's own texts).

    The words are, first, the element's own; then the widget's own for this rule (a "type"
    error on a number field means the text typed was not a number); then those of the rule,
    whether JSON Schema's or one a widget checks itself."""
    own = (element or {}).get("messages", {}).get(error.code.split(":")[0])
    if own:
        return localize(own, lang, fallback)
    params = dict(error.params)
    shown_by = widget_for(widget)
    code = error.code
    if shown_by is not None:
        code = shown_by.explain(error, element or {}, params, DisplayContext(lang, fallback))
    rule = rule_owner(code)
    template = (
        (shown_by.messages.get(code) if shown_by is not None else None)
        or (rule.rule_messages[code] if rule is not None else None)
        or _BY_CODE.get(code)
        or _BY_CODE["type"]
    )
    checked_by = rule_owner(error.code)
    if checked_by is not None:
        params = checked_by.message_params(error.code, params, lang, labels or {})
    elif isinstance(params.get("limit"), (int, float)) and not isinstance(params["limit"], bool):
        params["limit"] = number_text(params["limit"], lang)
    return gettext(lang, template, **params) if "%(" in template else gettext(lang, template)
