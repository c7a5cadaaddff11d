"""POST /contacts/bulk: all rows or none, errors per row."""

from __future__ import annotations

import pytest

from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.models import Contact
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(personas: Personas) -> ApiClient:
    return persona_clients(personas)["owner"]


def test_bulk_creates_every_row_in_order(owner: ApiClient) -> None:
    rows = [{"last_name": f"L{i}", "tags": ["import"]} for i in range(3)]
    answer = owner.post("/contacts/bulk", {"items": rows})
    assert answer.status == 201
    assert [c["last_name"] for c in answer.body["items"]] == ["L0", "L1", "L2"]
    assert answer.body["items"][0]["tags"] == ["import"]
    assert OutboxEvent.objects.filter(type="contact.created").count() == 3


def test_one_bad_row_writes_nothing_and_names_each_bad_row(owner: ApiClient) -> None:
    rows = [
        {"last_name": "Bon", "external_ids": {"erp": "1"}},
        {"last_name": "", "email": "nope"},
        {"last_name": "Double", "external_ids": {"erp": "1"}},
    ]
    answer = owner.post("/contacts/bulk", {"items": rows})
    assert (answer.status, answer.code) == (422, "core.validation_failed")
    assert sorted(e["field"] for e in answer.body["errors"]) == [
        "items.1.email",
        "items.1.last_name",
        "items.2.external_ids.erp",
    ]
    assert (Contact.objects.count(), AuditEntry.objects.filter(code__startswith="dir").count()) == (
        0,
        0,
    )


def test_schema_errors_are_named_by_row(owner: ApiClient) -> None:
    answer = owner.post("/contacts/bulk", {"items": [{"last_name": "A"}, {"first_name": "B"}]})
    assert (answer.status, answer.body["errors"]) == (
        422,
        [{"field": "items.1.last_name", "message": "Field required"}],
    )
    empty = owner.post("/contacts/bulk", {"items": []})
    assert (empty.status, empty.body["errors"][0]["field"]) == (422, "items")


def test_a_row_the_user_may_not_create_refuses_the_whole_batch(
    personas: Personas,
) -> None:
    teammate = persona_clients(personas)["teammate"]
    rows = [{"last_name": "Mine"}, {"last_name": "Theirs", "owner": str(personas.owner.id)}]
    answer = teammate.post("/contacts/bulk", {"items": rows})
    assert (answer.status, answer.code) == (403, "core.permission_denied")
    assert Contact.objects.count() == 0
