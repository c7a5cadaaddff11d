"""Field-level validation with the model's own field rules, for modules' row cleaners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

# Checked inline below (they are the costly part of field.clean() on a million rows).
_INLINE = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)


def field_checker(
    model: type[models.Model], names: list[str]
) -> Callable[[dict[str, Any]], dict[str, str]]:
    """A function checking text values against each named field as ``full_clean`` would
    (blank, length, choices, the field's validators: e-mail and URL syntax...), without
    building an instance."""
    rules: dict[str, tuple[Any, int | None, set[str] | None, list[Any]]] = {}
    for name in names:
        field = cast(models.Field[Any, Any], model._meta.get_field(name))
        choices = {str(key) for key, _label in field.flatchoices} if field.choices else None
        others = [v for v in field.validators if not isinstance(v, _INLINE)]
        rules[name] = (field, field.max_length, choices, others)

    def check(values: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name, value in values.items():
            rule = rules.get(name)
            if rule is None:
                continue
            field, max_length, choices, others = rule
            if value in ("", None):
                if not field.blank:
                    errors[name] = str(field.error_messages["blank"])
                continue
            if max_length is not None and len(value) > max_length:
                message = validators.MaxLengthValidator.message % {
                    "limit_value": max_length,
                    "show_value": len(value),
                }
                errors[name] = str(message)
            elif "\x00" in value:
                errors[name] = str(validators.ProhibitNullCharactersValidator.message)
            elif choices is not None and value not in choices:
                errors[name] = str(field.error_messages["invalid_choice"]) % {"value": value}
            else:
                try:
                    for validator in others:
                        validator(value)
                except ValidationError as exc:
                    errors[name] = " ".join(exc.messages)
        return errors

    return check
