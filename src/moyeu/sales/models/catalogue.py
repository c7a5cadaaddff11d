"""The catalogue: VAT rates, products and services.

Catalogue records are shared by the whole sales module (``is_catalogue``): everyone granted
the module's ``view`` sees all of them, and changing them needs its ``administer`` grant
(see docs/decisions, products and pricing).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel

__all__ = ["Product", "ProductKind", "TaxRate", "Unit"]

ZERO = Decimal("0")


class TaxRate(models.Model):
    """A VAT rate a product or a quote line carries, in percent (20.00, 5.50, 2.10...)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=64, unique=True)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-rate", "name"]
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="sales_one_default_tax_rate",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProductKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class Unit(models.TextChoices):
    UNIT = "unit", _("unit")
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    LICENCE = "licence", _("licence")
    PACKAGE = "package", _("package")
    KILOGRAM = "kg", _("kg")
    METRE = "m", _("m")
    SQUARE_METRE = "m2", _("m²")
    LITRE = "l", _("litre")


class Product(MoyeuModel):
    """A product or service sold; ``unit_price`` (excluding tax) is its catalogue price in
    ``currency``, which price lists and customer conditions may replace on a quote."""

    is_catalogue = True

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("type"), max_length=10, choices=ProductKind.choices, default=ProductKind.PRODUCT
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.UNIT)
    tax_rate = models.ForeignKey(
        TaxRate,
        verbose_name=_("VAT rate"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    unit_price = models.DecimalField(
        _("unit price excl. tax"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
        default=ZERO,
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["name", "id"], name="sales_product_name"),
            models.Index(fields=["is_active", "name"], name="sales_product_active"),
            models.Index(fields=["created_at", "id"], name="sales_product_created"),
            models.Index(fields=["updated_at", "id"], name="sales_product_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
