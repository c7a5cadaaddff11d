from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the secret is shown once at creation.

    Scopes narrow what the owner's roles allow ("directory:view", "directory:*", "*").
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SERVICE = "service", _("Service")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    prefix = models.CharField(max_length=12, db_index=True)  # shown in lists to recognise it
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
