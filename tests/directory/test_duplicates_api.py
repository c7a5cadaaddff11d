"""/duplicates, /contacts/merge, /accounts/merge, /merges: through the API."""

from __future__ import annotations

import pytest

from moyeu.core.dedup.scan import run_scan
from moyeu.core.models import AuditEntry, DuplicateCandidate, DuplicateScan, MergeRecord
from moyeu.directory.models import Account, Contact
from moyeu.directory.services import account_create, contact_create
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas

pytestmark = pytest.mark.django_db

ANNE = {"first_name": "Anne", "last_name": "Durand", "email": "anne.durand@acme.fr"}


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def test_creating_a_likely_duplicate_answers_409_with_the_candidates(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    existing = contact_create(actor=personas.actor("owner"), values=ANNE)
    answer = clients["owner"].post("/contacts", {**ANNE, "first_name": "Anne-Marie"})
    assert (answer.status, answer.code) == (409, "core.duplicates_found")
    assert [c["record_id"] for c in answer.body["candidates"]] == [str(existing.pk)]
    assert answer.body["candidates"][0]["level"] == "possible"  # same e-mail, other first name
    assert Contact.objects.count() == 1
    forced = clients["owner"].post("/contacts?force=true", {**ANNE, "first_name": "Anne-Marie"})
    assert forced.status == 201
    # The outsider cannot see Anne: no candidate is revealed, the contact is created.
    assert clients["outsider"].post("/contacts", ANNE).status == 201


def test_account_creation_checks_the_siren(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    account_create(actor=personas.actor("owner"), values={"name": "Acme", "siren": "732829320"})
    answer = clients["owner"].post("/accounts", {"name": "ACME SAS", "siren": "732829320"})
    assert (answer.status, answer.code) == (409, "core.duplicates_found")
    assert Account.objects.count() == 1


def test_queue_dismiss_merge_and_undo(clients: dict[str, ApiClient], personas: Personas) -> None:
    actor = personas.actor("manager")
    first = contact_create(actor=actor, values={**ANNE, "owner": personas.owner})
    second = contact_create(
        actor=actor, values={**ANNE, "job_title": "CFO", "owner": personas.owner}
    )
    third = contact_create(actor=actor, values={**ANNE, "owner": personas.owner})
    run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    listed = clients["manager"].get("/duplicates?record_type=directory.contact")
    assert listed.status == 200 and len(listed.body["items"]) == 3
    assert listed.body["items"][0]["reasons"][0]["field"] == "name"
    assert clients["outsider"].get("/duplicates").body["items"] == []
    pair = DuplicateCandidate.objects.get(
        first_id=min(second.pk, third.pk, key=str), second_id=max(second.pk, third.pk, key=str)
    )
    assert clients["teammate"].post(f"/duplicates/{pair.pk}/dismiss").status == 404
    assert clients["manager"].post(f"/duplicates/{pair.pk}/dismiss").body["status"] == "dismissed"

    denied = clients["owner"].post(
        "/contacts/merge", {"survivor": str(first.pk), "losers": [str(second.pk)]}
    )
    assert (denied.status, denied.code) == (403, "core.permission_denied")
    stale = clients["manager"].post(
        "/contacts/merge",
        {"survivor": str(first.pk), "losers": [str(second.pk)], "versions": {str(second.pk): 9}},
    )
    assert stale.status == 412
    merged = clients["manager"].post(
        "/contacts/merge",
        {
            "survivor": str(first.pk),
            "losers": [str(second.pk)],
            "fields": {"job_title": str(second.pk)},
        },
    )
    assert merged.status == 201, merged.body
    assert Contact.objects.get(pk=first.pk).job_title == "CFO"
    assert not Contact.objects.filter(pk=second.pk).exists()
    merge_id = merged.body["id"]
    detail = clients["manager"].get(f"/merges/{merge_id}")
    assert detail.body["losers"][0]["id"] == str(second.pk)
    assert clients["outsider"].get(f"/merges/{merge_id}").status == 404
    undone = clients["manager"].post(f"/merges/{merge_id}/undo")
    assert undone.status == 200 and undone.body["undone_at"] is not None
    assert Contact.objects.get(pk=second.pk).job_title == "CFO"
    assert Contact.objects.get(pk=first.pk).job_title == ""
    again = clients["manager"].post(f"/merges/{merge_id}/undo")
    assert (again.status, again.code) == (409, "core.merge_undone")
    codes = set(
        AuditEntry.objects.filter(
            correlation_id=MergeRecord.objects.get(pk=merge_id).correlation_id
        ).values_list("code", flat=True)
    )
    assert codes == {"directory.contact.merged"}


def test_account_merge_through_the_api_moves_contacts(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    actor = personas.actor("manager")
    acme = account_create(actor=actor, values={"name": "Acme", "owner": personas.owner})
    twin = account_create(actor=actor, values={"name": "ACME", "owner": personas.owner})
    staff = contact_create(
        actor=actor, values={"last_name": "Roux", "account_id": twin.pk, "owner": personas.owner}
    )
    answer = clients["manager"].post(
        "/accounts/merge", {"survivor": str(acme.pk), "losers": [str(twin.pk)]}
    )
    assert answer.status == 201
    assert Contact.objects.get(pk=staff.pk).account_id == acme.pk
