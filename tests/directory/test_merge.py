"""Merging contacts and accounts: every relation moves, undo restores exactly."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from moyeu.core.errors import Conflict, NotFound, PermissionDenied, VersionConflict
from moyeu.core.models import AuditEntry, ExternalId, MergeRecord, OutboxEvent
from moyeu.core.services.records import snapshot
from moyeu.directory.models import Account, Contact
from moyeu.directory.services import account_create, contact_create, contact_update
from moyeu.directory.services.merge import account_merge, contact_merge, merge_undo
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _state(model: Any, pk: Any) -> dict[str, Any]:
    obj = model.objects.get(pk=pk)
    data = snapshot(obj)
    data.pop("version")
    data.pop("updated_at")
    data.pop("updated_by_id")
    return data


@pytest.fixture
def pair(personas: Personas) -> tuple[Contact, Contact]:
    actor = personas.actor("manager")
    first = contact_create(
        actor=actor,
        values={"first_name": "Jean", "last_name": "Martin", "email": "", "owner": personas.owner},
        tags=["vip"],
        external_ids={"erp": "C-1"},
        custom={},
    )
    second = contact_create(
        actor=actor,
        values={
            "first_name": "Jean",
            "last_name": "Martín",
            "email": "jean.martin@acme.fr",
            "job_title": "Buyer",
            "owner": personas.owner,
        },
        tags=["prospect", "vip"],
        external_ids={"erp": "C-2", "shop": "S-9"},
    )
    return first, second


def test_merge_fills_empty_values_moves_tags_and_ids_then_deletes_the_loser(
    personas: Personas, pair: tuple[Contact, Contact]
) -> None:
    survivor, loser = pair
    merge = contact_merge(
        actor=personas.actor("manager"),
        survivor_id=survivor.pk,
        loser_ids=[loser.pk],
        choices={"last_name": loser.pk},
    )
    survivor.refresh_from_db()
    assert (survivor.last_name, survivor.email, survivor.job_title) == (
        "Martín",
        "jean.martin@acme.fr",
        "Buyer",
    )
    assert sorted(t.name for t in survivor.tags.all()) == ["prospect", "vip"]
    assert survivor.external_ids == {"erp": "C-1", "shop": "S-9"}
    assert not Contact.objects.filter(pk=loser.pk).exists()
    assert survivor.version == 2
    assert merge.survivor_version == 2
    codes = list(
        AuditEntry.objects.filter(correlation_id=merge.correlation_id).values_list(
            "code", flat=True
        )
    )
    assert sorted(codes) == ["directory.contact.merged", "directory.contact.merged"]
    event = OutboxEvent.objects.get(type="contact.merged")
    assert (event.record_id, event.correlation_id) == (survivor.pk, merge.correlation_id)


def test_undo_restores_loser_survivor_tags_and_external_ids_exactly(
    personas: Personas, pair: tuple[Contact, Contact]
) -> None:
    survivor, loser = pair
    before = {pk: _state(Contact, pk) for pk in (survivor.pk, loser.pk)}
    loser_version = loser.version
    merge = contact_merge(
        actor=personas.actor("manager"), survivor_id=survivor.pk, loser_ids=[loser.pk]
    )
    merge_undo(actor=personas.actor("manager"), merge_id=merge.pk)
    assert {pk: _state(Contact, pk) for pk in (survivor.pk, loser.pk)} == before
    assert Contact.objects.get(pk=loser.pk).version == loser_version
    assert Contact.objects.get(pk=survivor.pk).version == 3
    assert MergeRecord.objects.get(pk=merge.pk).is_undone
    assert OutboxEvent.objects.filter(type="contact.merge_undone").count() == 1
    with pytest.raises(Conflict):
        merge_undo(actor=personas.actor("manager"), merge_id=merge.pk)


def test_undo_refused_after_the_survivor_changed(
    personas: Personas, pair: tuple[Contact, Contact]
) -> None:
    survivor, loser = pair
    merge = contact_merge(
        actor=personas.actor("manager"), survivor_id=survivor.pk, loser_ids=[loser.pk]
    )
    contact_update(
        actor=personas.actor("manager"), contact_id=survivor.pk, values={"job_title": "CEO"}
    )
    with pytest.raises(Conflict) as caught:
        merge_undo(actor=personas.actor("manager"), merge_id=merge.pk)
    assert caught.value.code == "core.merge_changed_since"
    assert "Jean Martin changed since the merge (version 2, now 3)" in caught.value.message
    assert not Contact.objects.filter(pk=loser.pk).exists()


def test_account_merge_moves_contacts_and_undo_moves_them_back(personas: Personas) -> None:
    actor = personas.actor("manager")
    acme = account_create(actor=actor, values={"name": "ACME", "owner": personas.owner})
    twin = account_create(actor=actor, values={"name": "Acme SAS", "owner": personas.owner})
    staff = [
        contact_create(
            actor=actor,
            values={"last_name": f"Staff {n}", "account_id": twin.pk, "owner": personas.owner},
        )
        for n in range(3)
    ]
    versions = {c.pk: Contact.objects.get(pk=c.pk).version for c in staff}
    merge = account_merge(actor=actor, survivor_id=acme.pk, loser_ids=[twin.pk])
    assert set(Contact.objects.filter(account=acme).values_list("pk", flat=True)) == {
        c.pk for c in staff
    }
    assert {c.pk: c.version for c in Contact.objects.filter(account=acme)} == {
        pk: v + 1 for pk, v in versions.items()
    }
    merge_undo(actor=actor, merge_id=merge.pk)
    assert set(Contact.objects.filter(account=twin).values_list("pk", flat=True)) == {
        c.pk for c in staff
    }
    assert Account.objects.get(pk=twin.pk).name == "Acme SAS"


def test_undo_refused_when_a_moved_contact_changed(personas: Personas) -> None:
    actor = personas.actor("manager")
    acme = account_create(actor=actor, values={"name": "ACME", "owner": personas.owner})
    twin = account_create(actor=actor, values={"name": "Acme SAS", "owner": personas.owner})
    moved = contact_create(
        actor=actor, values={"last_name": "Durand", "account_id": twin.pk, "owner": personas.owner}
    )
    merge = account_merge(actor=actor, survivor_id=acme.pk, loser_ids=[twin.pk])
    contact_update(actor=actor, contact_id=moved.pk, values={"job_title": "CFO"})
    with pytest.raises(Conflict) as caught:
        merge_undo(actor=actor, merge_id=merge.pk)
    assert f"contact {moved.pk} changed since the merge" in caught.value.message


@pytest.mark.parametrize("persona", ["teammate", "outsider", "owner"])
def test_denied_merge_changes_nothing(
    personas: Personas, pair: tuple[Contact, Contact], persona: str
) -> None:
    survivor, loser = pair
    before = {pk: _state(Contact, pk) for pk in (survivor.pk, loser.pk)}
    counts = (AuditEntry.objects.count(), OutboxEvent.objects.count(), ExternalId.objects.count())
    expected = PermissionDenied if persona == "owner" else NotFound
    with pytest.raises(expected):
        contact_merge(actor=personas.actor(persona), survivor_id=survivor.pk, loser_ids=[loser.pk])
    assert {pk: _state(Contact, pk) for pk in (survivor.pk, loser.pk)} == before
    assert (
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
        ExternalId.objects.count(),
    ) == counts
    assert MergeRecord.objects.count() == 0


def test_stale_version_refuses_the_merge(personas: Personas, pair: tuple[Contact, Contact]) -> None:
    survivor, loser = pair
    with pytest.raises(VersionConflict):
        contact_merge(
            actor=personas.actor("manager"),
            survivor_id=survivor.pk,
            loser_ids=[loser.pk],
            expected_versions={loser.pk: 7},
        )
    assert Contact.objects.filter(pk=loser.pk).exists()


def test_external_id_rows_of_the_loser_follow_the_survivor(
    personas: Personas, pair: tuple[Contact, Contact]
) -> None:
    survivor, loser = pair
    contact_merge(actor=personas.actor("manager"), survivor_id=survivor.pk, loser_ids=[loser.pk])
    ct = ContentType.objects.get_for_model(Contact)
    assert sorted(
        ExternalId.objects.filter(content_type=ct).values_list("object_id", "system", "value")
    ) == sorted([(survivor.pk, "erp", "C-1"), (survivor.pk, "shop", "S-9")])


def test_child_rows_and_links_move_with_clashes_resolved_and_undone(personas: Personas) -> None:
    from moyeu.directory.models import AccountContactLink, ContactEmail

    actor = personas.actor("manager")
    shared = account_create(actor=actor, values={"name": "Shared", "owner": personas.owner})
    other = account_create(actor=actor, values={"name": "Other", "owner": personas.owner})
    survivor = contact_create(
        actor=actor,
        values={
            "last_name": "Roux",
            "email": "a@roux.fr",
            "owner": personas.owner,
            "account_id": shared.pk,
        },
    )
    loser = contact_create(
        actor=actor,
        values={
            "last_name": "Roux",
            "email": "b@roux.fr",
            "owner": personas.owner,
            "links": [
                {"account": str(shared.pk), "role": "Buyer"},
                {"account": str(other.pk), "role": "CFO"},
            ],
        },
    )
    before_links = sorted(
        AccountContactLink.objects.values_list("contact_id", "account_id", "role", "is_primary")
    )
    before_emails = sorted(ContactEmail.objects.values_list("contact_id", "email", "is_primary"))
    merge = contact_merge(actor=actor, survivor_id=survivor.pk, loser_ids=[loser.pk])
    assert sorted(
        AccountContactLink.objects.values_list("contact_id", "account_id", "is_primary")
    ) == sorted([(survivor.pk, shared.pk, True), (survivor.pk, other.pk, False)])
    assert sorted(ContactEmail.objects.values_list("contact_id", "email", "is_primary")) == sorted(
        [(survivor.pk, "a@roux.fr", True), (survivor.pk, "b@roux.fr", False)]
    )
    merge_undo(actor=actor, merge_id=merge.pk)
    assert (
        sorted(
            AccountContactLink.objects.values_list("contact_id", "account_id", "role", "is_primary")
        )
        == before_links
    )
    assert sorted(ContactEmail.objects.values_list("contact_id", "email", "is_primary")) == (
        before_emails
    )


def _rows(model: Any, owner: str, pk: Any, *columns: str) -> list[tuple[Any, ...]]:
    """A record's child rows in their order, primary flag and position included."""
    return list(
        model.objects.filter(**{owner: pk})
        .order_by("position", "pk")
        .values_list(*columns, "is_primary", "position")
    )


