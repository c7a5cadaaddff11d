from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    language = models.CharField(
        _("language"), max_length=8, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    primary_team = models.ForeignKey(
        "identity.Team",
        verbose_name=_("primary team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New records this user creates belong to this team."),
    )
    roles = models.ManyToManyField("identity.Role", verbose_name=_("roles"), blank=True)
    is_service_account = models.BooleanField(
        _("service account"),
        default=False,
        help_text=_("A non-human user for integrations; signs in only with service tokens."),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
