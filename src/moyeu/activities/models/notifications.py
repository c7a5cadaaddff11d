from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class Notification(models.Model):
    """Something a user should see, listed with a badge: a reminder of a task or meeting, or
    a notice from any module (an assignment, an SLA about to breach, a renewal due).

    One per (activity, reminder time): the reminder sweep creates it in the transaction that
    marks the reminder sent, so a reminder reaches its owner once. ``emailed_at`` is set
    once the e-mail copy has been handed to the mail server; a worker sending it first
    claims it until ``email_claimed_until``, so two workers never both send it.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(
        "activities.Activity", null=True, on_delete=models.CASCADE, related_name="+"
    )
    reminder_at = models.DateTimeField(null=True)
    title = models.CharField(_("title"), max_length=300)
    # Where "View" leads for notices that are not reminders (a lead, a ticket…).
    url = models.CharField(_("link"), max_length=500, blank=True)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.UUIDField(null=True, blank=True)
    # Notices ask for an e-mail copy explicitly; reminders always have one.
    email_wanted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)
    email_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "reminder_at"], name="activities_one_notification_per_reminder"
            )
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], name="activities_notif_user"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="activities_notif_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title
