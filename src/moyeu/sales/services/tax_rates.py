"""VAT rates: the French rates by default, administered by sales administrators."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from moyeu.core.services import audit, events
from moyeu.sales.models import TaxRate
from moyeu.sales.services.common import Errors, add_error, decimal_or_error, require_administer

# The rates of the French Code général des impôts (art. 278 to 281 nonies), 20 % by default.
FRENCH_RATES = (
    ("TVA 20 %", Decimal("20.00")),
    ("TVA 10 %", Decimal("10.00")),
    ("TVA 5,5 %", Decimal("5.50")),
    ("TVA 2,1 %", Decimal("2.10")),
    ("TVA 0 %", Decimal("0.00")),
)
_FIELDS = ("name", "rate", "is_default", "is_active")


def ensure_default_tax_rates() -> None:
    """Create the French rates the first time any rate is needed (no rate exists yet)."""
    if TaxRate.objects.exists():
        return
    with transaction.atomic():
        if TaxRate.objects.exists():
            return
        TaxRate.objects.bulk_create(
            TaxRate(name=name, rate=rate, is_default=index == 0)
            for index, (name, rate) in enumerate(FRENCH_RATES)
        )


def default_tax_rate() -> TaxRate:
    ensure_default_tax_rates()
    found = TaxRate.objects.filter(is_default=True, is_active=True).first()
    return found or TaxRate.objects.filter(is_active=True).order_by("-rate").first()  # type: ignore[return-value]


def _snapshot(rate: TaxRate) -> dict[str, Any]:
    return {
        "id": str(rate.pk),
        "name": rate.name,
        "rate": str(rate.rate),
        "is_default": rate.is_default,
        "is_active": rate.is_active,
        "version": rate.version,
    }


def _clean(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key in values:
        if key not in _FIELDS:
            add_error(errors, key, _("Unknown or read-only field."))
    if "name" in values:
        cleaned["name"] = str(values["name"] or "").strip()
        if not cleaned["name"]:
            add_error(errors, "name", _("This field is required."))
    if "rate" in values:
        rate = decimal_or_error(
            errors, "rate", values["rate"], places=2, minimum=Decimal(0), maximum=Decimal(100)
        )
        cleaned["rate"] = rate.quantize(Decimal("0.01")) if rate is not None else None
    for flag in ("is_default", "is_active"):
        if flag in values:
            cleaned[flag] = bool(values[flag])
    return cleaned


def _save(rate: TaxRate, code: str, actor: Actor, before: dict[str, Any]) -> None:
    if rate.is_default:
        if not rate.is_active:
            raise ValidationFailed({"is_active": [_("The default rate must be active.")]})
        TaxRate.objects.filter(is_default=True).exclude(pk=rate.pk).update(is_default=False)
    try:
        with transaction.atomic():
            rate.save()
    except IntegrityError:
        raise Conflict(
            _("A VAT rate with this name exists."), code="sales.tax_rate_taken", field="name"
        ) from None
    after = _snapshot(rate)
    audit.record(
        rate,
        code,
        actor,
        changes={k: (before.get(k), v) for k, v in after.items() if before.get(k) != v},
    )
    verb = code.rsplit(".", 1)[1]
    events.emit(
        f"tax_rate.{verb}", record_type="sales.tax_rate", record=rate, payload=after, actor=actor
    )


def tax_rate_create(*, actor: Actor, values: Mapping[str, Any]) -> TaxRate:
    require_administer(actor)
    errors: Errors = {}
    cleaned = _clean(values, errors)
    for required in ("name", "rate"):
        if required not in values:
            add_error(errors, required, _("This field is required."))
    if errors:
        raise ValidationFailed(errors)
    ensure_default_tax_rates()
    with action_context(channel=actor.channel), transaction.atomic():
        rate = TaxRate(**cleaned)
        _save(rate, "sales.tax_rate.created", actor, {})
    return rate


def tax_rate_update(
    *,
    actor: Actor,
    tax_rate_id: uuid.UUID,
    values: Mapping[str, Any],
    expected_version: int | None = None,
) -> TaxRate:
    require_administer(actor)
    errors: Errors = {}
    cleaned = _clean(values, errors)
    if errors:
        raise ValidationFailed(errors)
    with action_context(channel=actor.channel), transaction.atomic():
        rate = TaxRate.objects.select_for_update().filter(pk=tax_rate_id).first()
        if rate is None:
            raise NotFound(_("No such VAT rate."))
        if expected_version is not None and rate.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).") % {"v": rate.version},
                current_version=rate.version,
            )
        before = _snapshot(rate)
        for key, value in cleaned.items():
            setattr(rate, key, value)
        if _snapshot(rate) == before:
            return rate
        if before["is_default"] and not rate.is_default:
            raise ValidationFailed({"is_default": [_("Make another rate the default instead.")]})
        rate.version += 1
        _save(rate, "sales.tax_rate.updated", actor, before)
    return rate
