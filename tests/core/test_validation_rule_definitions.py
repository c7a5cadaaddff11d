"""Validation rule definitions: what an administrator may define, and who may."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, ValidationRule
from moyeu.core.services import custom_fields
from moyeu.core.services.validation_rule_definitions import (
    pattern_problem,
    rule_create,
    rule_delete,
    rule_fields,
    rule_update,
)
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def define(personas: Personas, who: str = "admin", **data: Any) -> ValidationRule:
    fields = {"record_type": "directory.contact", "field": "email", "kind": "required"}
    return rule_create(actor=personas.actor(who), **(fields | data))


def refused(personas: Personas, **data: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as excinfo:
        define(personas, **data)
    assert ValidationRule.objects.count() == 0
    return excinfo.value.errors


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"record_type": "directory.nope"}, {"record_type": ["Unknown record type."]}),
        ({"field": "nope"}, {"field": ["Unknown field for this record type."]}),
        ({"field": "version"}, {"field": ["Unknown field for this record type."]}),
        ({"field": "custom.nope"}, {"field": ["Unknown field for this record type."]}),
        ({"kind": "nope"}, {"kind": ["Unknown kind of rule."]}),
        (
            {"kind": "required_when", "condition_field": "email"},
            {"condition_field": ["Choose another field than the one the rule checks."]},
        ),
        (
            {"kind": "required_when", "condition_field": ""},
            {"condition_field": ["Unknown field for this record type."]},
        ),
        ({"kind": "pattern", "pattern": ""}, {"pattern": ["Give a pattern."]}),
        (
            {"kind": "pattern", "pattern": "[a-z"},
            {"pattern": ["This is not a valid regular expression."]},
        ),
        (
            {"kind": "pattern", "pattern": "a" * 201},
            {"pattern": ["A pattern has at most 200 characters."]},
        ),
        (
            {"kind": "pattern", "pattern": "(a|aa)+$"},
            {"pattern": ["This pattern takes too long to check long values; simplify it."]},
        ),
        (
            {"kind": "allowed_values", "allowed_values": []},
            {"allowed_values": ["Give a list of distinct, non-empty values."]},
        ),
        (
            {"kind": "allowed_values", "allowed_values": ["a", "a"]},
            {"allowed_values": ["Give a list of distinct, non-empty values."]},
        ),
        (
            {"kind": "allowed_values", "allowed_values": ["a", " "]},
            {"allowed_values": ["Give a list of distinct, non-empty values."]},
        ),
        ({"message_en": "x" * 256}, {"message_en": ["At most 255 characters."]}),
    ],
)
def test_bad_definitions_are_refused_with_field_errors(
    personas: Personas, data: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    assert refused(personas, **data) == errors


@pytest.mark.parametrize(
    "pattern", ["(a|a)*$", "(.*a){12}", "(x+x+)+y", "^(([a-z])+.)+[A-Z]([a-z])+$"]
)
def test_catastrophic_patterns_are_refused(pattern: str) -> None:
    assert pattern_problem(pattern) == (
        "This pattern takes too long to check long values; simplify it."
    )


@pytest.mark.parametrize("pattern", [r"\+33[0-9]{9}", "[A-Z]{2}-[0-9]+", r"[^@\s]+@[^@\s]+"])
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) == ""


def test_unique_is_refused_on_several_choice_fields(personas: Personas) -> None:
    custom_fields.custom_field_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        name="interests",
        label="Interests",
        type="multi_choice",
        choices=["a", "b"],
    )
    assert refused(personas, field="custom.interests", kind="unique") == {
        "field": ["A rule of this kind cannot check this field."]
    }


def test_only_the_kinds_parameters_are_kept(personas: Personas) -> None:
    found = define(
        personas,
        kind="unique",
        pattern="[a-z]+",
        allowed_values=["x"],
        condition_field="phone",
        case_insensitive=True,
        message_en="  Taken.  ",
    )
    stored = ValidationRule.objects.get(pk=found.pk)
    assert (stored.pattern, stored.allowed_values, stored.condition_field) == ("", [], "")
    assert (stored.case_insensitive, stored.message_en, stored.version) == (True, "Taken.", 1)


def test_rule_fields_list_model_fields_then_custom_fields(personas: Personas) -> None:
    custom_fields.custom_field_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        name="segment",
        label="Segment",
        type="text",
    )
    paths = [path for path, _label in rule_fields("directory.contact")]
    assert paths[-1] == "custom.segment"
    assert {"email", "last_name", "owner", "account"} <= set(paths)
    assert not {"id", "version", "custom", "created_at"} & set(paths)


@pytest.mark.parametrize("who", ["owner", "manager", "outsider"])
def test_only_administrators_manage_rules(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        define(personas, who)
    found = define(personas)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        rule_update(actor=personas.actor(who), rule_id=found.pk, is_active=False)
    with pytest.raises(PermissionDenied):
        rule_delete(actor=personas.actor(who), rule_id=found.pk)
    assert ValidationRule.objects.get().is_active is True
    assert AuditEntry.objects.count() == entries


def test_changes_are_validated_versioned_and_audited(personas: Personas) -> None:
    found = define(personas)
    admin = personas.actor("admin")
    with pytest.raises(ValidationFailed) as excinfo:
        rule_update(actor=admin, rule_id=found.pk, kind="pattern", pattern="(")
    assert excinfo.value.errors == {"pattern": ["This is not a valid regular expression."]}
    with pytest.raises(ValidationFailed) as excinfo:
        rule_update(actor=admin, rule_id=found.pk, record_type="directory.account")
    assert excinfo.value.errors == {"record_type": ["This field cannot be changed."]}
    same = rule_update(actor=admin, rule_id=found.pk, kind="required")
    assert same.version == 1
    changed = rule_update(actor=admin, rule_id=found.pk, kind="pattern", pattern="[a-z@.]+")
    assert (changed.kind, changed.pattern, changed.version) == ("pattern", "[a-z@.]+", 2)
    codes = sorted(
        AuditEntry.objects.filter(code__startswith="core.validation_rule").values_list(
            "code", "changes"
        )
    )
    assert codes == [
        (
            "core.validation_rule.created",
            {
                "record_type": [None, "directory.contact"],
                "field": [None, "email"],
                "kind": [None, "required"],
                "is_active": [None, True],
                "condition_field": [None, ""],
                "condition_value": [None, ""],
                "pattern": [None, ""],
                "allowed_values": [None, []],
                "case_insensitive": [None, False],
                "message_en": [None, ""],
                "message_fr": [None, ""],
                "position": [None, 0],
            },
        ),
        (
            "core.validation_rule.updated",
            {"kind": ["required", "pattern"], "pattern": ["", "[a-z@.]+"]},
        ),
    ]
    rule_delete(actor=admin, rule_id=found.pk)
    assert ValidationRule.objects.count() == 0
    with pytest.raises(NotFound):
        rule_delete(actor=admin, rule_id=found.pk)
