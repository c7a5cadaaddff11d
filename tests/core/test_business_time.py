"""The working-time clock: exact deadlines and elapsed times across nights, weekends,
French public holidays, closed days and daylight-saving changes."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from moyeu.core.business_time import (
    add_business_time,
    business_time_between,
    default_calendar,
    is_open,
)
from moyeu.core.models import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def office(**kwargs: object) -> BusinessCalendar:
    """Monday-Friday 9:00-12:30 and 14:00-18:00 in Paris, French holidays (unsaved)."""
    return BusinessCalendar(name="Office", time_zone="Europe/Paris", **kwargs)


def always() -> BusinessCalendar:
    hours = {str(day): [["00:00", "24:00"]] for day in range(7)}
    return BusinessCalendar(
        name="24/7", time_zone="Europe/Paris", working_hours=hours, holiday_country=""
    )


def test_a_friday_evening_target_ends_on_monday_morning() -> None:
    # Friday 27 November 2026, 17:00: one hour left that day, three on Monday from 9:00.
    deadline = add_business_time(office(), paris(2026, 11, 27, 17, 0), 4 * H)
    assert deadline == datetime.datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    assert deadline.astimezone(PARIS) == paris(2026, 11, 30, 12, 0)


def test_a_public_holiday_is_skipped() -> None:
    # Tuesday 10 November 2026, 17:00 + 2 h: 17-18, Armistice Day (Wednesday) closed,
    # Thursday 9:00-10:00.
    deadline = add_business_time(office(), paris(2026, 11, 10, 17, 0), 2 * H)
    assert deadline == paris(2026, 11, 12, 10, 0)
    assert business_time_between(office(), paris(2026, 11, 10, 17, 0), deadline) == 2 * H


def test_a_deadline_ending_with_a_span_is_that_span_end_not_the_next_start() -> None:
    assert add_business_time(office(), paris(2026, 11, 30, 9, 0), 3 * H + 30 * M) == paris(
        2026, 11, 30, 12, 30
    )
    assert add_business_time(office(), paris(2026, 11, 30, 9, 0), 3 * H + 31 * M) == paris(
        2026, 11, 30, 14, 1
    )


def test_a_start_out_of_hours_counts_from_the_next_opening() -> None:
    assert add_business_time(office(), paris(2026, 11, 28, 10, 0), 30 * M) == paris(
        2026, 11, 30, 9, 30
    )
    assert add_business_time(office(), paris(2026, 11, 30, 13, 0), 30 * M) == paris(
        2026, 11, 30, 14, 30
    )
    assert add_business_time(office(), paris(2026, 11, 30, 22, 0), 7 * H + 30 * M) == paris(
        2026, 12, 1, 18, 0
    )


def test_elapsed_working_time_across_a_weekend() -> None:
    calendar = office()
    assert (
        business_time_between(calendar, paris(2026, 11, 27, 17, 0), paris(2026, 11, 30, 12, 0))
        == 4 * H
    )
    # A whole working week: 5 x 7.5 h.
    assert (
        business_time_between(calendar, paris(2026, 11, 30, 0, 0), paris(2026, 12, 7, 0, 0))
        == 37 * H + 30 * M
    )
    assert business_time_between(
        calendar, paris(2026, 11, 30, 12, 0), paris(2026, 11, 30, 9, 0)
    ) == (datetime.timedelta(0))


def test_closed_dates_and_regional_holidays() -> None:
    # Thursday 24 December 2026 closed by the company; Christmas Day is a holiday.
    calendar = office(closed_dates=["2026-12-24"])
    assert add_business_time(calendar, paris(2026, 12, 23, 17, 0), 2 * H) == paris(
        2026, 12, 28, 10, 0
    )
    # 26 December 2025 (a Friday) is a holiday in Moselle only.
    assert add_business_time(office(), paris(2025, 12, 26, 9, 0), H) == paris(2025, 12, 26, 10, 0)
    moselle = office(holiday_subdivision="57")
    assert add_business_time(moselle, paris(2025, 12, 26, 9, 0), H) == paris(2025, 12, 29, 10, 0)
    assert not is_open(moselle, paris(2025, 12, 26, 10, 0))
    assert is_open(office(), paris(2025, 12, 26, 10, 0))


def test_daylight_saving_days_count_the_hours_that_really_passed() -> None:
    # Sunday 29 March 2026 has 23 hours in Paris, Sunday 25 October 2026 has 25.
    calendar = always()
    assert business_time_between(calendar, paris(2026, 3, 29, 0, 0), paris(2026, 3, 30, 0, 0)) == (
        23 * H
    )
    assert (
        business_time_between(calendar, paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0))
        == 25 * H
    )
    # 23:00 CET + 3 h = 03:00 CEST.
    assert add_business_time(calendar, paris(2026, 3, 28, 23, 0), 3 * H) == paris(2026, 3, 29, 3, 0)


def test_is_open_at_the_edges_of_a_span() -> None:
    calendar = office()
    assert is_open(calendar, paris(2026, 11, 30, 9, 0))
    assert is_open(calendar, paris(2026, 11, 30, 12, 29))
    assert not is_open(calendar, paris(2026, 11, 30, 12, 30))
    assert not is_open(calendar, paris(2026, 11, 29, 10, 0))


def test_bad_arguments_are_refused() -> None:
    start = paris(2026, 11, 30, 9, 0)
    assert add_business_time(office(), start, datetime.timedelta(0)) == start
    with pytest.raises(ValueError, match="must not be negative"):
        add_business_time(office(), start, -H)
    with pytest.raises(ValueError, match="aware"):
        add_business_time(office(), datetime.datetime(2026, 11, 30, 9, 0), H)
    closed = BusinessCalendar(name="Closed", working_hours={}, holiday_country="")
    with pytest.raises(ValueError, match="too little working time"):
        add_business_time(closed, start, H)


@pytest.mark.django_db
def test_the_default_calendar_is_created_once() -> None:
    first = default_calendar()
    assert (first.name, first.is_default, first.holiday_country, first.time_zone) == (
        "Standard",
        True,
        "FR",
        "Europe/Paris",
    )
    assert default_calendar().pk == first.pk
    assert BusinessCalendar.objects.count() == 1
