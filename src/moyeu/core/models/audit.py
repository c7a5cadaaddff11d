from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class AuditEntry(models.Model):
    """One change (or sensitive read): who, when, what, before/after, and the action it was part of.

    Written only by moyeu.core.services.audit; never updated, except redaction for erasure.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    channel = models.CharField(max_length=32)
    code = models.CharField(max_length=100, db_index=True)  # directory.contact.updated
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.UUIDField(null=True)
    object_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict)  # {field: [before, after]}
    data = models.JSONField(default=dict)  # anything else worth keeping (filters of an export)
    correlation_id = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_id", "occurred_at"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.code} by {self.actor_label} at {self.occurred_at:%Y-%m-%d %H:%M}"
