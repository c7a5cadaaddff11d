"""Custom field definitions and the validation of the values records carry."""

from __future__ import annotations

import pytest
from django import forms

from moyeu.core.errors import PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, CustomFieldDefinition
from moyeu.core.services import custom_fields
from moyeu.directory.models import Contact
from moyeu.directory.services import account_create, contact_create, contact_update
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def define(personas: Personas, name: str, kind: str, **extra: object) -> CustomFieldDefinition:
    return custom_fields.custom_field_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        name=name,
        label=name.replace("_", " ").title(),
        type=kind,
        **extra,
    )


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "stored"),
    [
        ("text", {}, "  Salon Lyon ", "Salon Lyon"),
        ("number", {}, "42", 42),
        ("decimal", {}, "1234,50", "1234.50"),
        ("date", {}, "2026-03-31", "2026-03-31"),
        ("boolean", {}, "oui", True),
        ("choice", {"choices": ["or", "argent"]}, "or", "or"),
        ("multi_choice", {"choices": ["a", "b", "c"]}, ["c", "a"], ["a", "c"]),
        ("url", {}, "https://exemple.fr", "https://exemple.fr"),
        ("email", {}, "Achat@Exemple.FR", "achat@exemple.fr"),
    ],
)
def test_each_type_is_cleaned_to_its_stored_form(
    personas: Personas, kind: str, extra: dict[str, object], raw: object, stored: object
) -> None:
    define(personas, "field", kind, **extra)
    contact = contact_create(
        actor=personas.actor("owner"), values={"last_name": "Martin"}, custom={"field": raw}
    )
    assert Contact.objects.get(pk=contact.id).custom == {"field": stored}


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "message"),
    [
        ("number", {}, "4.5", "Enter a whole number."),
        ("number", {}, True, "Enter a whole number."),
        ("decimal", {}, "abc", "Enter a decimal number."),
        ("decimal", {}, "NaN", "Enter a decimal number."),
        ("date", {}, "31/03/2026", "Enter a date as YYYY-MM-DD."),
        ("boolean", {}, "peut-être", "Enter true or false."),
        ("choice", {"choices": ["or", "argent"]}, "bronze", "Choose one of: or, argent."),
        ("multi_choice", {"choices": ["a", "b"]}, ["a", "z"], "Choose among: a, b."),
        ("url", {}, "ftp://exemple.fr", "Enter a valid URL."),
        ("email", {}, "not-an-email", "Enter a valid email address."),
        ("link", {"link_record_type": "directory.account"}, "nope", "Enter the id of a record."),
    ],
)
def test_bad_values_name_the_field_and_write_nothing(
    personas: Personas, kind: str, extra: dict[str, object], raw: object, message: str
) -> None:
    define(personas, "field", kind, **extra)
    with pytest.raises(ValidationFailed) as excinfo:
        contact_create(
            actor=personas.actor("owner"), values={"last_name": "Martin"}, custom={"field": raw}
        )
    assert excinfo.value.errors == {"custom.field": [message]}
    assert Contact.objects.count() == 0


def test_link_must_point_to_an_existing_record(personas: Personas) -> None:
    define(personas, "partner", "link", link_record_type="directory.account")
    account = account_create(actor=personas.actor("owner"), values={"name": "Boulangerie Paul"})
    contact = contact_create(
        actor=personas.actor("owner"),
        values={"last_name": "Martin"},
        custom={"partner": str(account.id)},
    )
    assert contact.custom == {"partner": str(account.id)}
    with pytest.raises(ValidationFailed) as excinfo:
        contact_create(
            actor=personas.actor("owner"),
            values={"last_name": "Martin"},
            custom={"partner": "01890000-0000-7000-8000-000000000000"},
        )
    assert excinfo.value.errors == {"custom.partner": ["No such record."]}


def test_required_unknown_and_partial_update(personas: Personas) -> None:
    define(personas, "segment", "choice", choices=["pme", "eti"], required=True)
    define(personas, "note", "text")
    with pytest.raises(ValidationFailed) as excinfo:
        contact_create(
            actor=personas.actor("owner"), values={"last_name": "M"}, custom={"colour": "red"}
        )
    assert excinfo.value.errors == {
        "custom.colour": ["Unknown custom field."],
        "custom.segment": ["This field is required."],
    }
    contact = contact_create(
        actor=personas.actor("owner"), values={"last_name": "M"}, custom={"segment": "pme"}
    )
    # A partial update merges over the stored values; None clears an optional field.
    updated = contact_update(
        actor=personas.actor("owner"), contact_id=contact.id, custom={"note": "rappeler"}
    )
    assert updated.custom == {"segment": "pme", "note": "rappeler"}
    updated = contact_update(
        actor=personas.actor("owner"), contact_id=contact.id, custom={"note": None}
    )
    assert updated.custom == {"segment": "pme"}
    with pytest.raises(ValidationFailed) as excinfo:
        contact_update(
            actor=personas.actor("owner"), contact_id=contact.id, custom={"segment": None}
        )
    assert excinfo.value.errors == {"custom.segment": ["This field is required."]}