def _all_rows(model: Any, *columns: str) -> list[tuple[Any, ...]]:
    return sorted(model.objects.values_list(*columns, "is_primary", "position"))


def test_chosen_loser_email_and_phone_become_the_contacts_primary_rows(
    personas: Personas,
) -> None:
    from moyeu.directory.models import ContactEmail, ContactPhone

    actor = personas.actor("manager")
    survivor = contact_create(
        actor=actor,
        values={
            "last_name": "Roux",
            "emails": [{"email": "a@roux.fr"}, {"email": "a2@roux.fr"}],
            "phone": "01 42 00 00 01",
            "owner": personas.owner,
        },
    )
    loser = contact_create(
        actor=actor,
        values={
            "last_name": "Roux",
            "email": "b@roux.fr",
            "phones": [{"number": "06 12 34 56 78"}, {"number": "01 42 00 00 02"}],
            "owner": personas.owner,
        },
    )
    emails_before = _all_rows(ContactEmail, "contact_id", "email")
    phones_before = _all_rows(ContactPhone, "contact_id", "e164")
    before = {pk: _state(Contact, pk) for pk in (survivor.pk, loser.pk)}
    merge = contact_merge(
        actor=actor,
        survivor_id=survivor.pk,
        loser_ids=[loser.pk],
        choices={"email": loser.pk, "phone": loser.pk},
    )
    survivor.refresh_from_db()
    assert (survivor.email, survivor.phone, survivor.phone_e164) == (
        "b@roux.fr",
        "06 12 34 56 78",
        "+33612345678",
    )
    assert _rows(ContactEmail, "contact", survivor.pk, "email") == [
        ("b@roux.fr", True, 0),
        ("a@roux.fr", False, 1),
        ("a2@roux.fr", False, 2),
    ]
    assert _rows(ContactPhone, "contact", survivor.pk, "e164") == [
        ("+33612345678", True, 0),
        ("+33142000001", False, 1),
        ("+33142000002", False, 2),
    ]
    # The audit and the event show the survivor as it now is.
    payload = OutboxEvent.objects.get(type="contact.merged").payload["survivor"]
    assert payload["email"] == "b@roux.fr"
    assert payload["emails"][0] == {"kind": "work", "email": "b@roux.fr", "is_primary": True}

    merge_undo(actor=actor, merge_id=merge.pk)
    assert _all_rows(ContactEmail, "contact_id", "email") == emails_before
    assert _all_rows(ContactPhone, "contact_id", "e164") == phones_before
    assert {pk: _state(Contact, pk) for pk in (survivor.pk, loser.pk)} == before


