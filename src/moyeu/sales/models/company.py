"""The selling company's own details, printed on quotes (and, later, invoices)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyProfile(models.Model):
    """One row (id 1), changed by administrators through moyeu.sales.services.company."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("legal form and capital"),
        max_length=200,
        blank=True,
        help_text=_("e.g. SAS au capital de 10 000 €"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=10, blank=True, editable=False)  # png, jpeg
    quote_terms = models.TextField(
        _("terms printed on quotes"),
        blank=True,
        help_text=_("Payment terms, late-payment penalties, the fixed recovery fee..."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("company details")

    def __str__(self) -> str:
        return self.legal_name or str(_("Company details"))
