"""Template helpers of the activity pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moyeu.activities.services.cleaning import KIND_FIELDS

register = template.Library()

# The order fields are shown in, per kind (the body is shown apart).
ORDER = (
    "occurred_at",
    "ends_at",
    "due_at",
    "priority",
    "direction",
    "phone_number",
    "outcome",
    "duration_seconds",
    "recording_url",
    "location",
    "video_url",
    "email_from",
    "email_to",
    "email_cc",
    "message_id",
    "thread_id",
    "channel",
    "reminder_at",
    "completed_at",
)


def _value(record: Any, name: str) -> Any:
    display = getattr(record, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(record, name)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, list):
        return ", ".join(value)
    if name == "duration_seconds" and value is not None:
        minutes, seconds = divmod(int(value), 60)
        return f"{minutes} min {seconds:02d} s"
    return value


@register.filter
def activity_fields(record: Any) -> list[tuple[Any, Any]]:
    """(label, value) of the filled fields of the activity's kind."""
    names = KIND_FIELDS[record.kind] | {"occurred_at", "completed_at"}
    shown = []
    for name in ORDER:
        if name not in names:
            continue
        value = _value(record, name)
        if value in (None, "", []):
            continue
        label = _("duration") if name == "duration_seconds" else None
        shown.append((label or record._meta.get_field(name).verbose_name, value))
    return shown
