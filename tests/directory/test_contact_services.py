"""Contact services: names, typed channels, links to accounts and the primary account."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.errors import ValidationFailed
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.models import Account, AccountContactLink, Contact, ContactPhone
from moyeu.directory.services import (
    account_create,
    account_delete,
    contact_create,
    contact_link_account,
    contact_unlink_account,
    contact_update,
)
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def account(personas: Personas, name: str, who: str = "owner", **values: Any) -> Account:
    return account_create(actor=personas.actor(who), values={"name": name, **values})


def create(personas: Personas, **values: Any) -> Contact:
    values.setdefault("last_name", "Martin")
    return contact_create(actor=personas.actor("owner"), values=values)


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


def links_of(contact: Contact) -> list[tuple[str, str, bool]]:
    return [
        (link.account.name, link.role, link.is_primary)
        for link in AccountContactLink.objects.filter(contact=contact).select_related("account")
    ]


def test_names_and_channels_are_normalised(personas: Personas) -> None:
    contact = create(
        personas,
        civility="mrs",
        first_name="  élodie ",
        last_name="LEFÈVRE",
        language="FR",
        emails=[
            {"kind": "personal", "email": "Elodie.L@Exemple.fr"},
            {"kind": "work", "email": "E.Lefevre@Martin.FR", "is_primary": True},
        ],
        phones=[
            {"kind": "mobile", "number": "06 12 34 56 78"},
            {"kind": "work", "number": "+32 2 511 22 33"},
        ],
    )
    contact.refresh_from_db()
    assert (contact.first_name, contact.last_name, contact.civility, contact.language) == (
        "Élodie",
        "Lefèvre",
        "mrs",
        "fr",
    )
    assert (contact.email, contact.phone, contact.phone_e164) == (
        "e.lefevre@martin.fr",
        "06 12 34 56 78",
        "+33612345678",
    )
    assert contact.related_snapshot()["emails"] == [
        {"kind": "work", "email": "e.lefevre@martin.fr", "is_primary": True},
        {"kind": "personal", "email": "elodie.l@exemple.fr", "is_primary": False},
    ]
    assert list(ContactPhone.objects.filter(contact=contact).values_list("e164", flat=True)) == [
        "+33612345678",
        "+3225112233",
    ]


def test_phones_use_the_primary_accounts_country(personas: Personas) -> None:
    geneva = account(personas, "Horlogerie SA", country="CH")
    contact = create(personas, account_id=geneva.pk, phones=[{"number": "079 123 45 67"}])
    assert contact.phone_e164 == "+41791234567"
    madrid = account(personas, "Tapas SL", country="ES")
    contact = create(personas, links=[{"account": str(madrid.pk)}], phone="612 34 56 78")
    assert contact.phone_e164 == "+34612345678"
    milano = create(personas, addresses=[{"city": "Milano", "country": "IT"}], phone="347 123 4567")
    assert milano.phone_e164 == "+393471234567"


def test_links_keep_one_primary_in_step_with_account(personas: Personas) -> None:
    shop, group, supplier = (
        account(personas, "Boutique"),
        account(personas, "Groupe"),
        account(personas, "Fournisseur"),
    )
    contact = create(
        personas,
        links=[
            {"account": shop.pk, "role": " Gérante "},
            {"account": group.pk, "role": "Administratrice", "is_primary": True},
        ],
    )
    assert contact.account_id == group.pk
    assert links_of(contact) == [
        ("Groupe", "Administratrice", True),
        ("Boutique", "Gérante", False),
    ]
    actor = personas.actor("owner")
    contact = contact_update(actor=actor, contact_id=contact.pk, values={"account_id": shop.pk})
    assert contact.account_id == shop.pk
    assert links_of(contact) == [
        ("Boutique", "Gérante", True),
        ("Groupe", "Administratrice", False),
    ]
    contact = contact_link_account(
        actor=actor, contact_id=contact.pk, account_id=supplier.pk, role="Acheteuse"
    )
    assert contact.account_id == shop.pk
    contact = contact_link_account(
        actor=actor,
        contact_id=contact.pk,
        account_id=supplier.pk,
        role="Acheteuse",
        is_primary=True,
    )
    assert (contact.account_id, links_of(contact)[0]) == (
        supplier.pk,
        ("Fournisseur", "Acheteuse", True),
    )
    contact = contact_unlink_account(actor=actor, contact_id=contact.pk, account_id=supplier.pk)
    assert contact.account_id == shop.pk
    assert [name for name, _role, primary in links_of(contact) if primary] == ["Boutique"]
    contact = contact_update(actor=actor, contact_id=contact.pk, values={"account_id": None})
    assert contact.account_id is None
    assert links_of(contact) == [
        ("Boutique", "Gérante", False),
        ("Groupe", "Administratrice", False),
    ]
    event = OutboxEvent.objects.filter(type="contact.updated").order_by("seq").last()
    assert event is not None
    assert event.payload["links"][0] == {
        "account": str(shop.pk),
        "role": "Gérante",
        "is_primary": False,
    }
    assert "links" in event.payload["changed_fields"]


def test_link_errors(personas: Personas) -> None:
    shop = account(personas, "Boutique")
    hidden = account(personas, "Ailleurs", who="outsider")
    errors = errors_of(
        lambda: create(
            personas,
            account_id=hidden.pk,
            links=[
                {"account": shop.pk, "is_primary": True},
                {"account": shop.pk},
                {"account": hidden.pk, "is_primary": True},
                {"account": "not-an-id", "title": "x"},
            ],
        )
    )
    assert errors == {
        "links.1.account": ["This account is already linked."],
        "links.2.account": ["No such account."],
        "links.3.account": ["No such account."],
        "links.3.title": ["Unknown field."],
        "account_id": ["The primary account is the primary link's."],
    }
    assert errors_of(lambda: create(personas, account_id=hidden.pk)) == {
        "account_id": ["No such account."]
    }
    contact = create(personas)
    assert errors_of(
        lambda: contact_unlink_account(
            actor=personas.actor("owner"), contact_id=contact.pk, account_id=shop.pk
        )
    ) == {"account": ["This contact is not linked to that account."]}
    assert Contact.objects.count() == 1


def test_nested_errors_write_nothing(personas: Personas) -> None:
    contact = create(personas, emails=[{"email": "a@exemple.fr"}])
    errors = errors_of(
        lambda: contact_update(
            actor=personas.actor("owner"),
            contact_id=contact.pk,
            values={
                "last_name": "",
                "language": "klingon",
                "emails": [{"email": "b@exemple.fr"}],
                "phones": [{"number": "+33 6 12 34 56 78"}, {"number": "06 12"}],
            },
        )
    )
    assert errors == {
        "language": ["Not an ISO 639-1 language code, such as fr or en."],
        "phones.1.number": [
            "Not a valid phone number (numbers without a country code are read as FR)."
        ],
        "last_name": ["This field cannot be blank."],
    }
    contact.refresh_from_db()
    assert (contact.last_name, contact.email, contact.version) == ("Martin", "a@exemple.fr", 1)
    assert contact.related_snapshot()["emails"][0]["email"] == "a@exemple.fr"
    assert AuditEntry.objects.filter(code="directory.contact.updated").count() == 0


def test_deleting_an_account_drops_its_links(personas: Personas) -> None:
    shop = account(personas, "Boutique")
    contact = create(personas, account_id=shop.pk)
    account_delete(actor=personas.actor("owner"), account_id=shop.pk)
    contact.refresh_from_db()
    assert (contact.account_id, links_of(contact)) == (None, [])


def test_derived_columns_are_not_writable(personas: Personas) -> None:
    assert errors_of(lambda: create(personas, phone_e164="+33612345678")) == {
        "phone_e164": ["Derived from the phones; give phones instead."]
    }
