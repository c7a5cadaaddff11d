from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class InvitationMethod(models.TextChoices):
    """The iTIP method of the message (RFC 5546): an invitation or update, or a cancellation."""

    REQUEST = "REQUEST", _("Invitation")
    CANCEL = "CANCEL", _("Cancellation")


class MeetingInvitation(models.Model):
    """One e-mail with an .ics to one contact about one meeting: who was invited, when.

    Written by ``meeting_invite`` (or the meeting's cancellation) in its transaction, sent by
    the worker (``send_pending_invitations``), which claims each row for a lease before
    talking to the mail server and sets ``sent_at`` once the server accepted it. ``sequence``
    is the meeting's SEQUENCE in that message (its version then): calendar programs replace
    what they hold for the UID when it grows. See docs/decisions/0014.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="invitations"
    )
    # The attendee invited: a record (a contact) named as the links are.
    record_type = models.CharField(max_length=100)
    record_id = models.UUIDField()
    name = models.CharField(_("name"), max_length=300, blank=True)
    email = models.CharField(_("e-mail"), max_length=320)
    method = models.CharField(_("kind"), max_length=8, choices=InvitationMethod.choices)
    sequence = models.PositiveIntegerField(_("sequence"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # A worker sending it holds it until then; past that, another may take it (a crash).
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting invitation")
        indexes = [
            models.Index(fields=["activity", "requested_at"], name="activities_invitation_meet"),
            models.Index(
                fields=["requested_at"],
                condition=Q(sent_at__isnull=True),
                name="activities_invitation_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.email} (SEQUENCE {self.sequence})"
