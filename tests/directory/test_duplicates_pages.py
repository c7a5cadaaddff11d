"""The duplicate review, merge and undo pages."""

from __future__ import annotations

import pytest
from django.test import Client

from moyeu.core.dedup.scan import run_scan
from moyeu.core.models import DuplicateCandidate, DuplicateScan, Job, MergeRecord
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(getattr(personas, name))
    client.cookies["django_language"] = "en"
    return client


def _pair(personas: Personas) -> tuple[Contact, Contact]:
    actor = personas.actor("manager")
    values = {"first_name": "Anne", "last_name": "Durand", "email": "anne@acme.fr"}
    first = contact_create(actor=actor, values={**values, "owner": personas.owner})
    second = contact_create(
        actor=actor, values={**values, "job_title": "CFO", "owner": personas.owner}
    )
    run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    return first, second


def test_review_page_lists_pairs_with_reasons_and_dismisses(personas: Personas) -> None:
    _pair(personas)
    client = _client(personas, "manager")
    page = client.get("/directory/duplicates/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "same last name, same first name" in text and "Not a duplicate" in text
    assert (
        "Anne Durand"
        not in _client(personas, "outsider").get("/directory/duplicates/").content.decode()
    )
    candidate = DuplicateCandidate.objects.get()
    answer = client.post(f"/directory/duplicates/{candidate.pk}/dismiss/")
    assert answer.status_code == 302
    assert DuplicateCandidate.objects.get().status == "dismissed"
    assert "No possible duplicates" in client.get("/directory/duplicates/").content.decode()


def test_scan_button_queues_a_job(personas: Personas) -> None:
    answer = _client(personas, "manager").post("/directory/duplicates/scan/", {"type": "account"})
    assert answer.status_code == 302
    assert DuplicateScan.objects.get().record_type == "directory.account"
    assert Job.objects.count() == 1


def test_merge_page_keeps_the_chosen_values_and_undo_restores(personas: Personas) -> None:
    first, second = _pair(personas)
    client = _client(personas, "manager")
    url = f"/directory/duplicates/merge/contact/{first.pk}/{second.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Keep this record" in page.content.decode()
    answer = client.post(
        url,
        {
            "survivor": str(first.pk),
            "field_job_title": str(second.pk),
            f"version_{first.pk}": first.version,
            f"version_{second.pk}": second.version,
        },
    )
    merge = MergeRecord.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/merges/{merge.pk}/")
    assert Contact.objects.get(pk=first.pk).job_title == "CFO"
    detail = client.get(f"/directory/merges/{merge.pk}/")
    assert "Undo the merge" in detail.content.decode()
    client.post(f"/directory/merges/{merge.pk}/")
    assert Contact.objects.filter(pk=second.pk).exists()
    assert MergeRecord.objects.get().is_undone


def test_merge_denied_to_a_rep_changes_nothing(personas: Personas) -> None:
    first, second = _pair(personas)
    client = _client(personas, "owner")
    url = f"/directory/duplicates/merge/contact/{first.pk}/{second.pk}/"
    answer = client.post(url, {"survivor": str(first.pk)})
    assert answer.status_code == 200 and "You may not merge this record" in answer.content.decode()
    assert Contact.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert MergeRecord.objects.count() == 0


def test_create_form_warns_of_a_possible_duplicate(personas: Personas) -> None:
    _pair(personas)
    client = _client(personas, "manager")
    form = client.get("/directory/contacts/new/").content.decode()
    assert 'id="duplicate-warning"' in form and "/directory/duplicates/warning/contact/" in form
    warning = client.post(
        "/directory/duplicates/warning/contact/",
        {"first_name": "Anne", "last_name": "DURAND", "email": "ANNE@acme.fr"},
    ).content.decode()
    assert "This may already exist" in warning and "same e-mail" in warning
    outsider = _client(personas, "outsider").post(
        "/directory/duplicates/warning/contact/",
        {"first_name": "Anne", "last_name": "Durand", "email": "anne@acme.fr"},
    )
    assert "This may already exist" not in outsider.content.decode()
