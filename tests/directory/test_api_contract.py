"""/accounts and /contacts pass the record API contract (tests/api/harness.py)."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.context import Actor
from moyeu.core.models import MoyeuModel
from moyeu.core.services import custom_fields
from moyeu.directory.api import routers
from moyeu.directory.models import Account, Contact
from moyeu.directory.services import account_create, contact_create
from tests.api.client import ApiClient
from tests.api.harness import RecordApiContract
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _split(values: dict[str, Any]) -> dict[str, Any]:
    extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
    return {"values": values, **extra}


class TestAccountApi(RecordApiContract):
    path = "/accounts"
    model = Account
    resource = routers.accounts
    record_name = "account"
    # The generic page's queries, plus one for each child table: e-mails, phones, addresses.
    list_queries = {"owner": 10, "manager": 11, "admin": 7}
    create_body = {
        "name": "Boulangerie Martin",
        "kind": "customer",
        "siren": "123456782",
        "vat_number": "FR11123456782",
        "industry": "10.71C",
        "city": "Lyon",
        "country": "FR",
        "emails": [{"kind": "work", "email": "contact@martin.example", "is_primary": True}],
        "addresses": [
            {
                "kind": "billing",
                "line1": "3 place Bellecour",
                "line2": "",
                "postcode": "69002",
                "city": "Lyon",
                "region": "",
                "country": "FR",
                "is_primary": True,
            }
        ],
        "tags": ["vip"],
    }
    change_body = {"trade_name": "Chez Martin"}
    invalid_body = {"name": "", "kind": "friend", "website": "nope"}
    invalid_fields = ["kind"]  # the enum is checked by the schema before the service runs
    name_field = "name"
    filter_cases = [
        ({"kind": "customer"}, ["Alpha", "Gamma"]),
        ({"country": "fr"}, ["Alpha", "Beta"]),
        ({"city": "LYON"}, ["Alpha"]),
        ({"q": "amm"}, ["Gamma"]),
        ({"tag": "vip"}, ["Beta"]),
        ({"kind": "customer", "country": "FR"}, ["Alpha"]),
        ({"custom.segment": "smb"}, ["Gamma"]),
    ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        return account_create(actor=actor, **_split({"name": name, **values}))

    def filter_records(self, personas: Personas) -> None:
        admin = personas.actor("admin")
        custom_fields.custom_field_create(
            actor=admin,
            record_type="directory.account",
            name="segment",
            label="Segment",
            type="choice",
            choices=["smb", "enterprise"],
        )
        owner = personas.actor("owner")
        self.make(owner, "Alpha", kind="customer", country="FR", city="Lyon")
        self.make(owner, "Beta", country="FR", tags=["vip"])
        self.make(owner, "Gamma", kind="customer", country="BE", custom={"segment": "smb"})

    def test_service_validation_errors_are_reported_by_field(
        self, clients: dict[str, ApiClient]
    ) -> None:
        answer = clients["owner"].post("/accounts", {"name": "", "website": "nope"})
        assert (answer.status, answer.code) == (422, "core.validation_failed")
        assert answer.body["errors"] == [
            {"field": "name", "message": "This field cannot be blank."},
            {"field": "website", "message": "Enter a valid URL."},
        ]


class TestContactApi(RecordApiContract):
    path = "/contacts"
    model = Contact
    resource = routers.contacts
    record_name = "contact"
    # The generic page's queries, plus e-mails, phones, addresses and links to accounts.
    list_queries = {"owner": 11, "manager": 12, "admin": 8}
    create_body = {
        "first_name": "Jeanne",
        "last_name": "Martin",
        "email": "jeanne@exemple.fr",
        "civility": "mrs",
        "language": "fr",
        "emails": [{"kind": "work", "email": "jeanne@exemple.fr", "is_primary": True}],
        "tags": ["salon"],
    }
    change_body = {"job_title": "DAF"}
    invalid_body = {"last_name": "", "email": "nope"}
    invalid_fields = ["email", "last_name"]
    name_field = "last_name"
    filter_cases = [
        ({"email": "B@EXEMPLE.FR"}, ["Bernard"]),
        ({"last_name": "dupont"}, ["Dupont"]),
        ({"q": "ber"}, ["Bernard"]),
        ({"tag": "salon"}, ["Dupont"]),
        ({"custom.score": "3"}, ["Bernard"]),
    ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        return contact_create(actor=actor, **_split({"last_name": name, **values}))

    def filter_records(self, personas: Personas) -> None:
        admin = personas.actor("admin")
        custom_fields.custom_field_create(
            actor=admin, record_type="directory.contact", name="score", label="Score", type="number"
        )
        owner = personas.actor("owner")
        self.make(owner, "Bernard", email="b@exemple.fr", custom={"score": 3})
        self.make(owner, "Dupont", tags=["salon"])
        self.make(owner, "Martin")
