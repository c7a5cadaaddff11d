"""Which price a quote line gets, and why: one place for every rule.

For a product, a customer (account), a currency and a date:

1. the base unit price is the lowest price of the product in the active price lists of that
   currency, valid that day, whose segment is one of the account's tags; failing that, in
   those of no segment (every customer); failing that, the product's catalogue price if it is
   in that currency. Otherwise the product has no price in that currency (an error).
2. then the customer's conditions valid that day: one for this product wins over one for all
   products; among several, the one that started last. A negotiated unit price replaces the
   base price; a discount becomes the line's discount.

The answer names what applied (``source``) and says why in words (``reason``), which the
quote line keeps.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q
from django.utils.translation import gettext as _

from moyeu.core.errors import ValidationFailed
from moyeu.sales.models import CustomerCondition, PriceListItem, Product
from moyeu.sales.services.common import directory_model

CATALOGUE = "catalogue"
PRICE_LIST = "price_list"
CUSTOMER_PRICE = "customer_price"
CUSTOMER_DISCOUNT = "customer_discount"
MANUAL = "manual"
SOURCES = (CATALOGUE, PRICE_LIST, CUSTOMER_PRICE, CUSTOMER_DISCOUNT, MANUAL)
ZERO = Decimal("0")


def plain(value: Decimal) -> str:
    """``Decimal("10.00")`` as ``10``, ``Decimal("72.5000")`` as ``72.5``."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class PriceDecision:
    unit_price: Decimal
    discount_percent: Decimal
    source: str
    reason: str
    price_list_id: uuid.UUID | None = None
    condition_id: uuid.UUID | None = None


def _valid_on(on: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    )


def account_segments(account_id: uuid.UUID | None) -> list[str]:
    """The account's tags: the customer segments its price lists are chosen by."""
    if account_id is None:
        return []
    account = directory_model("account")
    names = account._default_manager.filter(pk=account_id).values_list("tags__name", flat=True)
    return sorted(name for name in names if name)


def _list_price(
    product: Product, currency: str, on: datetime.date, segments: list[str]
) -> tuple[PriceListItem | None, str]:
    items = (
        PriceListItem.objects.filter(product=product, price_list__currency=currency)
        .filter(price_list__is_active=True)
        .filter(_valid_on(on, "price_list__"))
        .select_related("price_list")
        .order_by("unit_price", F("price_list__valid_from").desc(nulls_last=True), "id")
    )
    if segments:
        chosen = items.filter(price_list__segment__in=segments).first()
        if chosen is not None:
            return chosen, chosen.price_list.segment
    return items.filter(price_list__segment="").first(), ""


def _condition(
    account_id: uuid.UUID, product: Product, currency: str, on: datetime.date
) -> CustomerCondition | None:
    found = (
        CustomerCondition.objects.filter(account_id=account_id)
        .filter(Q(product=product) | Q(product__isnull=True))
        .filter(Q(unit_price__isnull=True) | Q(currency=currency))
        .filter(_valid_on(on))
        .order_by(
            F("product_id").asc(nulls_last=True),
            F("valid_from").desc(nulls_last=True),
            "-created_at",
        )
    )
    return found.first()


def price_for(
    *,
    product: Product,
    currency: str,
    on: datetime.date,
    account_id: uuid.UUID | None = None,
    field: str = "product",
) -> PriceDecision:
    """The unit price and discount of ``product`` for the account; see the module docstring."""
    item, segment = _list_price(product, currency, on, account_segments(account_id))
    price_list_id = None
    if item is not None:
        base, source, price_list_id = item.unit_price, PRICE_LIST, item.price_list_id
        if segment:
            reason = _("Price list %(list)s (segment %(segment)s).") % {
                "list": item.price_list.name,
                "segment": segment,
            }
        else:
            reason = _("Price list %(list)s.") % {"list": item.price_list.name}
    elif product.currency == currency:
        base, source = product.unit_price, CATALOGUE
        reason = _("Catalogue price.")
    else:
        raise ValidationFailed(
            {
                field: [
                    _("%(product)s has no price in %(currency)s.")
                    % {"product": product.code, "currency": currency}
                ]
            }
        )
    condition = _condition(account_id, product, currency, on) if account_id else None
    if condition is None:
        return PriceDecision(base, ZERO, source, reason, price_list_id)
    until = (
        _(" until %(date)s") % {"date": condition.valid_until.isoformat()}
        if condition.valid_until
        else ""
    )
    if condition.unit_price is not None:
        return PriceDecision(
            condition.unit_price,
            ZERO,
            CUSTOMER_PRICE,
            _("Price negotiated with the customer%(until)s (instead of %(base)s: %(reason)s)")
            % {"until": until, "base": plain(base), "reason": reason.rstrip(".")},
            None,
            condition.pk,
        )
    scope = _("on this product") if condition.product_id else _("on every product")
    return PriceDecision(
        base,
        condition.discount_percent or ZERO,
        CUSTOMER_DISCOUNT,
        _("%(reason)s Customer discount of %(discount)s %% %(scope)s%(until)s.")
        % {
            "reason": reason,
            "discount": plain(condition.discount_percent or ZERO),
            "scope": scope,
            "until": until,
        },
        price_list_id,
        condition.pk,
    )
