"""Amounts and dates as people read them on a quote: ``1 234,50 €`` in French."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}
NBSP = "\u00a0"


def number(value: Decimal, places: int = 2) -> str:
    """``1234.5`` -> ``1 234,50`` (French) or ``1,234.50``; trailing zeros past ``places`` cut."""
    quantum = Decimal(1).scaleb(-places)
    text = (
        f"{value.quantize(quantum) if value == value.quantize(quantum) else value.normalize():,f}"
    )
    french = (get_language() or "fr").startswith("fr")
    if french:
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def quantity(value: Decimal) -> str:
    normal = value.normalize()
    places = max(0, -int(normal.as_tuple().exponent)) if normal == normal else 0
    return number(value, min(places, 3))


def money(value: Decimal, currency: str) -> str:
    symbol = SYMBOLS.get(currency, currency)
    text = number(value)
    if (get_language() or "fr").startswith("fr"):
        return f"{text}{NBSP}{symbol}"
    return f"{symbol}{text}" if len(symbol) == 1 else f"{text}{NBSP}{symbol}"


def percent(value: Decimal) -> str:
    return f"{quantity(value)}{NBSP}%"


def unit_label(value: str) -> str:
    """A unit's name in the current language (``hour`` -> ``heure``); other text as given."""
    from moyeu.sales.models import Unit

    return str(Unit(value).label) if value in Unit.values else value


def day(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""
