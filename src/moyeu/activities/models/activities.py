from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moyeu.activities.models.kinds import (
    ActivityKind,
    CallOutcome,
    Channel,
    Direction,
    Priority,
    Status,
)
from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel

__all__ = ["Activity", "ActivityAttendee", "ActivityLink"]


class Activity(MoyeuModel):
    """A call, meeting, task, note, e-mail or message: one table, a kind and typed columns.

    ``occurred_at`` places the activity on timelines: when a call, note, e-mail or message
    happened, when a meeting starts, when a task is due (its creation time without a due
    date). The columns of other kinds stay empty; the services check which are allowed.
    See docs/decisions/0014-activities-and-timeline.md.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)  # sanitised HTML (notes, e-mails) or text
    occurred_at = models.DateTimeField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Calls, e-mails, messages
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, blank=True
    )
    # Calls
    phone_number = models.CharField(_("phone number"), max_length=20, blank=True)  # E.164
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CallOutcome.choices, blank=True)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    # Meetings
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    # Tasks
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, blank=True)
    # Tasks and meetings
    reminder_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True, editable=False
    )
    # E-mails
    email_from = models.CharField(_("from"), max_length=320, blank=True)
    email_to = models.JSONField(_("to"), default=list, blank=True)
    email_cc = models.JSONField(_("cc"), default=list, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True)
    thread_id = models.CharField(_("thread"), max_length=500, blank=True)
    # Messages
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="activities_unique_message_id",
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_at", "id"], name="activities_occurred"),
            models.Index(fields=["owner", "status", "due_at"], name="activities_owner_due"),
            models.Index(fields=["owner", "kind", "occurred_at"], name="activities_owner_kind"),
            models.Index(fields=["team", "id"], name="activities_team"),
            models.Index(fields=["thread_id"], name="activities_thread"),
            # The reminder sweep reads the few rows whose reminder is due and not yet sent.
            models.Index(
                fields=["reminder_at"],
                condition=Q(reminder_sent_at__isnull=True, reminder_at__isnull=False),
                name="activities_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or str(self.get_kind_display())

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.kind == ActivityKind.TASK
            and self.status == Status.OPEN
            and self.due_at is not None
            and self.due_at < timezone.now()
        )

    def related_snapshot(self) -> dict[str, Any]:
        """The linked records and attendees, as audit entries and event payloads show them."""
        return {
            "links": [link.as_ref() for link in self.links.all()],
            "attendees": [a.as_dict() for a in self.attendees.all()],
        }


class ActivityLink(models.Model):
    """An activity concerns a record of any registered type: ("directory.contact", id).

    Record ids are UUIDv7, unique across types; the type is kept so that a link can be
    checked against the registry and shown without guessing.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    record_type = models.CharField(_("record type"), max_length=100)  # "directory.contact"
    record_id = models.UUIDField(_("record"))
    # The activity's occurred_at, repeated so that a record's timeline is an index range
    # scan on (record_id, occurred_at, activity_id); the services keep it equal.
    occurred_at = models.DateTimeField(_("date"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "record_id"], name="activities_link_once_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["record_id", "activity"], name="activities_link_record"),
            models.Index(
                fields=["record_id", "occurred_at", "activity"], name="activities_link_timeline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"

    def as_ref(self) -> str:
        return f"{self.record_type}:{self.record_id}"


class ActivityAttendee(models.Model):
    """Who attends a meeting: a user, or a record (a contact) through the generic link form."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(record_id__isnull=True))
                | (Q(user__isnull=True) & Q(record_id__isnull=False)),
                name="activities_attendee_user_or_record",
            )
        ]
        indexes = [models.Index(fields=["user", "activity"], name="activities_attendee_user")]

    def __str__(self) -> str:
        return str(self.user_id or self.record_id)

    def as_dict(self) -> dict[str, Any]:
        if self.user_id is not None:
            return {"user": str(self.user_id)}
        return {"record": f"{self.record_type}:{self.record_id}"}
