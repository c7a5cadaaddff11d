"""Price lists (per currency and customer segment) and customer-specific conditions.

A customer segment is an account tag (decision: docs/decisions, products and pricing): a
price list whose ``segment`` is "Grands comptes" applies to accounts tagged so; an empty
segment applies to every customer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel

__all__ = ["CustomerCondition", "PriceList", "PriceListItem"]

ZERO = Decimal("0")


class PriceList(MoyeuModel):
    is_catalogue = True

    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    segment = models.CharField(
        _("customer segment"),
        max_length=64,
        blank=True,
        help_text=_("An account tag; empty: every customer."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        indexes = [
            models.Index(fields=["name", "id"], name="sales_pricelist_name"),
            models.Index(fields=["currency", "segment"], name="sales_pricelist_applies"),
            models.Index(fields=["created_at", "id"], name="sales_pricelist_created"),
            models.Index(fields=["updated_at", "id"], name="sales_pricelist_updated"),
        ]

    def __str__(self) -> str:
        return self.name

    def related_snapshot(self) -> dict[str, Any]:
        return {"items": [item.as_dict() for item in self.items.order_by("product__code")]}


class PriceListItem(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("sales.Product", on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(
        _("unit price excl. tax"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product"], name="sales_price_once_per_list"
            )
        ]
        indexes = [models.Index(fields=["product", "price_list"], name="sales_price_by_product")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.unit_price}"

    def as_dict(self) -> dict[str, Any]:
        return {"product": str(self.product_id), "unit_price": str(self.unit_price)}


class CustomerCondition(MoyeuModel):
    """A price or discount negotiated with one account, for one product or for all.

    Exactly one of ``unit_price`` (for one product, in ``currency``) and ``discount_percent``
    is set. Quote lines pick it up automatically while it is valid (moyeu.sales.services.pricing).
    """

    is_catalogue = True

    account = models.ForeignKey(
        "directory.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        "sales.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every product."),
    )
    unit_price = models.DecimalField(
        _("negotiated unit price"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("customer condition")
        verbose_name_plural = _("customer conditions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit_price__isnull=False) & Q(discount_percent__isnull=True))
                | (Q(unit_price__isnull=True) & Q(discount_percent__isnull=False)),
                name="sales_condition_price_or_discount",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(product__isnull=False),
                name="sales_condition_price_needs_product",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "product"], name="sales_condition_account"),
            models.Index(fields=["created_at", "id"], name="sales_condition_created"),
            models.Index(fields=["updated_at", "id"], name="sales_condition_updated"),
        ]

    def __str__(self) -> str:
        if self.unit_price is not None:
            return f"{self.unit_price} {self.currency}"
        return f"-{self.discount_percent} %"
