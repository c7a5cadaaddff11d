"""Money as the sales module keeps it: a Decimal amount and an ISO 4217 currency code.

The currency codes are ISO 4217's active ones (``moyeu.sales.currencies``); amounts are
displayed in the reader's language through Babel (CLDR): ``12 500,00 €`` in French,
``€12,500.00`` in English.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import format_compact_currency, format_currency
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from moyeu.sales import currencies

CENT = Decimal("0.01")


def default_currency() -> str:
    return str(settings.MOYEU_DEFAULT_CURRENCY)


def clean_currency(raw: Any) -> str:
    """The ISO 4217 code ``raw`` names (any case), or ValueError with the reason: the active
    codes of ``moyeu.sales.currencies``, which quotes use too."""
    return currencies.clean_currency(raw)


def clean_amount(raw: Any) -> Decimal | None:
    """A non-negative amount with at most two decimals, or None for "no amount"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float):
        raw = repr(raw)  # 1234.5 -> "1234.5": never the binary float's digits
    try:
        value = Decimal(str(raw).strip().replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        raise ValueError(_("Enter a number, such as 12500.00.")) from None
    if not value.is_finite():
        raise ValueError(_("Enter a number, such as 12500.00."))
    if value < 0:
        raise ValueError(_("The amount cannot be negative."))
    if value != value.quantize(CENT):
        raise ValueError(_("At most two decimals."))
    return value.quantize(CENT)


def _locale() -> str:
    return (get_language() or "en").replace("-", "_")


def format_money(amount: Decimal | None, currency: str, *, whole: bool = False) -> str:
    """``amount`` in ``currency`` for the current language; ``whole`` drops the cents."""
    if amount is None:
        return ""
    locale = _locale()
    if not whole:
        return str(format_currency(amount, currency, locale=locale))
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace(".00", "")
    return str(
        format_currency(
            amount.quantize(Decimal(1)),
            currency,
            locale=locale,
            format=pattern,
            currency_digits=False,
        )
    )


def format_compact(amount: Decimal | None, currency: str) -> str:
    """A short total for headings: ``1,2 M €``, ``€1.2M``."""
    if amount is None:
        return ""
    return str(format_compact_currency(amount, currency, locale=_locale(), fraction_digits=1))
