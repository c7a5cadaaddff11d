"""/quotes passes the record API contract; its actions and /orders answer as documented."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from moyeu.core.context import Actor
from moyeu.core.models import MoyeuModel, OutboxEvent
from moyeu.directory.services import account_create
from moyeu.identity.models import User
from moyeu.sales import services
from moyeu.sales.api import quotes as quote_api
from moyeu.sales.models import Order, Product, Quote
from tests.api.client import ApiClient
from tests.api.harness import RecordApiContract, side_effects
from tests.personas import Personas
from tests.sales.helpers import World, make_world

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


class TestQuoteApi(RecordApiContract):
    path = "/quotes"
    model = Quote
    resource = quote_api.quotes
    module = "sales"
    record_name = "quote"
    # The generic page's queries, plus the page's lines and their orders.
    list_queries = {"owner": 8, "manager": 9, "admin": 5}
    change_body = {"title": "Rénovation"}
    name_field = "title"
    invalid_fields = ["account", "currency"]

    _account: str | None = None

    @pytest.fixture(autouse=True)
    def _account_first(self, personas: Personas) -> None:
        self.account()

    def account(self) -> str:
        if self._account is None:
            owner = User.objects.get(username="owner")
            account = account_create(actor=Actor(user=owner), values={"name": "Client"})
            self._account = str(account.pk)
        return self._account

    @property
    def create_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "account": self.account(),
            "title": "Équipement",
            "currency": "EUR",
            "valid_until": "2030-01-31",
            "discount_percent": "5.00",
            "tags": ["chantier"],
        }

    @property
    def invalid_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {"account": "0193a0c4-0000-7000-8000-000000000000", "currency": "EURO"}

    @property
    def filter_cases(self) -> list[tuple[dict[str, Any], list[str]]]:  # type: ignore[override]
        return [
            ({"status": "sent"}, ["Beta"]),
            ({"account": self.other}, ["Gamma"]),
            ({"currency": "CHF"}, ["Gamma"]),
            ({"number": f"DEV-{YEAR}-00001"}, ["Beta"]),
            ({"q": "amm"}, ["Gamma"]),
        ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
        values.setdefault("account", self.account())
        values.setdefault("lines", [{"description": "Forfait", "unit_price": "10"}])
        return services.quote_create(actor=actor, values={"title": name, **values}, **extra)

    def filter_records(self, personas: Personas) -> None:
        owner = personas.actor("owner")
        other = account_create(actor=owner, values={"name": "Autre"})
        self.other = str(other.pk)
        self.make(owner, "Alpha")
        beta = self.make(owner, "Beta")
        services.quote_issue(actor=owner, quote_id=beta.pk)
        self.make(owner, "Gamma", account=other.pk, currency="CHF")

    def test_create_answers_the_record_with_etag_location_audit_and_event(  # type: ignore[override]
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        super().test_create_answers_the_record_with_etag_location_audit_and_event(clients, personas)
        lines = [{"description": "Pose", "quantity": "3", "unit_price": "0.335"}]
        body = clients["owner"].post(self.path, {**self.create_body, "lines": lines}).body
        assert (body["number"], body["status"], body["lines_total"], body["total_excl_tax"]) == (
            "",
            "draft",
            "1.01",
            "0.96",
        )
        assert body["vat"] == [{"rate": "20.00", "base": "0.96", "tax": "0.19"}]
        assert body["lines"][0]["pricing_source"] == "manual"


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)


def test_the_quote_life_through_the_api(
    world: World,
    clients: dict[str, ApiClient],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = clients["owner"]
    created = owner.post(
        "/quotes",
        {
            "account": str(world.account.pk),
            "contact": str(world.contact.pk),
            "lines": [{"product": str(world.licence.pk), "quantity": "2"}],
        },
    )
    assert created.status == 201, created.body
    url = f"/quotes/{created.body['id']}"
    line = owner.post(
        f"{url}/lines",
        {"product": str(world.book.pk), "quantity": "4"},
        headers={"If-Match": '"1"'},
    )
    assert (line.status, line.headers["ETag"], line.body["total_incl_tax"]) == (
        200,
        '"2"',
        "292.71",
    )
    assert [v["rate"] for v in line.body["vat"]] == ["20.00", "5.50"]
    bad = owner.post(f"{url}/lines", {"quantity": "1"})
    assert (bad.status, sorted(e["field"] for e in bad.body["errors"])) == (
        422,
        ["line.description", "line.unit_price"],
    )
    stale = owner.post(f"{url}/send", {"to": ["a@example.org"]}, headers={"If-Match": '"1"'})
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    with django_capture_on_commit_callbacks(execute=True):
        sent = owner.post(f"{url}/send", {"message": "Bonjour"})
    assert (sent.status, sent.body["number"], sent.body["sent_to"]) == (
        200,
        f"DEV-{YEAR}-00001",
        "jeanne@boulangerie.example",
    )
    # The e-mail leaves after the commit, once the answer is written.
    assert Quote.objects.get(pk=created.body["id"]).emailed_at is not None
    frozen = owner.patch(url, {"title": "X"})
    assert (frozen.status, frozen.code) == (409, "sales.quote_not_draft")
    link = owner.get(f"{url}/answer-link")
    assert link.body["url"].startswith("http://127.0.0.1:8000/sales/q/")
    pdf = owner.download(f"{url}/pdf")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    accepted = owner.post(f"{url}/accept")
    assert (accepted.status, accepted.body["status"]) == (200, "accepted")
    order_url = f"/orders/{accepted.body['order']}"
    order = owner.get(order_url)
    assert (order.status, order.body["number"], order.body["total_incl_tax"]) == (
        200,
        f"CMD-{YEAR}-00001",
        "292.71",
    )
    no_reason = owner.post(f"{order_url}/block", {"reason": ""})
    assert (no_reason.status, no_reason.body["errors"][0]["field"]) == (422, "reason")
    blocked = owner.post(f"{order_url}/block", {"reason": "Acompte"}, headers={"If-Match": '"1"'})
    assert (blocked.status, blocked.body["status"], blocked.headers["ETag"]) == (
        200,
        "blocked",
        '"2"',
    )
    wrong = owner.post(f"{order_url}/deliver")
    assert (wrong.status, wrong.code) == (409, "sales.order_transition")
    noted = owner.patch(order_url, {"notes": "Livrer le matin", "delivery_date": "2030-02-01"})
    assert (noted.status, noted.body["notes"], noted.body["version"]) == (
        200,
        "Livrer le matin",
        3,
    )
    listed = owner.get("/orders", status="blocked")
    assert [o["number"] for o in listed.body["items"]] == [f"CMD-{YEAR}-00001"]
    assert owner.call("POST", "/orders", {}).status == 405


def test_revise_through_the_api(world: World, clients: dict[str, ApiClient]) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    revised = clients["owner"].post(f"/quotes/{quote.pk}/revise")
    assert (revised.status, revised.body["revision"], revised.body["status"]) == (
        201,
        2,
        "draft",
    )
    assert revised.body["number"] == Quote.objects.get(pk=quote.pk).number
    assert revised.headers["Location"] == f"/api/v1/quotes/{revised.body['id']}"


def test_others_cannot_act_on_the_owners_quote(world: World, clients: dict[str, ApiClient]) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    before = side_effects()
    teammate = clients["teammate"].post(f"/quotes/{quote.pk}/accept")
    outsider = clients["outsider"].post(f"/quotes/{quote.pk}/accept")
    assert (teammate.status, outsider.status) == (403, 404)
    assert clients["outsider"].get(f"/quotes/{quote.pk}/pdf").status == 404
    assert (side_effects(), Order.objects.count()) == (before, 0)


def test_the_price_a_line_would_get(world: World, clients: dict[str, ApiClient]) -> None:
    answer = clients["owner"].get(
        "/prices", product=str(world.book.pk), account=str(world.account.pk)
    )
    assert answer.body == {
        "product": str(world.book.pk),
        "currency": "EUR",
        "unit_price": "12.4900",
        "discount_percent": "0",
        "source": "catalogue",
        "reason": "Catalogue price.",
        "price_list": None,
        "condition": None,
    }
    usd = clients["owner"].get("/prices", product=str(world.book.pk), currency="USD")
    assert (usd.status, usd.body["errors"]) == (
        422,
        [{"field": "product", "message": "LIVRE has no price in USD."}],
    )
    assert Product.objects.count() == 2
    events = set(OutboxEvent.objects.values_list("type", flat=True))
    assert {"product.created", "contact.created"} <= events


def test_vat_rates_through_the_api(clients: dict[str, ApiClient]) -> None:
    listed = clients["owner"].get("/tax-rates")
    assert [(r["name"], r["rate"], r["is_default"]) for r in listed.body][:2] == [
        ("TVA 20 %", "20.00", True),
        ("TVA 10 %", "10.00", False),
    ]
    denied = clients["manager"].post("/tax-rates", {"name": "TVA 8,5 %", "rate": "8.5"})
    assert (denied.status, denied.code) == (403, "core.permission_denied")
    made = clients["admin"].post("/tax-rates", {"name": "TVA 8,5 %", "rate": "8.5"})
    assert (made.status, made.body["rate"], made.body["version"]) == (201, "8.50", 1)
    changed = clients["admin"].patch(
        f"/tax-rates/{made.body['id']}", {"is_default": True}, headers={"If-Match": '"1"'}
    )
    assert (changed.status, changed.body["is_default"], changed.headers["ETag"]) == (
        200,
        True,
        '"2"',
    )
    assert [r["name"] for r in clients["owner"].get("/tax-rates").body if r["is_default"]] == [
        "TVA 8,5 %"
    ]
