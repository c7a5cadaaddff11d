from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from moyeu.core.models import MoyeuModel
from moyeu.directory.models.kinds import AccountKind, SizeBand

__all__ = ["Account", "AccountKind", "SizeBand"]


class Account(MoyeuModel):
    """A company the business deals with.

    ``email``, ``phone``/``phone_e164`` and ``postcode``/``city``/``country`` repeat the
    primary e-mail, phone and address (the child tables hold every one): lists, duplicate
    detection and imports read them without a join. Only the directory services write them.
    """

    name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=AccountKind.choices, default=AccountKind.PROSPECT
    )
    industry = models.CharField(
        _("industry"), max_length=6, blank=True, help_text=_("NAF rév. 2 / NACE code")
    )
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_e164 = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )

    # Flat columns repeating the primary child row, kept in step by the merge (core.merge).
    merge_mirrors: ClassVar[tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = (
        ("emails", (("email", "email"),)),
        ("phones", (("phone", "number"), ("phone_e164", "e164"))),
        ("addresses", (("postcode", "postcode"), ("city", "city"), ("country", "country"))),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["name", "id"], name="directory_account_name"),
            models.Index(fields=["owner", "id"], name="directory_account_owner"),
            models.Index(fields=["team", "id"], name="directory_account_team"),
            models.Index(fields=["siren"], name="directory_account_siren"),
            models.Index(fields=["siret"], name="directory_account_siret"),
            models.Index(fields=["vat_number"], name="directory_account_vat"),
            models.Index(fields=["email"], name="directory_account_email"),
            models.Index(fields=["phone_e164"], name="directory_account_phone"),
            models.Index(fields=["industry", "id"], name="directory_account_industry"),
            models.Index(fields=["parent", "id"], name="directory_account_parent"),
            # The API's list filters and orderings (bench/README.md, EXPLAIN at 10^6 rows):
            # ?kind=, ?city= and ?country= (case-insensitive: UPPER(column) = UPPER(value)).
            models.Index(fields=["kind", "id"], name="directory_account_kind"),
            models.Index(Upper("city"), F("id"), name="directory_account_city_ci"),
            models.Index(Upper("country"), F("id"), name="directory_account_country_ci"),
            models.Index(fields=["created_at", "id"], name="directory_account_created"),
            models.Index(fields=["updated_at", "id"], name="directory_account_updated"),
            models.Index(fields=["postcode"], name="directory_account_postcode"),
        ]

    def __str__(self) -> str:
        return self.name

    def related_snapshot(self) -> dict[str, Any]:
        """The child rows, as audit entries and event payloads show them."""
        return {
            "emails": [e.as_dict() for e in self.emails.all()],
            "phones": [p.as_dict() for p in self.phones.all()],
            "addresses": [a.as_dict() for a in self.addresses.all()],
        }
