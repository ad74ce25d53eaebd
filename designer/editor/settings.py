"""The procedure's own settings: title, description, dates, access, retention, the legal
information shown where data is collected, and the texts of the acknowledgement of receipt."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from designer.editor.operations import Definition, EditRefused
from designer.editor.operations import set_text as _set_text
from runtime.i18n import N_

LEGAL_KEYS = ("controller", "dpo", "purpose", "legal_basis", "recipients", "retention", "rights")


def set_settings(definition: Definition, lang: str, values: Mapping[str, str]) -> Definition:
    """The procedure's own settings: texts, dates, access, retention, legal and receipt texts."""
    result = copy.deepcopy(definition)
    for key in ("title", "description"):
        if key in values:
            _set_text(result, key, lang, values[key])
    prefix = values.get("reference_prefix", "").strip().upper()
    if prefix:
        result["reference_prefix"] = prefix
    settings = dict(result.get("settings") or {})
    if values.get("access") in ("public", "link"):
        settings["access"] = values["access"]
    for key in ("opens_at", "closes_at"):
        if key in values:
            settings[key] = values[key].strip() or None
    if "settings_form" in values:  # an unticked box sends nothing: the form says it was there
        if values.get("one_answer_per_person") == "on":
            settings["one_answer_per_person"] = True
        else:
            settings.pop("one_answer_per_person", None)
    if values.get("retention_days", "").strip():
        if not values["retention_days"].strip().isdigit():
            raise EditRefused(N_("The retention period is a number of days."))
        settings["retention_days"] = int(values["retention_days"])
    result["settings"] = settings
    legal = dict(result.get("legal") or {})
    for key in LEGAL_KEYS:
        if f"legal_{key}" in values:
            _set_text(legal, key, lang, values[f"legal_{key}"])
    if legal:
        result["legal"] = legal
    else:
        result.pop("legal", None)
    receipt = dict(result.get("receipt") or {})
    for key in ("title", "text", "appeal"):
        if f"receipt_{key}" in values:
            _set_text(receipt, key, lang, values[f"receipt_{key}"])
    means, delay = values.get("silence_means", ""), values.get("silence_delay_days", "").strip()
    if "silence_means" in values:
        if means in ("acceptance", "refusal"):
            if not delay.isdigit():
                raise EditRefused(N_("Say after how many days silence means acceptance or refusal."))
            receipt["silence"] = {"means": means, "delay_days": int(delay)}
        else:
            receipt.pop("silence", None)
    if receipt:
        result["receipt"] = receipt
    else:
        result.pop("receipt", None)
    return result
