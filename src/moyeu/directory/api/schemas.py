"""Request and response bodies of /accounts and /contacts."""

from __future__ import annotations

import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import ExternalIdsIn, InputSchema, ListQuery, RecordIn, RecordOut
from moyeu.directory.api.nested import (
    COUNTRY,
    AddressIn,
    AddressOut,
    EmailIn,
    EmailOut,
    LinkIn,
    LinkOut,
    PhoneIn,
    PhoneOut,
)
from moyeu.directory.models import AccountKind

# PATCH bodies: absent keys stay unchanged; ``Field(default=None)`` on a non-null type refuses
# an explicit null, so "clear this field" is "" for text and null only where null is allowed.
# The flat email/phone/postcode/city/country repeat the primary e-mail, phone and address;
# given without the lists, they replace the primary row.

SIZE = "Headcount band: 0, 1-2, 3-5, 6-9, 10-19, 20-49, 50-99, 100-199, 200-249, 250-499, "
SIZE += "500-999, 1000-1999, 2000-4999, 5000-9999, 10000+ (INSEE bands), or empty."
INDUSTRY = "NAF rév. 2 / NACE code: a division (62) or a full code (62.01Z)."
CIVILITY = "mr, mrs, mx, dr, or empty."


class AccountRow(RecordOut):
    """The account's own columns (list pages read these as rows)."""

    name: str = Field(description="Legal name.")
    trade_name: str
    kind: AccountKind
    industry: str = Field(description=INDUSTRY)
    size_band: str = Field(description=SIZE)
    siren: str
    siret: str
    vat_number: str = Field(
        description="Intra-EU or Swiss VAT number, compact: FR11123456782, CHE116281710MWST."
    )
    website: str
    email: str
    phone: str
    phone_e164: str
    postcode: str
    city: str
    country: str = Field(description=COUNTRY)
    parent: uuid.UUID | None

    @staticmethod
    def resolve_parent(obj: Any) -> Any:
        return obj.parent_id


class AccountOut(AccountRow):
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]


class AccountFields(InputSchema):
    name: str = Field(max_length=200)
    trade_name: str = Field(default="", max_length=200)
    kind: AccountKind = AccountKind.PROSPECT
    industry: str = Field(default="", description=INDUSTRY)
    size_band: str = Field(default="", description=SIZE)
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""
    city: str = ""
    country: str = Field(default="", description=COUNTRY)
    parent: uuid.UUID | None = None
    emails: list[EmailIn] | None = Field(default=None, description="Replaces the e-mails.")
    phones: list[PhoneIn] | None = Field(default=None, description="Replaces the phones.")
    addresses: list[AddressIn] | None = Field(default=None, description="Replaces the addresses.")


class AccountCreate(AccountFields, RecordIn, ExternalIdsIn):
    pass


class AccountUpsert(AccountFields, RecordIn):
    pass


_ACCOUNT_TEXT = frozenset(
    {"name", "trade_name", "kind", "industry", "size_band", "siren", "siret", "vat_number"}
    | {"website", "email", "phone", "postcode", "city", "country"}
)


class AccountPatch(RecordIn, ExternalIdsIn):
    not_null = frozenset({*_ACCOUNT_TEXT, "emails", "phones", "addresses"})
    name: str | None = Field(default=None, max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    kind: AccountKind | None = None
    industry: str | None = Field(default=None, description=INDUSTRY)
    size_band: str | None = Field(default=None, description=SIZE)
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    parent: uuid.UUID | None = None
    emails: list[EmailIn] | None = Field(default=None, description="Replaces the e-mails.")
    phones: list[PhoneIn] | None = Field(default=None, description="Replaces the phones.")
    addresses: list[AddressIn] | None = Field(default=None, description="Replaces the addresses.")


class AccountQuery(ListQuery):
    kind: AccountKind | None = None
    country: str | None = Field(default=None, description=COUNTRY)
    city: str | None = None
    postcode: str | None = Field(default=None, description="Any of the account's addresses.")
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    industry: str | None = Field(
        default=None, description="A code or its start: 62 matches 62.01Z."
    )
    parent: uuid.UUID | None = None
    phone: str | None = Field(
        default=None, description="Any of the account's phones, matched on its E.164 form."
    )


class ContactRow(RecordOut):
    """The contact's own columns (list pages read these as rows)."""

    civility: str = Field(description=CIVILITY)
    first_name: str
    last_name: str
    email: str
    phone: str
    phone_e164: str
    job_title: str
    language: str = Field(description="ISO 639-1 code, e.g. fr.")
    account: uuid.UUID | None = Field(description="The primary link's account.")

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id


class ContactOut(ContactRow):
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    links: list[LinkOut]

    @staticmethod
    def resolve_links(obj: Any) -> Any:
        return obj.account_links.all()


class ContactFields(InputSchema):
    civility: str = Field(default="", description=CIVILITY)
    first_name: str = ""
    last_name: str = Field(max_length=100)
    email: str = ""
    phone: str = ""
    job_title: str = ""
    language: str = ""
    account: uuid.UUID | None = None
    emails: list[EmailIn] | None = Field(default=None, description="Replaces the e-mails.")
    phones: list[PhoneIn] | None = Field(default=None, description="Replaces the phones.")
    addresses: list[AddressIn] | None = Field(default=None, description="Replaces the addresses.")
    links: list[LinkIn] | None = Field(
        default=None, description="Replaces the links to accounts; sets `account`."
    )


class ContactCreate(ContactFields, RecordIn, ExternalIdsIn):
    pass


class ContactUpsert(ContactFields, RecordIn):
    pass


class ContactPatch(RecordIn, ExternalIdsIn):
    not_null = frozenset(
        {"civility", "first_name", "last_name", "email", "phone", "job_title", "language"}
        | {"emails", "phones", "addresses", "links"}
    )
    civility: str | None = Field(default=None, description=CIVILITY)
    first_name: str | None = None
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    language: str | None = None
    account: uuid.UUID | None = None
    emails: list[EmailIn] | None = Field(default=None, description="Replaces the e-mails.")
    phones: list[PhoneIn] | None = Field(default=None, description="Replaces the phones.")
    addresses: list[AddressIn] | None = Field(default=None, description="Replaces the addresses.")
    links: list[LinkIn] | None = Field(
        default=None, description="Replaces the links to accounts; sets `account`."
    )


class ContactQuery(ListQuery):
    account: uuid.UUID | None = Field(default=None, description="Any linked account.")
    email: str | None = None
    last_name: str | None = None
    phone: str | None = Field(
        default=None, description="Any of the contact's phones, matched on its E.164 form."
    )
    postcode: str | None = Field(default=None, description="Any of the contact's addresses.")


class ContactBulkCreate(InputSchema):
    items: list[ContactCreate] = Field(min_length=1, max_length=500)


class ContactBulkOut(Schema):
    items: list[ContactOut]
