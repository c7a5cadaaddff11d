"""/validation-rules: administered through the API, applied to records written through it."""

from __future__ import annotations

import pytest

from moyeu.core.models import AuditEntry, ValidationRule
from moyeu.directory.models import Contact
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db

RULE = {
    "record_type": "directory.contact",
    "field": "email",
    "kind": "required_when",
    "condition_field": "job_title",
    "message_en": "An e-mail address is required for a buyer.",
    "message_fr": "Une adresse e-mail est obligatoire pour un acheteur.",
}


def test_admin_manages_a_rule_that_applies_to_api_writes(clients: dict[str, ApiClient]) -> None:
    admin, owner = clients["admin"], clients["owner"]
    created = admin.post("/validation-rules", RULE)
    assert created.status == 201
    assert {k: created.body[k] for k in ("field", "kind", "is_active", "version")} == {
        "field": "email",
        "kind": "required_when",
        "is_active": True,
        "version": 1,
    }
    url = f"/validation-rules/{created.body['id']}"
    refused = owner.post("/contacts", {"last_name": "Martin", "job_title": "Acheteur"})
    assert (refused.status, refused.code, refused.body["errors"]) == (
        422,
        "core.validation_failed",
        [{"field": "email", "message": "An e-mail address is required for a buyer."}],
    )
    french = owner.post(
        "/contacts",
        {"last_name": "Martin", "job_title": "Acheteur"},
        headers={"Accept-Language": "fr"},
    )
    assert french.body["errors"] == [
        {"field": "email", "message": "Une adresse e-mail est obligatoire pour un acheteur."}
    ]
    assert owner.post("/contacts", {"last_name": "Martin"}).status == 201
    assert Contact.objects.count() == 1

    changed = admin.patch(url, {"is_active": False})
    assert (changed.status, changed.body["is_active"], changed.body["version"]) == (200, False, 2)
    accepted = owner.post("/contacts", {"last_name": "Petit", "job_title": "Acheteur"})
    assert accepted.status == 201

    listed = admin.get("/validation-rules", record_type="directory.contact")
    assert [r["id"] for r in listed.body["items"]] == [created.body["id"]]
    assert admin.get("/validation-rules", record_type="directory.account").body["items"] == []
    assert admin.get(url).body["message_fr"] == RULE["message_fr"]
    assert admin.delete(url).status == 204
    assert admin.get(url).status == 404


def test_a_rule_applies_to_api_updates(clients: dict[str, ApiClient]) -> None:
    owner = clients["owner"]
    contact = owner.post("/contacts", {"last_name": "Martin", "email": "a@exemple.fr"}).body
    clients["admin"].post(
        "/validation-rules",
        {"record_type": "directory.contact", "field": "email", "kind": "unique"},
    )
    other = owner.post("/contacts", {"last_name": "Petit", "email": "b@exemple.fr"}).body
    taken = owner.patch(f"/contacts/{other['id']}", {"email": "a@exemple.fr"})
    assert (taken.status, taken.body["errors"]) == (
        422,
        [{"field": "email", "message": "Another record already has this value."}],
    )
    assert Contact.objects.get(pk=other["id"]).email == "b@exemple.fr"
    same = owner.patch(f"/contacts/{contact['id']}", {"first_name": "Léa"})
    assert same.status == 200


def test_bad_definitions_get_field_errors(clients: dict[str, ApiClient]) -> None:
    admin = clients["admin"]
    bad = admin.post(
        "/validation-rules",
        {"record_type": "directory.contact", "field": "nope", "kind": "pattern", "pattern": "("},
    )
    assert (bad.status, bad.code, bad.body["errors"]) == (
        422,
        "core.validation_failed",
        [
            {"field": "field", "message": "Unknown field for this record type."},
            {"field": "pattern", "message": "This is not a valid regular expression."},
        ],
    )
    kind = admin.post("/validation-rules", {**RULE, "kind": "sometimes"})
    assert (kind.status, kind.body["errors"][0]["field"]) == (422, "kind")
    created = admin.post("/validation-rules", RULE).body
    null = admin.patch(f"/validation-rules/{created['id']}", {"pattern": None})
    assert (null.status, null.body["errors"][0]["field"]) == (422, "pattern")
    slow = admin.patch(
        f"/validation-rules/{created['id']}", {"kind": "pattern", "pattern": "(a|a)*$"}
    )
    assert (slow.status, slow.body["errors"]) == (
        422,
        [
            {
                "field": "pattern",
                "message": "This pattern takes too long to check long values; simplify it.",
            }
        ],
    )
    assert ValidationRule.objects.get().kind == "required_when"


@pytest.mark.parametrize("who", ["owner", "manager", "outsider"])
def test_only_admins_manage_rules_and_nothing_is_written(
    clients: dict[str, ApiClient], who: str
) -> None:
    created = clients["admin"].post("/validation-rules", RULE).body
    url = f"/validation-rules/{created['id']}"
    entries = AuditEntry.objects.count()
    client = clients[who]
    answers = [
        client.post("/validation-rules", {**RULE, "field": "phone"}),
        client.patch(url, {"is_active": False}),
        client.delete(url),
        client.get(url),
        client.get("/validation-rules"),
    ]
    assert [(a.status, a.code) for a in answers] == [(403, "core.permission_denied")] * 5
    assert list(ValidationRule.objects.values_list("field", "is_active")) == [("email", True)]
    assert AuditEntry.objects.count() == entries


def test_anonymous_callers_are_refused(anonymous: ApiClient) -> None:
    assert anonymous.get("/validation-rules").status == 401
    assert anonymous.post("/validation-rules", RULE).status == 401
    assert ValidationRule.objects.count() == 0
