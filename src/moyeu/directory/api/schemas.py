"""Request and response bodies of /accounts and /contacts."""

from __future__ import annotations

import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import ExternalIdsIn, InputSchema, ListQuery, RecordIn, RecordOut
from moyeu.directory.models import AccountKind

# PATCH bodies: absent keys stay unchanged; ``Field(default=None)`` on a non-null type refuses
# an explicit null, so "clear this field" is "" for text and null only where null is allowed.


class AccountOut(RecordOut):
    name: str
    kind: AccountKind
    website: str
    email: str
    phone: str
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")


class AccountFields(InputSchema):
    name: str = Field(max_length=200)
    kind: AccountKind = AccountKind.PROSPECT
    website: str = ""
    email: str = ""
    phone: str = ""
    city: str = ""
    country: str = Field(default="", description="ISO 3166-1 alpha-2 code.")


class AccountCreate(AccountFields, RecordIn, ExternalIdsIn):
    pass


class AccountUpsert(AccountFields, RecordIn):
    pass


class AccountPatch(RecordIn, ExternalIdsIn):
    not_null = frozenset({"name", "kind", "website", "email", "phone", "city", "country"})
    name: str | None = Field(default=None, max_length=200)
    kind: AccountKind | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    country: str | None = None


class AccountQuery(ListQuery):
    kind: AccountKind | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    city: str | None = None


class ContactOut(RecordOut):
    first_name: str
    last_name: str
    email: str
    phone: str
    job_title: str
    account: uuid.UUID | None

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id


class ContactFields(InputSchema):
    first_name: str = ""
    last_name: str = Field(max_length=100)
    email: str = ""
    phone: str = ""
    job_title: str = ""
    account: uuid.UUID | None = None


class ContactCreate(ContactFields, RecordIn, ExternalIdsIn):
    pass


class ContactUpsert(ContactFields, RecordIn):
    pass


class ContactPatch(RecordIn, ExternalIdsIn):
    not_null = frozenset({"first_name", "last_name", "email", "phone", "job_title"})
    first_name: str | None = None
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    account: uuid.UUID | None = None


class ContactQuery(ListQuery):
    account: uuid.UUID | None = None
    email: str | None = None
    last_name: str | None = None


class ContactBulkCreate(InputSchema):
    items: list[ContactCreate] = Field(min_length=1, max_length=500)


class ContactBulkOut(Schema):
    items: list[ContactOut]
