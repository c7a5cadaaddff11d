"""The record form: the module's own fields, plus custom fields, tags and the version."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.services import custom_fields

CUSTOM_PREFIX = "cf_"


def _json_value(value: Any) -> Any:
    if value in (None, "", []):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return list(value)
    return value


class RecordForm(forms.Form):
    """Subclasses declare the model fields they edit, with the model's field names.

    A ``ModelChoiceField`` named ``account`` is sent to the service as ``account_id``. Errors
    the service raises (``ValidationFailed.errors``) come back on the matching form field,
    including ``custom.<name>`` for custom fields; unknown paths become form-wide errors.
    """

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        record_type: str,
        record: Any | None = None,
        **kwargs: Any,
    ) -> None:
        self.actor = actor
        self.record = record
        self.definitions = custom_fields.definitions_for(record_type)
        if record is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(record)
        super().__init__(*args, **kwargs)
        self.setup_fields()
        for definition in self.definitions:
            self.fields[CUSTOM_PREFIX + definition.name] = custom_fields.form_field(definition)
        # Tags and the version come last, after the custom fields.
        for name in ("tags", "version"):
            self.fields[name] = self.fields.pop(name)

    def setup_fields(self) -> None:
        """Hook: narrow querysets to what ``self.actor`` may see."""

    @property
    def model_field_names(self) -> list[str]:
        reserved = {"tags", "version"}
        return [
            name
            for name in self.base_fields
            if name not in reserved and not name.startswith(CUSTOM_PREFIX)
        ]

    @property
    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[CUSTOM_PREFIX + d.name] for d in self.definitions]

    @property
    def model_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.model_field_names]

    def initial_from(self, record: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in self.model_field_names:
            if isinstance(self.base_fields[name], forms.ModelChoiceField):
                initial[name] = getattr(record, f"{name}_id")
            else:
                initial[name] = getattr(record, name)
        for definition in self.definitions:
            initial[CUSTOM_PREFIX + definition.name] = record.custom.get(definition.name)
        initial["tags"] = ", ".join(tag.name for tag in record.tags.all())
        initial["version"] = record.version
        return initial

    def service_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.model_field_names:
            value = self.cleaned_data.get(name)
            if isinstance(self.fields[name], forms.ModelChoiceField):
                values[f"{name}_id"] = value.pk if value is not None else None
            else:
                values[name] = "" if value is None else value
        return values

    def service_custom(self) -> dict[str, Any]:
        return {
            d.name: _json_value(self.cleaned_data.get(CUSTOM_PREFIX + d.name))
            for d in self.definitions
        }

    def service_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def field_for_path(self, path: str) -> str | None:
        """The form field that shows the error the service raised on ``path``."""
        if path.startswith("custom."):
            name = CUSTOM_PREFIX + path.removeprefix("custom.")
            return name if name in self.fields else None
        for candidate in (path, path.removesuffix("_id")):
            if candidate in self.fields:
                return candidate
        return None

    def apply_service_errors(self, exc: ValidationFailed) -> None:
        for path, messages in exc.errors.items():
            target = self.field_for_path(path)
            for message in messages:
                if target is None:
                    self.add_error(None, f"{path}: {message}")
                else:
                    self.add_error(target, message)

    def apply_error(self, message: str, field: str | None = None) -> None:
        target = self.field_for_path(field) if field else None
        self.add_error(target, message or gettext("This change was refused."))
