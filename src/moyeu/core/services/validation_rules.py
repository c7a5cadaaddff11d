"""Validation rules: their evaluation on one record (create/update) and on an import batch.

Rules are defined by administrators (moyeu.core.services.validation_rule_definitions). Every
record create and update of moyeu.core.services.records calls :func:`check_record` after the
values are normalised and before the row is written; imports call :func:`evaluate_batch`.
Messages are in the active language (the request's, or the one a task activated).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Lower, Substr
from django.utils import translation
from django.utils.translation import gettext as _

from moyeu.core.errors import ValidationFailed
from moyeu.core.models import CustomFieldDefinition, ValidationRule, ValidationRuleKind

CUSTOM_PREFIX = "custom."
# A pattern gets this long to match one value; past it the value is refused.
MATCH_TIMEOUT_SECONDS = 0.05
# Longer values are refused by pattern rules without being matched.
MAX_MATCHED_LENGTH = 2000
_TEXT_FIELDS = (models.CharField, models.TextField)


@dataclass(frozen=True)
class _Row:
    values: Mapping[str, Any]  # field path -> value
    record_id: Any  # excluded from the unique check (the record itself on update)


def active_rules(record_type: str) -> list[ValidationRule]:
    """The active rules of a record type, less those on a custom field since deleted."""
    defined = CustomFieldDefinition.objects.filter(
        record_type=OuterRef("record_type"), name=Substr(OuterRef("field"), len(CUSTOM_PREFIX) + 1)
    )
    return list(
        ValidationRule.objects.filter(record_type=record_type, is_active=True).filter(
            ~Q(field__startswith=CUSTOM_PREFIX) | Exists(defined)
        )
    )


def is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def value_text(value: Any) -> str:
    """The text a rule compares: booleans as true/false, ids and numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def rule_message(rule: ValidationRule, default: str) -> str:
    """The administrator's message in the active language, else the translated default."""
    language = (translation.get_language() or "en").split("-")[0]
    custom = rule.message_fr if language == "fr" else rule.message_en
    return custom or default


def _field_label(record_type: str, path: str) -> str:
    if path.startswith(CUSTOM_PREFIX):
        definition = CustomFieldDefinition.objects.filter(
            record_type=record_type, name=path[len(CUSTOM_PREFIX) :]
        ).first()
        return definition.label if definition is not None else path
    model = apps.get_model(record_type)
    try:
        return str(model._meta.get_field(path).verbose_name)
    except LookupError:
        return path


def _condition_met(rule: ValidationRule, values: Mapping[str, Any]) -> bool:
    other = values.get(rule.condition_field)
    if is_empty(other):
        return False
    if not rule.condition_value:
        return True
    wanted = rule.condition_value
    texts = [value_text(item) for item in _items(other)]
    if rule.case_insensitive:
        return wanted.casefold() in {text.casefold() for text in texts}
    return wanted in texts


def _matches(compiled: Any, value: Any) -> bool:
    text = value_text(value)
    if len(text) > MAX_MATCHED_LENGTH:
        return False
    try:
        return compiled.fullmatch(text, timeout=MATCH_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        return False


def _single_value_error(rule: ValidationRule, record_type: str, value: Any, values: Any) -> str:
    """The message when ``rule`` fails on this row, else ""; unique is checked elsewhere."""
    kind = rule.kind
    if kind == ValidationRuleKind.REQUIRED:
        return rule_message(rule, _("This field is required.")) if is_empty(value) else ""
    if kind == ValidationRuleKind.REQUIRED_WHEN:
        if not is_empty(value) or not _condition_met(rule, values):
            return ""
        other = _field_label(record_type, rule.condition_field)
        if rule.condition_value:
            default = _("This field is required when %(field)s is %(value)s.") % {
                "field": other,
                "value": rule.condition_value,
            }
        else:
            default = _("This field is required when %(field)s is filled in.") % {"field": other}
        return rule_message(rule, default)
    if is_empty(value):
        return ""
    if kind == ValidationRuleKind.PATTERN:
        compiled = regex.compile(rule.pattern)
        if all(_matches(compiled, item) for item in _items(value)):
            return ""
        return rule_message(rule, _("This value does not have the expected format."))
    if kind == ValidationRuleKind.ALLOWED_VALUES:
        allowed = [str(a) for a in rule.allowed_values]
        accepted = {_fold(rule, a) for a in allowed}
        if all(_fold(rule, value_text(item)) in accepted for item in _items(value)):
            return ""
        return rule_message(
            rule, _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}
        )
    return ""


def _fold(rule: ValidationRule, text: str) -> str:
    return text.casefold() if rule.case_insensitive else text


def _unique_key(rule: ValidationRule, value: Any) -> str:
    text = value_text(value).strip()
    # lower(), not casefold(): the database's LOWER() must give the same key.
    return text.lower() if rule.case_insensitive else text