def test_the_survivors_own_values_keep_its_primary_rows_first(personas: Personas) -> None:
    from moyeu.directory.models import ContactEmail

    actor = personas.actor("manager")
    survivor = contact_create(
        actor=actor, values={"last_name": "Roux", "email": "a@roux.fr", "owner": personas.owner}
    )
    loser = contact_create(
        actor=actor,
        values={
            "last_name": "Roux",
            "emails": [{"email": "b@roux.fr"}, {"email": "c@roux.fr"}],
            "owner": personas.owner,
        },
    )
    contact_merge(actor=actor, survivor_id=survivor.pk, loser_ids=[loser.pk])
    survivor.refresh_from_db()
    assert survivor.email == "a@roux.fr"
    assert _rows(ContactEmail, "contact", survivor.pk, "email") == [
        ("a@roux.fr", True, 0),
        ("b@roux.fr", False, 1),
        ("c@roux.fr", False, 2),
    ]


def test_chosen_loser_account_becomes_the_primary_link_and_undo_restores(
    personas: Personas,
) -> None:
    from moyeu.directory.models import AccountContactLink

    actor = personas.actor("manager")
    shared = account_create(actor=actor, values={"name": "Shared", "owner": personas.owner})
    other = account_create(actor=actor, values={"name": "Other", "owner": personas.owner})
    survivor = contact_create(
        actor=actor,
        values={"last_name": "Roux", "account_id": shared.pk, "owner": personas.owner},
    )
    loser = contact_create(
        actor=actor,
        values={
            "last_name": "Roux",
            "owner": personas.owner,
            "links": [
                {"account": str(other.pk), "role": "CFO"},
                {"account": str(shared.pk), "role": "Buyer"},
            ],
        },
    )
    before = _all_rows(AccountContactLink, "contact_id", "account_id", "role")
    merge = contact_merge(
        actor=actor, survivor_id=survivor.pk, loser_ids=[loser.pk], choices={"account": loser.pk}
    )
    survivor.refresh_from_db()
    assert survivor.account_id == other.pk
    assert _rows(AccountContactLink, "contact", survivor.pk, "account_id") == [
        (other.pk, True, 0),
        (shared.pk, False, 1),
    ]
    merge_undo(actor=actor, merge_id=merge.pk)
    assert _all_rows(AccountContactLink, "contact_id", "account_id", "role") == before
    assert Contact.objects.get(pk=survivor.pk).account_id == shared.pk
    assert Contact.objects.get(pk=loser.pk).account_id == other.pk


