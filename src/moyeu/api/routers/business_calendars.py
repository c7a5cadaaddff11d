"""/business-calendars: working hours, public holidays and closed days for SLA clocks."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from moyeu.api.auth import actor_of, require_superuser
from moyeu.api.resources import IF_MATCH, expected_version
from moyeu.api.schemas import InputSchema, Page
from moyeu.core.business_time import add_business_time, default_calendar
from moyeu.core.errors import NotFound
from moyeu.core.models import BusinessCalendar
from moyeu.core.services import business_calendars as calendars

router = Router(tags=["business calendars"])

HOURS_DESCRIPTION = (
    'Weekday ("0" = Monday … "6" = Sunday) -> working spans [["09:00", "12:30"], ...] in the '
    'calendar\'s time zone; "24:00" ends a span at midnight; a missing day is closed.'
)


class BusinessCalendarOut(Schema):
    id: uuid.UUID
    name: str
    time_zone: str
    working_hours: dict[str, list[list[str]]]
    holiday_country: str
    holiday_subdivision: str
    closed_dates: list[str]
    is_default: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class BusinessCalendarCreate(InputSchema):
    name: str = Field(examples=["Support Paris"])
    time_zone: str = Field(default="Europe/Paris", examples=["Europe/Paris"])
    working_hours: dict[str, list[list[str]]] | None = Field(
        default=None, description=HOURS_DESCRIPTION + " Default: Monday-Friday 9-12:30, 14-18."
    )
    holiday_country: str = Field(
        default="FR", description="ISO 3166 country whose public holidays are closed; empty: none."
    )
    holiday_subdivision: str = Field(default="", description='Region, such as "57" (Moselle).')
    closed_dates: list[str] = Field(default=[], examples=[["2026-12-24"]])
    is_default: bool = False


class BusinessCalendarPatch(InputSchema):
    not_null = frozenset(calendars.EDITABLE)
    name: str | None = None
    time_zone: str | None = None
    working_hours: dict[str, list[list[str]]] | None = Field(
        default=None, description=HOURS_DESCRIPTION
    )
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    closed_dates: list[str] | None = None
    is_default: bool | None = None


class DeadlineOut(Schema):
    start: datetime.datetime
    hours: float
    deadline: datetime.datetime


def _calendar(request: HttpRequest, calendar_id: uuid.UUID) -> BusinessCalendar:
    require_superuser(actor_of(request))
    found = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if found is None:
        raise NotFound("No such business calendar.")
    return found


def _with_etag(response: HttpResponse, calendar: BusinessCalendar) -> BusinessCalendar:
    response["ETag"] = f'"{calendar.version}"'
    return calendar


@router.get("", response=Page[BusinessCalendarOut])
def list_business_calendars(request: HttpRequest) -> Any:
    """Every calendar (one page); the default one exists once a target has needed it."""
    require_superuser(actor_of(request))
    default_calendar()
    return {"items": list(BusinessCalendar.objects.all()), "next_cursor": None}


@router.post("", response={201: BusinessCalendarOut})
def create_business_calendar(
    request: HttpRequest, response: HttpResponse, payload: BusinessCalendarCreate
) -> Any:
    data = payload.model_dump(exclude_none=True)
    calendar = calendars.calendar_create(actor=actor_of(request), **data)
    return Status(201, _with_etag(response, calendar))


@router.get("/{calendar_id}", response=BusinessCalendarOut)
def get_business_calendar(
    request: HttpRequest, response: HttpResponse, calendar_id: uuid.UUID
) -> Any:
    return _with_etag(response, _calendar(request, calendar_id))


@router.patch("/{calendar_id}", response=BusinessCalendarOut, openapi_extra=IF_MATCH)
def update_business_calendar(
    request: HttpRequest,
    response: HttpResponse,
    calendar_id: uuid.UUID,
    payload: BusinessCalendarPatch,
) -> Any:
    calendar = calendars.calendar_update(
        actor=actor_of(request),
        calendar_id=calendar_id,
        version=expected_version(request),
        **payload.model_dump(exclude_unset=True),
    )
    return _with_etag(response, calendar)


@router.delete("/{calendar_id}", response={204: None})
def delete_business_calendar(request: HttpRequest, calendar_id: uuid.UUID) -> Any:
    calendars.calendar_delete(actor=actor_of(request), calendar_id=calendar_id)
    return Status(204, None)


@router.get("/{calendar_id}/deadline", response=DeadlineOut)
def business_calendar_deadline(
    request: HttpRequest,
    calendar_id: uuid.UUID,
    start: datetime.datetime,
    hours: float = Query(..., gt=0, le=10000),  # type: ignore[type-arg]
) -> Any:
    """When `hours` of working time after `start` have passed: try a target before using it."""
    calendar = _calendar(request, calendar_id)
    if start.tzinfo is None:
        start = start.replace(tzinfo=datetime.UTC)
    deadline = add_business_time(calendar, start, datetime.timedelta(hours=hours))
    return {"start": start, "hours": hours, "deadline": deadline}
