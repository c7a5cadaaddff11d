from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.models import MoyeuModel


class AccountKind(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Customer")
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")
    COMPETITOR = "competitor", _("Competitor")


class Account(MoyeuModel):
    """A company the business deals with."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=AccountKind.choices, default=AccountKind.PROSPECT
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["name", "id"], name="directory_account_name"),
            models.Index(fields=["owner", "id"], name="directory_account_owner"),
            models.Index(fields=["team", "id"], name="directory_account_team"),
        ]

    def __str__(self) -> str:
        return self.name
