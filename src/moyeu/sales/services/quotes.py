"""Quotes: create, change (drafts only), delete (drafts only), add a line.

``values`` takes the quote's fields (``account``, ``contact``, ``opportunity``, ``currency``,
``title``, ``valid_until``, ``discount_percent``, ``notes``) plus ``lines``, which replaces
the lines: ``[{"product": id, "quantity": "3"}, {"description": "Déplacement",
"quantity": "1", "unit_price": "45", "tax_rate": <VAT rate id>}, ...]``. A product line
without a unit price gets the pricing service's price and discount (and keeps why); a line
without a VAT rate gets its product's, or the default rate.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from moyeu.core.services import audit, events, records
from moyeu.sales.currencies import clean_currency
from moyeu.sales.models import Product, Quote, QuoteLine, QuoteStatus, TaxRate
from moyeu.sales.services import pricing, quote_math
from moyeu.sales.services.common import (
    Errors,
    add_error,
    date_or_error,
    decimal_or_error,
    uuid_or_none,
    visible_record,
)
from moyeu.sales.services.tax_rates import default_tax_rate

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_LINES = 500
_LINE_KEYS = {
    "product",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "tax_rate",
}
_RENAMED = {
    "account": "account_id",
    "contact": "contact_id",
    "opportunity": "opportunity_id",
    "owner": "owner_id",
    "team": "team_id",
}
_WRITABLE = {
    "account_id",
    "contact_id",
    "opportunity_id",
    "currency",
    "title",
    "valid_until",
    "discount_percent",
    "notes",
    "owner_id",
    "team_id",
    "owner",
    "team",
}


def _clean_line(raw: Any, index: int, quote: Mapping[str, Any], errors: Errors) -> QuoteLine | None:
    where = f"lines.{index}"
    if not isinstance(raw, Mapping):
        add_error(errors, where, _("Give a line as an object."))
        return None
    count = len(errors)
    for key in sorted(set(raw) - _LINE_KEYS):
        add_error(errors, f"{where}.{key}", _("Unknown field."))
    product: Product | None = None
    if raw.get("product") not in (None, ""):
        product_id = uuid_or_none(raw["product"])
        product = (
            Product.objects.select_related("tax_rate").filter(pk=product_id).first()
            if product_id is not None
            else None
        )
        if product is None:
            add_error(errors, f"{where}.product", _("No such product."))
        elif not product.is_active:
            add_error(errors, f"{where}.product", _("This product is no longer sold."))
    quantity = decimal_or_error(
        errors, f"{where}.quantity", raw.get("quantity", "1"), places=3, minimum=ZERO
    )
    price = decimal_or_error(
        errors,
        f"{where}.unit_price",
        raw.get("unit_price"),
        places=4,
        minimum=ZERO,
        required=product is None,
    )
    discount = decimal_or_error(
        errors,
        f"{where}.discount_percent",
        raw.get("discount_percent"),
        places=2,
        minimum=ZERO,
        maximum=HUNDRED,
        required=False,
    )
    rate = _line_rate(raw.get("tax_rate"), product, f"{where}.tax_rate", errors)
    description = " ".join(str(raw.get("description") or "").split())
    if not description and product is not None:
        description = product.name
    if not description:
        add_error(errors, f"{where}.description", _("Describe the line."))
    elif len(description) > 500:
        add_error(errors, f"{where}.description", _("At most 500 characters."))
    if len(errors) > count or quantity is None or rate is None:
        return None
    source, reason = pricing.MANUAL, _("Price entered by hand.")
    if product is not None and price is None:
        try:
            decision = pricing.price_for(
                product=product,
                currency=quote["currency"],
                on=quote["on"],
                account_id=quote["account_id"],
                field=f"{where}.product",
            )
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                errors.setdefault(field, []).extend(messages)
            return None
        price, source, reason = decision.unit_price, decision.source, decision.reason
        if discount is None:
            discount = decision.discount_percent
    assert price is not None
    discount = discount if discount is not None else ZERO
    return QuoteLine(
        position=index + 1,
        product=product,
        description=description,
        quantity=quantity,
        unit=str(raw.get("unit") or (product.unit if product else ""))[:10],
        unit_price=price,
        discount_percent=discount,
        tax_rate=rate,
        total_excl_tax=quote_math.line_total(quantity, price, discount),
        pricing_source=source,
        pricing_reason=reason[:300],
    )


def _line_rate(raw: Any, product: Product | None, field: str, errors: Errors) -> Decimal | None:
    if raw in (None, ""):
        return product.tax_rate.rate if product is not None else default_tax_rate().rate
    rate_id = uuid_or_none(raw)
    found = TaxRate.objects.filter(pk=rate_id).first() if rate_id is not None else None
    if found is None:
        add_error(errors, field, _("No such VAT rate."))
        return None
    return found.rate


def apply_totals(quote: Quote, lines: list[QuoteLine]) -> None:
    result = quote_math.totals(
        ((line.total_excl_tax, line.tax_rate) for line in lines), quote.discount_percent
    )
    quote.lines_total = result.lines_total
    quote.discount_amount = result.discount_amount
    quote.total_excl_tax = result.total_excl_tax
    quote.total_tax = result.total_tax
    quote.total_incl_tax = result.total_incl_tax


def _prepare(
    actor: Actor, values: Mapping[str, Any], current: Quote | None
) -> tuple[dict[str, Any], Callable[[Quote], None]]:
    if current is not None and current.status != QuoteStatus.DRAFT:
        raise Conflict(
            _("Only a draft quote can be changed; revise it to make a new version."),
            code="sales.quote_not_draft",
        )
    cleaned = {_RENAMED.get(k, k): v for k, v in values.items()}
    raw_lines = cleaned.pop("lines", None)
    errors: Errors = {}
    for key in sorted(set(cleaned) - _WRITABLE):
        add_error(errors, key, _("Unknown or read-only field."))
    if "account_id" in cleaned or current is None:
        account = visible_record(actor, "directory.account", cleaned.get("account_id"))
        if account is None:
            add_error(errors, "account", _("No such account."))
        else:
            cleaned["account_id"] = account.pk
    if cleaned.get("contact_id") not in (None, ""):
        contact = visible_record(actor, "directory.contact", cleaned["contact_id"])
        if contact is None:
            add_error(errors, "contact", _("No such contact."))
        else:
            cleaned["contact_id"] = contact.pk
    elif "contact_id" in cleaned:
        cleaned["contact_id"] = None
    if cleaned.get("opportunity_id") not in (None, ""):
        opportunity = visible_record(actor, "sales.opportunity", cleaned["opportunity_id"])
        if opportunity is None:
            add_error(errors, "opportunity", _("No such opportunity."))
        else:
            cleaned["opportunity_id"] = opportunity.pk
    elif "opportunity_id" in cleaned:
        cleaned["opportunity_id"] = None
    if "currency" in cleaned:
        try:
            cleaned["currency"] = clean_currency(cleaned["currency"])
        except ValueError as exc:
            add_error(errors, "currency", str(exc))
    if "valid_until" in cleaned:
        cleaned["valid_until"] = date_or_error(errors, "valid_until", cleaned["valid_until"])
    if "discount_percent" in cleaned:
        cleaned["discount_percent"] = decimal_or_error(
            errors,
            "discount_percent",
            cleaned["discount_percent"],
            places=2,
            minimum=ZERO,
            maximum=HUNDRED,
        )
    for key in ("title", "notes"):
        if key in cleaned:
            cleaned[key] = str(cleaned[key] or "").strip()
    lines: list[QuoteLine] | None = None
    if raw_lines is not None and not errors:
        lines = _clean_lines(raw_lines, cleaned, current, errors)
    elif (
        raw_lines is None
        and current is not None
        and not errors
        and ({"currency", "account_id"} & set(cleaned))
    ):
        # A new customer or currency prices the catalogue lines again.
        lines = _clean_lines(_current_lines(current), cleaned, current, errors)
    if errors:
        raise ValidationFailed(errors)

    def write(quote: Quote) -> None:
        if lines is not None:
            quote.lines.all().delete()
            for line in lines:
                line.quote = quote
            QuoteLine.objects.bulk_create(lines)
        apply_totals(quote, list(quote.lines.all()))
        quote.save(
            update_fields=[
                "lines_total",
                "discount_amount",
                "total_excl_tax",
                "total_tax",
                "total_incl_tax",
            ]
        )

    return cleaned, write


def _current_lines(quote: Quote) -> list[dict[str, Any]]:
    """The lines as input again: catalogue prices re-priced, hand-entered ones kept."""
    rows = []
    for line in quote.lines.all():
        row = {
            "product": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
        }
        if line.product_id is None or line.pricing_source == pricing.MANUAL:
            row["unit_price"] = line.unit_price
            row["discount_percent"] = line.discount_percent
        rows.append(row)
    return rows


def _clean_lines(
    raw_lines: Any, cleaned: Mapping[str, Any], current: Quote | None, errors: Errors
) -> list[QuoteLine]:
    if not isinstance(raw_lines, list):
        add_error(errors, "lines", _("Give a list of lines."))
        return []
    if len(raw_lines) > MAX_LINES:
        add_error(errors, "lines", _("At most %(n)d lines.") % {"n": MAX_LINES})
        return []
    context = {
        "currency": cleaned.get("currency", getattr(current, "currency", "EUR")),
        "account_id": cleaned.get("account_id", getattr(current, "account_id", None)),
        "on": timezone.localdate(),
    }
    lines = [_clean_line(raw, i, context, errors) for i, raw in enumerate(raw_lines)]
    return [line for line in lines if line is not None]


def _check_create(actor: Actor, values: Mapping[str, Any]) -> None:
    """Refuse (403) before looking at the input, as the record platform would after it."""
    user = actor.user
    probe = Quote(
        owner_id=values.get("owner", values.get("owner_id", getattr(user, "pk", None))),
        team_id=values.get("team", values.get("team_id", getattr(user, "primary_team_id", None))),
    )
    if not access.can_create(actor, Quote) or not access.can(actor, probe, "create"):
        raise PermissionDenied(_("You may not create a record for this owner or team."))


def _default_validity(values: dict[str, Any]) -> None:
    if values.get("valid_until") is None:
        values["valid_until"] = timezone.localdate() + datetime.timedelta(days=30)


def quote_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> Quote:
    """A draft quote (no number yet), valid 30 days unless said otherwise."""
    _check_create(actor, values)
    cleaned, write = _prepare(actor, {"currency": "EUR", **values}, None)
    _default_validity(cleaned)
    cleaned["status"] = QuoteStatus.DRAFT
    return records.record_create(
        Quote,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        related=write,
    )


def _visible(actor: Actor, quote_id: Any) -> Quote | None:
    return Quote.objects.visible_to(actor, "view").filter(pk=quote_id).first()


def quote_update(
    *,
    actor: Actor,
    quote_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
) -> Quote:
    current = _visible(actor, quote_id)
    if current is None:
        return records.record_update(Quote, quote_id, actor=actor)  # answers "not found"
    cleaned, write = _prepare(actor, values or {}, current)
    return records.record_update(
        Quote,
        quote_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
        related=write,
    )


def _change_lines(
    actor: Actor,
    quote_id: uuid.UUID,
    change: Callable[[Quote], None],
    expected_version: int | None,
) -> Quote:
    """Apply ``change`` to the lines of a locked draft, then its totals: one update."""

    def write(quote: Quote) -> None:
        if quote.status != QuoteStatus.DRAFT:
            raise Conflict(
                _("Only a draft quote can be changed; revise it to make a new version."),
                code="sales.quote_not_draft",
            )
        change(quote)
        apply_totals(quote, list(quote.lines.all()))
        quote.save(
            update_fields=[
                "lines_total",
                "discount_amount",
                "total_excl_tax",
                "total_tax",
                "total_incl_tax",
            ]
        )

    return records.record_update(
        Quote, quote_id, actor=actor, expected_version=expected_version, related=write
    )


def quote_add_line(
    *,
    actor: Actor,
    quote_id: uuid.UUID,
    line: Mapping[str, Any],
    expected_version: int | None = None,
) -> Quote:
    """Add one line at the end of a draft, priced like any line; the others stay as they are.
    Errors name ``line.<field>``."""
    current = _visible(actor, quote_id)
    if current is None:
        raise NotFound(_("No such record."))
    errors: Errors = {}
    context = {
        "currency": current.currency,
        "account_id": current.account_id,
        "on": timezone.localdate(),
    }
    added = _clean_line(line, 0, context, errors)
    if errors or added is None:
        raise ValidationFailed({f"line.{k.removeprefix('lines.0.')}": v for k, v in errors.items()})

    def append(quote: Quote) -> None:
        last = quote.lines.aggregate(models.Max("position"))["position__max"] or 0
        added.quote = quote
        added.position = last + 1
        added.save(force_insert=True)

    return _change_lines(actor, quote_id, append, expected_version)


def quote_remove_line(
    *,
    actor: Actor,
    quote_id: uuid.UUID,
    position: int,
    expected_version: int | None = None,
) -> Quote:
    """Take a line off a draft; the others keep their prices and their order."""

    def remove(quote: Quote) -> None:
        if not quote.lines.filter(position=position).delete()[0]:
            raise NotFound(_("No such line."), field="position")

    return _change_lines(actor, quote_id, remove, expected_version)


def quote_delete(*, actor: Actor, quote_id: uuid.UUID, expected_version: int | None = None) -> None:
    """Only a draft: an issued quote keeps its number for good."""
    with action_context(channel=actor.channel), transaction.atomic():
        current = _visible(actor, quote_id)
        if current is not None and current.status != QuoteStatus.DRAFT:
            raise Conflict(
                _("An issued quote cannot be deleted; it keeps its number."),
                code="sales.quote_not_draft",
            )
        records.record_delete(Quote, quote_id, actor=actor, expected_version=expected_version)
        if current is not None and current.previous_id is not None:
            _reinstate(actor, current.previous_id)


def _reinstate(actor: Actor, quote_id: uuid.UUID) -> None:
    """A deleted revision gives its place back: the version it replaced is current again,
    sent (and answerable) or declined, as it was before the revision."""
    previous = Quote.objects.select_for_update().filter(pk=quote_id).first()
    if previous is None or previous.status != QuoteStatus.SUPERSEDED:
        return
    before = records.snapshot(previous)
    previous.status = QuoteStatus.DECLINED if previous.answered_at else QuoteStatus.SENT
    previous.version += 1
    previous.updated_by = actor.user
    previous.updated_at = timezone.now()
    previous.save()
    after = records.snapshot(previous)
    changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    audit.record(previous, "sales.quote.updated", actor, changes=changes)
    events.emit(
        "quote.updated",
        record_type="sales.quote",
        record=previous,
        payload={**after, "changed_fields": sorted(changes)},
        actor=actor,
    )


def quote_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Quote, bool]:
    with transaction.atomic():
        found = records.find_by_external_id(Quote, system, value)
        if found is None or _visible(actor, found.pk) is None:
            created = quote_create(
                actor=actor,
                values=values,
                custom=custom,
                tags=tags,
                external_ids={system: value},
            )
            return created, True
        updated = quote_update(
            actor=actor,
            quote_id=found.pk,
            values=values,
            custom=custom,
            tags=tags,
            expected_version=expected_version,
        )
        return updated, False
