"""Working-time arithmetic on a business calendar: the clock of service-level targets.

"Reply within 4 working hours" on a Friday at 17:00 means Monday 12:00 in a 9-18 office,
and Tuesday if Monday is a public holiday. Two operations answer every SLA question:

- :func:`add_business_time` — the deadline: a duration of working time after a start;
- :func:`business_time_between` — the working time elapsed between two instants (a paused
  clock is the caller's sum of its running segments).

Spans are turned into real instants through the calendar's time zone, so a working day
that crosses a daylight-saving change counts the hours that really passed. Results are
aware datetimes in UTC.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db import IntegrityError, transaction

from moyeu.core.models import BusinessCalendar

UTC = datetime.UTC
# A deadline further than this is a calendar with (almost) no working time: refuse it.
MAX_DAYS = 3 * 366
DEFAULT_NAME = "Standard"


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str, year: int) -> frozenset[datetime.date]:
    if not country:
        return frozenset()
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(found.keys())


def parse_clock(text: str) -> datetime.time | None:
    """ "09:30" -> 09:30; "24:00" -> None, the end of the day."""
    if text == "24:00":
        return None
    return datetime.time.fromisoformat(text)


@dataclass(frozen=True)
class Schedule:
    """The compiled, immutable form of a calendar."""

    zone: ZoneInfo
    spans: dict[int, tuple[tuple[datetime.time, datetime.time | None], ...]]
    country: str
    subdivision: str
    closed: frozenset[datetime.date]

    @classmethod
    def of(cls, calendar: BusinessCalendar) -> Schedule:
        spans = {
            int(weekday): tuple(
                (datetime.time.fromisoformat(start), parse_clock(end)) for start, end in day
            )
            for weekday, day in calendar.working_hours.items()
        }
        return cls(
            zone=ZoneInfo(calendar.time_zone),
            spans=spans,
            country=calendar.holiday_country,
            subdivision=calendar.holiday_subdivision,
            closed=frozenset(datetime.date.fromisoformat(d) for d in calendar.closed_dates),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.closed or not self.spans.get(day.weekday()):
            return False
        return day not in public_holidays(self.country, self.subdivision, day.year)

    def day_spans(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The day's working spans as instants in UTC."""
        if not self.is_working_day(day):
            return []
        found = []
        for start, end in self.spans[day.weekday()]:
            begin = datetime.datetime.combine(day, start, tzinfo=self.zone)
            if end is None:
                finish = datetime.datetime.combine(
                    day + datetime.timedelta(days=1), datetime.time(0), tzinfo=self.zone
                )
            else:
                finish = datetime.datetime.combine(day, end, tzinfo=self.zone)
            found.append((begin.astimezone(UTC), finish.astimezone(UTC)))
        return found

    def local_day(self, at: datetime.datetime) -> datetime.date:
        return at.astimezone(self.zone).date()


def _schedule(calendar: BusinessCalendar | Schedule) -> Schedule:
    return calendar if isinstance(calendar, Schedule) else Schedule.of(calendar)


def _aware(at: datetime.datetime, name: str) -> datetime.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return at.astimezone(UTC)


def add_business_time(
    calendar: BusinessCalendar | Schedule,
    start: datetime.datetime,
    duration: datetime.timedelta,
) -> datetime.datetime:
    """The instant at which ``duration`` of working time has passed since ``start``.

    A zero duration gives ``start`` itself. A deadline that ends exactly where a span ends
    is that span's end (12:30, not 14:00).
    """
    schedule = _schedule(calendar)
    start = _aware(start, "start")
    if duration < datetime.timedelta(0):
        raise ValueError("duration must not be negative")
    if not duration:
        return start
    remaining = duration
    day = schedule.local_day(start)
    for _offset in range(MAX_DAYS):
        for begin, finish in schedule.day_spans(day):
            if finish <= start:
                continue
            begin = max(begin, start)
            available = finish - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += datetime.timedelta(days=1)
    raise ValueError("the calendar has too little working time for this duration")


def business_time_between(
    calendar: BusinessCalendar | Schedule,
    start: datetime.datetime,
    end: datetime.datetime,
) -> datetime.timedelta:
    """Working time between two instants; zero when ``end`` is not after ``start``."""
    schedule = _schedule(calendar)
    start = _aware(start, "start")
    end = _aware(end, "end")
    total = datetime.timedelta(0)
    if end <= start:
        return total
    day = schedule.local_day(start)
    last = schedule.local_day(end)
    while day <= last:
        for begin, finish in schedule.day_spans(day):
            overlap = min(finish, end) - max(begin, start)
            if overlap > datetime.timedelta(0):
                total += overlap
        day += datetime.timedelta(days=1)
    return total


def is_open(calendar: BusinessCalendar | Schedule, at: datetime.datetime) -> bool:
    """Whether ``at`` falls within working time."""
    schedule = _schedule(calendar)
    at = _aware(at, "at")
    return any(begin <= at < finish for begin, finish in schedule.day_spans(schedule.local_day(at)))


def default_calendar() -> BusinessCalendar:
    """The calendar targets use unless they name one; created on first use."""
    found = BusinessCalendar.objects.filter(is_default=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return BusinessCalendar.objects.create(name=DEFAULT_NAME, is_default=True)
    except IntegrityError:  # created meanwhile by another process, or the name is taken
        found = BusinessCalendar.objects.filter(is_default=True).first()
        if found is not None:
            return found
        with transaction.atomic():
            BusinessCalendar.objects.filter(name=DEFAULT_NAME).update(is_default=True)
        return BusinessCalendar.objects.get(is_default=True)
