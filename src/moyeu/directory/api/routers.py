"""/accounts and /contacts: three-line handlers over the generic record resource."""

from __future__ import annotations

import uuid
from dataclasses import replace
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from moyeu.api.idempotency import idempotent
from moyeu.api.resources import IF_MATCH
from moyeu.api.schemas import Page
from moyeu.directory.api import schemas as s
from moyeu.directory.api.resource import (
    ChildRows,
    DirectoryResource,
    child_matcher,
    compact,
    phone_matcher,
)
from moyeu.directory.models import (
    Account,
    AccountContactLink,
    AccountEmail,
    AccountPhone,
    Address,
    Contact,
    ContactEmail,
    ContactPhone,
)
from moyeu.directory.services import accounts as account_services
from moyeu.directory.services import contacts as contact_services

_EMAIL = {"kind": "kind", "email": "email", "is_primary": "is_primary"}
_PHONE = {"kind": "kind", "number": "number", "e164": "e164", "is_primary": "is_primary"}
_ADDRESS = {
    key: key
    for key in ("kind", "line1", "line2", "postcode", "city", "region", "country", "is_primary")
}
_LINK = {"account": "account_id", "role": "role", "is_primary": "is_primary"}

accounts = DirectoryResource(
    model=Account,
    create_service=account_services.account_create,
    update_service=account_services.account_update,
    delete_service=account_services.account_delete,
    upsert_service=account_services.account_upsert_by_external_id,
    id_argument="account_id",
    output=s.AccountOut,
    row_output=s.AccountRow,
    children=(
        ChildRows("emails", AccountEmail, "account_id", "emails", _EMAIL),
        ChildRows("phones", AccountPhone, "account_id", "phones", _PHONE),
        ChildRows("addresses", Address, "account_id", "addresses", _ADDRESS),
    ),
    orderings=("id", "created_at", "updated_at", "name"),
    lookups={
        "kind": "kind",
        "country": "country__iexact",
        "city": "city__iexact",
        "siren": "siren",
        "siret": "siret",
        "vat_number": "vat_number",
        "industry": "industry__startswith",
        "parent": "parent_id",
    },
    matchers={
        "phone": phone_matcher(AccountPhone, "account_id"),
        "postcode": child_matcher(Address, "account_id", "postcode", str.upper),
    },
    normalised={"siren": compact, "siret": compact, "vat_number": compact, "industry": str.upper},
    foreign_keys={"parent": "parent_id"},
)
contacts = DirectoryResource(
    model=Contact,
    create_service=contact_services.contact_create,
    update_service=contact_services.contact_update,
    delete_service=contact_services.contact_delete,
    upsert_service=contact_services.contact_upsert_by_external_id,
    id_argument="contact_id",
    output=s.ContactOut,
    row_output=s.ContactRow,
    children=(
        ChildRows("emails", ContactEmail, "contact_id", "emails", _EMAIL),
        ChildRows("phones", ContactPhone, "contact_id", "phones", _PHONE),
        ChildRows("addresses", Address, "contact_id", "addresses", _ADDRESS),
        ChildRows("links", AccountContactLink, "contact_id", "account_links", _LINK),
    ),
    bulk_create_service=contact_services.contact_bulk_create,
    orderings=("id", "created_at", "updated_at", "last_name"),
    lookups={"email": "email__iexact", "last_name": "last_name__iexact"},
    matchers={
        "account": child_matcher(AccountContactLink, "contact_id", "account_id"),
        "phone": phone_matcher(ContactPhone, "contact_id"),
        "postcode": child_matcher(Address, "contact_id", "postcode", str.upper),
    },
    foreign_keys={"account": "account_id"},
)


def checked(resource: DirectoryResource[Any], force: bool) -> DirectoryResource[Any]:
    """Creation through the API refuses a record that may already exist (409 with the
    candidates) unless ?force=true."""
    if force:
        return resource
    return replace(
        resource, create_service=partial(resource.create_service, reject_duplicates=True)
    )


