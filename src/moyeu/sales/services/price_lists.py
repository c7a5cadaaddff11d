"""Price lists per currency and customer segment, and customer-specific conditions.

``values`` of a price list takes its fields plus ``items``: ``[{"product": id, "unit_price":
"12.50"}, ...]``, which replaces its prices. A segment is an account tag (empty: everyone).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.services import records
from moyeu.sales.currencies import clean_currency
from moyeu.sales.models import CustomerCondition, PriceList, PriceListItem, Product
from moyeu.sales.services.common import (
    Errors,
    add_error,
    date_or_error,
    decimal_or_error,
    require_administer,
    uuid_or_none,
    visible_record,
)

ZERO = Decimal(0)


def _dates(cleaned: dict[str, Any], current: Any, errors: Errors) -> None:
    for key in ("valid_from", "valid_until"):
        if key in cleaned:
            cleaned[key] = date_or_error(errors, key, cleaned[key])
    start: datetime.date | None = cleaned.get("valid_from", getattr(current, "valid_from", None))
    end: datetime.date | None = cleaned.get("valid_until", getattr(current, "valid_until", None))
    if start and end and end < start and "valid_until" not in errors:
        add_error(errors, "valid_until", _("Ends before it starts."))


def _currency(cleaned: dict[str, Any], errors: Errors) -> None:
    if "currency" in cleaned:
        try:
            cleaned["currency"] = clean_currency(cleaned["currency"])
        except ValueError as exc:
            add_error(errors, "currency", str(exc))


def _items(raw: Any, errors: Errors) -> list[tuple[uuid.UUID, Decimal]]:
    if not isinstance(raw, list):
        add_error(errors, "items", _("Give a list of prices."))
        return []
    rows: list[tuple[uuid.UUID, Decimal]] = []
    seen: set[uuid.UUID] = set()
    wanted = {uuid_or_none(r.get("product")) for r in raw if isinstance(r, Mapping)}
    known = set(
        Product.objects.filter(pk__in=[w for w in wanted if w]).values_list("pk", flat=True)
    )
    for index, row in enumerate(raw):
        if not isinstance(row, Mapping):
            add_error(errors, f"items.{index}", _("Give a product and a unit price."))
            continue
        product = uuid_or_none(row.get("product"))
        price = decimal_or_error(
            errors, f"items.{index}.unit_price", row.get("unit_price"), places=4, minimum=ZERO
        )
        if product is None or product not in known:
            add_error(errors, f"items.{index}.product", _("No such product."))
        elif product in seen:
            add_error(errors, f"items.{index}.product", _("This product is listed twice."))
        elif price is not None:
            seen.add(product)
            rows.append((product, price))
    return rows


def _prepare_list(
    values: Mapping[str, Any], current: PriceList | None
) -> tuple[dict[str, Any], Callable[[PriceList], None] | None]:
    cleaned = dict(values)
    errors: Errors = {}
    items = _items(cleaned.pop("items"), errors) if "items" in cleaned else None
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
    if "segment" in cleaned:
        cleaned["segment"] = str(cleaned["segment"] or "").strip()
    _currency(cleaned, errors)
    _dates(cleaned, current, errors)
    if errors:
        raise ValidationFailed(errors)
    if items is None:
        return cleaned, None

    def write(price_list: PriceList) -> None:
        price_list.items.all().delete()
        PriceListItem.objects.bulk_create(
            PriceListItem(price_list=price_list, product_id=product, unit_price=price)
            for product, price in items
        )

    return cleaned, write


def price_list_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> PriceList:
    require_administer(actor)
    cleaned, write = _prepare_list(values, None)
    return records.record_create(
        PriceList,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        related=write,
    )


def price_list_update(
    *,
    actor: Actor,
    price_list_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
) -> PriceList:
    current = PriceList.objects.visible_to(actor, "view").filter(pk=price_list_id).first()
    cleaned: dict[str, Any] = {}
    write = None
    if current is not None:
        require_administer(actor)
        cleaned, write = _prepare_list(values or {}, current)
    return records.record_update(
        PriceList,
        price_list_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
        related=write,
    )


def price_list_delete(
    *, actor: Actor, price_list_id: uuid.UUID, expected_version: int | None = None
) -> None:
    records.record_delete(PriceList, price_list_id, actor=actor, expected_version=expected_version)


def price_list_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[PriceList, bool]:
    require_administer(actor)
    current = records.find_by_external_id(PriceList, system, value)
    cleaned, write = _prepare_list(values, current)
    return records.record_upsert_by_external_id(
        PriceList,
        system=system,
        value=value,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        expected_version=expected_version,
        related=write,
    )


# --- customer conditions -------------------------------------------------------------------


def _prepare_condition(
    actor: Actor, values: Mapping[str, Any], current: CustomerCondition | None
) -> dict[str, Any]:
    cleaned = {
        ("account_id" if k == "account" else "product_id" if k == "product" else k): v
        for k, v in values.items()
    }
    errors: Errors = {}
    if "account_id" in cleaned or current is None:
        account = visible_record(actor, "directory.account", cleaned.get("account_id"))
        if account is None:
            add_error(errors, "account", _("No such account."))
        else:
            cleaned["account_id"] = account.pk
    if cleaned.get("product_id") not in (None, ""):
        product = uuid_or_none(cleaned["product_id"])
        if product is None or not Product.objects.filter(pk=product).exists():
            add_error(errors, "product", _("No such product."))
        cleaned["product_id"] = product
    elif "product_id" in cleaned:
        cleaned["product_id"] = None
    if "unit_price" in cleaned:
        cleaned["unit_price"] = decimal_or_error(
            errors, "unit_price", cleaned["unit_price"], places=4, minimum=ZERO, required=False
        )
    if "discount_percent" in cleaned:
        cleaned["discount_percent"] = decimal_or_error(
            errors,
            "discount_percent",
            cleaned["discount_percent"],
            places=2,
            minimum=ZERO,
            maximum=Decimal(100),
            required=False,
        )
    _currency(cleaned, errors)
    _dates(cleaned, current, errors)
    if "note" in cleaned:
        cleaned["note"] = str(cleaned["note"] or "").strip()

    def merged(key: str) -> Any:
        return cleaned[key] if key in cleaned else getattr(current, key, None)

    if not errors:
        price, discount = merged("unit_price"), merged("discount_percent")
        if (price is None) == (discount is None):
            add_error(errors, "unit_price", _("Give either a negotiated unit price or a discount."))
        elif price is not None and merged("product_id") is None:
            add_error(errors, "product", _("A negotiated price is for one product."))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def customer_condition_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> CustomerCondition:
    require_administer(actor)
    return records.record_create(
        CustomerCondition,
        actor=actor,
        values=_prepare_condition(actor, values, None),
        custom=custom,
        tags=tags,
        external_ids=external_ids,
    )


def customer_condition_update(
    *,
    actor: Actor,
    condition_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
) -> CustomerCondition:
    current = CustomerCondition.objects.visible_to(actor, "view").filter(pk=condition_id).first()
    cleaned: dict[str, Any] = {}
    if current is not None:
        require_administer(actor)
        cleaned = _prepare_condition(actor, values or {}, current)
    return records.record_update(
        CustomerCondition,
        condition_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
    )


def customer_condition_delete(
    *, actor: Actor, condition_id: uuid.UUID, expected_version: int | None = None
) -> None:
    records.record_delete(
        CustomerCondition, condition_id, actor=actor, expected_version=expected_version
    )


def customer_condition_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[CustomerCondition, bool]:
    require_administer(actor)
    current = records.find_by_external_id(CustomerCondition, system, value)
    return records.record_upsert_by_external_id(
        CustomerCondition,
        system=system,
        value=value,
        actor=actor,
        values=_prepare_condition(actor, values, current),
        custom=custom,
        tags=tags,
        expected_version=expected_version,
    )
