"""Activities: log, plan, change, complete, reopen, cancel, delete.

``values`` takes the model's fields of the activity's kind (see cleaning.KIND_FIELDS) plus
``links`` (records, ``["directory.contact:<id>", ...]``) and, for meetings, ``attendees``.
Links and attendees are checked inside the transaction, after record access: a record the
actor cannot see is refused as "no such record".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.activities.models import Activity, ActivityKind, Priority, Status
from moyeu.activities.services import cleaning, invitations, links, reminders
from moyeu.activities.services.cleaning import PLANNED, Errors, add_error
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import Conflict, ValidationFailed, VersionConflict
from moyeu.core.services import audit, events, records

_NESTED = ("links", "attendees")


def _kind(values: Mapping[str, Any], current: Activity | None) -> str:
    if current is not None:
        if "kind" in values and values["kind"] != current.kind:
            raise ValidationFailed({"kind": [_("The kind of an activity cannot change.")]})
        return current.kind
    kind = values.get("kind")
    if kind not in ActivityKind.values:
        choices = ", ".join(ActivityKind.values)
        raise ValidationFailed({"kind": [_("Choose one of: %(c)s.") % {"c": choices}]})
    return str(kind)


def prepare(
    actor: Actor,
    values: Mapping[str, Any],
    current: Activity | None,
    *,
    allow_unlinked: bool = False,
) -> tuple[dict[str, Any], Callable[[Activity], None]]:
    """The checked column values, and the writer of links and attendees (run in the
    transaction, after access checks); or ValidationFailed naming every bad field.

    ``allow_unlinked``: the activity may concern no record (an imported calendar item)."""
    values = {
        ("owner_id" if k == "owner" else "team_id" if k == "team" else k): v
        for k, v in values.items()
    }
    kind = _kind(values, current)
    values.pop("kind", None)
    nested = {key: values.pop(key) for key in _NESTED if key in values}
    errors: Errors = {}
    cleaning.check_kind_fields(kind, values, errors)
    if "attendees" in nested and kind != ActivityKind.MEETING:
        add_error(errors, "attendees", _("Only meetings have attendees."))
    if kind == ActivityKind.TASK and "occurred_at" in values:
        add_error(errors, "occurred_at", _("A task's date is its due date."))
    cleaning.clean_values(kind, values, errors)
    if current is None:
        values["kind"] = kind
        values["status"] = Status.OPEN if kind in PLANNED else Status.DONE
        if kind == ActivityKind.TASK and not values.get("priority"):
            values["priority"] = Priority.NORMAL
        if "links" not in nested and not allow_unlinked:
            add_error(errors, "links", _("Link the activity to at least one record."))
    if "links" in nested and not nested["links"] and not allow_unlinked:
        add_error(errors, "links", _("Link the activity to at least one record."))
    merged = {
        name: values.get(name, getattr(current, name, None))
        for name in ("occurred_at", "ends_at", "due_at", "reminder_at", "message_id")
    }
    _check_dates(kind, merged, values, current, errors)
    if kind == ActivityKind.EMAIL and merged["message_id"]:
        taken = Activity.objects.filter(message_id=merged["message_id"])
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            raise Conflict(
                _("An e-mail with this Message-ID is already logged."),
                code="activities.message_id_taken",
                field="message_id",
            )
        if "message_id" in values and not (
            values.get("thread_id") or getattr(current, "thread_id", "")
        ):
            values["thread_id"] = values["message_id"]
    if errors:
        raise ValidationFailed(errors)

    def write(activity: Activity) -> None:
        more: Errors = {}
        refs = (
            links.clean_links(actor, nested["links"], more, allow_empty=allow_unlinked)
            if "links" in nested
            else None
        )
        rows = (
            links.clean_attendees(actor, nested["attendees"], more)
            if "attendees" in nested
            else None
        )
        if more:
            raise ValidationFailed(more)
        if refs is not None:
            links.write_links(activity, refs)
        links.sync_link_dates(activity)
        if rows is not None:
            links.write_attendees(activity, rows)

    return values, write


def _check_dates(
    kind: str,
    merged: dict[str, Any],
    values: dict[str, Any],
    current: Activity | None,
    errors: Errors,
) -> None:
    if "occurred_at" in errors:
        return
    if kind == ActivityKind.MEETING:
        if merged["occurred_at"] is None:
            add_error(errors, "occurred_at", _("Give the meeting's start."))
        elif merged["ends_at"] is not None and merged["ends_at"] < merged["occurred_at"]:
            add_error(errors, "ends_at", _("The meeting ends before it starts."))
    elif kind == ActivityKind.TASK:
        if "due_at" in values or current is None:
            # A task sits on the timeline at its due date, or when it was created.
            values["occurred_at"] = (
                merged["due_at"] or getattr(current, "created_at", None) or (timezone.now())
            )
    elif current is None and values.get("occurred_at") is None:
        values["occurred_at"] = timezone.now()
    elif "occurred_at" in values and values["occurred_at"] is None:
        add_error(errors, "occurred_at", _("This field cannot be empty."))
    if "reminder_at" in values:
        values["reminder_sent_at"] = None  # a moved reminder is due again


def activity_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
    allow_unlinked: bool = False,
) -> Activity:
    cleaned, write = prepare(actor, values, None, allow_unlinked=allow_unlinked)
    cleaned.pop("reminder_sent_at", None)
    activity = records.record_create(
        Activity,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        related=write,
    )
    reminders.schedule(activity)
    return activity


def _visible(actor: Actor, activity_id: Any) -> Activity | None:
    return Activity.objects.visible_to(actor, "view").filter(pk=activity_id).first()


def activity_update(
    *,
    actor: Actor,
    activity_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
    allow_unlinked: bool = False,
) -> Activity:
    current = _visible(actor, activity_id)
    if current is None:
        # Answers "not found" (the record_update checks access in its transaction).
        return records.record_update(Activity, activity_id, actor=actor)
    cleaned, write = prepare(actor, values or {}, current, allow_unlinked=allow_unlinked)
    activity = records.record_update(
        Activity,
        activity_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
        related=write,
    )
    if "reminder_at" in cleaned:
        reminders.schedule(activity)
    return activity


def activity_delete(
    *, actor: Actor, activity_id: uuid.UUID, expected_version: int | None = None
) -> None:
    records.record_delete(Activity, activity_id, actor=actor, expected_version=expected_version)


def activity_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Activity, bool]:
    """Update the activity ``system`` knows as ``value``, or log it: (activity, created)."""
    with transaction.atomic():
        found = records.find_by_external_id(Activity, system, value)
        if found is None:
            return (
                activity_create(
                    actor=actor,
                    values=values,
                    custom=custom,
                    tags=tags,
                    external_ids={system: value},
                ),
                True,
            )
        changes = {k: v for k, v in values.items() if k != "kind" or v != found.kind}
        updated = activity_update(
            actor=actor,
            activity_id=found.pk,
            values=changes,
            custom=custom,
            tags=tags,
            expected_version=expected_version,
        )
        return updated, False


def _change_status(
    *,
    actor: Actor,
    activity_id: uuid.UUID,
    status: str,
    verb: str,
    expected_version: int | None,
    extra: Mapping[str, Any] | None = None,
) -> Activity:
    with action_context(channel=actor.channel), transaction.atomic():
        activity = records.lock_for_change(Activity, activity_id, actor=actor, action="change")
        if expected_version is not None and activity.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).")
                % {"v": activity.version},
                current_version=activity.version,
            )
        if verb != "reopened" and activity.kind not in PLANNED:
            raise ValidationFailed(
                {"status": [_("Only tasks and meetings are completed or cancelled.")]}
            )
        if activity.status == status:
            return activity
        before = records.snapshot(activity)
        activity.status = status
        activity.completed_at = timezone.now() if status == Status.DONE else None
        for name, value in (extra or {}).items():
            setattr(activity, name, value)
        activity.version += 1
        activity.updated_by = actor.user
        activity.updated_at = timezone.now()
        activity.save()
        after = records.snapshot(activity)
        changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        audit.record(activity, f"activities.activity.{verb}", actor, changes=changes)
        if verb == "cancelled" and activity.kind == ActivityKind.MEETING:
            # Guests who were invited are told, in this transaction (sent after it).
            invitations.queue_cancellations(actor, activity)
        events.emit(
            f"activity.{verb}",
            record_type="activities.activity",
            record=activity,
            payload=after,
            actor=actor,
        )
    return activity


def activity_complete(
    *, actor: Actor, activity_id: uuid.UUID, expected_version: int | None = None
) -> Activity:
    """Mark a task or meeting done (no change if it already is)."""
    return _change_status(
        actor=actor,
        activity_id=activity_id,
        status=Status.DONE,
        verb="completed",
        expected_version=expected_version,
    )


def activity_cancel(
    *, actor: Actor, activity_id: uuid.UUID, expected_version: int | None = None
) -> Activity:
    return _change_status(
        actor=actor,
        activity_id=activity_id,
        status=Status.CANCELLED,
        verb="cancelled",
        expected_version=expected_version,
    )


def activity_reopen(
    *, actor: Actor, activity_id: uuid.UUID, expected_version: int | None = None
) -> Activity:
    """Open a done or cancelled task or meeting again."""
    activity = _visible(actor, activity_id)
    if activity is not None and activity.kind not in PLANNED:
        raise ValidationFailed({"status": [_("Only tasks and meetings are reopened.")]})
    return _change_status(
        actor=actor,
        activity_id=activity_id,
        status=Status.OPEN,
        verb="reopened",
        expected_version=expected_version,
    )