account_router = Router(tags=["accounts"])
contact_router = Router(tags=["contacts"])
EXTERNAL = "/by-external-id/{system}/{path:value}"


@account_router.get("", response=Page[s.AccountOut])
def list_accounts(request: HttpRequest, query: Query[s.AccountQuery]) -> Any:
    return accounts.list(request, query)


@account_router.post("", response={201: s.AccountOut})
@idempotent
def create_account(
    request: HttpRequest, response: HttpResponse, payload: s.AccountCreate, force: bool = False
) -> Any:
    """409 `core.duplicates_found` with `candidates` if it may exist; `?force=true` creates."""
    return checked(accounts, force).create(request, response, payload)


@account_router.get("/{account_id}", response=s.AccountOut)
def get_account(request: HttpRequest, response: HttpResponse, account_id: uuid.UUID) -> Any:
    return accounts.detail(request, response, account_id)


@account_router.patch("/{account_id}", response=s.AccountOut, openapi_extra=IF_MATCH)
def update_account(
    request: HttpRequest, response: HttpResponse, account_id: uuid.UUID, payload: s.AccountPatch
) -> Any:
    return accounts.update(request, response, account_id, payload)


@account_router.delete("/{account_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_account(request: HttpRequest, account_id: uuid.UUID) -> Any:
    return accounts.delete(request, account_id)


@account_router.put(
    EXTERNAL, response={200: s.AccountOut, 201: s.AccountOut}, openapi_extra=IF_MATCH
)
def upsert_account(
    request: HttpRequest, response: HttpResponse, system: str, value: str, payload: s.AccountUpsert
) -> Any:
    """Create the account `system` knows as `value` (201) or update it (200)."""
    return accounts.upsert(request, response, system, value, payload)


@contact_router.get("", response=Page[s.ContactOut])
def list_contacts(request: HttpRequest, query: Query[s.ContactQuery]) -> Any:
    return contacts.list(request, query)


@contact_router.post("", response={201: s.ContactOut})
@idempotent
def create_contact(
    request: HttpRequest, response: HttpResponse, payload: s.ContactCreate, force: bool = False
) -> Any:
    """409 `core.duplicates_found` with `candidates` if it may exist; `?force=true` creates."""
    return checked(contacts, force).create(request, response, payload)


@contact_router.post("/bulk", response={201: s.ContactBulkOut})
@idempotent
def bulk_create_contacts(request: HttpRequest, payload: s.ContactBulkCreate) -> Any:
    """Create up to 500 contacts, all or none; errors are keyed `<row>.<field>`."""
    return contacts.bulk_create(request, payload.items)


@contact_router.get("/{contact_id}", response=s.ContactOut)
def get_contact(request: HttpRequest, response: HttpResponse, contact_id: uuid.UUID) -> Any:
    return contacts.detail(request, response, contact_id)


@contact_router.patch("/{contact_id}", response=s.ContactOut, openapi_extra=IF_MATCH)
def update_contact(
    request: HttpRequest, response: HttpResponse, contact_id: uuid.UUID, payload: s.ContactPatch
) -> Any:
    return contacts.update(request, response, contact_id, payload)


@contact_router.delete("/{contact_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_contact(request: HttpRequest, contact_id: uuid.UUID) -> Any:
    return contacts.delete(request, contact_id)


@contact_router.put(
    EXTERNAL, response={200: s.ContactOut, 201: s.ContactOut}, openapi_extra=IF_MATCH
)
def upsert_contact(
    request: HttpRequest, response: HttpResponse, system: str, value: str, payload: s.ContactUpsert
) -> Any:
    """Create the contact `system` knows as `value` (201) or update it (200)."""
    return contacts.upsert(request, response, system, value, payload)


routers: list[tuple[str, Router]] = [("/accounts", account_router), ("/contacts", contact_router)]
