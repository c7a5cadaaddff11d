"""The directory's record pages: accounts and contacts, described once for the generic layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.core.models import Tag
from moyeu.directory import services
from moyeu.directory.models import (
    Account,
    AccountContactLink,
    AccountKind,
    AccountPhone,
    Address,
    Contact,
    ContactPhone,
    SizeBand,
)
from moyeu.directory.services.normalise import phone_query
from moyeu.directory.views.forms import AccountForm, ContactForm
from moyeu.identity.models import User
from moyeu.web.records.config import Column, Filter, RecordServices, RecordUI

CHOICE_LIMIT = 200


def _owners(actor: Actor) -> Sequence[tuple[str, Any]]:
    users = User.objects.filter(is_active=True, is_service_account=False)
    return [(str(u.pk), str(u)) for u in users.order_by("first_name", "last_name", "username")]


def _tags(actor: Actor) -> Sequence[tuple[str, Any]]:
    return [(t.name, t.name) for t in Tag.objects.order_by("name")[:CHOICE_LIMIT]]


def _accounts(actor: Actor) -> Sequence[tuple[str, Any]]:
    visible = Account.objects.visible_to(actor, "view").order_by("name", "id")[:CHOICE_LIMIT]
    return [(str(a.pk), a.name) for a in visible]


def _phone(phones: type[Any], parent: str) -> Any:
    def condition(value: str) -> Q:
        e164 = phone_query(value)
        if e164 is None:
            raise ValueError(value)
        return Q(phone_e164=e164) | Q(pk__in=phones.objects.filter(e164=e164).values(parent))

    return condition


def _postcode(parent: str) -> Any:
    def condition(value: str) -> Q:
        owners = Address.objects.filter(postcode=value.strip().upper()).values(parent)
        return Q(pk__in=owners)

    return condition


def _compact(lookup: str) -> Any:
    return lambda value: Q(**{lookup: "".join(c for c in value if c.isalnum()).upper()})


def _account_panels(actor: Actor, account: Any) -> dict[str, Any]:
    subsidiaries = Account.objects.visible_to(actor, "view").filter(parent=account)
    parent = (
        Account.objects.visible_to(actor, "view").filter(pk=account.parent_id).first()
        if account.parent_id
        else None
    )
    return {
        "channels": account.related_snapshot(),
        "parent_account": parent,
        "subsidiaries": list(subsidiaries.order_by("name", "id")[:CHOICE_LIMIT]),
    }


def _contact_panels(actor: Actor, contact: Any) -> dict[str, Any]:
    visible = Account.objects.visible_to(actor, "view")
    links = (
        AccountContactLink.objects.filter(contact=contact, account__in=visible)
        .select_related("account")
        .order_by("-is_primary", "position")
    )
    return {"channels": contact.related_snapshot(), "links": list(links)}


OWNER = Filter("owner", _("Owner"), "owner_id", _owners)
TAG = Filter("tag", _("Tag"), "tags__name", _tags)

ACCOUNTS = RecordUI(
    model=Account,
    namespace="web:directory",
    name="account",
    columns=(
        Column("name", _("Name"), sort="name", is_link=True),
        Column("kind", _("Type"), sort="kind"),
        Column("industry", _("Industry"), sort="industry"),
        Column("city", _("City"), sort="city"),
        Column("country", _("Country"), sort="country"),
        Column("phone", _("Phone")),
        Column("email", _("E-mail")),
        Column("owner", _("Owner"), sort="owner__last_name"),
        Column("tags", _("Tags")),
    ),
    filters=(
        Filter("kind", _("Type"), "kind", lambda actor: AccountKind.choices),
        Filter("size_band", _("Size"), "size_band", lambda actor: SizeBand.choices),
        Filter("industry", _("Industry"), "industry__startswith"),
        Filter("siren", _("SIREN"), "siren", condition=_compact("siren")),
        Filter("vat_number", _("VAT number"), "vat_number", condition=_compact("vat_number")),
        Filter("phone", _("Phone"), "phone_e164", condition=_phone(AccountPhone, "account_id")),
        Filter("postcode", _("Postcode"), "postcode", condition=_postcode("account_id")),
        OWNER,
        TAG,
    ),
    default_sort="name",
    form_class=AccountForm,
    services=RecordServices(
        create=services.account_create,
        update=lambda *, record_id, **kw: services.account_update(account_id=record_id, **kw),
        delete=lambda *, record_id, **kw: services.account_delete(account_id=record_id, **kw),
    ),
    detail_fields=(
        "name",
        "trade_name",
        "kind",
        "size_band",
        "siren",
        "siret",
        "vat_number",
        "website",
    ),
    detail_panels=(
        "directory/partials/channels_panel.html",
        "directory/partials/account_group_panel.html",
        "directory/partials/account_contacts_panel.html",
    ),
    panel_context=_account_panels,
    select_related=("owner", "team", "parent"),
)

CONTACTS = RecordUI(
    model=Contact,
    namespace="web:directory",
    name="contact",
    columns=(
        Column("last_name", _("Name"), sort="last_name", is_link=True),
        Column("email", _("E-mail"), sort="email"),
        Column("phone", _("Phone")),
        Column("job_title", _("Job title"), sort="job_title"),
        Column("account", _("Account"), sort="account__name"),
        Column("owner", _("Owner"), sort="owner__last_name"),
        Column("tags", _("Tags")),
    ),
    filters=(
        Filter(
            "account",
            _("Account"),
            "account_id",
            _accounts,
            condition=lambda value: Q(
                pk__in=AccountContactLink.objects.filter(account_id=value).values("contact_id")
            ),
        ),
        Filter("phone", _("Phone"), "phone_e164", condition=_phone(ContactPhone, "contact_id")),
        Filter("postcode", _("Postcode"), "postcode", condition=_postcode("contact_id")),
        OWNER,
        TAG,
    ),
    default_sort="last_name",
    form_class=ContactForm,
    services=RecordServices(
        create=services.contact_create,
        update=lambda *, record_id, **kw: services.contact_update(contact_id=record_id, **kw),
        delete=lambda *, record_id, **kw: services.contact_delete(contact_id=record_id, **kw),
    ),
    detail_fields=("civility", "first_name", "last_name", "job_title", "language", "account"),
    detail_panels=(
        "directory/partials/channels_panel.html",
        "directory/partials/contact_accounts_panel.html",
    ),
    panel_context=_contact_panels,
    select_related=("owner", "team", "account"),
    # Sales people look a contact up by its company as often as by its name.
    search_fields=("first_name", "last_name", "email", "account__name"),
)
