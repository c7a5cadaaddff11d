"""The typed e-mails, phones and addresses of accounts and contacts.

Rows are written only by the directory services, in the same transaction as their record;
``position`` keeps the order the user gave and the primary row comes first.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.directory.models.kinds import AddressKind, EmailKind, PhoneKind

__all__ = ["AccountEmail", "AccountPhone", "Address", "ContactEmail", "ContactPhone"]


class EmailRow(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(
        _("type"), max_length=12, choices=EmailKind.choices, default=EmailKind.WORK
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    is_primary = models.BooleanField(_("primary"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.email

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "email": self.email, "is_primary": self.is_primary}


class PhoneRow(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(
        _("type"), max_length=12, choices=PhoneKind.choices, default=PhoneKind.WORK
    )
    number = models.CharField(_("number"), max_length=40, help_text=_("as entered"))
    e164 = models.CharField(_("number (E.164)"), max_length=20)
    is_primary = models.BooleanField(_("primary"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.e164

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "e164": self.e164,
            "is_primary": self.is_primary,
        }


class AccountEmail(EmailRow):
    account = models.ForeignKey(
        "directory.Account", on_delete=models.CASCADE, related_name="emails"
    )

    class Meta(EmailRow.Meta):
        verbose_name = _("account e-mail")
        indexes = [models.Index(fields=["email"], name="directory_account_email_value")]


class ContactEmail(EmailRow):
    contact = models.ForeignKey(
        "directory.Contact", on_delete=models.CASCADE, related_name="emails"
    )

    class Meta(EmailRow.Meta):
        verbose_name = _("contact e-mail")
        indexes = [models.Index(fields=["email"], name="directory_contact_email_value")]


class AccountPhone(PhoneRow):
    account = models.ForeignKey(
        "directory.Account", on_delete=models.CASCADE, related_name="phones"
    )

    class Meta(PhoneRow.Meta):
        verbose_name = _("account phone")
        indexes = [models.Index(fields=["e164"], name="directory_account_phone_e164")]


class ContactPhone(PhoneRow):
    contact = models.ForeignKey(
        "directory.Contact", on_delete=models.CASCADE, related_name="phones"
    )

    class Meta(PhoneRow.Meta):
        verbose_name = _("contact phone")
        indexes = [models.Index(fields=["e164"], name="directory_contact_phone_e164")]


class Address(models.Model):
    """A postal address of an account or of a contact (exactly one of the two)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    account = models.ForeignKey(
        "directory.Account",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    contact = models.ForeignKey(
        "directory.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=AddressKind.choices, default=AddressKind.BILLING
    )
    line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code"))
    is_primary = models.BooleanField(_("primary"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(account__isnull=False, contact__isnull=True)
                    | models.Q(account__isnull=True, contact__isnull=False)
                ),
                name="directory_address_one_owner",
            )
        ]
        # ?postcode= on lists reads the owners' ids of a postcode from the index alone.
        indexes = [
            models.Index(
                fields=["postcode", "account", "contact"], name="directory_address_postcodes"
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.postcode, self.city, self.country) if p)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "line1": self.line1,
            "line2": self.line2,
            "postcode": self.postcode,
            "city": self.city,
            "region": self.region,
            "country": self.country,
            "is_primary": self.is_primary,
        }
