"""The pricing service: which price a quote line gets, and why; VAT rates; the catalogue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from moyeu.core.errors import Conflict, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry
from moyeu.directory.services import account_create
from moyeu.sales import services
from moyeu.sales.models import TaxRate
from tests.personas import Personas
from tests.sales.conftest import grant_catalogue

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 15)


@pytest.fixture
def catalogue(personas: Personas) -> dict[str, object]:
    grant_catalogue(personas, "manager")
    manager = personas.actor("manager")
    product = services.product_create(
        actor=manager, values={"code": "LIC", "name": "Licence", "unit_price": "100"}
    )
    account = account_create(actor=personas.actor("owner"), values={"name": "Acme"})
    return {"manager": manager, "product": product, "account": account}


def _price(catalogue: dict[str, object], currency: str = "EUR") -> services.PriceDecision:
    return services.price_for(
        product=catalogue["product"],  # type: ignore[arg-type]
        currency=currency,
        on=DAY,
        account_id=catalogue["account"].pk,  # type: ignore[attr-defined]
    )


def _list(catalogue: dict[str, object], name: str, price: str, **values: object) -> None:
    services.price_list_create(
        actor=catalogue["manager"],  # type: ignore[arg-type]
        values={
            "name": name,
            "items": [{"product": catalogue["product"].pk, "unit_price": price}],  # type: ignore[attr-defined]
            **values,
        },
    )


def test_the_catalogue_price_without_any_list(catalogue: dict[str, object]) -> None:
    decision = _price(catalogue)
    assert (decision.unit_price, decision.discount_percent, decision.source, decision.reason) == (
        Decimal("100.0000"),
        Decimal(0),
        "catalogue",
        "Catalogue price.",
    )


def test_no_price_in_another_currency_names_the_product(catalogue: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _price(catalogue, "USD")
    assert caught.value.errors == {"product": ["LIC has no price in USD."]}


def test_the_lowest_general_list_then_the_customers_segment_list_wins(
    catalogue: dict[str, object],
) -> None:
    _list(catalogue, "Tarif public", "90")
    _list(catalogue, "Promotion", "80", valid_until="2026-06-30")
    _list(catalogue, "Ancien tarif", "10", valid_until="2026-05-31")  # expired on DAY
    _list(catalogue, "Inactif", "11", is_active=False)
    _list(catalogue, "Dollars", "5", currency="USD")
    decision = _price(catalogue)
    assert (decision.unit_price, decision.source, decision.reason) == (
        Decimal("80.0000"),
        "price_list",
        "Price list Promotion.",
    )
    _list(catalogue, "Grands comptes", "85", segment="Grands comptes")
    assert _price(catalogue).unit_price == Decimal("80.0000")  # Acme is not tagged yet
    account = catalogue["account"]
    from moyeu.directory.services import account_update

    account_update(
        actor=catalogue["manager"],  # type: ignore[arg-type]
        account_id=account.pk,  # type: ignore[attr-defined]
        tags=["Grands comptes"],
    )
    decision = _price(catalogue)
    assert (decision.unit_price, decision.reason) == (
        Decimal("85.0000"),
        "Price list Grands comptes (segment Grands comptes).",
    )


def test_customer_conditions_apply_the_most_specific_first(
    catalogue: dict[str, object],
) -> None:
    manager, product, account = catalogue["manager"], catalogue["product"], catalogue["account"]
    _list(catalogue, "Tarif public", "90")
    services.customer_condition_create(
        actor=manager,  # type: ignore[arg-type]
        values={"account": account.pk, "discount_percent": "10"},  # type: ignore[attr-defined]
    )
    decision = _price(catalogue)
    assert (
        decision.unit_price,
        decision.discount_percent,
        decision.source,
        decision.reason,
    ) == (
        Decimal("90.0000"),
        Decimal("10.00"),
        "customer_discount",
        "Price list Tarif public. Customer discount of 10 % on every product.",
    )
    negotiated = services.customer_condition_create(
        actor=manager,  # type: ignore[arg-type]
        values={
            "account": account.pk,  # type: ignore[attr-defined]
            "product": product.pk,  # type: ignore[attr-defined]
            "unit_price": "72.5",
            "valid_until": "2026-12-31",
        },
    )
    decision = _price(catalogue)
    assert (decision.unit_price, decision.discount_percent, decision.condition_id) == (
        Decimal("72.5000"),
        Decimal(0),
        negotiated.pk,
    )
    assert decision.reason == (
        "Price negotiated with the customer until 2026-12-31 "
        "(instead of 90: Price list Tarif public)"
    )


def test_a_condition_is_a_price_or_a_discount(
    catalogue: dict[str, object], personas: Personas
) -> None:
    manager, account = catalogue["manager"], catalogue["account"]
    with pytest.raises(ValidationFailed) as both:
        services.customer_condition_create(
            actor=manager,  # type: ignore[arg-type]
            values={"account": account.pk, "unit_price": "5", "discount_percent": "5"},  # type: ignore[attr-defined]
        )
    assert both.value.errors == {
        "unit_price": ["Give either a negotiated unit price or a discount."]
    }
    with pytest.raises(ValidationFailed) as price_alone:
        services.customer_condition_create(
            actor=manager,  # type: ignore[arg-type]
            values={"account": account.pk, "unit_price": "5"},  # type: ignore[attr-defined]
        )
    assert price_alone.value.errors == {"product": ["A negotiated price is for one product."]}
    with pytest.raises(PermissionDenied):
        services.customer_condition_create(
            actor=personas.actor("owner"),
            values={"account": account.pk, "discount_percent": "5"},  # type: ignore[attr-defined]
        )


def test_the_french_vat_rates_by_default_and_their_administration(personas: Personas) -> None:
    services.ensure_default_tax_rates()
    rates = [(r.name, r.rate, r.is_default) for r in TaxRate.objects.all()]
    assert rates == [
        ("TVA 20 %", Decimal("20.00"), True),
        ("TVA 10 %", Decimal("10.00"), False),
        ("TVA 5,5 %", Decimal("5.50"), False),
        ("TVA 2,1 %", Decimal("2.10"), False),
        ("TVA 0 %", Decimal("0.00"), False),
    ]
    with pytest.raises(PermissionDenied):
        services.tax_rate_create(actor=personas.actor("manager"), values={"name": "X", "rate": 1})
    admin = personas.actor("admin")
    with pytest.raises(ValidationFailed) as bad:
        services.tax_rate_create(actor=admin, values={"name": "", "rate": "101"})
    assert bad.value.errors == {"name": ["This field is required."], "rate": ["At most 100."]}
    corse = services.tax_rate_create(
        actor=admin, values={"name": "TVA Corse 13 %", "rate": "13", "is_default": True}
    )
    assert list(TaxRate.objects.filter(is_default=True)) == [corse]
    assert services.default_tax_rate() == corse
    entry = AuditEntry.objects.get(code="sales.tax_rate.created")
    assert entry.changes["rate"] == [None, "13.00"]
    with pytest.raises(Conflict):
        services.tax_rate_create(actor=admin, values={"name": "TVA 20 %", "rate": "20"})


def test_a_product_in_use_cannot_be_deleted(catalogue: dict[str, object]) -> None:
    _list(catalogue, "Tarif public", "90")
    product = catalogue["product"]
    with pytest.raises(Conflict) as caught:
        services.product_delete(actor=catalogue["manager"], product_id=product.pk)  # type: ignore[arg-type, attr-defined]
    assert caught.value.code == "core.record_in_use"
    assert AuditEntry.objects.filter(code="sales.product.deleted").count() == 0
