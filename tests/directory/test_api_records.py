"""/accounts and /contacts: nested e-mails, phones, addresses and links; directory filters."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.directory.models import Account, Contact
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas

pytestmark = pytest.mark.django_db

SIREN, SIRET, VAT = "123456782", "12345678200010", "FR11123456782"


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def names(answer: Any, key: str = "name") -> list[str]:
    assert answer.status == 200, answer.body
    return sorted(item[key] for item in answer.body["items"])


def test_account_round_trip_with_nested_rows(clients: dict[str, ApiClient]) -> None:
    owner = clients["owner"]
    created = owner.post(
        "/accounts",
        {
            "name": "Boulangerie Martin",
            "trade_name": "Chez Martin",
            "siren": "123 456 782",
            "siret": SIRET,
            "vat_number": "fr11123456782",
            "industry": "1071C",
            "size_band": "10-19",
            "emails": [{"email": "Contact@Martin.FR"}],
            "phones": [
                {"kind": "work", "number": "04 78 12 34 56"},
                {"kind": "fax", "number": "+33 4 78 12 34 57"},
            ],
            "addresses": [
                {
                    "line1": "3 place Bellecour",
                    "postcode": "69002",
                    "city": "Lyon",
                    "country": "fr",
                },
                {"kind": "shipping", "line1": "ZI Nord", "city": "Vénissieux", "country": "FR"},
            ],
        },
    )
    assert created.status == 201, created.body
    body = created.body
    assert {k: body[k] for k in ("siren", "siret", "vat_number", "industry", "size_band")} == {
        "siren": SIREN,
        "siret": SIRET,
        "vat_number": VAT,
        "industry": "10.71C",
        "size_band": "10-19",
    }
    assert (body["email"], body["phone_e164"], body["city"], body["country"]) == (
        "contact@martin.fr",
        "+33478123456",
        "Lyon",
        "FR",
    )
    assert body["emails"] == [{"kind": "work", "email": "contact@martin.fr", "is_primary": True}]
    assert body["phones"][1] == {
        "kind": "fax",
        "number": "+33 4 78 12 34 57",
        "e164": "+33478123457",
        "is_primary": False,
    }
    assert body["addresses"][1] == {
        "kind": "shipping",
        "line1": "ZI Nord",
        "line2": "",
        "postcode": "",
        "city": "Vénissieux",
        "region": "",
        "country": "FR",
        "is_primary": False,
    }
    detail = owner.get(f"/accounts/{body['id']}")
    listed = owner.get("/accounts")
    assert detail.body == body == listed.body["items"][0]
    patched = owner.patch(
        f"/accounts/{body['id']}",
        {"phones": [{"kind": "mobile", "number": "06 12 34 56 78"}]},
        headers={"If-Match": '"1"'},
    )
    assert patched.status == 200
    assert (patched.body["version"], patched.body["phone_e164"]) == (2, "+33612345678")
    assert [p["e164"] for p in patched.body["phones"]] == ["+33612345678"]
    assert patched.body["emails"] == body["emails"]


def test_nested_errors_are_problems_with_paths(clients: dict[str, ApiClient]) -> None:
    answer = clients["owner"].post(
        "/accounts",
        {
            "name": "Martin",
            "vat_number": "FR00123456782",
            "phones": [{"number": "06 12 34 56 78"}, {"number": "12"}],
            "addresses": [{"city": "Lyon", "country": "ZZ"}],
        },
    )
    assert (answer.status, answer.code) == (422, "core.validation_failed")
    assert answer.body["errors"] == [
        {"field": "vat_number", "message": "This VAT number's check digits are wrong."},
        {
            "field": "addresses.0.country",
            "message": "Not an ISO 3166-1 alpha-2 country code, such as FR or BE.",
        },
        {
            "field": "phones.1.number",
            "message": "Not a valid phone number (numbers without a country code are read as FR).",
        },
    ]
    schema = clients["owner"].post("/accounts", {"name": "M", "emails": [{"mail": "a@b.fr"}]})
    assert schema.status == 422
    assert [e["field"] for e in schema.body["errors"]] == ["emails.0.email", "emails.0.mail"]
    assert Account.objects.count() == 0


def test_contact_links_in_and_out(clients: dict[str, ApiClient]) -> None:
    owner = clients["owner"]
    shop = owner.post("/accounts", {"name": "Boutique", "country": "BE"}).body["id"]
    group = owner.post("/accounts", {"name": "Groupe"}).body["id"]
    created = owner.post(
        "/contacts",
        {
            "civility": "mrs",
            "first_name": "anne",
            "last_name": "PEETERS",
            "language": "NL",
            "links": [
                {"account": group, "role": "Administratrice"},
                {"account": shop, "role": "Gérante", "is_primary": True},
            ],
            "phones": [{"kind": "mobile", "number": "0470 12 34 56"}],
            "emails": [{"kind": "personal", "email": "Anne@Exemple.be"}],
        },
    )
    assert created.status == 201, created.body
    body = created.body
    assert (body["first_name"], body["last_name"], body["language"], body["account"]) == (
        "Anne",
        "Peeters",
        "nl",
        shop,
    )
    assert body["links"] == [
        {"account": shop, "role": "Gérante", "is_primary": True},
        {"account": group, "role": "Administratrice", "is_primary": False},
    ]
    assert body["phones"][0]["e164"] == "+32470123456"
    assert owner.get(f"/contacts/{body['id']}").body == body
    assert owner.get("/contacts").body["items"] == [body]  # the list's child rows, read raw
    moved = owner.patch(f"/contacts/{body['id']}", {"account": group})
    assert moved.body["account"] == group
    assert [(link["account"], link["is_primary"]) for link in moved.body["links"]] == [
        (group, True),
        (shop, False),
    ]
    assert owner.patch(f"/contacts/{body['id']}", {"links": None}).status == 422


def make_accounts(owner: ApiClient) -> dict[str, str]:
    rows = {
        "Alpha": {
            "siren": SIREN,
            "siret": SIRET,
            "industry": "62.01Z",
            "phones": [{"number": "01 42 68 53 00"}, {"number": "06 12 34 56 78"}],
            "addresses": [
                {"postcode": "75008", "city": "Paris", "country": "FR"},
                {"postcode": "69002", "city": "Lyon", "country": "FR"},
            ],
        },
        "Beta": {
            "vat_number": "BE0403170701",
            "industry": "47",
            "addresses": [{"postcode": "1000", "city": "Bruxelles", "country": "BE"}],
        },
        "Gamma": {"industry": "62.02A", "phone": "+41 44 668 18 00"},
    }
    ids = {}
    for name, values in rows.items():
        answer = owner.post("/accounts", {"name": name, **values})
        assert answer.status == 201, answer.body
        ids[name] = answer.body["id"]
    return ids


def test_account_filters(clients: dict[str, ApiClient]) -> None:
    owner = clients["owner"]
    ids = make_accounts(owner)
    owner.patch(f"/accounts/{ids['Gamma']}", {"parent": ids["Alpha"]})
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"siren": "123 456 782"}, ["Alpha"]),
        ({"siret": SIRET}, ["Alpha"]),
        ({"vat_number": "be 0403.170.701"}, ["Beta"]),
        ({"industry": "62"}, ["Alpha", "Gamma"]),
        ({"industry": "62.01z"}, ["Alpha"]),
        ({"parent": ids["Alpha"]}, ["Gamma"]),
        ({"phone": "+33 6 12 34 56 78"}, ["Alpha"]),
        ({"phone": "0142685300"}, ["Alpha"]),
        ({"phone": "+41446681800"}, ["Gamma"]),
        ({"postcode": "69002"}, ["Alpha"]),
        ({"postcode": "1000"}, ["Beta"]),
        ({"country": "be"}, ["Beta"]),
    ]
    for params, expected in cases:
        assert names(owner.get("/accounts", **params)) == expected, params
    bad = owner.get("/accounts", phone="call me")
    assert (bad.status, bad.code, bad.body["errors"][0]["field"]) == (
        400,
        "api.bad_filter",
        "phone",
    )


def test_contact_filters(clients: dict[str, ApiClient]) -> None:
    owner = clients["owner"]
    ids = make_accounts(owner)
    rows = {
        "Dupont": {
            "links": [{"account": ids["Alpha"]}, {"account": ids["Beta"]}],
            "phones": [{"number": "06 11 22 33 44"}],
        },
        "Durand": {
            "account": ids["Beta"],
            "addresses": [{"postcode": "13001", "city": "Marseille", "country": "FR"}],
        },
    }
    for name, values in rows.items():
        assert owner.post("/contacts", {"last_name": name, **values}).status == 201
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"account": ids["Beta"]}, ["Dupont", "Durand"]),
        ({"account": ids["Alpha"]}, ["Dupont"]),
        ({"phone": "+33611223344"}, ["Dupont"]),
        ({"postcode": "13001"}, ["Durand"]),
    ]
    for params, expected in cases:
        assert names(owner.get("/contacts", **params), "last_name") == expected, params


def test_outsiders_see_no_nested_rows(clients: dict[str, ApiClient]) -> None:
    make_accounts(clients["owner"])
    assert clients["outsider"].get("/accounts", phone="0142685300").body["items"] == []
    assert Contact.objects.count() == 0


def test_swiss_vat_numbers_are_checked_and_compacted(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    owner = clients["owner"]
    created = owner.post(
        "/accounts", {"name": "Horlogerie Léman", "vat_number": "che-116.281.710 mwst"}
    )
    assert created.status == 201, created.body
    assert created.body["vat_number"] == "CHE116281710MWST"
    found = owner.get("/accounts?vat_number=CHE-116.281.710 MWST")
    assert names(found) == ["Horlogerie Léman"]
    for raw, message in [
        (
            "CHE-116.281.710",
            "A Swiss VAT number ends with MWST, TVA, IVA or TPF: CHE-123.456.789 MWST.",
        ),
        ("CHE-116.281.711 MWST", "This VAT number's check digits are wrong."),
        ("CHE-116.281.710 ABC", "A Swiss VAT number is CHE, 9 digits and MWST, TVA, IVA or TPF."),
    ]:
        refused = owner.post("/accounts", {"name": "Horlogerie Léman", "vat_number": raw})
        assert (refused.status, refused.code) == (422, "core.validation_failed")
        assert refused.body["errors"] == [{"field": "vat_number", "message": message}]
    assert Account.objects.count() == 1
    # The same registration in another language is the same company for the duplicate check.
    twin = owner.post("/accounts", {"name": "Horlogerie Léman", "vat_number": "CHE116281710TVA"})
    assert (twin.status, twin.code) == (409, "core.duplicates_found")
    reasons = {r["field"]: r["detail"] for r in twin.body["candidates"][0]["reasons"]}
    assert reasons == {"company_id": "same VAT number", "name": "same name"}
    assert twin.body["candidates"][0]["level"] == "certain"
