"""Checking answers: JSON Schema first, then each widget's own rules; one error per field.

Errors are codes with parameters (`required`, `maxLength` with its limit...), turned into
sentences in the citizen's language by `runtime.messages` when shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from jsonschema import ValidationError

from runtime.compiler import CompiledVersion
from runtime.fields.base import FieldError


def validate(
    version: CompiledVersion, answers: Mapping[str, Any], only: Iterable[str] | None = None
) -> dict[str, FieldError]:
    """Errors by field path (`email`, `enfants.0.prenom`), limited to `only` if given."""
    wanted = set(only) if only is not None else None
    errors: dict[str, FieldError] = {}
    for error in version.validator.iter_errors(dict(answers)):
        for found in _field_errors(error):
            top = found.path.split(".", 1)[0]
            if (wanted is None or top in wanted) and found.path not in errors:
                errors[found.path] = found
    for name, value in answers.items():
        field = version.fields.get(name)
        if field is None or (wanted is not None and name not in wanted):
            continue
        for found in field.widget.validate(field.element, value, answers):
            errors.setdefault(found.path, found)
    return errors


def _field_errors(error: ValidationError) -> list[FieldError]:
    base = ".".join(str(part) for part in error.absolute_path)

    def at(name: str) -> str:
        return f"{base}.{name}" if base else name

    # iter_errors fills every field of an error: the stubs' Unset is for errors built by
    # hand, hence the casts below.
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        required = cast(list[str], error.validator_value)
        return [FieldError(at(name), "required") for name in required if name not in instance]
    if (
        error.validator == "not"
        and isinstance(error.validator_value, dict)
        and "required" in error.validator_value
    ):
        return [FieldError(at(name), "hidden") for name in error.validator_value["required"]]
    if error.validator == "additionalProperties":
        schema = cast(Mapping[str, Any], error.schema)
        extra = set(cast(dict[str, Any], error.instance)) - set(schema.get("properties", {}))
        return [FieldError(at(name), "unknown") for name in sorted(extra)]
    if not base:
        return []  # rules about the whole form are reported on the fields they name
    if error.validator == "format":
        return [FieldError(base, f"format:{error.validator_value}")]
    params: dict[str, Any] = {"limit": error.validator_value}
    if error.validator in ("maxLength", "minLength") and isinstance(error.instance, str):
        params["length"] = len(error.instance)
    if error.validator in ("maxItems", "minItems") and isinstance(error.instance, list):
        params["count"] = len(error.instance)
    return [FieldError(base, str(error.validator), params)]
