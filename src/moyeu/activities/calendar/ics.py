"""RFC 5545 output: meetings as VEVENTs, tasks with a due date as VTODOs.

UID is the activity's id (stable across edits), SEQUENCE its version, DTSTAMP its last
change: calendar programs replace an event when its SEQUENCE grows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event, Todo, vCalAddress, vText

from moyeu.activities.models import Activity, ActivityKind, Priority, Status

PRODID = "-//Moyeu//Moyeu CRM//EN"
_PRIORITY: dict[str, int] = {Priority.HIGH: 1, Priority.NORMAL: 5, Priority.LOW: 9}
_EVENT_STATUS: dict[str, str] = {
    Status.OPEN: "CONFIRMED",
    Status.DONE: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}
_TODO_STATUS: dict[str, str] = {
    Status.OPEN: "NEEDS-ACTION",
    Status.DONE: "COMPLETED",
    Status.CANCELLED: "CANCELLED",
}


def uid(activity: Activity) -> str:
    return str(activity.pk)


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _person(user: object) -> vCalAddress | None:
    email = getattr(user, "email", "")
    if not email:
        return None
    address = vCalAddress(f"mailto:{email}")
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    address.params["CN"] = vText(name or str(user))
    return address


def _common(component: Event | Todo, activity: Activity, url: str) -> None:
    component.add("uid", uid(activity))
    component.add("sequence", activity.version)
    component.add("dtstamp", _utc(activity.updated_at or timezone.now()))
    component.add("created", _utc(activity.created_at))
    component.add("last-modified", _utc(activity.updated_at or activity.created_at))
    component.add("summary", activity.subject or str(activity.get_kind_display()))
    if url:
        component.add("url", url)
    organizer = _person(activity.owner) if activity.owner_id else None
    if organizer is not None:
        component.add("organizer", organizer)


def meeting_event(activity: Activity, url: str = "") -> Event:
    event = Event()
    _common(event, activity, activity.video_url or url)
    event.add("dtstart", _utc(activity.occurred_at))
    event.add("dtend", _utc(activity.ends_at or activity.occurred_at))
    if activity.location:
        event.add("location", activity.location)
    event.add("status", _EVENT_STATUS.get(activity.status, "CONFIRMED"))
    for attendee in activity.attendees.all():
        address = _person(attendee.user) if attendee.user_id else None
        if address is not None:
            address.params["ROLE"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=False)
    return event


def task_todo(activity: Activity, url: str = "") -> Todo:
    todo = Todo()
    _common(todo, activity, url)
    assert activity.due_at is not None
    todo.add("due", _utc(activity.due_at))
    todo.add("status", _TODO_STATUS.get(activity.status, "NEEDS-ACTION"))
    if activity.priority in _PRIORITY:
        todo.add("priority", _PRIORITY[activity.priority])
    if activity.completed_at is not None and activity.status == Status.DONE:
        todo.add("completed", _utc(activity.completed_at))
    return todo


def calendar(name: str, activities: Iterable[Activity], url_of: object = None) -> Calendar:
    """A VCALENDAR named ``name`` with a component per meeting and dated task."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for activity in activities:
        url = url_of(activity) if callable(url_of) else ""
        if activity.kind == ActivityKind.MEETING:
            cal.add_component(meeting_event(activity, url))
        elif activity.kind == ActivityKind.TASK and activity.due_at is not None:
            cal.add_component(task_todo(activity, url))
    return cal
