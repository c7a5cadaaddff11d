"""Custom fields: definitions (administered) and validation of the values on records."""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import CustomFieldDefinition, CustomFieldType
from moyeu.core.registry import registry
from moyeu.core.services import audit

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


def definitions_for(record_type: str) -> list[CustomFieldDefinition]:
    return list(CustomFieldDefinition.objects.filter(record_type=record_type))


def clean_value(definition: CustomFieldDefinition, raw: Any) -> Any:
    """The JSON-storable form of ``raw`` for this field, or DjangoValidationError."""
    kind = definition.type
    if raw is None or raw == "" or raw == []:
        return None
    if kind == CustomFieldType.TEXT:
        if not isinstance(raw, str):
            raise DjangoValidationError(_("Enter text."))
        if len(raw) > 2000:
            raise DjangoValidationError(_("At most 2000 characters."))
        return raw.strip()
    if kind == CustomFieldType.NUMBER:
        if isinstance(raw, bool):
            raise DjangoValidationError(_("Enter a whole number."))
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise DjangoValidationError(_("Enter a whole number.")) from None
        return number
    if kind == CustomFieldType.DECIMAL:
        if isinstance(raw, bool | float):
            # Floats lose precision; decimals travel as strings.
            raw = str(raw)
        try:
            value = decimal.Decimal(str(raw).strip().replace(",", "."))
        except decimal.InvalidOperation:
            raise DjangoValidationError(_("Enter a decimal number.")) from None
        if not value.is_finite():
            raise DjangoValidationError(_("Enter a decimal number."))
        return str(value)
    if kind == CustomFieldType.DATE:
        try:
            return datetime.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise DjangoValidationError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == CustomFieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"true", "1", "yes", "oui", "on"}:
            return True
        if text in {"false", "0", "no", "non", "off"}:
            return False
        raise DjangoValidationError(_("Enter true or false."))
    if kind == CustomFieldType.CHOICE:
        if raw not in definition.choices:
            raise DjangoValidationError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return raw
    if kind == CustomFieldType.MULTI_CHOICE:
        if not isinstance(raw, list) or any(item not in definition.choices for item in raw):
            raise DjangoValidationError(
                _("Choose among: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return [c for c in definition.choices if c in raw]  # definition order, no repeats
    if kind == CustomFieldType.URL:
        _url_validator(str(raw))
        return str(raw)
    if kind == CustomFieldType.EMAIL:
        _email_validator(str(raw))
        return str(raw).strip().lower()
    if kind == CustomFieldType.LINK:
        try:
            target_id = uuid.UUID(str(raw))
        except ValueError:
            raise DjangoValidationError(_("Enter the id of a record.")) from None
        model = apps.get_model(definition.link_record_type)
        if not model.objects.filter(pk=target_id).exists():
            raise DjangoValidationError(_("No such record."))
        return str(target_id)
    raise DjangoValidationError(_("Unknown field type."))


def validate_values(
    record_type: str, values: Mapping[str, Any], *, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Validate ``values`` (merged over ``current``); returns the complete cleaned dict."""
    if not isinstance(values, Mapping):
        raise ValidationFailed({"custom": [_("Custom fields must be an object.")]})
    definitions = {d.name: d for d in definitions_for(record_type)}
    errors: dict[str, list[str]] = {}
    for name in values:
        if name not in definitions:
            errors[f"custom.{name}"] = [_("Unknown custom field.")]
    merged: dict[str, Any] = {k: v for k, v in (current or {}).items() if k in definitions}
    for name, definition in definitions.items():
        if name in values:
            try:
                cleaned = clean_value(definition, values[name])
            except DjangoValidationError as exc:
                errors[f"custom.{name}"] = [str(m) for m in exc.messages]
                continue
            if cleaned is None:
                merged.pop(name, None)
            else:
                merged[name] = cleaned
        if definition.required and merged.get(name) is None and f"custom.{name}" not in errors:
            errors[f"custom.{name}"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    return merged


def form_field(definition: CustomFieldDefinition) -> forms.Field:
    common: dict[str, Any] = {
        "label": definition.label,
        "required": definition.required,
        "help_text": definition.help_text,
    }
    kind = definition.type
    choices = [(c, c) for c in definition.choices]
    field: forms.Field
    if kind == CustomFieldType.NUMBER:
        field = forms.IntegerField(**common)
    elif kind == CustomFieldType.DECIMAL:
        field = forms.DecimalField(**common)
    elif kind == CustomFieldType.DATE:
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    elif kind == CustomFieldType.BOOLEAN:
        common["required"] = False
        field = forms.BooleanField(**common)
    elif kind == CustomFieldType.CHOICE:
        field = forms.ChoiceField(choices=[("", "—"), *choices], **common)
    elif kind == CustomFieldType.MULTI_CHOICE:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    elif kind == CustomFieldType.URL:
        field = forms.URLField(**common)
    elif kind == CustomFieldType.EMAIL:
        field = forms.EmailField(**common)
    elif kind == CustomFieldType.LINK:
        field = forms.UUIDField(**common)
    else:
        field = forms.CharField(max_length=2000, **common)
    return field


def json_schema(definition: CustomFieldDefinition) -> dict[str, Any]:
    """The JSON schema of this field's value in the API."""
    kind = definition.type
    schema: dict[str, Any]
    if kind == CustomFieldType.NUMBER:
        schema = {"type": "integer"}
    elif kind == CustomFieldType.DECIMAL:
        schema = {"type": "string", "format": "decimal"}
    elif kind == CustomFieldType.DATE:
        schema = {"type": "string", "format": "date"}
    elif kind == CustomFieldType.BOOLEAN:
        schema = {"type": "boolean"}
    elif kind == CustomFieldType.CHOICE:
        schema = {"type": "string", "enum": list(definition.choices)}
    elif kind == CustomFieldType.MULTI_CHOICE:
        schema = {"type": "array", "items": {"type": "string", "enum": list(definition.choices)}}
    elif kind == CustomFieldType.URL:
        schema = {"type": "string", "format": "uri"}
    elif kind == CustomFieldType.EMAIL:
        schema = {"type": "string", "format": "email"}
    elif kind == CustomFieldType.LINK:
        schema = {"type": "string", "format": "uuid", "x-record-type": definition.link_record_type}
    else:
        schema = {"type": "string", "maxLength": 2000}
    schema["title"] = definition.label
    if definition.help_text:
        schema["description"] = definition.help_text
    return schema


def record_type_schema(record_type: str) -> dict[str, Any]:
    definitions = definitions_for(record_type)
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {d.name: json_schema(d) for d in definitions},
        "required": [d.name for d in definitions if d.required],
    }


def filter_q(definition: CustomFieldDefinition, raw: str) -> Q:
    """A list filter on this field, from a query-string value."""
    key = f"custom__{definition.name}"
    if definition.type == CustomFieldType.MULTI_CHOICE:
        # JSON containment is not portable to SQLite; match the stored list's items in Python-
        # free SQL by testing the serialised form, which is written in definition order.
        return Q(**{f"{key}__icontains": f'"{raw}"'})
    value = clean_value(definition, raw)
    if definition.type in (CustomFieldType.TEXT, CustomFieldType.URL, CustomFieldType.EMAIL):
        return Q(**{f"{key}__iexact": value})
    return Q(**{key: value})


def _check_admin(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators manage custom fields."))


def _known_record_types() -> set[str]:
    return {rt.model_label.lower() for _spec, rt in registry.record_types()}


def _validate_definition(data: Mapping[str, Any], *, creating: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if creating:
        if data.get("record_type") not in _known_record_types():
            errors["record_type"] = [_("Unknown record type.")]
        if not _NAME.match(str(data.get("name", ""))):
            errors["name"] = [
                _("Use lower-case letters, digits and underscores, starting with a letter.")
            ]
        if data.get("type") not in CustomFieldType.values:
            errors["type"] = [_("Unknown field type.")]
    if "label" in data and not str(data["label"]).strip():
        errors["label"] = [_("This field is required.")]
    kind = data.get("type")
    choices = data.get("choices", [])
    if kind in (CustomFieldType.CHOICE, CustomFieldType.MULTI_CHOICE) and (
        not isinstance(choices, list)
        or not choices
        or not all(isinstance(c, str) and c.strip() for c in choices)
        or len(set(choices)) != len(choices)
    ):
        errors["choices"] = [_("Give a list of distinct, non-empty choices.")]
    if kind == CustomFieldType.LINK and data.get("link_record_type") not in _known_record_types():
        errors["link_record_type"] = [_("Unknown record type.")]
    return errors


def custom_field_create(*, actor: Actor, **data: Any) -> CustomFieldDefinition:
    _check_admin(actor)
    data.setdefault("choices", [])
    errors = _validate_definition(data, creating=True)
    if (
        not errors
        and CustomFieldDefinition.objects.filter(
            record_type=data["record_type"], name=data["name"]
        ).exists()
    ):
        errors["name"] = [_("A custom field with this name already exists.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        definition = CustomFieldDefinition.objects.create(
            record_type=data["record_type"],
            name=data["name"],
            label=data["label"],
            type=data["type"],
            required=bool(data.get("required", False)),
            choices=list(data.get("choices") or []),
            link_record_type=data.get("link_record_type") or "",
            help_text=data.get("help_text") or "",
            position=int(data.get("position") or 0),
            is_filterable=bool(data.get("is_filterable", True)),
        )
        audit.record(
            definition,
            "core.custom_field.created",
            actor,
            changes={k: (None, v) for k, v in data.items()},
        )
    return definition


_EDITABLE = ("label", "required", "choices", "help_text", "position", "is_filterable")


def custom_field_update(
    *, actor: Actor, definition_id: uuid.UUID, **changes: Any
) -> CustomFieldDefinition:
    _check_admin(actor)
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed.")] for name in unknown})
    with transaction.atomic():
        definition = (
            CustomFieldDefinition.objects.select_for_update().filter(pk=definition_id).first()
        )
        if definition is None:
            raise NotFound(_("No such custom field."))
        current = {"type": definition.type, "choices": definition.choices}
        errors = _validate_definition({**current, **changes}, creating=False)
        if errors:
            raise ValidationFailed(errors)
        diff = {
            k: (getattr(definition, k), v)
            for k, v in changes.items()
            if getattr(definition, k) != v
        }
        if not diff:
            return definition
        for name, (_before, after) in diff.items():
            setattr(definition, name, after)
        definition.version += 1
        definition.save()
        audit.record(definition, "core.custom_field.updated", actor, changes=diff)
    return definition


def custom_field_delete(*, actor: Actor, definition_id: uuid.UUID) -> None:
    """Remove a definition. Values already stored on records stay until they are next saved."""
    _check_admin(actor)
    with transaction.atomic():
        definition = (
            CustomFieldDefinition.objects.select_for_update().filter(pk=definition_id).first()
        )
        if definition is None:
            raise NotFound(_("No such custom field."))
        audit.record(definition, "core.custom_field.deleted", actor, data={"name": definition.name})
        definition.delete()
