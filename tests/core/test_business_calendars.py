"""Business calendars administered through their services and /api/v1/business-calendars."""

from __future__ import annotations

import pytest

from moyeu.core.errors import PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, BusinessCalendar
from moyeu.core.services import business_calendars as calendars
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_a_bad_definition_names_every_wrong_field_and_writes_nothing(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as refused:
        calendars.calendar_create(
            actor=personas.actor("admin"),
            name=" ",
            time_zone="Europe/Lutece",
            working_hours={"0": [["09:00", "08:00"]], "7": [["09:00", "10:00"]]},
            holiday_country="XX",
            holiday_subdivision="57",
            closed_dates=["2026-12-24", "24/12/2026"],
        )
    assert refused.value.errors == {
        "name": ["This field is required."],
        "time_zone": ["“Europe/Lutece” is not a time zone such as Europe/Paris."],
        "working_hours": [
            "Day 0: the span 09:00-08:00 ends before it starts.",
            "“7” is not a weekday: use 0 (Monday) to 6 (Sunday).",
        ],
        "holiday_country": ["“XX” is not a country whose public holidays are known."],
        "holiday_subdivision": ["“57” is not a region of XX."],
        "closed_dates.1": ["“24/12/2026” is not a date such as 2026-12-24."],
    }
    assert BusinessCalendar.objects.count() == 0


def test_overlaps_and_an_empty_week_are_refused(personas: Personas) -> None:
    admin = personas.actor("admin")
    with pytest.raises(ValidationFailed) as overlap:
        calendars.calendar_create(
            actor=admin, name="A", working_hours={"0": [["09:00", "12:00"], ["11:00", "13:00"]]}
        )
    assert overlap.value.errors == {
        "working_hours": ["Day 0: spans must be in order and must not overlap."]
    }
    with pytest.raises(ValidationFailed) as empty:
        calendars.calendar_create(actor=admin, name="B", working_hours={"5": []})
    assert empty.value.errors == {
        "working_hours": ["The calendar needs at least one working span in the week."]
    }


def test_only_administrators_manage_calendars(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        calendars.calendar_create(actor=personas.actor("manager"), name="Support")
    assert BusinessCalendar.objects.count() == 0


def test_one_default_at_a_time_and_it_cannot_be_deleted(personas: Personas) -> None:
    admin = personas.actor("admin")
    first = calendars.calendar_create(actor=admin, name="Paris", is_default=True)
    second = calendars.calendar_create(actor=admin, name="Lyon", is_default=True)
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    with pytest.raises(ValidationFailed) as undefault:
        calendars.calendar_update(actor=admin, calendar_id=second.pk, is_default=False)
    assert undefault.value.errors == {"is_default": ["Make another calendar the default instead."]}
    with pytest.raises(ValidationFailed) as same_name:
        calendars.calendar_update(actor=admin, calendar_id=first.pk, name="lyon")
    assert same_name.value.errors == {"name": ["A calendar with this name already exists."]}
    codes = list(
        AuditEntry.objects.filter(code__startswith="core.business_calendar")
        .order_by("occurred_at")
        .values_list("code", flat=True)
    )
    assert codes == ["core.business_calendar.created", "core.business_calendar.created"]
