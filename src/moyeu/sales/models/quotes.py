"""Quotes and their lines.

A quote is a draft until it is issued (sent): it then takes its number (``DEV-2026-00001``,
gap-free per year, moyeu.core.numbering) and is read-only. Revising a sent quote makes the
next version, a draft with the same number and ``revision`` + 1; the old one is kept,
``superseded``. Amounts are Decimal, each line's total rounded to the cent (half up) and the
VAT computed per rate (moyeu.sales.services.quote_math).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel

__all__ = ["Quote", "QuoteLine", "QuoteStatus"]

ZERO = Decimal("0")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Superseded")


def _money(name: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(name, max_digits=14, decimal_places=2, default=ZERO)


class Quote(MoyeuModel):
    number = models.CharField(_("number"), max_length=32, blank=True, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    account = models.ForeignKey(
        "directory.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "directory.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The opportunity it answers (sales.opportunity), named by id: checked by the service.
    opportunity_id = models.UUIDField(_("opportunity"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    discount_percent = models.DecimalField(
        _("global discount (%)"), max_digits=5, decimal_places=2, default=ZERO
    )
    notes = models.TextField(_("terms and notes"), blank=True)
    lines_total = _money(_("lines total excl. tax"))
    discount_amount = _money(_("global discount amount"))
    total_excl_tax = _money(_("total excl. tax"))
    total_tax = _money(_("VAT"))
    total_incl_tax = _money(_("total incl. tax"))
    # Sending
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    sent_to = models.CharField(_("sent to"), max_length=320, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)
    email_error = models.CharField(_("e-mail error"), max_length=500, blank=True, editable=False)
    # The customer's answer
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True, editable=False)
    answered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    answered_ip = models.GenericIPAddressField(
        _("answered from"), null=True, blank=True, editable=False
    )
    answered_via = models.CharField(_("answered through"), max_length=8, blank=True, editable=False)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "revision"],
                condition=~Q(number=""),
                name="sales_quote_number_revision",
            )
        ]
        indexes = [
            models.Index(fields=["account", "created_at", "id"], name="sales_quote_account"),
            models.Index(fields=["owner", "id"], name="sales_quote_owner"),
            models.Index(fields=["team", "id"], name="sales_quote_team"),
            models.Index(fields=["status", "id"], name="sales_quote_status"),
            models.Index(fields=["number", "id"], name="sales_quote_number"),
            models.Index(fields=["opportunity_id"], name="sales_quote_opportunity"),
            models.Index(fields=["created_at", "id"], name="sales_quote_created"),
            models.Index(fields=["updated_at", "id"], name="sales_quote_updated"),
        ]

    def __str__(self) -> str:
        if not self.number:
            return str(_("Draft quote %(title)s") % {"title": self.title}).strip()
        if self.revision > 1:
            return f"{self.number} v{self.revision}"
        return self.number

    @property
    def reference(self) -> str:
        """The number as printed: ``DEV-2026-00001``, ``DEV-2026-00001-v2`` for a revision."""
        if not self.number:
            return ""
        return self.number if self.revision == 1 else f"{self.number}-v{self.revision}"

    @property
    def is_draft(self) -> bool:
        return self.status == QuoteStatus.DRAFT

    @property
    def is_expired(self) -> bool:
        """Sent, unanswered and past its validity date: the customer's link no longer works."""
        from django.utils import timezone

        return (
            self.status == QuoteStatus.SENT
            and self.valid_until is not None
            and self.valid_until < timezone.localdate()
        )

    def related_snapshot(self) -> dict[str, Any]:
        return {"lines": [line.as_dict() for line in self.lines.all()]}


class QuoteLine(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"))
    product = models.ForeignKey(
        "sales.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_price = models.DecimalField(_("unit price excl. tax"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=ZERO
    )
    tax_rate = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2)
    total_excl_tax = _money(_("total excl. tax"))
    pricing_source = models.CharField(_("price from"), max_length=20, blank=True)
    pricing_reason = models.CharField(_("why this price"), max_length=300, blank=True)

    class Meta:
        ordering = ["quote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="sales_quote_line_position")
        ]

    def __str__(self) -> str:
        return self.description

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "product": str(self.product_id) if self.product_id else None,
            "description": self.description,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "discount_percent": str(self.discount_percent),
            "tax_rate": str(self.tax_rate),
            "total_excl_tax": str(self.total_excl_tax),
            "pricing_source": self.pricing_source,
            "pricing_reason": self.pricing_reason,
        }
