"""The choices of directory fields: kinds of e-mails, phones, addresses, links; size bands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Customer")
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")
    COMPETITOR = "competitor", _("Competitor")


class SizeBand(models.TextChoices):
    """Headcount bands, as INSEE's "tranches d'effectif salarié" (code in the comment)."""

    NONE = "0", _("No employees")  # 00
    B1_2 = "1-2", _("1 to 2 employees")  # 01
    B3_5 = "3-5", _("3 to 5 employees")  # 02
    B6_9 = "6-9", _("6 to 9 employees")  # 03
    B10_19 = "10-19", _("10 to 19 employees")  # 11
    B20_49 = "20-49", _("20 to 49 employees")  # 12
    B50_99 = "50-99", _("50 to 99 employees")  # 21
    B100_199 = "100-199", _("100 to 199 employees")  # 22
    B200_249 = "200-249", _("200 to 249 employees")  # 31
    B250_499 = "250-499", _("250 to 499 employees")  # 32
    B500_999 = "500-999", _("500 to 999 employees")  # 41
    B1000_1999 = "1000-1999", _("1,000 to 1,999 employees")  # 42
    B2000_4999 = "2000-4999", _("2,000 to 4,999 employees")  # 51
    B5000_9999 = "5000-9999", _("5,000 to 9,999 employees")  # 52
    B10000 = "10000+", _("10,000 employees or more")  # 53


class Civility(models.TextChoices):
    MR = "mr", _("Mr")
    MRS = "mrs", _("Mrs")
    MX = "mx", _("Mx")
    DR = "dr", _("Dr")


class EmailKind(models.TextChoices):
    WORK = "work", _("Work")
    PERSONAL = "personal", _("Personal")
    OTHER = "other", _("Other")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    WORK = "work", _("Work")
    HOME = "home", _("Home")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Other")


class AddressKind(models.TextChoices):
    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")
    HOME = "home", _("Home")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")
