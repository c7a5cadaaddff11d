"""Webhook subscriptions, their deliveries (one per event and subscription) and attempts.

A delivery is created from the outbox (the ``integrations.webhooks`` consumer) for every
event matching an active subscription, then sent by worker jobs. Deliveries of one record to
one subscription go out in event order: a delivery is only sent when no earlier delivery of
the same (subscription, record) is still pending or retrying. Every HTTP attempt is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class WebhookSubscription(models.Model):
    """Where to send which events, signed with the subscription's secret."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("target URL"), max_length=2000)
    # Shell-style patterns on event types: ["contact.*", "account.merged"].
    event_types = models.JSONField(_("event types"), default=list)
    # Equalities on payload fields that an event must satisfy: {"kind": ["call", "meeting"]}.
    filter = models.JSONField(_("filter"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Standard Webhooks secret ("whsec_" + base64 of 32 random bytes). It signs, so it is kept;
    # it is shown once, at creation and rotation, and never returned by reads.
    secret = models.CharField(max_length=100)
    # After a rotation both secrets sign until this moment, so receivers can switch calmly.
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    description = models.TextField(_("description"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Failures in a row since the last success (shown and exported as a metric).
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead-lettered")


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class WebhookDelivery(models.Model):
    """One event to one subscription; sent until accepted (2xx) or dead-lettered."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Deleted with the event when the outbox retention prunes it (never while open: the
    # module holds open deliveries' events, see moyeu.integrations.retention).
    event = models.ForeignKey(
        "core.OutboxEvent", on_delete=models.CASCADE, related_name="+", db_constraint=True
    )
    event_type = models.CharField(max_length=100)
    record_id = models.UUIDField(null=True)  # the event's record: ordering key
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    # Claimed by a sender until the lease expires (a killed sender's claim lapses).
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True)
    last_status_code = models.PositiveSmallIntegerField(null=True)
    last_error = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(null=True)
    dead_at = models.DateTimeField(null=True)
    replays = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-event_id"]
        verbose_name = _("webhook delivery")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="integrations_delivery_once"
            )
        ]
        indexes = [
            # Open deliveries only: the claim walks them in event order, retries by due time;
            # delivered history (millions of rows) stays out of both indexes.
            models.Index(
                fields=["event"],
                name="integrations_delivery_open",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
            models.Index(
                fields=["due_at"],
                name="integrations_delivery_due",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
            models.Index(
                fields=["subscription", "record_id", "event"],
                name="integrations_delivery_chain",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
            models.Index(fields=["subscription", "status", "event"], name="integ_delivery_list"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} [{self.status}]"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, as sent and as answered."""

    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    url = models.CharField(max_length=2000)
    request_headers = models.JSONField(default=dict)
    request_body = models.TextField()
    status_code = models.PositiveSmallIntegerField(null=True)
    response_headers = models.JSONField(default=dict)
    response_body = models.TextField(blank=True, default="")  # at most a few KiB
    response_truncated = models.BooleanField(default=False)
    error = models.TextField(blank=True, default="")
    is_success = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number", "id"]
        verbose_name = _("webhook attempt")

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
