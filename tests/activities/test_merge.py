"""Merging contacts moves their activities to the survivor; undoing the merge moves them back."""

from __future__ import annotations

import pytest

from moyeu.activities.models import ActivityLink
from moyeu.activities.services import activity_create
from moyeu.core.context import Actor
from moyeu.core.timeline import RecordRef, timeline_page
from moyeu.directory.services import contact_create
from moyeu.directory.services.merge import contact_merge, merge_undo
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _refs(activity_id: object) -> list[str]:
    links = ActivityLink.objects.filter(activity_id=activity_id).order_by("record_id")
    return [link.as_ref() for link in links]


def test_a_merge_moves_links_and_attendances_and_undo_restores_them(personas: Personas) -> None:
    owner = personas.actor("owner")
    survivor = contact_create(actor=owner, values={"last_name": "Martin"})
    loser = contact_create(actor=owner, values={"last_name": "Martin"})
    kept, lost = f"directory.contact:{survivor.pk}", f"directory.contact:{loser.pk}"
    call = activity_create(actor=owner, values={"kind": "call", "subject": "X", "links": [lost]})
    both = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Y",
            "occurred_at": "2026-12-01T10:00:00Z",
            "attendees": [{"record": lost}],
            "links": [kept, lost],
        },
    )
    manager = personas.actor("manager")
    merge = contact_merge(actor=manager, survivor_id=survivor.pk, loser_ids=[loser.pk])
    assert _refs(call.pk) == [kept]
    assert _refs(both.pk) == [kept]  # one link per record: the loser's is dropped
    assert both.related_snapshot()["attendees"] == [{"record": kept}]
    items, _cursor = timeline_page(
        Actor(user=personas.owner),
        RecordRef("directory.contact", survivor.pk),
        kinds_wanted=["call", "meeting"],
    )
    assert [item.title for item in items] == ["Y", "X"]

    merge_undo(actor=manager, merge_id=merge.pk)
    assert _refs(call.pk) == [lost]
    assert sorted(_refs(both.pk)) == sorted([kept, lost])
    assert both.related_snapshot()["attendees"] == [{"record": lost}]
