"""Request and response bodies of /opportunities and /pipelines."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import ExternalIdsIn, InputSchema, ListQuery, RecordIn, RecordOut
from moyeu.sales.models import ContactRole, LostReason, StageKind

AMOUNT = 'A decimal number as a string (`"12500.00"`), at most two decimals; null: none.'
STAGE = (
    "The stage's id. Changing it moves the opportunity, with the stage's rules: its required "
    "fields must be filled, a lost stage needs `lost_reason`."
)
CONTACTS = (
    "The people involved and their roles; replaces the list. The first is primary unless "
    "one is marked."
)


class OpportunityContactOut(Schema):
    contact: uuid.UUID
    role: str
    is_primary: bool


class OpportunityContactIn(InputSchema):
    contact: uuid.UUID
    role: ContactRole | None = None
    is_primary: bool = False


class OpportunityOut(RecordOut):
    name: str
    account: uuid.UUID | None
    pipeline: uuid.UUID
    stage: uuid.UUID
    status: StageKind = Field(description="The stage's kind: open, won or lost.")
    amount: Decimal | None = Field(description=AMOUNT)
    currency: str = Field(description="ISO 4217.")
    probability: int = Field(description="Percent; the stage's unless set.")
    weighted_amount: Decimal | None = Field(description="amount * probability / 100.")
    expected_close_date: datetime.date
    next_step: str
    competitors: list[str]
    lost_reason: str
    lost_note: str
    stage_entered_at: datetime.datetime
    closed_at: datetime.datetime | None
    contacts: list[OpportunityContactOut]

    @staticmethod
    def resolve_account(obj: Any) -> Any:
        return obj.account_id

    @staticmethod
    def resolve_pipeline(obj: Any) -> Any:
        return obj.pipeline_id

    @staticmethod
    def resolve_stage(obj: Any) -> Any:
        return obj.stage_id

    @staticmethod
    def resolve_contacts(obj: Any) -> list[dict[str, Any]]:
        return [
            {"contact": c.contact_id, "role": c.role, "is_primary": c.is_primary}
            for c in obj.contact_roles.all()
        ]


class OpportunityFields(InputSchema):
    not_null = frozenset({"name", "currency", "next_step", "competitors", "contacts", "lost_note"})
    name: str | None = Field(default=None, max_length=200)
    account: uuid.UUID | None = None
    pipeline: uuid.UUID | None = Field(
        default=None, description="Without a stage: the pipeline's first open stage."
    )
    stage: uuid.UUID | None = Field(default=None, description=STAGE)
    amount: Decimal | None = Field(default=None, description=AMOUNT)
    currency: str | None = Field(default=None, description="ISO 4217; default EUR (setting).")
    probability: int | None = Field(default=None, description="Percent, 0 to 100.")
    expected_close_date: datetime.date | None = Field(
        default=None, description="Default: the last day of the current quarter."
    )
    next_step: str | None = Field(default=None, max_length=300)
    competitors: list[str] | None = None
    lost_reason: LostReason | None = Field(default=None, description="Lost stages only.")
    lost_note: str | None = Field(default=None, max_length=500)
    contacts: list[OpportunityContactIn] | None = Field(default=None, description=CONTACTS)


class OpportunityCreate(OpportunityFields, RecordIn, ExternalIdsIn):
    name: str = Field(max_length=200)
    account: uuid.UUID


class OpportunityUpsert(OpportunityFields, RecordIn):
    pass


class OpportunityPatch(OpportunityFields, RecordIn, ExternalIdsIn):
    pass


class OpportunityMove(InputSchema):
    stage: uuid.UUID = Field(description="The stage to move to (of any pipeline).")
    amount: Decimal | None = Field(default=None, description=AMOUNT)
    currency: str | None = None
    expected_close_date: datetime.date | None = None
    next_step: str | None = None
    competitors: list[str] | None = None
    probability: int | None = Field(default=None, description="Open stages only.")
    lost_reason: LostReason | None = Field(default=None, description="Required by lost stages.")
    lost_note: str | None = None


class OpportunityQuery(ListQuery):
    pipeline: uuid.UUID | None = None
    stage: uuid.UUID | None = None
    status: StageKind | None = None
    account: uuid.UUID | None = None
    contact: uuid.UUID | None = Field(default=None, description="Opportunities of this person.")
    currency: str | None = None
    close_after: datetime.date | None = Field(default=None, description="Closing on or after.")
    close_before: datetime.date | None = Field(default=None, description="Closing before.")


class StageOut(Schema):
    id: uuid.UUID
    name: str
    position: int
    kind: StageKind
    probability: int
    required_fields: list[str]


class StageIn(InputSchema):
    id: uuid.UUID | None = Field(default=None, description="An existing stage, kept; none: new.")
    name: str = Field(max_length=100)
    kind: StageKind = StageKind.OPEN
    probability: int | None = Field(
        default=None, description="Percent; won stages 100, lost stages 0 (the default)."
    )
    required_fields: list[str] = Field(
        default=[],
        description="Fields an opportunity needs to enter the stage: account, amount, "
        "contacts, competitors, next_step, custom.<name>.",
    )


class PipelineOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    is_default: bool
    is_active: bool
    position: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class PipelineFields(InputSchema):
    not_null = frozenset({"name", "description", "is_default", "is_active", "position"})
    name: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=300)
    is_default: bool | None = None
    is_active: bool | None = None
    position: int | None = Field(default=None, ge=0)
    stages: list[StageIn] | None = Field(
        default=None, description="The whole ordered list; stages left out are removed."
    )


class PipelineCreate(PipelineFields):
    name: str = Field(max_length=100)
    stages: list[StageIn]


class PipelineQuery(ListQuery):
    pass
