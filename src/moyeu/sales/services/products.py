"""Products and services of the catalogue (sales administrators change them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.services import records
from moyeu.sales.currencies import clean_currency
from moyeu.sales.models import Product, TaxRate
from moyeu.sales.services.common import Errors, add_error, require_administer, uuid_or_none
from moyeu.sales.services.tax_rates import default_tax_rate, ensure_default_tax_rates


def _prepare(values: Mapping[str, Any], current: Product | None) -> dict[str, Any]:
    cleaned = dict(values)
    errors: Errors = {}
    if "tax_rate" in cleaned:
        cleaned["tax_rate_id"] = cleaned.pop("tax_rate")
    for key in ("code", "name"):
        if key in cleaned:
            cleaned[key] = " ".join(str(cleaned[key] or "").split())
    if "currency" in cleaned:
        try:
            cleaned["currency"] = clean_currency(cleaned["currency"])
        except ValueError as exc:
            add_error(errors, "currency", str(exc))
    ensure_default_tax_rates()
    if "tax_rate_id" in cleaned:
        rate_id = uuid_or_none(cleaned["tax_rate_id"])
        rate = TaxRate.objects.filter(pk=rate_id).first() if rate_id else None
        if rate is None:
            add_error(errors, "tax_rate", _("No such VAT rate."))
        elif not rate.is_active and (current is None or current.tax_rate_id != rate.pk):
            add_error(errors, "tax_rate", _("This VAT rate is no longer in use."))
        else:
            cleaned["tax_rate_id"] = rate.pk
    elif current is None:
        cleaned["tax_rate_id"] = default_tax_rate().pk
    if current is None and not cleaned.get("code"):
        add_error(errors, "code", _("This field is required."))
    code = cleaned.get("code")
    taken = Product.objects.filter(code__iexact=code)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if code and taken.exists():
        add_error(errors, "code", _("Another product has this code."))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def product_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> Product:
    require_administer(actor)
    return records.record_create(
        Product,
        actor=actor,
        values=_prepare(values, None),
        custom=custom,
        tags=tags,
        external_ids=external_ids,
    )


def product_update(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
) -> Product:
    current = Product.objects.visible_to(actor, "view").filter(pk=product_id).first()
    if current is not None:
        require_administer(actor)
    return records.record_update(
        Product,
        product_id,
        actor=actor,
        values=_prepare(values or {}, current) if current is not None else {},
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
    )


def product_delete(
    *, actor: Actor, product_id: uuid.UUID, expected_version: int | None = None
) -> None:
    """Refused (409 core.record_in_use) once a quote line or a condition uses the product:
    deactivate it instead."""
    records.record_delete(Product, product_id, actor=actor, expected_version=expected_version)


def product_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Product, bool]:
    require_administer(actor)
    current = records.find_by_external_id(Product, system, value)
    return records.record_upsert_by_external_id(
        Product,
        system=system,
        value=value,
        actor=actor,
        values=_prepare(values, current),
        custom=custom,
        tags=tags,
        expected_version=expected_version,
    )
