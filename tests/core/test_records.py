"""The record services: create, update, delete, with audit, events, access and versions."""

from __future__ import annotations

import pytest

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create, contact_delete, contact_update
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_create_sets_owner_team_audit_and_event(personas: Personas) -> None:
    contact = contact_create(
        actor=personas.actor("owner"),
        values={"first_name": "  Jeanne ", "last_name": "Martin", "email": "Jeanne@Exemple.FR"},
        tags=["vip", "vip", " salon "],
        external_ids={"erp": "C-001"},
    )
    contact.refresh_from_db()
    assert (contact.first_name, contact.email) == ("Jeanne", "jeanne@exemple.fr")
    assert contact.owner_id == personas.owner.id
    assert contact.team_id == personas.north.id
    assert contact.version == 1
    assert sorted(t.name for t in contact.tags.all()) == ["salon", "vip"]
    assert contact.external_ids == {"erp": "C-001"}
    entry = AuditEntry.objects.get(object_id=contact.id)
    assert entry.code == "directory.contact.created"
    assert entry.actor_id == personas.owner.id
    assert entry.changes["email"] == [None, "jeanne@exemple.fr"]
    event = OutboxEvent.objects.get(record_id=contact.id)
    assert event.type == "contact.created"
    assert event.payload["last_name"] == "Martin"
    assert event.correlation_id == entry.correlation_id


def test_update_writes_only_the_diff_and_bumps_version(personas: Personas) -> None:
    actor = personas.actor("owner")
    contact = contact_create(actor=actor, values={"last_name": "Martin"})
    updated = contact_update(
        actor=actor, contact_id=contact.id, values={"job_title": "DAF"}, expected_version=1
    )
    assert updated.version == 2
    entry = AuditEntry.objects.filter(object_id=contact.id, code="directory.contact.updated").get()
    assert entry.changes == {"job_title": ["", "DAF"]}
    event = OutboxEvent.objects.filter(record_id=contact.id).last()
    assert event is not None
    assert (event.type, event.payload["changed_fields"]) == ("contact.updated", ["job_title"])


def test_update_without_change_is_silent(personas: Personas) -> None:
    actor = personas.actor("owner")
    contact = contact_create(actor=actor, values={"last_name": "Martin"})
    same = contact_update(actor=actor, contact_id=contact.id, values={"last_name": "Martin"})
    assert same.version == 1
    assert OutboxEvent.objects.filter(record_id=contact.id).count() == 1


def test_stale_version_is_refused_and_changes_nothing(personas: Personas) -> None:
    actor = personas.actor("owner")
    contact = contact_create(actor=actor, values={"last_name": "Martin"})
    contact_update(actor=actor, contact_id=contact.id, values={"job_title": "DAF"})
    with pytest.raises(VersionConflict) as excinfo:
        contact_update(
            actor=actor, contact_id=contact.id, values={"job_title": "PDG"}, expected_version=1
        )
    assert excinfo.value.current_version == 2
    assert Contact.objects.get(pk=contact.id).job_title == "DAF"


def test_teammate_sees_but_cannot_change_and_outsider_gets_not_found(personas: Personas) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    with pytest.raises(PermissionDenied):
        contact_update(
            actor=personas.actor("teammate"), contact_id=contact.id, values={"job_title": "X"}
        )
    with pytest.raises(NotFound):
        contact_update(
            actor=personas.actor("outsider"), contact_id=contact.id, values={"job_title": "X"}
        )
    with pytest.raises(NotFound):
        contact_delete(actor=personas.actor("outsider"), contact_id=contact.id)
    assert Contact.objects.get(pk=contact.id).version == 1
    assert OutboxEvent.objects.filter(record_id=contact.id).count() == 1


def test_manager_sees_and_changes_sub_team_records(personas: Personas) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    manager = personas.actor("manager")
    assert list(Contact.objects.visible_to(manager).values_list("id", flat=True)) == [contact.id]
    contact_update(actor=manager, contact_id=contact.id, values={"job_title": "DG"})
    assert Contact.objects.get(pk=contact.id).job_title == "DG"


def test_visible_to_per_persona(personas: Personas) -> None:
    contact_create(actor=personas.actor("owner"), values={"last_name": "Nord"})
    contact_create(actor=personas.actor("outsider"), values={"last_name": "Support"})
    seen = {
        name: sorted(
            Contact.objects.visible_to(personas.actor(name)).values_list("last_name", flat=True)
        )
        for name in personas.names
    }
    assert seen == {
        "owner": ["Nord"],
        "teammate": ["Nord"],
        "manager": ["Nord"],
        "outsider": ["Support"],
        "admin": ["Nord", "Support"],
    }


def test_invalid_values_name_the_field_and_write_nothing(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        contact_create(actor=personas.actor("owner"), values={"last_name": "", "email": "nope"})
    assert sorted(excinfo.value.errors) == ["email", "last_name"]
    with pytest.raises(ValidationFailed) as excinfo:
        contact_create(actor=personas.actor("owner"), values={"last_name": "X", "version": 9})
    assert list(excinfo.value.errors) == ["version"]
    assert Contact.objects.count() == 0
    assert OutboxEvent.objects.count() == 0
