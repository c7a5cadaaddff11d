from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.models import MoyeuModel


class Contact(MoyeuModel):
    """A person, usually working for an account."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    account = models.ForeignKey(
        "directory.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="directory_contact_name"),
            models.Index(fields=["email"], name="directory_contact_email"),
            models.Index(fields=["owner", "id"], name="directory_contact_owner"),
            models.Index(fields=["team", "id"], name="directory_contact_team"),
            models.Index(fields=["account", "id"], name="directory_contact_account"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
