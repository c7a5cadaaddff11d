"""Validation rules: each kind on create and update, messages, unique, batches."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from moyeu.core.errors import ValidationFailed
from moyeu.core.models import ValidationRule
from moyeu.core.services import custom_fields
from moyeu.core.services.validation_rule_definitions import rule_create, rule_update
from moyeu.core.services.validation_rules import evaluate_batch
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create, contact_update
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def rule(personas: Personas, field: str, kind: str, **extra: Any) -> ValidationRule:
    return rule_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        field=field,
        kind=kind,
        **extra,
    )


def create(personas: Personas, custom: dict[str, Any] | None = None, **values: Any) -> Contact:
    return contact_create(
        actor=personas.actor("owner"), values={"last_name": "Martin", **values}, custom=custom
    )


def errors_of(personas: Personas, custom: dict[str, Any] | None = None, **values: Any) -> Any:
    with pytest.raises(ValidationFailed) as excinfo:
        create(personas, custom, **values)
    return excinfo.value.errors


def segment_field(personas: Personas) -> None:
    custom_fields.custom_field_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        name="segment",
        label="Segment",
        type="text",
    )


def test_required_passes_with_a_value_and_fails_without(personas: Personas) -> None:
    rule(personas, "email", "required")
    assert create(personas, email="a@exemple.fr").email == "a@exemple.fr"
    assert errors_of(personas) == {"email": ["This field is required."]}
    assert errors_of(personas, email="   ") == {"email": ["This field is required."]}
    assert Contact.objects.count() == 1


def test_the_administrators_message_in_the_actors_language(personas: Personas) -> None:
    rule(
        personas,
        "email",
        "required",
        message_en="An e-mail address is required for a customer.",
        message_fr="Une adresse e-mail est obligatoire pour un client.",
    )
    assert errors_of(personas) == {"email": ["An e-mail address is required for a customer."]}
    with translation.override("fr"):
        assert errors_of(personas) == {
            "email": ["Une adresse e-mail est obligatoire pour un client."]
        }


def test_default_messages_are_translated(personas: Personas) -> None:
    rule(personas, "email", "required")
    rule(personas, "job_title", "pattern", pattern="[A-Z][a-z]+")
    with translation.override("fr"):
        assert errors_of(personas, job_title="acheteur") == {
            "email": ["Ce champ est obligatoire."],
            "job_title": ["Cette valeur n'a pas le format attendu."],
        }


def test_a_message_missing_in_one_language_falls_back_to_the_default(
    personas: Personas,
) -> None:
    rule(personas, "email", "required", message_fr="E-mail obligatoire.")
    assert errors_of(personas) == {"email": ["This field is required."]}


def test_required_when_another_field_is_filled_in(personas: Personas) -> None:
    rule(personas, "phone", "required_when", condition_field="job_title")
    assert create(personas).phone == ""
    assert errors_of(personas, job_title="Acheteur") == {
        "phone": ["This field is required when job title is filled in."]
    }
    assert create(personas, job_title="Acheteur", phone="+33601020304").job_title == "Acheteur"


def test_required_when_another_field_has_a_given_value(personas: Personas) -> None:
    segment_field(personas)
    rule(
        personas,
        "email",
        "required_when",
        condition_field="custom.segment",
        condition_value="client",
        message_en="An e-mail address is required for a customer.",
    )
    assert create(personas, custom={"segment": "prospect"}).custom == {"segment": "prospect"}
    assert errors_of(personas, custom={"segment": "client"}) == {
        "email": ["An e-mail address is required for a customer."]
    }
    assert create(personas, custom={"segment": "client"}, email="c@exemple.fr").email == (
        "c@exemple.fr"
    )


def test_required_when_a_value_can_ignore_case(personas: Personas) -> None:
    segment_field(personas)
    rule(
        personas,
        "email",
        "required_when",
        condition_field="custom.segment",
        condition_value="client",
        case_insensitive=True,
    )
    assert errors_of(personas, custom={"segment": "CLIENT"}) == {
        "email": ["This field is required when Segment is client."]
    }


def test_pattern_matches_the_whole_value(personas: Personas) -> None:
    rule(personas, "job_title", "pattern", pattern="[A-Z][a-z]+")
    assert create(personas, job_title="Acheteur").job_title == "Acheteur"
    assert errors_of(personas, job_title="Acheteur principal") == {
        "job_title": ["This value does not have the expected format."]
    }
    # An empty value is the business of a required rule, not of a pattern.
    assert create(personas).job_title == ""


def test_pattern_refuses_values_longer_than_the_matched_limit(personas: Personas) -> None:
    segment_field(personas)
    rule(personas, "custom.segment", "pattern", pattern="a+")
    assert create(personas, custom={"segment": "a" * 2000}).custom == {"segment": "a" * 2000}
    with pytest.raises(ValidationFailed):
        contact_update(
            actor=personas.actor("owner"),
            contact_id=Contact.objects.get().pk,
            custom={"segment": "a" * 1999 + "b"},
        )


def test_allowed_values(personas: Personas) -> None:
    rule(personas, "job_title", "allowed_values", allowed_values=["Acheteur", "Directeur"])
    assert create(personas, job_title="Directeur").job_title == "Directeur"
    assert errors_of(personas, job_title="directeur") == {
        "job_title": ["Choose one of: Acheteur, Directeur."]
    }


def test_allowed_values_ignoring_case(personas: Personas) -> None:
    rule(
        personas,
        "job_title",
        "allowed_values",
        allowed_values=["Acheteur"],
        case_insensitive=True,
    )
    assert create(personas, job_title="ACHETEUR").job_title == "ACHETEUR"
    assert errors_of(personas, job_title="Vendeur") == {"job_title": ["Choose one of: Acheteur."]}


def test_unique_against_the_database(personas: Personas) -> None:
    rule(personas, "email", "unique")
    first = create(personas, email="a@exemple.fr")
    assert errors_of(personas, email="a@exemple.fr") == {
        "email": ["Another record already has this value."]
    }
    # The record itself is not its own duplicate.
    updated = contact_update(
        actor=personas.actor("owner"), contact_id=first.pk, values={"first_name": "Léa"}
    )
    assert updated.version == 2
    assert Contact.objects.count() == 1


def test_unique_is_case_sensitive_unless_told(personas: Personas) -> None:
    rule(personas, "job_title", "unique")
    create(personas, job_title="Directeur")
    assert create(personas, job_title="DIRECTEUR").job_title == "DIRECTEUR"
    assert Contact.objects.count() == 2


def test_unique_ignoring_case(personas: Personas) -> None:
    rule(personas, "job_title", "unique", case_insensitive=True)
    create(personas, job_title="Directeur")
    assert errors_of(personas, job_title="DIRECTEUR") == {
        "job_title": ["Another record already has this value."]
    }


def test_unique_on_a_custom_field_ignoring_case(personas: Personas) -> None:
    segment_field(personas)
    rule(personas, "custom.segment", "unique", case_insensitive=True)
    create(personas, custom={"segment": "Grands comptes"})
    assert errors_of(personas, custom={"segment": "grands COMPTES"}) == {
        "custom.segment": ["Another record already has this value."]
    }
    assert create(personas, custom={"segment": "PME"}).custom == {"segment": "PME"}


def test_an_update_breaking_a_rule_changes_nothing(personas: Personas) -> None:
    contact = create(personas, email="a@exemple.fr")
    rule(personas, "email", "required")
    with pytest.raises(ValidationFailed) as excinfo:
        contact_update(actor=personas.actor("owner"), contact_id=contact.pk, values={"email": ""})
    assert excinfo.value.errors == {"email": ["This field is required."]}
    stored = Contact.objects.get()
    assert (stored.email, stored.version) == ("a@exemple.fr", 1)


def test_inactive_rules_are_ignored(personas: Personas) -> None:
    found = rule(personas, "email", "required", is_active=False)
    assert create(personas).email == ""
    rule_update(actor=personas.actor("admin"), rule_id=found.pk, is_active=True)
    assert errors_of(personas) == {"email": ["This field is required."]}


def test_a_rule_on_a_deleted_custom_field_is_ignored(personas: Personas) -> None:
    segment_field(personas)
    rule(personas, "custom.segment", "required")
    assert errors_of(personas) == {"custom.segment": ["This field is required."]}
    definition = custom_fields.definitions_for("directory.contact")[0]
    custom_fields.custom_field_delete(actor=personas.actor("admin"), definition_id=definition.pk)
    assert create(personas).custom == {}


def test_several_rules_on_one_field_give_all_their_messages(personas: Personas) -> None:
    rule(personas, "job_title", "pattern", pattern="[a-z]+", message_en="Lower case.")
    rule(personas, "job_title", "allowed_values", allowed_values=["acheteur"])
    assert errors_of(personas, job_title="Vendeur") == {
        # In the rules' order: position, then field, then kind.
        "job_title": ["Choose one of: acheteur.", "Lower case."]
    }


def test_batch_checks_each_row_and_unique_in_the_database_and_the_batch(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    rule(personas, "email", "unique")
    rule(personas, "job_title", "unique", case_insensitive=True)
    rule(personas, "last_name", "required")
    existing = create(personas, email="pris@exemple.fr", job_title="Directeur")
    rows = [
        {"last_name": "A", "email": "pris@exemple.fr"},
        {"last_name": "B", "email": "neuf@exemple.fr", "job_title": "directeur"},
        {"last_name": "", "email": "neuf@exemple.fr"},
        {"last_name": "D", "email": "autre@exemple.fr", "job_title": "Acheteur"},
        {"id": str(existing.pk), "last_name": "E", "email": "pris@exemple.fr"},
        {"last_name": "F", "job_title": "ACHETEUR"},
    ]
    # One query for the rules, one per unique rule.
    with django_assert_num_queries(3):
        results = evaluate_batch("directory.contact", rows)
    assert results == [
        {"email": ["Another record already has this value."]},
        {"job_title": ["Another record already has this value."]},
        {
            "last_name": ["This field is required."],
            "email": ["This value appears more than once in the batch."],
        },
        {},
        {},
        {"job_title": ["This value appears more than once in the batch."]},
    ]


def test_batch_reads_custom_values_nested_or_as_paths(personas: Personas) -> None:
    segment_field(personas)
    rule(personas, "custom.segment", "allowed_values", allowed_values=["PME"])
    rows = [
        {"last_name": "A", "custom": {"segment": "PME"}},
        {"last_name": "B", "custom.segment": "ETI"},
    ]
    assert evaluate_batch("directory.contact", rows) == [
        {},
        {"custom.segment": ["Choose one of: PME."]},
    ]


def test_batch_without_rules_costs_one_query(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        assert evaluate_batch("directory.contact", [{"last_name": "A"}, {}]) == [{}, {}]
