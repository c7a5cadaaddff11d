"""Links to records that go away: removed with them; an account timeline with 600 contacts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moyeu.activities.models import Activity, ActivityAttendee, ActivityLink
from moyeu.activities.services import activity_create
from moyeu.core.timeline import RecordRef, timeline_page
from moyeu.directory.models import AccountContactLink, Contact
from moyeu.directory.services import account_create, contact_create, contact_delete
from moyeu.documents import services as documents
from tests.documents.files import png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db
DAY = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


def _meeting(personas: Personas, links: list[str], attendees: list[dict[str, str]]) -> Activity:
    return activity_create(
        actor=personas.actor("owner"),
        values={
            "kind": "meeting",
            "subject": "Revue",
            "occurred_at": DAY,
            "links": links,
            "attendees": attendees,
        },
    )


def test_deleting_a_contact_removes_its_links_and_attendances(personas: Personas) -> None:
    owner = personas.actor("owner")
    gone = contact_create(actor=owner, values={"last_name": "Départ"})
    stays = contact_create(actor=owner, values={"last_name": "Reste"})
    meeting = _meeting(
        personas,
        [f"directory.contact:{gone.pk}", f"directory.contact:{stays.pk}"],
        [{"record": f"directory.contact:{gone.pk}"}, {"record": f"directory.contact:{stays.pk}"}],
    )
    contact_delete(actor=owner, contact_id=gone.pk)
    assert list(ActivityLink.objects.values_list("record_id", flat=True)) == [stays.pk]
    assert list(ActivityAttendee.objects.values_list("record_id", flat=True)) == [stays.pk]
    # The meeting stays, on the remaining contact's timeline.
    items, _cursor = timeline_page(owner, RecordRef("directory.contact", stays.pk))
    assert [i.id for i in items if i.kind == "meeting"] == [meeting.pk]


def test_a_denied_deletion_keeps_the_links(personas: Personas) -> None:
    from moyeu.core.errors import PermissionDenied

    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Garde"})
    _meeting(personas, [f"directory.contact:{contact.pk}"], [])
    with pytest.raises(PermissionDenied):
        contact_delete(actor=personas.actor("teammate"), contact_id=contact.pk)
    assert ActivityLink.objects.filter(record_id=contact.pk).count() == 1


def test_purging_a_document_removes_the_links_to_it(personas: Personas) -> None:
    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"last_name": "Martin"})
    document = documents.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("Devis.png", png_bytes()),
    )
    _meeting(personas, [f"directory.contact:{contact.pk}", f"documents.document:{document.pk}"], [])
    documents.document_delete(actor=owner, document_id=document.pk)
    assert ActivityLink.objects.filter(record_id=document.pk).count() == 1  # in the trash only
    documents.documents_purge(actor=owner, older_than=datetime.timedelta(0))
    assert list(ActivityLink.objects.values_list("record_id", flat=True)) == [contact.pk]


def test_an_account_timeline_merges_all_its_600_contacts(personas: Personas) -> None:
    owner = personas.actor("owner")
    account = account_create(actor=owner, values={"name": "Grande Maison"})
    # 600 contacts written in bulk (the services would take the test's time, not its point).
    now = datetime.datetime.now(datetime.UTC)
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                last_name=f"Employé {n:03d}",
                owner=personas.owner,
                team_id=personas.owner.primary_team_id,
                created_at=now,
                updated_at=now,
            )
            for n in range(600)
        ]
    )
    AccountContactLink.objects.bulk_create(
        [AccountContactLink(contact=c, account=account, is_primary=True) for c in contacts]
    )
    last = max(contacts, key=lambda c: c.pk)  # beyond the 500 first ids of the old cap
    logged: dict[Any, str] = {}
    for day, contact in enumerate([min(contacts, key=lambda c: c.pk), last], start=1):
        activity = activity_create(
            actor=owner,
            values={
                "kind": "call",
                "subject": f"Appel {contact.last_name}",
                "occurred_at": DAY + datetime.timedelta(days=day),
                "links": [f"directory.contact:{contact.pk}"],
            },
        )
        logged[activity.pk] = contact.last_name
    document = documents.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=last.pk,
        file=uploaded("Badge.png", png_bytes()),
    )
    record = RecordRef("directory.account", account.pk)
    items, cursor = timeline_page(owner, record, kinds_wanted=["call", "document"], limit=10)
    assert cursor is None
    assert [(i.kind, i.record.id) for i in items] == [
        ("document", last.pk),
        ("call", last.pk),
        ("call", min(contacts, key=lambda c: c.pk).pk),
    ]
    assert items[0].data["document_id"] == str(document.pk)
    # Page by page, one item a page, the same three.
    seen, cursor = [], None
    for _page in range(5):
        page, cursor = timeline_page(
            owner, record, kinds_wanted=["call", "document"], limit=1, cursor=cursor
        )
        seen += [i.id for i in page]
        if cursor is None:
            break
    assert seen == [i.id for i in items]
