"""Amounts, quantities and rates on the sales pages, as moyeu.sales.formatting writes them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from moyeu.sales import formatting

register = template.Library()


@register.filter
def amount(value: Decimal | None, currency: str = "EUR") -> str:
    return "" if value is None else formatting.money(value, currency)


@register.filter
def qty(value: Decimal | None) -> str:
    return "" if value is None else formatting.quantity(value)


@register.filter
def pct(value: Decimal | None) -> str:
    return "" if value is None else formatting.percent(value)


@register.filter
def unit_label(value: str) -> str:
    return formatting.unit_label(value)


@register.filter
def b64(value: bytes | memoryview | None) -> str:
    """Bytes (a logo) as base64, for a data: URL."""
    import base64

    return base64.b64encode(bytes(value or b"")).decode("ascii")
