from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel
from moyeu.directory.models.kinds import Civility

__all__ = ["AccountContactLink", "Civility", "Contact"]


class Contact(MoyeuModel):
    """A person, usually working for one or more accounts.

    ``account`` is the primary account (the link marked primary), ``email`` the primary
    e-mail and ``phone``/``phone_e164`` the primary phone: the directory services keep them
    in step with the child tables.
    """

    civility = models.CharField(_("civility"), max_length=8, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_e164 = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("ISO 639-1 code, e.g. fr")
    )
    account = models.ForeignKey(
        "directory.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )

    # Flat columns repeating the primary child row, kept in step by the merge (core.merge).
    merge_mirrors: ClassVar[tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = (
        ("emails", (("email", "email"),)),
        ("phones", (("phone", "number"), ("phone_e164", "e164"))),
        ("account_links", (("account_id", "account_id"),)),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="directory_contact_name"),
            models.Index(fields=["email"], name="directory_contact_email"),
            # The API's case-insensitive filters (?email=, ?last_name=) compare UPPER(column).
            models.Index(Upper("email"), F("id"), name="directory_contact_email_ci"),
            models.Index(Upper("last_name"), F("id"), name="directory_contact_last_name_ci"),
            models.Index(fields=["phone_e164"], name="directory_contact_phone"),
            models.Index(fields=["owner", "id"], name="directory_contact_owner"),
            models.Index(fields=["team", "id"], name="directory_contact_team"),
            models.Index(fields=["account", "id"], name="directory_contact_account"),
            # The API's orderings other than the id and names (bench/README.md, EXPLAIN).
            models.Index(fields=["created_at", "id"], name="directory_contact_created"),
            models.Index(fields=["updated_at", "id"], name="directory_contact_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def related_snapshot(self) -> dict[str, Any]:
        """The child rows, as audit entries and event payloads show them."""
        return {
            "emails": [e.as_dict() for e in self.emails.all()],
            "phones": [p.as_dict() for p in self.phones.all()],
            "addresses": [a.as_dict() for a in self.addresses.all()],
            "links": [link.as_dict() for link in self.account_links.all()],
        }


class AccountContactLink(models.Model):
    """A contact works with an account in a role; one link per contact is the primary one."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="account_links", verbose_name=_("contact")
    )
    account = models.ForeignKey(
        "directory.Account",
        on_delete=models.CASCADE,
        related_name="contact_links",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("account link")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "account"], name="directory_link_once_per_account"
            ),
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(is_primary=True),
                name="directory_link_one_primary",
            ),
        ]
        indexes = [models.Index(fields=["account", "contact"], name="directory_link_account")]

    def __str__(self) -> str:
        return f"{self.contact_id} @ {self.account_id}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": str(self.account_id),
            "role": self.role,
            "is_primary": self.is_primary,
        }
