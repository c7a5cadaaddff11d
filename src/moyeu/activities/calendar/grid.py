"""Week and month grids: the days shown, and each meeting or task placed on its day and hour."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from moyeu.activities.models import Activity, ActivityKind

FIRST_HOUR = 8
LAST_HOUR = 19  # the week grid's rows; earlier and later meetings go to the first/last row


@dataclass
class Day:
    date: datetime.date
    in_month: bool = True
    tasks: list[Activity] = field(default_factory=list)
    meetings: list[Activity] = field(default_factory=list)
    by_hour: dict[int, list[Activity]] = field(default_factory=dict)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def period(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last+1 days a week (Monday first) or month grid shows."""
    if view == "month":
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        end = week_start(following - datetime.timedelta(days=1)) + datetime.timedelta(days=7)
        return week_start(first), end
    start = week_start(day)
    return start, start + datetime.timedelta(days=7)


def shift(view: str, day: datetime.date, steps: int) -> datetime.date:
    if view == "month":
        month = day.month - 1 + steps
        return datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return day + datetime.timedelta(days=7 * steps)


def bounds(first: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes in the current time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)


def place(view: str, day: datetime.date, activities: list[Activity]) -> tuple[list[Day], list[int]]:
    """The grid's days with their items (by local start), and the week's hour rows."""
    first, end = period(view, day)
    days = []
    current = first
    while current < end:
        days.append(Day(current, in_month=view != "month" or current.month == day.month))
        current += datetime.timedelta(days=1)
    index = {d.date: d for d in days}
    for activity in activities:
        when = timezone.localtime(activity.occurred_at)
        target = index.get(when.date())
        if target is None:
            continue  # a meeting that began before the period: shown on its first day only
        if activity.kind == ActivityKind.TASK:
            target.tasks.append(activity)
            continue
        target.meetings.append(activity)
        hour = min(max(when.hour, FIRST_HOUR), LAST_HOUR)
        target.by_hour.setdefault(hour, []).append(activity)
    return days, list(range(FIRST_HOUR, LAST_HOUR + 1))


def week_rows(days: list[Day], hours: list[int]) -> list[dict[str, Any]]:
    """Rows of the week table: an hour and, per day, the slot's start and its meetings."""
    return [
        {
            "hour": hour,
            "cells": [
                {"slot": f"{d.date.isoformat()}T{hour:02d}:00", "items": d.by_hour.get(hour, [])}
                for d in days
            ],
        }
        for hour in hours
    ]


def month_weeks(days: list[Day]) -> list[list[Day]]:
    return [days[i : i + 7] for i in range(0, len(days), 7)]
