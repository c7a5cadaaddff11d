"""An activity's links to records of any registered type, and its attendees.

A link names a record as ``<type>:<id>`` (``directory.contact:0193…``) or by its id alone
(ids are UUIDv7, unique across types). It is checked against the module registry and the
actor must be able to see the record; a record they cannot see is "no such record".
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from moyeu.activities.models import Activity, ActivityAttendee, ActivityLink
from moyeu.activities.services.cleaning import Errors, add_error
from moyeu.core.context import Actor
from moyeu.core.errors import NotFound
from moyeu.core.registry import registry
from moyeu.core.timeline import RecordRef, TimelineQueryError, parse_record
from moyeu.identity.models import User

MAX_LINKS = 50


def record_ref(actor: Actor, raw: Any) -> RecordRef | None:
    """The record ``raw`` names, if it exists and ``actor`` may see it."""
    try:
        ref = parse_record(str(raw))
    except (TimelineQueryError, NotFound):
        return None
    model = registry.record_model(ref.record_type)
    if model is None or model is Activity:
        return None
    visible = model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
    return ref if visible.filter(pk=ref.id).exists() else None


def clean_links(
    actor: Actor, raw: Any, errors: Errors, *, allow_empty: bool = False
) -> list[RecordRef]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        add_error(errors, "links", _("Expected a list of records."))
        return []
    if not raw and not allow_empty:
        add_error(errors, "links", _("Link the activity to at least one record."))
    if len(raw) > MAX_LINKS:
        add_error(errors, "links", _("At most %(n)s records.") % {"n": MAX_LINKS})
        return []
    refs: list[RecordRef] = []
    for index, item in enumerate(raw):
        ref = record_ref(actor, item)
        if ref is None:
            add_error(errors, f"links.{index}", _("No such record."))
        elif any(other.id == ref.id for other in refs):
            add_error(errors, f"links.{index}", _("This record is already linked."))
        else:
            refs.append(ref)
    return refs


def clean_attendees(actor: Actor, raw: Any, errors: Errors) -> list[dict[str, Any]]:
    """``[{"user": id} | {"record": "<type>:<id>"}]``: active users, or records one may see."""
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        add_error(errors, "attendees", _("Expected a list."))
        return []
    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for index, item in enumerate(raw):
        path = f"attendees.{index}"
        if not isinstance(item, Mapping) or len(item) != 1 or not {"user", "record"} & set(item):
            add_error(errors, path, _('Expected {"user": id} or {"record": "type:id"}.'))
            continue
        if "user" in item:
            user_id = _uuid(item["user"])
            found = User.objects.filter(pk=user_id, is_active=True).exists() if user_id else False
            if not found:
                add_error(errors, f"{path}.user", _("No such user."))
            elif user_id not in seen:
                seen.add(user_id)
                rows.append({"user_id": user_id, "record_type": "", "record_id": None})
            continue
        ref = record_ref(actor, item["record"])
        if ref is None:
            add_error(errors, f"{path}.record", _("No such record."))
        elif ref.id not in seen:
            seen.add(ref.id)
            rows.append({"user_id": None, "record_type": ref.record_type, "record_id": ref.id})
    return rows


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def sync_link_dates(activity: Activity) -> None:
    """Keep the links' copy of ``occurred_at`` (the timeline's index) equal to the activity's."""
    ActivityLink.objects.filter(activity=activity).exclude(occurred_at=activity.occurred_at).update(
        occurred_at=activity.occurred_at
    )


def write_links(activity: Activity, refs: list[RecordRef]) -> None:
    current = {link.record_id: link for link in activity.links.all()}
    wanted = {ref.id: ref for ref in refs}
    ActivityLink.objects.filter(activity=activity).exclude(record_id__in=list(wanted)).delete()
    ActivityLink.objects.bulk_create(
        [
            ActivityLink(
                activity=activity,
                record_type=ref.record_type,
                record_id=ref.id,
                occurred_at=activity.occurred_at,
            )
            for ref in refs
            if ref.id not in current
        ]
    )


def write_attendees(activity: Activity, rows: list[dict[str, Any]]) -> None:
    ActivityAttendee.objects.filter(activity=activity).delete()
    ActivityAttendee.objects.bulk_create(
        [ActivityAttendee(activity=activity, **row) for row in rows]
    )
