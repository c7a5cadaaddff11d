"""Importing an .ics file: its events become the importing user's meetings, its to-dos their
tasks; a second import of the file (or of a newer export) updates them.

- **Idempotent by UID**: each item carries the external id ``ical:<user id>`` = its UID, so
  the same file imported twice changes nothing the second time, and a newer export updates
  what changed (the activity services return early on no change). Scoped per user: two people
  importing the same invitation get one meeting each. Items whose UID is a Moyeu activity's
  own id (a Moyeu feed or invitation imported back) are left alone.
- **Records**: an attendee whose address is a contact's the user may see links the meeting to
  that contact and makes them an attendee; a user's address makes that user an attendee.
  Without such a contact the meeting or task has no record: imported items may stand alone.
- **Recurring events are not expanded**: a VEVENT with RRULE, RDATE or RECURRENCE-ID is left
  out and named in the result (decision 0014): copies of occurrences could not follow later
  changes of the series (an exception, a new end) the way a calendar program does.
- **All or nothing**: the file is read and checked first (errors name the line and the
  component), then every item is written in one transaction; an item the services refuse
  fails the whole import with its line, and nothing is kept.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from moyeu.activities.calendar.reading import IcsError, Item, read
from moyeu.activities.models import Activity, ActivityKind, Priority, Status
from moyeu.activities.services import activities as activity_services
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import MoyeuError, PermissionDenied, ValidationFailed
from moyeu.core.registry import registry
from moyeu.core.services import records
from moyeu.identity.models import User


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # why each left-out item was left out


def system_of(actor: Actor) -> str:
    return f"ical:{actor.user_id}"


def _priority(value: int | None) -> str:
    if value is None or value == 0:
        return Priority.NORMAL
    return Priority.HIGH if value <= 4 else Priority.NORMAL if value == 5 else Priority.LOW


def _body(description: str) -> str:
    return "<br>".join(html.escape(line) for line in description.splitlines())


def _contacts_by_address(actor: Actor, addresses: list[str]) -> dict[str, str]:
    """Address -> "<type>:<id>" of the first record the actor may see with that address."""
    found: dict[str, str] = {}
    if not addresses:
        return found
    for spec, declared in registry.record_types():
        if not declared.email_field:
            continue
        model = registry.record_model(declared.model_label)
        if model is None:
            continue
        manager: Any = model._default_manager
        rows = manager.visible_to(actor, "view").filter(
            **{f"{declared.email_field}__in": addresses}
        )
        for pk, address in rows.values_list("pk", declared.email_field).order_by("pk"):
            found.setdefault(str(address).lower(), f"{spec.label}.{declared.name}:{pk}")
    return found


def _users_by_address(addresses: list[str]) -> dict[str, uuid.UUID]:
    rows = User.objects.filter(email__in=addresses, is_active=True).order_by("pk")
    found: dict[str, uuid.UUID] = {}
    for pk, email in rows.values_list("pk", "email"):
        found.setdefault(email.lower(), pk)
    return found


def _values(actor: Actor, item: Item) -> dict[str, Any]:
    v = item.values
    values: dict[str, Any] = {"subject": item.summary[:300], "body": _body(v["description"])}
    contacts = _contacts_by_address(actor, item.attendees)
    if item.kind == "VEVENT":
        users = _users_by_address(item.attendees)
        values.update(
            kind=ActivityKind.MEETING,
            occurred_at=v["dtstart"],
            ends_at=v.get("dtend"),
            location=v["location"][:300],
            video_url=v["url"] if v["url"].startswith(("https://", "http://")) else "",
            attendees=[{"record": ref} for ref in contacts.values()]
            + [{"user": str(pk)} for pk in users.values() if pk != actor.user_id],
        )
    else:
        values.update(
            kind=ActivityKind.TASK, due_at=v.get("due"), priority=_priority(v["priority"])
        )
    values["links"] = list(dict.fromkeys(contacts.values()))
    return values


def _sync_status(actor: Actor, item: Item, activity: Activity) -> Activity:
    """The file's status wins: cancelled, a to-do completed, or open again."""
    if item.status == "CANCELLED":
        wanted = Status.CANCELLED
    elif item.kind == "VTODO" and item.status == "COMPLETED":
        wanted = Status.DONE
    elif item.kind == "VTODO" or activity.status == Status.CANCELLED:
        wanted = Status.OPEN
    else:
        return activity  # a meeting marked held in Moyeu stays held
    change = {
        Status.CANCELLED: activity_services.activity_cancel,
        Status.DONE: activity_services.activity_complete,
        Status.OPEN: activity_services.activity_reopen,
    }[wanted]
    if activity.status == wanted:
        return activity
    return change(actor=actor, activity_id=activity.pk)


def _write(actor: Actor, item: Item, result: ImportResult) -> None:
    values = _values(actor, item)
    system = system_of(actor)
    existing = records.find_by_external_id(Activity, system, item.uid)
    if existing is None:
        if item.status == "CANCELLED":
            result.skipped.append(_("%(item)s: cancelled") % {"item": item.label()})
            return
        activity = activity_services.activity_create(
            actor=actor, values=values, external_ids={system: item.uid}, allow_unlinked=True
        )
        _sync_status(actor, item, activity)
        result.created += 1
        return
    before = existing.version
    values.pop("kind")
    # What was added in Moyeu (a link to an account, an attendee) stays.
    values["links"] = list(
        dict.fromkeys([*(link.as_ref() for link in existing.links.all()), *values["links"]])
    )
    if "attendees" in values:
        kept = [a.as_dict() for a in existing.attendees.all()]
        values["attendees"] = [*kept, *(a for a in values["attendees"] if a not in kept)]
    activity = activity_services.activity_update(
        actor=actor, activity_id=existing.pk, values=values, allow_unlinked=True
    )
    activity = _sync_status(actor, item, activity)
    if activity.version == before:
        result.unchanged += 1
    else:
        result.updated += 1


def _moyeu_ids(uids: list[str]) -> set[str]:
    ids = []
    for uid in uids:
        try:
            ids.append(uuid.UUID(uid))
        except ValueError:
            continue
    return {str(pk) for pk in Activity.objects.filter(pk__in=ids).values_list("pk", flat=True)}


def calendar_import(*, actor: Actor, data: bytes) -> ImportResult:
    """Import an .ics file for ``actor``; ValidationFailed on ``file`` naming bad lines."""
    if actor.user is None:
        raise PermissionDenied(_("Only a user has a calendar."))
    try:
        items = read(data)
    except IcsError as exc:
        raise ValidationFailed({"file": exc.messages}) from None
    result = ImportResult()
    ours = _moyeu_ids([item.uid for item in items])
    errors: list[str] = []
    with action_context(channel=actor.channel), transaction.atomic():
        # One transaction: an item refused fails the import, and nothing is kept.
        for item in items:
            if item.is_recurring:
                result.skipped.append(
                    _("%(item)s: a recurring event (not imported)") % {"item": item.label()}
                )
            elif item.uid in ours:
                result.skipped.append(_("%(item)s: already in Moyeu") % {"item": item.label()})
            else:
                try:
                    with transaction.atomic():
                        _write(actor, item, result)
                except ValidationFailed as exc:
                    details = "; ".join(f"{k}: {' '.join(m)}" for k, m in exc.errors.items())
                    errors.append(f"{item.label()}: {details}")
                except MoyeuError as exc:
                    errors.append(f"{item.label()}: {exc.message}")
        if errors:
            raise ValidationFailed({"file": errors})
    return result
