"""The typed e-mails, phones, addresses and account links of /accounts and /contacts."""

from __future__ import annotations

import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import InputSchema
from moyeu.directory.models import AddressKind, EmailKind, PhoneKind

COUNTRY = "ISO 3166-1 alpha-2 code."
PRIMARY = "The primary one (the first one when none is marked) is repeated on the record."


class EmailOut(Schema):
    kind: EmailKind
    email: str
    is_primary: bool


class PhoneOut(Schema):
    kind: PhoneKind
    number: str = Field(description="As entered.")
    e164: str = Field(description="E.164 form, e.g. +33612345678.")
    is_primary: bool


class AddressOut(Schema):
    kind: AddressKind
    line1: str
    line2: str
    postcode: str
    city: str
    region: str
    country: str = Field(description=COUNTRY)
    is_primary: bool


class LinkOut(Schema):
    account: uuid.UUID
    role: str
    is_primary: bool

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id


class EmailIn(InputSchema):
    kind: EmailKind = EmailKind.WORK
    email: str = Field(max_length=254)
    is_primary: bool = Field(default=False, description=PRIMARY)


class PhoneIn(InputSchema):
    kind: PhoneKind = PhoneKind.WORK
    number: str = Field(
        max_length=40,
        description="Any usual format; without a country code, read in the account's "
        "country (else the installation's default region).",
    )
    is_primary: bool = Field(default=False, description=PRIMARY)


class AddressIn(InputSchema):
    kind: AddressKind = AddressKind.BILLING
    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = Field(description=COUNTRY)
    is_primary: bool = Field(default=False, description=PRIMARY)


class LinkIn(InputSchema):
    account: uuid.UUID
    role: str = Field(default="", max_length=100)
    is_primary: bool = Field(
        default=False, description="The primary link's account is the contact's `account`."
    )
