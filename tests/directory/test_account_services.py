"""Account services: identifiers, channels, groups; audit and events; nothing written on error."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.models import Account, AccountEmail, AccountPhone, Address
from moyeu.directory.services import account_create, account_delete, account_update
from tests.personas import Personas

pytestmark = pytest.mark.django_db

SIREN, SIRET, VAT = "123456782", "12345678200010", "FR11123456782"


def create(personas: Personas, who: str = "owner", **values: Any) -> Account:
    values.setdefault("name", "Boulangerie Martin")
    return account_create(actor=personas.actor(who), values=values)


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


def test_identifiers_are_stored_compact(personas: Personas) -> None:
    account = create(
        personas,
        siren="123 456 782",
        siret="123 456 782 00010",
        vat_number="fr 11 123456782",
        industry="1071c",
        size_band="10-19",
        website="boulangerie-martin.fr",
        trade_name="  Chez   Martin ",
    )
    account.refresh_from_db()
    assert (account.siren, account.siret, account.vat_number) == (SIREN, SIRET, VAT)
    assert (account.industry, account.size_band) == ("10.71C", "10-19")
    assert (account.website, account.trade_name) == ("https://boulangerie-martin.fr", "Chez Martin")


def test_siren_is_taken_from_the_siret(personas: Personas) -> None:
    assert create(personas, siret=SIRET).siren == SIREN


def test_bad_identifiers_name_their_fields_and_write_nothing(personas: Personas) -> None:
    errors = errors_of(
        lambda: create(
            personas,
            name="",
            siren="123456789",
            siret="1234",
            vat_number="FR00123456782",
            industry="04",
            country="ZZ",
        )
    )
    assert errors == {
        "siren": ["This SIREN's check digit is wrong."],
        "siret": ["A SIRET has 14 digits: the SIREN and 5 more."],
        "vat_number": ["This VAT number's check digits are wrong."],
        "industry": ["Not a NAF/NACE code: give a division (62) or a full code (62.01Z)."],
        "country": ["Not an ISO 3166-1 alpha-2 country code, such as FR or BE."],
        "name": ["This field cannot be blank."],
    }
    assert Account.objects.count() == 0
    assert AuditEntry.objects.filter(code__startswith="directory.").count() == 0
    assert OutboxEvent.objects.filter(record_type="directory.account").count() == 0


def test_siret_and_vat_must_match_the_siren(personas: Personas) -> None:
    errors = errors_of(lambda: create(personas, siren="987654324", siret=SIRET, vat_number=VAT))
    assert errors == {
        "siret": ["The SIRET must start with the SIREN (987654324)."],
        "vat_number": ["A French VAT number must end with the SIREN (987654324)."],
    }
    account = create(personas, siren=SIREN)
    assert errors_of(
        lambda: account_update(
            actor=personas.actor("owner"), account_id=account.pk, values={"siret": "98765432400027"}
        )
    ) == {"siret": ["The SIRET must start with the SIREN (123456782)."]}


def test_channels_are_normalised_written_audited_and_emitted(personas: Personas) -> None:
    account = create(
        personas,
        emails=[
            {"kind": "other", "email": "Compta@Martin.FR"},
            {"kind": "work", "email": "Contact@Martin.fr", "is_primary": True},
        ],
        phones=[
            {"kind": "work", "number": "0470 12 34 56"},
            {"kind": "fax", "number": "02 511 22 33"},
        ],
        addresses=[
            {
                "kind": "billing",
                "line1": " 12  rue  Haute ",
                "postcode": "1000",
                "city": "Bruxelles",
                "country": "be",
            }
        ],
    )
    account.refresh_from_db()
    assert (account.email, account.phone, account.phone_e164) == (
        "contact@martin.fr",
        "0470 12 34 56",
        "+32470123456",
    )
    assert (account.postcode, account.city, account.country) == ("1000", "Bruxelles", "BE")
    assert list(
        AccountEmail.objects.filter(account=account).values_list("email", "is_primary")
    ) == [
        ("contact@martin.fr", True),
        ("compta@martin.fr", False),
    ]
    assert list(AccountPhone.objects.filter(account=account).values_list("kind", "e164")) == [
        ("work", "+32470123456"),
        ("fax", "+3225112233"),
    ]
    address = Address.objects.get(account=account)
    assert (address.line1, address.country, address.is_primary) == ("12 rue Haute", "BE", True)
    event = OutboxEvent.objects.get(type="account.created")
    assert event.payload["phones"] == [
        {"kind": "work", "number": "0470 12 34 56", "e164": "+32470123456", "is_primary": True},
        {"kind": "fax", "number": "02 511 22 33", "e164": "+3225112233", "is_primary": False},
    ]
    entry = AuditEntry.objects.get(code="directory.account.created")
    assert entry.changes["emails"][1][0]["email"] == "contact@martin.fr"


def test_phones_are_read_in_the_accounts_country(personas: Personas) -> None:
    swiss = create(personas, country="CH", phones=[{"number": "044 668 18 00"}])
    assert swiss.phone_e164 == "+41446681800"
    french = create(personas, phones=[{"number": "01 42 68 53 00"}])
    assert french.phone_e164 == "+33142685300"


def test_nested_errors_have_paths_and_write_nothing(personas: Personas) -> None:
    errors = errors_of(
        lambda: create(
            personas,
            emails=[{"email": "ok@martin.fr"}, {"email": "OK@martin.fr"}, {"email": "nope"}],
            phones=[{"number": "06 12 34 56 78"}, {"number": "12", "kind": "pager"}],
            addresses=[{"city": "Lyon", "country": "XX"}, {"country": "FR"}],
        )
    )
    assert errors == {
        "emails.1.email": ["This e-mail is already in the list."],
        "emails.2.email": ["Not a valid e-mail address: An email address must have an @-sign."],
        "phones.1.kind": ["Choose one of: mobile, work, home, fax, other."],
        "phones.1.number": [
            "Not a valid phone number (numbers without a country code are read as FR)."
        ],
        "addresses.0.country": ["Not an ISO 3166-1 alpha-2 country code, such as FR or BE."],
        "addresses.1.line1": ["Give at least a street, a postcode or a city."],
    }
    assert (Account.objects.count(), AccountEmail.objects.count()) == (0, 0)


def test_two_primaries_are_refused(personas: Personas) -> None:
    errors = errors_of(
        lambda: create(
            personas,
            emails=[
                {"email": "a@martin.fr", "is_primary": True},
                {"email": "b@martin.fr", "is_primary": True},
            ],
        )
    )
    assert errors == {"emails.1.is_primary": ["Only one can be the primary one."]}


def test_flat_email_and_phone_replace_the_primary_row(personas: Personas) -> None:
    account = create(
        personas,
        emails=[{"email": "a@martin.fr"}, {"email": "b@martin.fr", "kind": "other"}],
        phones=[{"number": "06 12 34 56 78", "kind": "mobile"}],
    )
    actor = personas.actor("owner")
    account_update(
        actor=actor,
        account_id=account.pk,
        values={"email": "C@Martin.fr", "phone": "+33 1 42 68 53 00"},
    )
    account.refresh_from_db()
    assert account.related_snapshot()["emails"] == [
        {"kind": "work", "email": "c@martin.fr", "is_primary": True},
        {"kind": "other", "email": "b@martin.fr", "is_primary": False},
    ]
    assert (account.email, account.phone_e164, account.version) == (
        "c@martin.fr",
        "+33142685300",
        2,
    )
    assert account.related_snapshot()["phones"][0]["kind"] == "mobile"
    account_update(actor=actor, account_id=account.pk, values={"email": ""})
    account.refresh_from_db()
    assert (account.email, [e["email"] for e in account.related_snapshot()["emails"]]) == (
        "b@martin.fr",
        ["b@martin.fr"],
    )


def test_unchanged_lists_keep_the_version(personas: Personas) -> None:
    emails = [{"kind": "work", "email": "a@martin.fr"}]
    account = create(personas, emails=emails)
    again = account_update(
        actor=personas.actor("owner"), account_id=account.pk, values={"emails": emails}
    )
    assert again.version == 1
    assert OutboxEvent.objects.filter(type="account.updated").count() == 0


def test_parent_accounts_refuse_cycles(personas: Personas) -> None:
    actor = personas.actor("owner")
    group = create(personas, name="Groupe")
    branch = create(personas, name="Filiale", parent_id=group.pk)
    shop = create(personas, name="Magasin", parent=branch.pk)
    assert (branch.parent_id, shop.parent_id) == (group.pk, branch.pk)
    assert list(group.subsidiaries.all()) == [branch]
    for parent, account in ((shop, group), (group, group)):
        assert errors_of(
            lambda p=parent, a=account: account_update(
                actor=actor, account_id=a.pk, values={"parent_id": p.pk}
            )
        ) == {"parent": ["An account cannot be its own parent, even indirectly."]}
    group.refresh_from_db()
    assert group.parent_id is None


def test_parent_must_be_visible(personas: Personas) -> None:
    hidden = create(personas, who="outsider", name="Ailleurs")
    assert errors_of(lambda: create(personas, parent_id=hidden.pk)) == {
        "parent": ["No such account."]
    }


def test_access_rules_are_unchanged(personas: Personas) -> None:
    account = create(personas, emails=[{"email": "a@martin.fr"}])
    with pytest.raises(NotFound):
        account_update(
            actor=personas.actor("outsider"), account_id=account.pk, values={"siren": SIREN}
        )
    with pytest.raises(PermissionDenied):
        account_update(
            actor=personas.actor("teammate"), account_id=account.pk, values={"siren": SIREN}
        )
    account.refresh_from_db()
    assert (account.siren, account.version) == ("", 1)
    account_delete(actor=personas.actor("owner"), account_id=account.pk)
    assert AccountEmail.objects.count() == 0


def test_a_flat_value_beside_its_list_must_agree(personas: Personas) -> None:
    addresses = [{"city": "Lyon", "postcode": "69002", "country": "FR"}]
    assert errors_of(
        lambda: create(
            personas,
            city="Paris",
            addresses=addresses,
            email="a@martin.fr",
            emails=[{"email": "b@martin.fr"}],
        )
    ) == {
        "email": ["Differs from the primary one in emails; change the list instead."],
        "city": ["Differs from the primary one in addresses; change the list instead."],
    }
    account = create(
        personas,
        city=" lyon ".strip().capitalize(),
        phone="04 78 12 34 56",
        phones=[{"number": "+33478123456"}],
        addresses=addresses,
    )
    assert (account.city, account.phone_e164) == ("Lyon", "+33478123456")