def _taken_keys(
    rule: ValidationRule, keys: Iterable[str], raw_values: Sequence[Any]
) -> dict[str, set[Any]]:
    """key -> ids of the stored records holding it; one query for the whole batch."""
    model = apps.get_model(rule.record_type)
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    queryset = model._default_manager.all()
    found: dict[str, set[Any]] = {}
    if rule.field.startswith(CUSTOM_PREFIX):
        stored: Any = Cast(
            KeyTextTransform(rule.field[len(CUSTOM_PREFIX) :], "custom"), models.TextField()
        )
        if rule.case_insensitive:
            stored = Lower(stored)
        pairs = queryset.annotate(_rule_key=stored).filter(_rule_key__in=wanted)
        rows = pairs.values_list("_rule_key", "pk")
    else:
        field = model._meta.get_field(rule.field)
        if rule.case_insensitive and isinstance(field, _TEXT_FIELDS):
            pairs = queryset.annotate(_rule_key=Lower(rule.field)).filter(_rule_key__in=wanted)
            rows = pairs.values_list("_rule_key", "pk")
        else:
            # Exact: the column's own index answers ``IN``; values keep their Python type.
            attname = field.attname
            rows = queryset.filter(**{f"{attname}__in": list(raw_values)}).values_list(
                attname, "pk"
            )
    for stored_value, pk in rows:
        if stored_value is None:
            continue
        found.setdefault(_unique_key(rule, stored_value), set()).add(pk)
    return found


def _evaluate(
    record_type: str, rows: Sequence[_Row], rules: Sequence[ValidationRule]
) -> list[dict[str, list[str]]]:
    results: list[dict[str, list[str]]] = [{} for _row in rows]

    def add(index: int, path: str, message: str) -> None:
        messages = results[index].setdefault(path, [])
        if message not in messages:
            messages.append(message)

    for rule in rules:
        if rule.kind == ValidationRuleKind.UNIQUE:
            continue
        for index, row in enumerate(rows):
            value = row.values.get(rule.field)
            message = _single_value_error(rule, record_type, value, row.values)
            if message:
                add(index, rule.field, message)
    for rule in rules:
        if rule.kind != ValidationRuleKind.UNIQUE:
            continue
        present = [(index, row.values.get(rule.field)) for index, row in enumerate(rows)]
        present = [(index, value) for index, value in present if not is_empty(value)]
        keys = {index: _unique_key(rule, value) for index, value in present}
        taken = _taken_keys(rule, keys.values(), [value for _i, value in present])
        seen: Counter[str] = Counter()
        for index, key in keys.items():
            others = taken.get(key, set()) - {rows[index].record_id}
            if not others:
                # A row already refused for the database's copy does not claim the value.
                seen[key] += 1
            if others:
                add(
                    index,
                    rule.field,
                    rule_message(rule, _("Another record already has this value.")),
                )
            elif seen[key] > 1:
                add(
                    index,
                    rule.field,
                    rule_message(rule, _("This value appears more than once in the batch.")),
                )
    return results


def record_values(obj: models.Model) -> dict[str, Any]:
    """Field path -> value of a record: model fields by name, custom fields as custom.<name>."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        values[field.name] = getattr(obj, field.attname)
    for name, value in (getattr(obj, "custom", None) or {}).items():
        values[f"{CUSTOM_PREFIX}{name}"] = value
    return values


def row_values(model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
    """An import row as field paths: ``custom`` objects are flattened, attnames renamed."""
    values: dict[str, Any] = {}
    names = {f.attname: f.name for f in model._meta.concrete_fields}
    for key, value in row.items():
        if key == "custom" and isinstance(value, Mapping):
            for name, item in value.items():
                values[f"{CUSTOM_PREFIX}{name}"] = item
        else:
            values[names.get(key, key)] = value
    return values


def check_record(obj: models.Model) -> None:
    """Raise ValidationFailed when the record breaks an active rule of its type.

    Called inside the write transaction. The unique rules are locked (pk order) so that two
    writers of the same value are serialised on PostgreSQL; SQLite serialises writers itself.
    """
    record_type = obj._meta.label_lower
    rules = active_rules(record_type)
    if not rules:
        return
    unique_ids = sorted(r.pk for r in rules if r.kind == ValidationRuleKind.UNIQUE)
    if unique_ids:
        list(ValidationRule.objects.select_for_update().filter(pk__in=unique_ids).order_by("pk"))
    (errors,) = _evaluate(record_type, [_Row(record_values(obj), obj.pk)], rules)
    if errors:
        raise ValidationFailed(errors)


def evaluate_batch(
    record_type: str, rows: Sequence[Mapping[str, Any]]
) -> list[dict[str, list[str]]]:
    """Field errors of each row (``{}`` when it passes), in the rows' order.

    A row maps field names (or attnames) and ``custom.<name>`` — or a ``custom`` object — to
    normalised values; an ``id`` key names the record the row updates, which is not its own
    duplicate. Unique rules look in the database and within the batch, one query per rule.
    """
    model = apps.get_model(record_type)
    prepared = [_Row(row_values(model, row), _row_id(row.get("id"))) for row in rows]
    rules = active_rules(record_type)
    if not rules:
        return [{} for _row in rows]
    return _evaluate(record_type, prepared, rules)


def _row_id(value: Any) -> Any:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value
