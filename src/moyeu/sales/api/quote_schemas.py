"""Request and response bodies of /quotes and /orders."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import ExternalIdsIn, InputSchema, ListQuery, RecordIn, RecordOut
from moyeu.sales.models import OrderStatus, QuoteStatus
from moyeu.sales.services.quote_math import totals

MONEY = 'A decimal number as a string: "1234.50".'
LINES = (
    "Replaces the lines. A product line without `unit_price` gets its price and discount from "
    "the price lists and the customer's conditions (`pricing_reason` says why)."
)


class QuoteLineOut(Schema):
    position: int
    product: uuid.UUID | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal = Field(description=MONEY)
    discount_percent: Decimal
    tax_rate: Decimal = Field(description="VAT in percent, copied from the rate when added.")
    total_excl_tax: Decimal = Field(description="quantity x unit price - discount, to the cent.")
    pricing_source: str = Field(
        description="catalogue, price_list, customer_price, customer_discount or manual."
    )
    pricing_reason: str

    @staticmethod
    def resolve_product(obj: Any) -> Any:
        return obj.product_id


class QuoteLineIn(InputSchema):
    product: uuid.UUID | None = None
    description: str | None = Field(default=None, max_length=500)
    quantity: Decimal = Field(default=Decimal(1), ge=0, decimal_places=3)
    unit: str | None = Field(default=None, max_length=10)
    unit_price: Decimal | None = Field(default=None, ge=0, decimal_places=4, description=MONEY)
    discount_percent: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    tax_rate: uuid.UUID | None = Field(
        default=None, description="A VAT rate's id; default: the product's, or the default."
    )


class VatOut(Schema):
    rate: Decimal
    base: Decimal = Field(description="Excluding tax, after the global discount.")
    tax: Decimal


class QuoteOut(RecordOut):
    number: str = Field(description='DEV-2026-00001 once issued; "" for a draft.')
    revision: int
    reference: str = Field(description="The number as printed: DEV-2026-00001-v2.")
    previous: uuid.UUID | None
    title: str
    account: uuid.UUID
    contact: uuid.UUID | None
    opportunity: uuid.UUID | None
    currency: str
    status: QuoteStatus
    issue_date: datetime.date | None
    valid_until: datetime.date | None
    discount_percent: Decimal
    notes: str
    lines_total: Decimal
    discount_amount: Decimal
    total_excl_tax: Decimal
    total_tax: Decimal
    total_incl_tax: Decimal
    vat: list[VatOut]
    lines: list[QuoteLineOut]
    sent_at: datetime.datetime | None
    sent_to: str
    emailed_at: datetime.datetime | None
    email_error: str
    answered_at: datetime.datetime | None
    answered_by: str
    answered_via: str
    decline_reason: str
    order: uuid.UUID | None

    @staticmethod
    def resolve_previous(obj: Any) -> Any:
        return obj.previous_id

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id

    @staticmethod
    def resolve_contact(obj: Any) -> Any:
        return obj.contact_id

    @staticmethod
    def resolve_opportunity(obj: Any) -> Any:
        return obj.opportunity_id

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_vat(obj: Any) -> list[dict[str, Any]]:
        result = totals(
            ((line.total_excl_tax, line.tax_rate) for line in obj.lines.all()),
            obj.discount_percent,
        )
        return [{"rate": r.rate, "base": r.base, "tax": r.tax} for r in result.by_rate]

    @staticmethod
    def resolve_order(obj: Any) -> Any:
        order = getattr(obj, "order", None) if obj.status == QuoteStatus.ACCEPTED else None
        return order.pk if order is not None else None


class QuoteFields(InputSchema):
    not_null = frozenset({"account", "currency", "title", "notes", "lines", "discount_percent"})
    account: uuid.UUID | None = None
    contact: uuid.UUID | None = None
    opportunity: uuid.UUID | None = None
    currency: str | None = Field(default=None, description="ISO 4217; default EUR.")
    title: str | None = Field(default=None, max_length=200)
    valid_until: datetime.date | None = Field(default=None, description="Default: in 30 days.")
    discount_percent: Decimal | None = Field(
        default=None, ge=0, le=100, decimal_places=2, description="Taken off every VAT base."
    )
    notes: str | None = None
    lines: list[QuoteLineIn] | None = Field(default=None, description=LINES)


class QuoteCreate(QuoteFields, RecordIn, ExternalIdsIn):
    account: uuid.UUID


class QuoteUpsert(QuoteFields, RecordIn):
    pass


class QuotePatch(QuoteFields, RecordIn, ExternalIdsIn):
    pass


class QuoteQuery(ListQuery):
    status: QuoteStatus | None = None
    account: uuid.UUID | None = None
    contact: uuid.UUID | None = None
    opportunity: uuid.UUID | None = None
    currency: str | None = None
    number: str | None = None


class SendIn(InputSchema):
    to: list[str] | None = Field(
        default=None, description="E-mail addresses; default: the quote's contact."
    )
    message: str = Field(default="", max_length=5000)


class DeclineIn(InputSchema):
    reason: str = Field(default="", max_length=500)


class AnswerLinkOut(Schema):
    url: str = Field(description="The customer's page: accept or decline, no login needed.")
    expires: datetime.date | None


class OrderOut(RecordOut):
    number: str
    quote: uuid.UUID
    account: uuid.UUID
    contact: uuid.UUID | None
    currency: str
    total_excl_tax: Decimal
    total_tax: Decimal
    total_incl_tax: Decimal
    status: OrderStatus
    status_reason: str
    ordered_at: datetime.datetime
    delivered_at: datetime.datetime | None
    delivery_date: datetime.date | None
    notes: str

    @staticmethod
    def resolve_quote(obj: Any) -> Any:
        return obj.quote_id

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id

    @staticmethod
    def resolve_contact(obj: Any) -> Any:
        return obj.contact_id


class OrderPatch(RecordIn, ExternalIdsIn):
    not_null = frozenset({"notes"})
    delivery_date: datetime.date | None = None
    notes: str | None = None


class OrderQuery(ListQuery):
    status: OrderStatus | None = None
    account: uuid.UUID | None = None
    quote: uuid.UUID | None = None


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)
