"""/products, /price-lists and /customer-conditions pass the record API contract, with the
catalogue's access: everyone granted sales sees them, administrators change them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from moyeu.core.context import Actor
from moyeu.core.models import MoyeuModel
from moyeu.core.services import custom_fields
from moyeu.directory.services import account_create
from moyeu.identity.models import User
from moyeu.sales import services
from moyeu.sales.api import catalogue
from moyeu.sales.models import CustomerCondition, PriceList, Product
from tests.api.client import ApiClient
from tests.api.harness import RecordApiContract, side_effects
from tests.personas import Personas
from tests.sales.conftest import grant_catalogue

pytestmark = pytest.mark.django_db

CATALOGUE_MATRIX: dict[str, dict[str, Any]] = {
    "owner": {"list": True, "detail": 200, "create": 201, "change": 200, "delete": 204},
    "teammate": {"list": True, "detail": 200, "create": 403, "change": 403, "delete": 403},
    "manager": {"list": True, "detail": 200, "create": 201, "change": 200, "delete": 204},
    "outsider": {"list": True, "detail": 200, "create": 403, "change": 403, "delete": 403},
    "admin": {"list": True, "detail": 200, "create": 201, "change": 200, "delete": 204},
}
CASES = [(p, a) for p, row in CATALOGUE_MATRIX.items() for a in row]


class CatalogueContract(RecordApiContract):
    module = "sales"
    # Catalogue records are visible to the whole module: no team branches to read.
    list_queries = {"owner": 5, "manager": 5, "admin": 4}
    unique_name = True  # the name field must differ between two records

    @pytest.fixture(autouse=True)
    def _administrators(self, personas: Personas) -> None:
        grant_catalogue(personas, "owner", "manager")

    @pytest.mark.parametrize(("persona", "action"), CASES)
    def test_access_matrix(  # type: ignore[override]
        self, clients: dict[str, ApiClient], personas: Personas, persona: str, action: str
    ) -> None:
        record = self.owned_record(personas)
        expected = CATALOGUE_MATRIX[persona][action]
        client, url = clients[persona], f"{self.path}/{record.pk}"
        before = (side_effects(), self.model.objects.count(), record.version)
        calls: dict[str, Callable[[], Any]] = {
            "detail": lambda: client.get(url),
            "create": lambda: client.post(self.path, self.other_body),
            "change": lambda: client.patch(url, self.change_body),
            "delete": lambda: client.delete(url),
        }
        if action == "list":
            listed = [item["id"] for item in client.get(self.path).body["items"]]
            assert (str(record.pk) in listed) is expected
            return
        answer = calls[action]()
        assert answer.status == expected, answer.body
        if expected >= 400:
            assert answer.code == "core.permission_denied"
            current = self.model.objects.get(pk=record.pk)
            assert (side_effects(), self.model.objects.count(), current.version) == before

    @property
    def other_body(self) -> dict[str, Any]:
        return self.create_body

    def test_idempotency_key_replays_the_first_answer(  # type: ignore[override]
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        client, key = clients["owner"], {"Idempotency-Key": "retry-1"}
        first = client.post(self.path, self.create_body, headers=key)
        again = client.post(self.path, self.create_body, headers=key)
        assert (first.status, again.status) == (201, 201)
        assert (again.body, again.headers["Idempotent-Replayed"]) == (first.body, "true")
        assert self.model.objects.count() == 1
        theirs = clients["manager"].post(self.path, self.other_body, headers=key)
        assert theirs.status == 201 and theirs.body["id"] != first.body["id"]
        assert self.model.objects.count() == 2


class TestProductApi(CatalogueContract):
    path = "/products"
    model = Product
    resource = catalogue.products
    record_name = "product"
    create_body = {
        "code": "INST-1",
        "name": "Installation",
        "kind": "service",
        "unit": "hour",
        "unit_price": "85.0000",
        "currency": "EUR",
        "tags": ["pose"],
    }
    change_body = {"name": "Installation sur site"}
    invalid_body = {"code": " ", "name": "X", "currency": "EURO"}
    invalid_fields = ["code", "currency"]
    name_field = "name"

    @property
    def other_body(self) -> dict[str, Any]:
        return {**self.create_body, "code": "INST-2"}

    @property
    def filter_cases(self) -> list[tuple[dict[str, Any], list[str]]]:  # type: ignore[override]
        return [
            ({"kind": "service"}, ["Beta"]),
            ({"is_active": "false"}, ["Gamma"]),
            ({"currency": "CHF"}, ["Gamma"]),
            ({"code": "A-1"}, ["Alpha"]),
            ({"q": "amm"}, ["Gamma"]),
            ({"tag": "vip"}, ["Beta"]),
            ({"custom.weight": "3"}, ["Alpha"]),
        ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
        values.setdefault("code", name.upper())
        return services.product_create(actor=actor, values={"name": name, **values}, **extra)

    def filter_records(self, personas: Personas) -> None:
        owner = personas.actor("owner")
        custom_fields.custom_field_create(
            actor=personas.actor("admin"),
            record_type="sales.product",
            name="weight",
            label="Weight",
            type="number",
        )
        self.make(owner, "Alpha", code="A-1", custom={"weight": 3})
        self.make(owner, "Beta", kind="service", tags=["vip"])
        self.make(owner, "Gamma", currency="chf", is_active=False)


class TestPriceListApi(CatalogueContract):
    path = "/price-lists"
    model = PriceList
    resource = catalogue.price_lists
    record_name = "price_list"
    list_queries = {"owner": 6, "manager": 6, "admin": 5}  # and the page's prices
    change_body = {"name": "Tarif 2027"}
    invalid_body = {
        "name": "Tarif",
        "currency": "XYZ",
        "valid_from": "2026-06-01",
        "valid_until": "2026-01-01",
    }
    invalid_fields = ["currency", "valid_until"]
    name_field = "name"

    @property
    def create_body(self) -> dict[str, Any]:  # type: ignore[override]
        product = Product.objects.filter(code="P-1").first()
        if product is None:
            owner = User.objects.get(username="admin")
            product = services.product_create(
                actor=Actor(user=owner), values={"code": "P-1", "name": "Produit"}
            )
        return {
            "name": "Tarif public",
            "currency": "EUR",
            "segment": "",
            "valid_from": "2026-01-01",
            "valid_until": None,
            "is_active": True,
            "items": [{"product": str(product.pk), "unit_price": "12.5000"}],
        }

    @pytest.fixture(autouse=True)
    def _product_first(self, personas: Personas) -> None:
        self.create_body  # noqa: B018  (creates the product before side effects are counted)

    @property
    def filter_cases(self) -> list[tuple[dict[str, Any], list[str]]]:  # type: ignore[override]
        return [
            ({"currency": "USD"}, ["Beta"]),
            ({"segment": "Grands comptes"}, ["Gamma"]),
            ({"is_active": "false"}, ["Beta"]),
            ({"q": "alp"}, ["Alpha"]),
        ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
        return services.price_list_create(actor=actor, values={"name": name, **values}, **extra)

    def filter_records(self, personas: Personas) -> None:
        owner = personas.actor("owner")
        self.make(owner, "Alpha")
        self.make(owner, "Beta", currency="USD", is_active=False)
        self.make(owner, "Gamma", segment="Grands comptes")


class TestCustomerConditionApi(CatalogueContract):
    path = "/customer-conditions"
    model = CustomerCondition
    resource = catalogue.conditions
    record_name = "customer_condition"
    change_body = {"note": "Remise 2027"}
    name_field = "note"
    invalid_fields = ["account", "valid_until"]

    _account: str | None = None

    @pytest.fixture(autouse=True)
    def _account_first(self, personas: Personas) -> None:
        self.account()

    def account(self) -> str:
        if self._account is None:
            owner = User.objects.get(username="owner")
            account = account_create(actor=Actor(user=owner), values={"name": "Client"})
            type(self)._account = None
            self._account = str(account.pk)
        return self._account

    @property
    def create_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {"account": self.account(), "discount_percent": "7.50", "note": "Remise"}

    @property
    def invalid_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "account": "0193a0c4-0000-7000-8000-000000000000",
            "discount_percent": "5",
            "valid_from": "2026-06-01",
            "valid_until": "2026-01-01",
        }

    @property
    def filter_cases(self) -> list[tuple[dict[str, Any], list[str]]]:  # type: ignore[override]
        return [({"account": self.other}, ["Gamma"]), ({"product": self.product}, ["Beta"])]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
        values.setdefault("account", self.account())
        values.setdefault("discount_percent", "5")
        return services.customer_condition_create(
            actor=actor, values={"note": name, **values}, **extra
        )

    def filter_records(self, personas: Personas) -> None:
        owner = personas.actor("owner")
        other = account_create(actor=owner, values={"name": "Autre"})
        product = services.product_create(actor=owner, values={"code": "X", "name": "X"})
        self.other, self.product = str(other.pk), str(product.pk)
        self.make(owner, "Alpha")
        self.make(owner, "Beta", product=product.pk, discount_percent=None, unit_price="9.90")
        self.make(owner, "Gamma", account=other.pk)
