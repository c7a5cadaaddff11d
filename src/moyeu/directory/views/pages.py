"""The directory's record pages: accounts and contacts, described once for the generic layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.core.models import Tag
from moyeu.directory import services
from moyeu.directory.models import Account, AccountKind, Contact
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


OWNER = Filter("owner", _("Owner"), "owner_id", _owners)
TAG = Filter("tag", _("Tag"), "tags__name", _tags)

ACCOUNTS = RecordUI(
    model=Account,
    namespace="web:directory",
    name="account",
    columns=(
        Column("name", _("Name"), sort="name", is_link=True),
        Column("kind", _("Type"), sort="kind"),
        Column("city", _("City"), sort="city"),
        Column("country", _("Country"), sort="country"),
        Column("email", _("E-mail")),
        Column("owner", _("Owner"), sort="owner__last_name"),
        Column("tags", _("Tags")),
    ),
    filters=(
        Filter("kind", _("Type"), "kind", lambda actor: AccountKind.choices),
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
    detail_fields=("name", "kind", "website", "email", "phone", "city", "country"),
    detail_panels=("directory/partials/account_contacts_panel.html",),
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
    filters=(Filter("account", _("Account"), "account_id", _accounts), OWNER, TAG),
    default_sort="last_name",
    form_class=ContactForm,
    services=RecordServices(
        create=services.contact_create,
        update=lambda *, record_id, **kw: services.contact_update(contact_id=record_id, **kw),
        delete=lambda *, record_id, **kw: services.contact_delete(contact_id=record_id, **kw),
    ),
    detail_fields=("first_name", "last_name", "email", "phone", "job_title", "account"),
    select_related=("owner", "team", "account"),
    # Sales people look a contact up by its company as often as by its name.
    search_fields=("first_name", "last_name", "email", "account__name"),
)
