"""Admin pages of validation rules, and the rules applied to the record forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.core.models import AuditEntry, ValidationRule
from moyeu.core.services.validation_rule_definitions import rule_create
from moyeu.directory.models import Contact
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]
NEW = "/identity/validation-rules/new/?for=directory.contact"
FORM = {"field": "email", "kind": "required", "position": "0", "is_active": "on"}


def a_rule(personas: Personas, **extra: object) -> ValidationRule:
    data = {"record_type": "directory.contact", "field": "email", "kind": "required"} | extra
    return rule_create(actor=personas.actor("admin"), **data)  # type: ignore[arg-type]


def test_admin_creates_edits_and_deletes_a_rule(login: Login) -> None:
    client = login("admin")
    page = client.get("/identity/validation-rules/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/identity/validation-rules/new/?for=directory.contact"' in html
    assert 'href="/identity/validation-rules/"' in html  # the admin menu entry
    response = client.post(
        NEW,
        FORM | {"kind": "allowed_values", "allowed_values": "Acheteur\n\nDirecteur\n"},
    )
    assert response.status_code == 302
    rule = ValidationRule.objects.get()
    assert (rule.record_type, rule.field, rule.kind, rule.allowed_values) == (
        "directory.contact",
        "email",
        "allowed_values",
        ["Acheteur", "Directeur"],
    )
    response = client.post(
        f"/identity/validation-rules/{rule.pk}/",
        FORM | {"field": "job_title", "kind": "pattern", "pattern": "[A-Z][a-z]+", "position": "2"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.field, rule.kind, rule.pattern, rule.allowed_values, rule.version) == (
        "job_title",
        "pattern",
        "[A-Z][a-z]+",
        [],
        2,
    )
    listed = client.get("/identity/validation-rules/").content.decode()
    assert "<code>[A-Z][a-z]+</code>" in listed
    confirm = client.get(f"/identity/validation-rules/{rule.pk}/delete/")
    assert confirm.status_code == 200
    assert client.post(f"/identity/validation-rules/{rule.pk}/delete/").status_code == 302
    assert ValidationRule.objects.count() == 0


def test_bad_definitions_show_field_errors(login: Login) -> None:
    client = login("admin")
    response = client.post(NEW, FORM | {"kind": "pattern", "pattern": "(a|a)*$"})
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "pattern": ["This pattern takes too long to check long values; simplify it."]
    }
    response = client.post(NEW, FORM | {"kind": "required_when", "condition_field": "email"})
    assert response.context["form"].errors == {
        "condition_field": ["Choose another field than the one the rule checks."]
    }
    response = client.post(NEW, FORM | {"field": "nope"})
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["field"]
    assert ValidationRule.objects.count() == 0


def test_the_form_offers_the_record_types_fields_and_custom_fields(login: Login) -> None:
    response = login("admin").get(NEW)
    choices = dict(response.context["form"].fields["field"].choices)
    assert choices["email"] == "e-mail"
    assert "version" not in choices
    assert login("admin").get("/identity/validation-rules/new/?for=nope").status_code == 302


def test_pages_in_french(login: Login) -> None:
    html = login("admin", "fr").get("/identity/validation-rules/").content.decode()
    assert "Règles de validation" in html
    assert "Nouvelle règle" in html


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_non_admins_get_403_and_change_nothing(login: Login, personas: Personas, who: str) -> None:
    rule = a_rule(personas)
    entries = AuditEntry.objects.count()
    client = login(who)
    base = f"/identity/validation-rules/{rule.pk}"
    for path in ("/identity/validation-rules/", NEW, f"{base}/", f"{base}/delete/"):
        assert client.get(path).status_code == 403
    assert client.post(NEW, FORM | {"field": "phone"}).status_code == 403
    assert client.post(f"{base}/", FORM | {"is_active": ""}).status_code == 403
    assert client.post(f"{base}/delete/").status_code == 403
    assert list(ValidationRule.objects.values_list("field", "is_active")) == [("email", True)]
    assert AuditEntry.objects.count() == entries


def test_a_rule_applies_to_the_contact_form(login: Login, personas: Personas) -> None:
    a_rule(
        personas,
        message_en="An e-mail address is required for a customer.",
        message_fr="Une adresse e-mail est obligatoire pour un client.",
    )
    response = login("owner").post("/directory/contacts/new/", {"last_name": "Durand"})
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "email": ["An e-mail address is required for a customer."]
    }
    french = login("owner", "fr").post("/directory/contacts/new/", {"last_name": "Durand"})
    assert french.context["form"].errors == {
        "email": ["Une adresse e-mail est obligatoire pour un client."]
    }
    assert Contact.objects.count() == 0
    done = login("owner").post(
        "/directory/contacts/new/", {"last_name": "Durand", "email": "d@exemple.fr"}
    )
    assert done.status_code == 302
    assert Contact.objects.count() == 1
