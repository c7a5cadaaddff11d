"""Validation rules: the definitions administrators manage (create, update, delete).

A definition is checked in full before it is written: the field exists on the record type,
the kind's parameters make sense, a pattern compiles, is short and is not catastrophically
slow on long inputs (probed with a time limit), allowed values are distinct.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import regex
from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import (
    CustomFieldDefinition,
    CustomFieldType,
    ValidationRule,
    ValidationRuleKind,
)
from moyeu.core.registry import registry
from moyeu.core.services import audit
from moyeu.core.services.validation_rules import CUSTOM_PREFIX, MAX_MATCHED_LENGTH

MAX_PATTERN_LENGTH = 200
MAX_ALLOWED_VALUES = 500
PROBE_TIMEOUT_SECONDS = 0.05
# Fields the service maintains: no rule can target them.
_MANAGED = {"id", "created_at", "updated_at", "created_by", "updated_by", "version", "custom"}
# The parameters each kind uses; the others are reset to their defaults when saving.
_PARAMETERS: dict[str, set[str]] = {
    ValidationRuleKind.REQUIRED: set(),
    ValidationRuleKind.REQUIRED_WHEN: {"condition_field", "condition_value", "case_insensitive"},
    ValidationRuleKind.PATTERN: {"pattern"},
    ValidationRuleKind.ALLOWED_VALUES: {"allowed_values", "case_insensitive"},
    ValidationRuleKind.UNIQUE: {"case_insensitive"},
}
_DEFAULTS: dict[str, Any] = {
    "condition_field": "",
    "condition_value": "",
    "pattern": "",
    "allowed_values": [],
    "case_insensitive": False,
}
EDITABLE = (
    "field",
    "kind",
    "is_active",
    *_DEFAULTS,
    "message_en",
    "message_fr",
    "position",
)


def known_record_types() -> list[str]:
    return [rt.model_label.lower() for _spec, rt in registry.record_types()]


def rule_fields(record_type: str) -> list[tuple[str, str]]:
    """(path, label) of what a rule may target: model fields, then custom.<name>."""
    model = apps.get_model(record_type)
    fields = [
        (f.name, str(f.verbose_name)) for f in model._meta.concrete_fields if f.name not in _MANAGED
    ]
    custom = [
        (f"{CUSTOM_PREFIX}{d.name}", f"{d.label} ({CUSTOM_PREFIX}{d.name})")
        for d in CustomFieldDefinition.objects.filter(record_type=record_type)
    ]
    return fields + custom


def _probes(pattern: str) -> list[str]:
    """Long inputs made of the pattern's own characters, each ending with a mismatch."""
    alphabet = {c for c in pattern if c.isalnum()} | {"a", "0", " ", "-", ".", "@", "_"}
    length = MAX_MATCHED_LENGTH
    probes = [c * length + "\x00" for c in sorted(alphabet)[:40]]
    probes.append("ab" * (length // 2) + "\x00")
    return probes


def pattern_problem(pattern: str) -> str:
    """Why ``pattern`` is refused, or "" when it is usable."""
    if not pattern:
        return _("Give a pattern.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        return _("A pattern has at most %(count)d characters.") % {"count": MAX_PATTERN_LENGTH}
    try:
        compiled = regex.compile(pattern)
    except (regex.error, ValueError, OverflowError):
        return _("This is not a valid regular expression.")
    for probe in _probes(pattern):
        try:
            compiled.fullmatch(probe, timeout=PROBE_TIMEOUT_SECONDS)
        except TimeoutError:
            return _("This pattern takes too long to check long values; simplify it.")
    return ""


def _custom_type(record_type: str, path: str) -> str | None:
    if not path.startswith(CUSTOM_PREFIX):
        return None
    definition = CustomFieldDefinition.objects.filter(
        record_type=record_type, name=path[len(CUSTOM_PREFIX) :]
    ).first()
    return definition.type if definition is not None else None


def _check_text(
    errors: dict[str, list[str]], data: Mapping[str, Any], name: str, size: int
) -> None:
    value = data.get(name, "")
    if not isinstance(value, str):
        errors[name] = [_("Enter text.")]
    elif len(value) > size:
        errors[name] = [_("At most %(count)d characters.") % {"count": size}]


def _validate(data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    record_type = data.get("record_type")
    if record_type not in known_record_types():
        return {"record_type": [_("Unknown record type.")]}
    paths = {path for path, _label in rule_fields(str(record_type))}
    field = data.get("field")
    if field not in paths:
        errors["field"] = [_("Unknown field for this record type.")]
    kind = data.get("kind")
    if kind not in ValidationRuleKind.values:
        errors["kind"] = [_("Unknown kind of rule.")]
    for name, size in (("message_en", 255), ("message_fr", 255), ("condition_value", 255)):
        _check_text(errors, data, name, size)
    if kind == ValidationRuleKind.REQUIRED_WHEN:
        condition = data.get("condition_field")
        if condition not in paths:
            errors["condition_field"] = [_("Unknown field for this record type.")]
        elif condition == field:
            errors["condition_field"] = [_("Choose another field than the one the rule checks.")]
    if kind == ValidationRuleKind.PATTERN:
        problem = pattern_problem(str(data.get("pattern") or ""))
        if problem:
            errors["pattern"] = [problem]
    if kind == ValidationRuleKind.ALLOWED_VALUES:
        allowed = data.get("allowed_values")
        if (
            not isinstance(allowed, list)
            or not allowed
            or len(allowed) > MAX_ALLOWED_VALUES
            or not all(isinstance(a, str) and a.strip() and len(a) <= 255 for a in allowed)
            or len(set(allowed)) != len(allowed)
        ):
            errors["allowed_values"] = [_("Give a list of distinct, non-empty values.")]
    if (
        kind == ValidationRuleKind.UNIQUE
        and field in paths
        and _custom_type(str(record_type), str(field))
        in (CustomFieldType.MULTI_CHOICE, CustomFieldType.BOOLEAN)
    ):
        errors["field"] = [_("A rule of this kind cannot check this field.")]
    return errors


def _check_admin(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators manage validation rules."))


def _cleaned(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the parameters of the rule's kind; strip the free texts."""
    kind = str(data["kind"])
    cleaned = dict(data)
    for name, default in _DEFAULTS.items():
        if name not in _PARAMETERS[kind]:
            cleaned[name] = default
    for name in ("message_en", "message_fr", "condition_value"):
        cleaned[name] = str(cleaned.get(name) or "").strip()
    if kind == ValidationRuleKind.ALLOWED_VALUES:
        cleaned["allowed_values"] = [a.strip() for a in cleaned["allowed_values"]]
    return cleaned


def rule_create(
    *,
    actor: Actor,
    record_type: str,
    field: str,
    kind: str,
    is_active: bool = True,
    condition_field: str = "",
    condition_value: str = "",
    pattern: str = "",
    allowed_values: list[str] | None = None,
    case_insensitive: bool = False,
    message_en: str = "",
    message_fr: str = "",
    position: int = 0,
) -> ValidationRule:
    _check_admin(actor)
    data: dict[str, Any] = {
        "record_type": record_type,
        "field": field,
        "kind": kind,
        "is_active": bool(is_active),
        "condition_field": condition_field or "",
        "condition_value": condition_value or "",
        "pattern": pattern or "",
        "allowed_values": list(allowed_values or []),
        "case_insensitive": bool(case_insensitive),
        "message_en": message_en or "",
        "message_fr": message_fr or "",
        "position": int(position or 0),
    }
    errors = _validate(data)
    if errors:
        raise ValidationFailed(errors)
    data = _cleaned(data)
    with transaction.atomic():
        rule = ValidationRule.objects.create(**data)
        audit.record(
            rule,
            "core.validation_rule.created",
            actor,
            changes={k: (None, v) for k, v in data.items()},
        )
    return rule


def rule_update(*, actor: Actor, rule_id: uuid.UUID, **changes: Any) -> ValidationRule:
    """Change a rule; returns it unchanged (same version) when nothing differs."""
    _check_admin(actor)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed.")] for name in unknown})
    with transaction.atomic():
        rule = ValidationRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(_("No such validation rule."))
        current = {name: getattr(rule, name) for name in ("record_type", *EDITABLE)}
        merged = {**current, **changes}
        errors = _validate(merged)
        if errors:
            raise ValidationFailed(errors)
        merged = _cleaned(merged)
        diff = {k: (current[k], merged[k]) for k in EDITABLE if current[k] != merged[k]}
        if not diff:
            return rule
        for name, (_before, after) in diff.items():
            setattr(rule, name, after)
        rule.version += 1
        rule.save()
        audit.record(rule, "core.validation_rule.updated", actor, changes=diff)
    return rule


def rule_delete(*, actor: Actor, rule_id: uuid.UUID) -> None:
    _check_admin(actor)
    with transaction.atomic():
        rule = ValidationRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(_("No such validation rule."))
        audit.record(rule, "core.validation_rule.deleted", actor, data={"rule": str(rule)})
        rule.delete()
