"""Money and board helpers for the sales templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from moyeu.sales.money import format_compact, format_money

register = template.Library()


@register.simple_tag
def money(amount: Decimal | None, currency: str, whole: bool = False) -> str:
    """``12 500,00 €`` (``whole``: ``12 500 €``); empty for no amount."""
    return format_money(amount, currency, whole=whole)


@register.simple_tag
def compact_money(amount: Decimal | None, currency: str) -> str:
    return format_compact(amount, currency)


@register.filter
def initials_of(name: str) -> str:
    parts = [part for part in str(name or "").split() if part]
    return "".join(part[0] for part in parts[:2]).upper()


@register.filter
def percent_of(part: Any, whole: Any) -> int:
    try:
        return round(100 * float(part) / float(whole)) if whole else 0
    except (TypeError, ValueError):
        return 0
