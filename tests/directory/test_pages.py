"""Directory pages: forms with rows (add, remove, primary, inline errors), details, filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from moyeu.directory.models import Account, AccountContactLink, Contact
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(personas: Personas) -> Callable[..., Client]:
    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make


def account_form(**extra: str) -> dict[str, Any]:
    return {"name": "Soieries Bellecour", "kind": "customer", **extra}


def test_account_form_sends_rows_to_the_service(login: Callable[..., Client]) -> None:
    response = login("owner").post(
        "/directory/accounts/new/",
        account_form(
            siren="123 456 782",
            email="Contact@Soieries.example",
            phone="04 72 41 18 30",
            **{
                "emails-0-kind": "other",
                "emails-0-email": "compta@soieries.example",
                "emails-1-kind": "work",
                "emails-1-email": "",
                "phones-3-kind": "fax",
                "phones-3-number": "04 72 41 18 31",
                "phones-5-kind": "work",
                "phones-5-number": "04 72 41 18 39",
                "phones-5-remove": "1",
                "addresses-0-kind": "shipping",
                "addresses-0-city": "Villeurbanne",
                "addresses-0-country": "FR",
                "addresses-1-kind": "billing",
                "addresses-1-line1": "18 rue de la Charité",
                "addresses-1-postcode": "69002",
                "addresses-1-city": "Lyon",
                "addresses-1-country": "FR",
                "addresses-primary": "1",
            },
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    account = Account.objects.get()
    snapshot = account.related_snapshot()
    assert [(e["kind"], e["email"]) for e in snapshot["emails"]] == [
        ("work", "contact@soieries.example"),
        ("other", "compta@soieries.example"),
    ]
    assert [(p["kind"], p["e164"]) for p in snapshot["phones"]] == [
        ("work", "+33472411830"),
        ("fax", "+33472411831"),
    ]
    assert [(a["city"], a["is_primary"]) for a in snapshot["addresses"]] == [
        ("Lyon", True),
        ("Villeurbanne", False),
    ]
    assert (account.siren, account.city, account.postcode) == ("123456782", "Lyon", "69002")


def test_row_errors_come_back_beside_their_inputs(login: Callable[..., Client]) -> None:
    response = login("owner").post(
        "/directory/accounts/new/",
        account_form(
            phone="12",
            vat_number="FR00",
            **{
                "phones-0-kind": "mobile",
                "phones-0-number": "06 12 34 56 78",
                "phones-1-kind": "fax",
                "phones-1-number": "99",
                "addresses-0-city": "Lyon",
                "addresses-0-country": "",
            },
        ),
    )
    assert response.status_code == 422
    form = response.context["form"]
    message = "Not a valid phone number (numbers without a country code are read as FR)."
    assert form.errors["phone"] == [message]
    assert form.errors["vat_number"] == ["Not a valid VAT number for its country."]
    assert [row.errors for row in form.rows["phones"]] == [{}, {"number": [message]}]
    assert form.rows["addresses"][0].errors == {"country": ["An address needs its country."]}
    html = response.content.decode()
    assert 'name="phones-1-number" value="99" aria-invalid="true"' in html
    assert "An address needs its country." in html
    assert Account.objects.count() == 0


def test_add_row_fragment(login: Callable[..., Client]) -> None:
    client = login("owner")
    response = client.get("/directory/rows/phones/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="mobile">Mobile</option>' in html
    assert 'name="phones-' in html and '-number"' in html
    assert client.get("/directory/rows/passwords/").status_code == 404


def test_contact_form_links_and_edit(login: Callable[..., Client], personas: Personas) -> None:
    owner = personas.actor("owner")
    shop = account_create(actor=owner, values={"name": "Boutique", "country": "CH"})
    group = account_create(actor=owner, values={"name": "Groupe"})
    client = login("owner")
    response = client.post(
        "/directory/contacts/new/",
        {
            "civility": "mrs",
            "first_name": "anne",
            "last_name": "MARTIN",
            "phone": "079 123 45 67",
            "account": str(shop.pk),
            "account_role": "Gérante",
            "links-0-account": str(group.pk),
            "links-0-role": "Administratrice",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.phone_e164) == (
        "Anne",
        "Martin",
        "+41791234567",
    )
    assert list(
        AccountContactLink.objects.filter(contact=contact).values_list(
            "account__name", "role", "is_primary"
        )
    ) == [("Boutique", "Gérante", True), ("Groupe", "Administratrice", False)]
    edit = client.get(f"/directory/contacts/{contact.pk}/edit/")
    form = edit.context["form"]
    assert form.initial["account_role"] == "Gérante"
    assert [row.values for row in form.rows["links"]] == [
        {"account": str(group.pk), "role": "Administratrice"}
    ]
    detail = client.get(f"/directory/contacts/{contact.pk}/").content.decode()
    assert "Administratrice" in detail and "+41791234567" in detail
    assert "primary account" in detail


def test_account_detail_shows_channels_and_group(
    login: Callable[..., Client], personas: Personas
) -> None:
    owner = personas.actor("owner")
    group = account_create(actor=owner, values={"name": "Groupe", "industry": "62.01Z"})
    shop = account_create(
        actor=owner,
        values={
            "name": "Boutique",
            "parent_id": group.pk,
            "phones": [{"kind": "fax", "number": "+33 1 42 68 53 00"}],
            "addresses": [
                {"line1": "1 rue Haute", "postcode": "1000", "city": "Bruxelles", "country": "BE"}
            ],
        },
    )
    contact_create(
        actor=owner,
        values={"last_name": "Peeters", "links": [{"account": shop.pk, "role": "Gérant"}]},
    )
    client = login("owner")
    html = client.get(f"/directory/accounts/{group.pk}/").content.decode()
    assert "62.01Z — Computer programming, consultancy and related activities" in html
    assert f'href="/directory/accounts/{shop.pk}/">Boutique</a>' in html
    html = client.get(f"/directory/accounts/{shop.pk}/").content.decode()
    assert "Belgium" in html and "1 rue Haute" in html and 'href="tel:+33142685300"' in html
    panel = client.get(f"/directory/accounts/{shop.pk}/contacts/").content.decode()
    assert "Peeters" in panel and "Gérant" in panel
    french = login("owner", "fr").get(f"/directory/accounts/{shop.pk}/").content.decode()
    assert "Belgique" in french


def test_list_filters_normalise_their_values(
    login: Callable[..., Client], personas: Personas
) -> None:
    owner = personas.actor("owner")
    account_create(
        actor=owner, values={"name": "Alpha", "phone": "01 42 68 53 00", "siren": "123456782"}
    )
    account_create(
        actor=owner,
        values={
            "name": "Beta",
            "addresses": [{"postcode": "69002", "city": "Lyon", "country": "FR"}],
        },
    )
    client = login("owner")

    def names(**params: str) -> list[str]:
        page = client.get("/directory/accounts/", params).context["page"]
        return sorted(a.name for a in page.rows)

    assert names(phone="+33 1 42 68 53 00") == ["Alpha"]
    assert names(siren="123 456 782") == ["Alpha"]
    assert names(postcode="69002") == ["Beta"]
    assert names() == ["Alpha", "Beta"]
