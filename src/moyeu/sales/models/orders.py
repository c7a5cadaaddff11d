"""Orders: what an accepted quote becomes."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.models import MoyeuModel

__all__ = ["Order", "OrderStatus"]

ZERO = Decimal("0")


class OrderStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    BLOCKED = "blocked", _("Blocked")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# status -> the statuses it may go to (moyeu.sales.services.orders)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.CONFIRMED: (OrderStatus.BLOCKED, OrderStatus.DELIVERED, OrderStatus.CANCELLED),
    OrderStatus.BLOCKED: (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (),
}


class Order(MoyeuModel):
    """The lines and amounts are the accepted quote's (read-only from then on)."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    quote = models.OneToOneField(
        "sales.Quote",
        verbose_name=_("quote"),
        on_delete=models.PROTECT,
        related_name="order",
        editable=False,
    )
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
    currency = models.CharField(_("currency"), max_length=3, editable=False)
    total_excl_tax = models.DecimalField(
        _("total excl. tax"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    total_tax = models.DecimalField(
        _("VAT"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    total_incl_tax = models.DecimalField(
        _("total incl. tax"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OrderStatus.choices,
        default=OrderStatus.CONFIRMED,
        editable=False,
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True, editable=False)
    ordered_at = models.DateTimeField(_("ordered at"), editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    delivery_date = models.DateField(_("expected delivery"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["account", "created_at", "id"], name="sales_order_account"),
            models.Index(fields=["owner", "id"], name="sales_order_owner"),
            models.Index(fields=["team", "id"], name="sales_order_team"),
            models.Index(fields=["status", "id"], name="sales_order_status"),
            models.Index(fields=["created_at", "id"], name="sales_order_created"),
            models.Index(fields=["updated_at", "id"], name="sales_order_updated"),
        ]

    def __str__(self) -> str:
        return self.number