def test_chosen_loser_email_phone_and_address_become_the_accounts_primary_rows(
    personas: Personas,
) -> None:
    from moyeu.directory.models import AccountEmail, AccountPhone, Address

    actor = personas.actor("manager")
    survivor = account_create(
        actor=actor,
        values={
            "name": "ACME",
            "email": "contact@acme.fr",
            "phone": "01 42 00 00 01",
            "postcode": "75001",
            "city": "Paris",
            "country": "FR",
            "owner": personas.owner,
        },
    )
    loser = account_create(
        actor=actor,
        values={
            "name": "Acme SAS",
            "email": "info@acme.fr",
            "phone": "+41 44 668 18 00",
            "addresses": [
                {"kind": "shipping", "postcode": "69002", "city": "Lyon", "country": "FR"},
                {"kind": "billing", "postcode": "8001", "city": "Zürich", "country": "CH"},
            ],
            "owner": personas.owner,
        },
    )
    before_rows = (
        _all_rows(AccountEmail, "account_id", "email"),
        _all_rows(AccountPhone, "account_id", "e164"),
        _all_rows(Address, "account_id", "postcode"),
    )
    before = {pk: _state(Account, pk) for pk in (survivor.pk, loser.pk)}
    merge = account_merge(
        actor=actor,
        survivor_id=survivor.pk,
        loser_ids=[loser.pk],
        choices={"email": loser.pk, "phone_e164": loser.pk, "city": loser.pk},
    )
    survivor.refresh_from_db()
    assert (survivor.email, survivor.phone, survivor.phone_e164) == (
        "info@acme.fr",
        "+41 44 668 18 00",
        "+41446681800",
    )
    assert (survivor.postcode, survivor.city, survivor.country) == ("69002", "Lyon", "FR")
    assert _rows(AccountEmail, "account", survivor.pk, "email") == [
        ("info@acme.fr", True, 0),
        ("contact@acme.fr", False, 1),
    ]
    assert _rows(AccountPhone, "account", survivor.pk, "e164") == [
        ("+41446681800", True, 0),
        ("+33142000001", False, 1),
    ]
    assert _rows(Address, "account", survivor.pk, "postcode") == [
        ("69002", True, 0),
        ("8001", False, 1),
    ]
    merge_undo(actor=actor, merge_id=merge.pk)
    assert (
        _all_rows(AccountEmail, "account_id", "email"),
        _all_rows(AccountPhone, "account_id", "e164"),
        _all_rows(Address, "account_id", "postcode"),
    ) == before_rows
    assert {pk: _state(Account, pk) for pk in (survivor.pk, loser.pk)} == before


