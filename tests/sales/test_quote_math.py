"""Quote arithmetic, exact to the cent."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from moyeu.sales.services.quote_math import RateTotal, line_total, totals


@pytest.mark.parametrize(
    ("quantity", "unit_price", "discount", "expected"),
    [
        ("3", "0.335", "0", "1.01"),  # 1.005: half up, not to even (1.00)
        ("1", "0.125", "0", "0.13"),
        ("1", "0.115", "0", "0.12"),
        ("2", "19.99", "0", "39.98"),
        ("3", "33.3333", "0", "100.00"),  # 99.9999
        ("1.5", "80", "10", "108.00"),
        ("7", "12.345", "15", "73.45"),  # 86.415 x 0.85 = 73.45275
        ("0.333", "3", "0", "1.00"),  # 0.999
        ("10", "9.995", "0", "99.95"),
        ("1", "100", "100", "0.00"),
        ("12", "0.0050", "0", "0.06"),
        ("999999999.999", "1", "0", "1000000000.00"),
    ],
)
def test_line_totals_round_once_to_the_cent_half_up(
    quantity: str, unit_price: str, discount: str, expected: str
) -> None:
    assert line_total(D(quantity), D(unit_price), D(discount)) == D(expected)


def test_totals_per_vat_rate_with_a_global_discount() -> None:
    lines = [
        (line_total(D("3"), D("0.335"), D("0")), D("20")),  # 1.01
        (line_total(D("2"), D("150"), D("10")), D("20")),  # 270.00
        (line_total(D("5"), D("12.49"), D("0")), D("5.5")),  # 62.45
        (line_total(D("1"), D("39.90"), D("0")), D("10")),  # 39.90
        (line_total(D("4"), D("2.5"), D("0")), D("0")),  # 10.00
    ]
    result = totals(lines, D("5"))
    assert result.by_rate == (
        # 271.01 - 13.55 (13.5505) = 257.46; VAT 51.492 -> 51.49
        RateTotal(D("20.00"), D("271.01"), D("13.55"), D("257.46"), D("51.49")),
        # 39.90 - 2.00 (1.995) = 37.90; VAT 3.79
        RateTotal(D("10.00"), D("39.90"), D("2.00"), D("37.90"), D("3.79")),
        # 62.45 - 3.12 (3.1225) = 59.33; VAT 3.26315 -> 3.26
        RateTotal(D("5.50"), D("62.45"), D("3.12"), D("59.33"), D("3.26")),
        RateTotal(D("0.00"), D("10.00"), D("0.50"), D("9.50"), D("0.00")),
    )
    assert (
        result.lines_total,
        result.discount_amount,
        result.total_excl_tax,
        result.total_tax,
        result.total_incl_tax,
    ) == (D("383.36"), D("19.17"), D("364.19"), D("58.54"), D("422.73"))


def test_vat_is_computed_per_rate_not_per_line() -> None:
    # Ten lines of 0.25 at 5.5 %: per line 0.01375 -> 0.01 each (0.10); on 2.50 -> 0.1375 -> 0.14.
    result = totals([(D("0.25"), D("5.5"))] * 10)
    assert (result.total_excl_tax, result.total_tax, result.total_incl_tax) == (
        D("2.50"),
        D("0.14"),
        D("2.64"),
    )


def test_an_empty_quote_totals_zero() -> None:
    result = totals([], D("10"))
    assert (result.total_excl_tax, result.total_tax, result.total_incl_tax, result.by_rate) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
        (),
    )
