"""What the API itself stores: the first answer to each idempotent POST."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The answer given to a POST sent with ``Idempotency-Key``, replayed to its retries.

    Scoped to the user, the key and the method + path; ``fingerprint`` (SHA-256 of the body)
    tells a retry from a different request reusing the key. Rows expire after
    24 hours (moyeu.api.idempotency.KEY_LIFETIME), purged as the user sends new keys.
    """

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    target = models.CharField(max_length=500)  # "POST /api/v1/contacts"
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "target"], name="api_idempotency_unique_key"
            )
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="api_idempotency_age")]

    def __str__(self) -> str:
        return f"{self.key} {self.target} -> {self.status_code}"