def test_columns_of_one_primary_row_come_from_one_record(personas: Personas) -> None:
    from moyeu.core.errors import ValidationFailed

    actor = personas.actor("manager")
    survivor = account_create(
        actor=actor,
        values={
            "name": "ACME",
            "postcode": "75001",
            "city": "Paris",
            "country": "FR",
            "owner": personas.owner,
        },
    )
    loser = account_create(
        actor=actor,
        values={
            "name": "Acme",
            "postcode": "69002",
            "city": "Lyon",
            "country": "FR",
            "owner": personas.owner,
        },
    )
    before = {pk: _state(Account, pk) for pk in (survivor.pk, loser.pk)}
    with pytest.raises(ValidationFailed) as caught:
        account_merge(
            actor=actor,
            survivor_id=survivor.pk,
            loser_ids=[loser.pk],
            choices={"postcode": survivor.pk, "city": loser.pk},
        )
    assert caught.value.errors == {"fields.city": ["Choose the same record as for postcode."]}
    assert {pk: _state(Account, pk) for pk in (survivor.pk, loser.pk)} == before
    assert MergeRecord.objects.count() == 0


def test_a_kept_flat_only_address_gets_a_primary_row_that_undo_removes(
    personas: Personas,
) -> None:
    from moyeu.directory.models import Address

    actor = personas.actor("manager")
    survivor = account_create(
        actor=actor,
        values={
            "name": "ACME",
            "postcode": "75001",
            "city": "Paris",
            "country": "FR",
            "owner": personas.owner,
        },
    )
    loser = account_create(
        actor=actor,
        values={
            "name": "Acme",
            "addresses": [{"postcode": "69002", "city": "Lyon", "country": "FR"}],
            "owner": personas.owner,
        },
    )
    assert not Address.objects.filter(account=survivor).exists()
    before = _all_rows(Address, "account_id", "postcode")
    merge = account_merge(actor=actor, survivor_id=survivor.pk, loser_ids=[loser.pk])
    survivor.refresh_from_db()
    assert (survivor.postcode, survivor.city, survivor.country) == ("75001", "Paris", "FR")
    assert _rows(Address, "account", survivor.pk, "postcode", "city", "kind") == [
        ("75001", "Paris", "billing", True, 0),
        ("69002", "Lyon", "billing", False, 1),
    ]
    merge_undo(actor=actor, merge_id=merge.pk)
    assert _all_rows(Address, "account_id", "postcode") == before
    assert Account.objects.get(pk=survivor.pk).postcode == "75001"


def test_a_blank_chosen_email_keeps_the_primary_row_and_its_value(personas: Personas) -> None:
    from moyeu.directory.models import ContactEmail

    actor = personas.actor("manager")
    survivor = contact_create(
        actor=actor, values={"last_name": "Roux", "email": "a@roux.fr", "owner": personas.owner}
    )
    loser = contact_create(actor=actor, values={"last_name": "Roux", "owner": personas.owner})
    contact_merge(
        actor=actor, survivor_id=survivor.pk, loser_ids=[loser.pk], choices={"email": loser.pk}
    )
    survivor.refresh_from_db()
    assert survivor.email == "a@roux.fr"
    assert _rows(ContactEmail, "contact", survivor.pk, "email") == [("a@roux.fr", True, 0)]
