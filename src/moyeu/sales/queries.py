"""Reads of the sales module that other modules use (through the registry) or several pages
share."""

from __future__ import annotations

import uuid

from moyeu.core.context import Actor
from moyeu.core.timeline import RecordRef
from moyeu.sales.models import Opportunity, OpportunityContact

MAX_TIMELINE_OPPORTUNITIES = 200
RECORD_TYPE = "sales.opportunity"


def _refs(ids: object) -> list[RecordRef]:
    return [RecordRef(RECORD_TYPE, pk) for pk in ids]  # type: ignore[attr-defined]


def account_opportunities_for_timeline(actor: Actor, account_id: uuid.UUID) -> list[RecordRef]:
    """The account's opportunities ``actor`` may see: their items join its timeline."""
    ids = (
        Opportunity.objects.visible_to(actor, "view")
        .filter(account_id=account_id)
        .order_by("-id")
        .values_list("id", flat=True)[:MAX_TIMELINE_OPPORTUNITIES]
    )
    return _refs(ids)


def contact_opportunities_for_timeline(actor: Actor, contact_id: uuid.UUID) -> list[RecordRef]:
    """The opportunities a contact takes part in (that ``actor`` may see)."""
    linked = OpportunityContact.objects.filter(contact_id=contact_id).values("opportunity_id")
    ids = (
        Opportunity.objects.visible_to(actor, "view")
        .filter(pk__in=linked)
        .order_by("-id")
        .values_list("id", flat=True)[:MAX_TIMELINE_OPPORTUNITIES]
    )
    return _refs(ids)
