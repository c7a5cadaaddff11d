"""Reads of the directory that other modules use through the registry."""

from __future__ import annotations

import uuid

from moyeu.core.context import Actor
from moyeu.core.timeline import RecordRef
from moyeu.directory.models import AccountContactLink, Contact


def account_contacts_for_timeline(actor: Actor, account_id: uuid.UUID) -> list[RecordRef]:
    """Every contact of an account that ``actor`` may see: their items join its timeline.

    No cap: the providers read a long list in bounded pieces (the activities' link scans go
    100 records a statement)."""
    linked = AccountContactLink.objects.filter(account_id=account_id).values("contact_id")
    ids = (
        Contact.objects.visible_to(actor, "view")
        .filter(pk__in=linked)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [RecordRef("directory.contact", contact_id) for contact_id in ids]
