"""Business calendars: the working hours, public holidays and closed days of a company.

Administrators manage them; the SLA clocks of leads and tickets read them through
moyeu.core.business_time. Every definition is checked in full before it is written.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)
from moyeu.core.models import BusinessCalendar
from moyeu.core.services import audit

EDITABLE = (
    "name",
    "time_zone",
    "working_hours",
    "holiday_country",
    "holiday_subdivision",
    "closed_dates",
    "is_default",
)
AUDIT_CODES = [
    "core.business_calendar.created",
    "core.business_calendar.updated",
    "core.business_calendar.deleted",
]
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_CLOSED_DATES = 1000


def _check_admin(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators manage business calendars."))


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _working_hours_problems(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [_("Give an object mapping a weekday (0 = Monday … 6 = Sunday) to its spans.")]
    problems: list[str] = []
    total = 0
    for weekday, spans in value.items():
        if weekday not in {str(n) for n in range(7)}:
            problems.append(
                _("“%(day)s” is not a weekday: use 0 (Monday) to 6 (Sunday).") % {"day": weekday}
            )
            continue
        if not isinstance(spans, list):
            problems.append(_("Day %(day)s: give a list of [start, end] spans.") % {"day": weekday})
            continue
        previous_end = -1
        for span in spans:
            valid = (
                isinstance(span, list)
                and len(span) == 2
                and all(isinstance(part, str) for part in span)
                and _CLOCK.match(span[0])
                and (_CLOCK.match(span[1]) or span[1] == "24:00")
            )
            if not valid:
                problems.append(
                    _('Day %(day)s: %(span)s is not a ["HH:MM", "HH:MM"] span.')
                    % {"day": weekday, "span": span}
                )
                continue
            start, end = _minutes(span[0]), _minutes(span[1])
            if start >= end:
                problems.append(
                    _("Day %(day)s: the span %(start)s-%(end)s ends before it starts.")
                    % {"day": weekday, "start": span[0], "end": span[1]}
                )
            elif start < previous_end:
                problems.append(
                    _("Day %(day)s: spans must be in order and must not overlap.")
                    % {"day": weekday}
                )
            else:
                total += end - start
            previous_end = max(previous_end, end)
    if not problems and total == 0:
        problems.append(_("The calendar needs at least one working span in the week."))
    return problems


def _validate(data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 100:
        errors["name"] = [_("At most 100 characters.")]
    zone = data.get("time_zone", "")
    try:
        if zone not in available_timezones():
            raise ZoneInfoNotFoundError(zone)
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        errors["time_zone"] = [
            _("“%(zone)s” is not a time zone such as Europe/Paris.") % {"zone": zone}
        ]
    problems = _working_hours_problems(data.get("working_hours"))
    if problems:
        errors["working_hours"] = problems
    country = data.get("holiday_country", "")
    supported = holidays.list_supported_countries()
    if country and country not in supported:
        errors["holiday_country"] = [
            _("“%(country)s” is not a country whose public holidays are known.")
            % {"country": country}
        ]
    subdivision = data.get("holiday_subdivision", "")
    if subdivision and (not country or subdivision not in supported.get(country, [])):
        errors["holiday_subdivision"] = [
            _("“%(region)s” is not a region of %(country)s.")
            % {"region": subdivision, "country": country or "-"}
        ]
    closed = data.get("closed_dates", [])
    if not isinstance(closed, list) or len(closed) > MAX_CLOSED_DATES:
        errors["closed_dates"] = [_("Give a list of at most 1000 dates.")]
    else:
        for index, value in enumerate(closed):
            try:
                datetime.date.fromisoformat(value)
            except (TypeError, ValueError):
                errors[f"closed_dates.{index}"] = [
                    _("“%(value)s” is not a date such as 2026-12-24.") % {"value": value}
                ]
    return errors


def _cleaned(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    cleaned["name"] = str(cleaned.get("name", "")).strip()
    cleaned["holiday_country"] = str(cleaned.get("holiday_country", "")).upper()
    cleaned["holiday_subdivision"] = str(cleaned.get("holiday_subdivision", "")).strip()
    if isinstance(cleaned.get("closed_dates"), list):
        cleaned["closed_dates"] = sorted({str(d) for d in cleaned["closed_dates"]})
    return cleaned


def _unique_name(name: str, exclude: uuid.UUID | None = None) -> None:
    taken = BusinessCalendar.objects.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationFailed({"name": [_("A calendar with this name already exists.")]})


def calendar_create(*, actor: Actor, **data: Any) -> BusinessCalendar:
    _check_admin(actor)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    defaults = BusinessCalendar()
    values = {name: data.get(name, getattr(defaults, name)) for name in EDITABLE}
    values = _cleaned(values)
    errors = _validate(values)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        _unique_name(values["name"])
        if values["is_default"]:
            BusinessCalendar.objects.filter(is_default=True).update(is_default=False)
        calendar = BusinessCalendar.objects.create(**values)
        audit.record(calendar, "core.business_calendar.created", actor, data=values)
    return calendar


def calendar_update(
    *, actor: Actor, calendar_id: uuid.UUID, version: int | None = None, **changes: Any
) -> BusinessCalendar:
    _check_admin(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    with transaction.atomic():
        calendar = BusinessCalendar.objects.select_for_update().filter(pk=calendar_id).first()
        if calendar is None:
            raise NotFound(_("No such business calendar."))
        if version is not None and version != calendar.version:
            raise VersionConflict(
                _("The calendar was changed by someone else; reload it."),
                current_version=calendar.version,
            )
        before = {name: getattr(calendar, name) for name in EDITABLE}
        values = _cleaned({**before, **changes})
        errors = _validate(values)
        if errors:
            raise ValidationFailed(errors)
        if before["is_default"] and not values["is_default"]:
            raise ValidationFailed(
                {"is_default": [_("Make another calendar the default instead.")]}
            )
        diff = {k: (before[k], values[k]) for k in EDITABLE if before[k] != values[k]}
        if not diff:
            return calendar
        _unique_name(values["name"], exclude=calendar.pk)
        if values["is_default"] and not before["is_default"]:
            BusinessCalendar.objects.filter(is_default=True).update(is_default=False)
        for name, value in values.items():
            setattr(calendar, name, value)
        calendar.version += 1
        calendar.updated_at = timezone.now()
        calendar.save()
        audit.record(calendar, "core.business_calendar.updated", actor, changes=diff)
    return calendar


def calendar_delete(*, actor: Actor, calendar_id: uuid.UUID) -> None:
    """Delete a calendar; the default one cannot be deleted (targets fall back on it)."""
    _check_admin(actor)
    with transaction.atomic():
        calendar = BusinessCalendar.objects.select_for_update().filter(pk=calendar_id).first()
        if calendar is None:
            raise NotFound(_("No such business calendar."))
        if calendar.is_default:
            raise Conflict(_("The default calendar cannot be deleted; make another the default."))
        audit.record(
            calendar, "core.business_calendar.deleted", actor, data={"name": calendar.name}
        )
        calendar.delete()
