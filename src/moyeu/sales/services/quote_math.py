"""Quote arithmetic, exact: Decimal throughout, amounts rounded to the cent half up.

- A line's total excluding tax is ``quantity x unit price x (1 - line discount)``, rounded
  to the cent once (3 x 0.335 = 1.005 → 1.01).
- The lines' totals are grouped by VAT rate. The quote's global discount is taken off each
  rate's base, rounded to the cent per rate, so that each base and its VAT stay exact.
- The VAT of a rate is ``base x rate``, rounded to the cent; the quote's VAT is the sum of
  the rates' VAT, as French invoices show it (one line per rate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The line's total excluding tax, rounded to the cent (half up), computed exactly."""
    with localcontext() as context:
        context.prec = 60  # far beyond 12 x 14 digits and a percentage: no rounding before ours
        exact = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
        return to_cent(exact)


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal  # percent
    lines_total: Decimal  # the lines' totals at this rate
    discount: Decimal  # the global discount's share at this rate
    base: Decimal  # lines_total - discount
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    lines_total: Decimal
    discount_amount: Decimal
    total_excl_tax: Decimal
    total_tax: Decimal
    total_incl_tax: Decimal
    by_rate: tuple[RateTotal, ...]  # highest rate first


def totals(lines: Iterable[tuple[Decimal, Decimal]], discount_percent: Decimal = ZERO) -> Totals:
    """``lines``: (line total excl. tax, VAT rate in percent) of each line."""
    bases: dict[Decimal, Decimal] = {}
    for amount, rate in lines:
        key = rate.quantize(CENT)
        bases[key] = bases.get(key, ZERO) + amount
    by_rate = []
    with localcontext() as context:
        context.prec = 60
        for rate in sorted(bases, reverse=True):
            gross = bases[rate]
            discount = to_cent(gross * discount_percent / HUNDRED)
            base = gross - discount
            by_rate.append(RateTotal(rate, gross, discount, base, to_cent(base * rate / HUNDRED)))
    lines_total = sum((r.lines_total for r in by_rate), ZERO)
    discount_amount = sum((r.discount for r in by_rate), ZERO)
    excl = sum((r.base for r in by_rate), ZERO)
    tax = sum((r.tax for r in by_rate), ZERO)
    return Totals(
        lines_total=to_cent(lines_total),
        discount_amount=to_cent(discount_amount),
        total_excl_tax=to_cent(excl),
        total_tax=to_cent(tax),
        total_incl_tax=to_cent(excl + tax),
        by_rate=tuple(by_rate),
    )