def test_filter_q_finds_records_on_both_databases(personas: Personas) -> None:
    define(personas, "tier", "choice", choices=["gold", "silver"])
    define(personas, "seats", "number")
    define(personas, "skills", "multi_choice", choices=["sap", "sage", "cegid"])
    owner = personas.actor("owner")
    contact_create(
        actor=owner,
        values={"last_name": "A"},
        custom={"tier": "gold", "seats": 12, "skills": ["sap", "cegid"]},
    )
    contact_create(
        actor=owner, values={"last_name": "B"}, custom={"tier": "silver", "seats": 3, "skills": []}
    )
    definitions = {d.name: d for d in custom_fields.definitions_for("directory.contact")}

    def names(field: str, raw: str) -> list[str]:
        q = custom_fields.filter_q(definitions[field], raw)
        return sorted(Contact.objects.filter(q).values_list("last_name", flat=True))

    assert names("tier", "gold") == ["A"]
    assert names("seats", "3") == ["B"]
    assert names("skills", "cegid") == ["A"]
    assert names("skills", "sage") == []


def test_form_field_and_json_schema(personas: Personas) -> None:
    choice = define(personas, "tier", "choice", choices=["gold", "silver"], required=True)
    field = custom_fields.form_field(choice)
    assert isinstance(field, forms.ChoiceField)
    assert field.required is True
    assert list(field.choices) == [("", "—"), ("gold", "gold"), ("silver", "silver")]  # type: ignore[attr-defined]
    define(personas, "since", "date", help_text="First order")
    assert custom_fields.record_type_schema("directory.contact") == {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "since": {
                "type": "string",
                "format": "date",
                "title": "Since",
                "description": "First order",
            },
            "tier": {"type": "string", "enum": ["gold", "silver"], "title": "Tier"},
        },
        "required": ["tier"],
    }


def test_only_admins_define_fields_and_definitions_are_validated(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        custom_fields.custom_field_create(
            actor=personas.actor("manager"),
            record_type="directory.contact",
            name="x",
            label="X",
            type="text",
        )
    with pytest.raises(ValidationFailed) as excinfo:
        custom_fields.custom_field_create(
            actor=personas.actor("admin"),
            record_type="directory.nothing",
            name="1bad",
            label="",
            type="colour",
        )
    assert excinfo.value.errors == {
        "record_type": ["Unknown record type."],
        "name": ["Use lower-case letters, digits and underscores, starting with a letter."],
        "type": ["Unknown field type."],
        "label": ["This field is required."],
    }
    with pytest.raises(ValidationFailed) as excinfo:
        define(personas, "tier", "choice", choices=["a", "a"])
    assert excinfo.value.errors == {"choices": ["Give a list of distinct, non-empty choices."]}
    define(personas, "tier", "text")
    with pytest.raises(ValidationFailed) as excinfo:
        define(personas, "tier", "text")
    assert excinfo.value.errors == {"name": ["A custom field with this name already exists."]}
    assert CustomFieldDefinition.objects.count() == 1


def test_update_and_delete_are_audited(personas: Personas) -> None:
    definition = define(personas, "tier", "choice", choices=["gold"])
    admin = personas.actor("admin")
    custom_fields.custom_field_update(
        actor=admin, definition_id=definition.id, label="Niveau", choices=["gold", "silver"]
    )
    with pytest.raises(ValidationFailed) as excinfo:
        custom_fields.custom_field_update(actor=admin, definition_id=definition.id, type="text")
    assert excinfo.value.errors == {"type": ["This field cannot be changed."]}
    custom_fields.custom_field_delete(actor=admin, definition_id=definition.id)
    codes = list(
        AuditEntry.objects.filter(object_id=definition.id)
        .order_by("occurred_at")
        .values_list("code", flat=True)
    )
    assert codes == [
        "core.custom_field.created",
        "core.custom_field.updated",
        "core.custom_field.deleted",
    ]
    assert AuditEntry.objects.get(code="core.custom_field.updated").changes == {
        "label": ["Tier", "Niveau"],
        "choices": [["gold"], ["gold", "silver"]],
    }
