"""Request and response bodies of /products, /price-lists, /customer-conditions, /tax-rates."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import ExternalIdsIn, InputSchema, ListQuery, RecordIn, RecordOut
from moyeu.sales.models import ProductKind, Unit

MONEY = 'A decimal number as a string, excluding tax: "12.50".'


class TaxRateOut(Schema):
    id: uuid.UUID
    name: str
    rate: Decimal = Field(description='Percent: "20.00", "5.50".')
    is_default: bool
    is_active: bool
    version: int


class TaxRateIn(InputSchema):
    not_null = frozenset({"name", "rate", "is_default", "is_active"})
    name: str | None = Field(default=None, max_length=64)
    rate: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    is_default: bool | None = None
    is_active: bool | None = None


class ProductOut(RecordOut):
    code: str
    name: str
    description: str
    kind: ProductKind
    unit: Unit
    tax_rate: uuid.UUID
    unit_price: Decimal = Field(description=MONEY)
    currency: str
    is_active: bool

    @staticmethod
    def resolve_tax_rate(obj: Any) -> Any:
        return obj.tax_rate_id


class ProductFields(InputSchema):
    not_null = frozenset(
        {
            "code",
            "name",
            "description",
            "kind",
            "unit",
            "tax_rate",
            "unit_price",
            "currency",
            "is_active",
        }
    )
    code: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)
    description: str | None = None
    kind: ProductKind | None = None
    unit: Unit | None = None
    tax_rate: uuid.UUID | None = Field(
        default=None, description="A VAT rate's id (GET /tax-rates); default: the default rate."
    )
    unit_price: Decimal | None = Field(default=None, ge=0, decimal_places=4, description=MONEY)
    currency: str | None = Field(default=None, description="ISO 4217: EUR, USD, CHF...")
    is_active: bool | None = None


class ProductCreate(ProductFields, RecordIn, ExternalIdsIn):
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)


class ProductUpsert(ProductFields, RecordIn):
    pass


class ProductPatch(ProductFields, RecordIn, ExternalIdsIn):
    pass


class ProductQuery(ListQuery):
    kind: ProductKind | None = None
    is_active: bool | None = None
    currency: str | None = None
    code: str | None = None


class PriceItem(Schema):
    product: uuid.UUID
    unit_price: Decimal = Field(description=MONEY)

    @staticmethod
    def resolve_product(obj: Any) -> Any:
        return obj.product_id


class PriceItemIn(InputSchema):
    product: uuid.UUID
    unit_price: Decimal = Field(ge=0, decimal_places=4, description=MONEY)


class PriceListOut(RecordOut):
    name: str
    currency: str
    segment: str = Field(description='An account tag; "": every customer.')
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    is_active: bool
    items: list[PriceItem]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return sorted(obj.items.all(), key=lambda item: str(item.product_id))


class PriceListFields(InputSchema):
    not_null = frozenset({"name", "currency", "segment", "is_active", "items"})
    name: str | None = Field(default=None, max_length=200)
    currency: str | None = Field(default=None, description="ISO 4217.")
    segment: str | None = Field(
        default=None, max_length=64, description='An account tag; "": every customer.'
    )
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    is_active: bool | None = None
    items: list[PriceItemIn] | None = Field(default=None, description="Replaces the prices.")


class PriceListCreate(PriceListFields, RecordIn, ExternalIdsIn):
    name: str = Field(max_length=200)


class PriceListUpsert(PriceListFields, RecordIn):
    pass


class PriceListPatch(PriceListFields, RecordIn, ExternalIdsIn):
    pass


class PriceListQuery(ListQuery):
    currency: str | None = None
    segment: str | None = None
    is_active: bool | None = None


class ConditionOut(RecordOut):
    account: uuid.UUID
    product: uuid.UUID | None
    unit_price: Decimal | None = Field(description=MONEY)
    currency: str
    discount_percent: Decimal | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    note: str

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id

    @staticmethod
    def resolve_product(obj: Any) -> Any:
        return obj.product_id


class ConditionFields(InputSchema):
    not_null = frozenset({"account", "currency", "note"})
    account: uuid.UUID | None = None
    product: uuid.UUID | None = Field(default=None, description="null: every product.")
    unit_price: Decimal | None = Field(default=None, ge=0, decimal_places=4, description=MONEY)
    currency: str | None = None
    discount_percent: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    note: str | None = Field(default=None, max_length=300)


class ConditionCreate(ConditionFields, RecordIn, ExternalIdsIn):
    account: uuid.UUID


class ConditionPatch(ConditionFields, RecordIn, ExternalIdsIn):
    pass


class ConditionQuery(ListQuery):
    account: uuid.UUID | None = None
    product: uuid.UUID | None = None


class PriceQuery(Schema):
    product: uuid.UUID
    currency: str = "EUR"
    account: uuid.UUID | None = None
    date: datetime.date | None = None


class PriceOut(Schema):
    product: uuid.UUID
    currency: str
    unit_price: Decimal = Field(description=MONEY)
    discount_percent: Decimal
    source: str = Field(description="catalogue, price_list, customer_price or customer_discount.")
    reason: str
    price_list: uuid.UUID | None
    condition: uuid.UUID | None
