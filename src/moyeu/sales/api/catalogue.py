"""/products, /price-lists, /customer-conditions, /tax-rates and /prices: three-line
handlers over the generic record resource and the sales services."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from moyeu.api.auth import actor_of
from moyeu.api.idempotency import idempotent
from moyeu.api.resources import IF_MATCH, RecordResource, expected_version
from moyeu.api.schemas import Page
from moyeu.core.errors import NotFound
from moyeu.sales import services
from moyeu.sales.api import catalogue_schemas as s
from moyeu.sales.models import CustomerCondition, PriceList, Product, TaxRate
from moyeu.sales.services.common import visible_record

EXTERNAL = "/by-external-id/{system}/{path:value}"


class PriceListResource(RecordResource[PriceList]):
    def prefetched(self, queryset: models.QuerySet[PriceList]) -> models.QuerySet[PriceList]:
        return super().prefetched(queryset).prefetch_related("items")


products = RecordResource(
    model=Product,
    create_service=services.product_create,
    update_service=services.product_update,
    delete_service=services.product_delete,
    upsert_service=services.product_upsert_by_external_id,
    id_argument="product_id",
    output=s.ProductOut,
    orderings=("id", "created_at", "updated_at", "name", "code"),
    lookups={"kind": "kind", "is_active": "is_active", "currency": "currency", "code": "code"},
    foreign_keys={"tax_rate": "tax_rate"},
)
price_lists = PriceListResource(
    model=PriceList,
    create_service=services.price_list_create,
    update_service=services.price_list_update,
    delete_service=services.price_list_delete,
    upsert_service=services.price_list_upsert_by_external_id,
    id_argument="price_list_id",
    output=s.PriceListOut,
    orderings=("id", "created_at", "updated_at", "name"),
    lookups={"currency": "currency", "segment": "segment", "is_active": "is_active"},
)
conditions = RecordResource(
    model=CustomerCondition,
    create_service=services.customer_condition_create,
    update_service=services.customer_condition_update,
    delete_service=services.customer_condition_delete,
    upsert_service=services.customer_condition_upsert_by_external_id,
    id_argument="condition_id",
    output=s.ConditionOut,
    orderings=("id", "created_at", "updated_at", "note"),
    lookups={"account": "account_id", "product": "product_id"},
)

product_router = Router(tags=["products"])
price_list_router = Router(tags=["price lists"])
condition_router = Router(tags=["customer conditions"])
tax_rate_router = Router(tags=["products"])
price_router = Router(tags=["price lists"])


# --- /products -------------------------------------------------------------------------------


@product_router.get("", response=Page[s.ProductOut])
def list_products(request: HttpRequest, query: Query[s.ProductQuery]) -> Any:
    return products.list(request, query)


@product_router.post("", response={201: s.ProductOut})
@idempotent
def create_product(request: HttpRequest, response: HttpResponse, payload: s.ProductCreate) -> Any:
    """Sales administrators only (the `sales` module's `administer` grant)."""
    return products.create(request, response, payload)


@product_router.get("/{product_id}", response=s.ProductOut)
def get_product(request: HttpRequest, response: HttpResponse, product_id: uuid.UUID) -> Any:
    return products.detail(request, response, product_id)


@product_router.patch("/{product_id}", response=s.ProductOut, openapi_extra=IF_MATCH)
def update_product(
    request: HttpRequest, response: HttpResponse, product_id: uuid.UUID, payload: s.ProductPatch
) -> Any:
    return products.update(request, response, product_id, payload)


@product_router.delete("/{product_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_product(request: HttpRequest, product_id: uuid.UUID) -> Any:
    """Refused (409 `core.record_in_use`) once quoted: deactivate it instead."""
    return products.delete(request, product_id)


@product_router.put(
    EXTERNAL, response={200: s.ProductOut, 201: s.ProductOut}, openapi_extra=IF_MATCH
)
def upsert_product(
    request: HttpRequest, response: HttpResponse, system: str, value: str, payload: s.ProductUpsert
) -> Any:
    return products.upsert(request, response, system, value, payload)


# --- /price-lists ------------------------------------------------------------------------------


@price_list_router.get("", response=Page[s.PriceListOut])
def list_price_lists(request: HttpRequest, query: Query[s.PriceListQuery]) -> Any:
    return price_lists.list(request, query)


@price_list_router.post("", response={201: s.PriceListOut})
@idempotent
def create_price_list(
    request: HttpRequest, response: HttpResponse, payload: s.PriceListCreate
) -> Any:
    return price_lists.create(request, response, payload)


@price_list_router.get("/{price_list_id}", response=s.PriceListOut)
def get_price_list(request: HttpRequest, response: HttpResponse, price_list_id: uuid.UUID) -> Any:
    return price_lists.detail(request, response, price_list_id)


@price_list_router.patch("/{price_list_id}", response=s.PriceListOut, openapi_extra=IF_MATCH)
def update_price_list(
    request: HttpRequest,
    response: HttpResponse,
    price_list_id: uuid.UUID,
    payload: s.PriceListPatch,
) -> Any:
    return price_lists.update(request, response, price_list_id, payload)


@price_list_router.delete("/{price_list_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_price_list(request: HttpRequest, price_list_id: uuid.UUID) -> Any:
    return price_lists.delete(request, price_list_id)


@price_list_router.put(
    EXTERNAL, response={200: s.PriceListOut, 201: s.PriceListOut}, openapi_extra=IF_MATCH
)
def upsert_price_list(
    request: HttpRequest,
    response: HttpResponse,
    system: str,
    value: str,
    payload: s.PriceListUpsert,
) -> Any:
    return price_lists.upsert(request, response, system, value, payload)


# --- /customer-conditions ----------------------------------------------------------------------


@condition_router.get("", response=Page[s.ConditionOut])
def list_customer_conditions(request: HttpRequest, query: Query[s.ConditionQuery]) -> Any:
    return conditions.list(request, query)


@condition_router.post("", response={201: s.ConditionOut})
@idempotent
def create_customer_condition(
    request: HttpRequest, response: HttpResponse, payload: s.ConditionCreate
) -> Any:
    return conditions.create(request, response, payload)


@condition_router.get("/{condition_id}", response=s.ConditionOut)
def get_customer_condition(
    request: HttpRequest, response: HttpResponse, condition_id: uuid.UUID
) -> Any:
    return conditions.detail(request, response, condition_id)


@condition_router.patch("/{condition_id}", response=s.ConditionOut, openapi_extra=IF_MATCH)
def update_customer_condition(
    request: HttpRequest,
    response: HttpResponse,
    condition_id: uuid.UUID,
    payload: s.ConditionPatch,
) -> Any:
    return conditions.update(request, response, condition_id, payload)


@condition_router.delete("/{condition_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_customer_condition(request: HttpRequest, condition_id: uuid.UUID) -> Any:
    return conditions.delete(request, condition_id)


@condition_router.put(
    EXTERNAL, response={200: s.ConditionOut, 201: s.ConditionOut}, openapi_extra=IF_MATCH
)
def upsert_customer_condition(
    request: HttpRequest,
    response: HttpResponse,
    system: str,
    value: str,
    payload: s.ConditionPatch,
) -> Any:
    return conditions.upsert(request, response, system, value, payload)


# --- /tax-rates and /prices --------------------------------------------------------------------


@tax_rate_router.get("", response=list[s.TaxRateOut])
def list_tax_rates(request: HttpRequest) -> Any:
    """Every VAT rate (the French rates until an administrator changes them)."""
    services.ensure_default_tax_rates()
    return list(TaxRate.objects.all())


@tax_rate_router.post("", response={201: s.TaxRateOut})
@idempotent
def create_tax_rate(request: HttpRequest, payload: s.TaxRateIn) -> Any:
    values = payload.model_dump(exclude_unset=True)
    return Status(201, services.tax_rate_create(actor=actor_of(request), values=values))


@tax_rate_router.patch("/{tax_rate_id}", response=s.TaxRateOut, openapi_extra=IF_MATCH)
def update_tax_rate(
    request: HttpRequest, response: HttpResponse, tax_rate_id: uuid.UUID, payload: s.TaxRateIn
) -> Any:
    rate = services.tax_rate_update(
        actor=actor_of(request),
        tax_rate_id=tax_rate_id,
        values=payload.model_dump(exclude_unset=True),
        expected_version=expected_version(request),
    )
    response["ETag"] = f'"{rate.version}"'
    return rate


@price_router.get("", response=s.PriceOut)
def get_price(request: HttpRequest, query: Query[s.PriceQuery]) -> Any:
    """The unit price and discount a quote line of `product` would get for `account`, and why."""
    actor = actor_of(request)
    product = products.get(request, query.product)
    account_id = None
    if query.account is not None:
        account = visible_record(actor, "directory.account", query.account)
        if account is None:
            raise NotFound("No such account.", field="account")
        account_id = account.pk
    decision = services.price_for(
        product=product,
        currency=query.currency.upper(),
        on=query.date or timezone.localdate(),
        account_id=account_id,
    )
    return {
        "product": product.pk,
        "currency": query.currency.upper(),
        "unit_price": decision.unit_price,
        "discount_percent": decision.discount_percent,
        "source": decision.source,
        "reason": decision.reason,
        "price_list": decision.price_list_id,
        "condition": decision.condition_id,
    }


routers: list[tuple[str, Router]] = [
    ("/products", product_router),
    ("/price-lists", price_list_router),
    ("/customer-conditions", condition_router),
    ("/tax-rates", tax_rate_router),
    ("/prices", price_router),
]
