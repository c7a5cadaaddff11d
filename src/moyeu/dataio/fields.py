"""Field-level validation with the model's own field rules, for modules' row cleaners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def field_checker(
    model: type[models.Model], names: list[str]
) -> Callable[[dict[str, Any]], dict[str, str]]:
    """A function checking values against each named field (max length, choices, e-mail
    syntax, blank...), as ``full_clean`` would, without building an instance."""
    fields = {name: model._meta.get_field(name) for name in names}

    def check(values: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name, value in values.items():
            model_field = fields.get(name)
            if model_field is None:
                continue
            try:
                if value in ("", None):
                    if not model_field.blank:
                        raise ValidationError(model_field.error_messages["blank"])
                    continue
                model_field.clean(value, None)
            except ValidationError as exc:
                errors[name] = " ".join(exc.messages)
        return errors

    return check
