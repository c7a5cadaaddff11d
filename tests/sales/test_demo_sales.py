"""The sales demo: two pipelines and opportunities at every stage, loaded once."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from moyeu.core.context import Actor
from moyeu.core.models import AuditEntry
from moyeu.identity.models import User
from moyeu.sales import kanban
from moyeu.sales.models import Opportunity, Pipeline

pytestmark = pytest.mark.django_db


def test_the_demo_has_pipelines_and_opportunities_at_every_stage() -> None:
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert list(Pipeline.objects.values_list("name", "is_default")) == [
        ("Nouvelle affaire", True),
        ("Renouvellement", False),
    ]
    statuses = Counter(Opportunity.objects.values_list("status", flat=True))
    pipelines = Counter(Opportunity.objects.values_list("pipeline__name", flat=True))
    assert (statuses, pipelines) == (
        {"open": 33, "won": 4, "lost": 3},
        {"Nouvelle affaire": 35, "Renouvellement": 5},
    )
    moves = Counter(
        AuditEntry.objects.filter(code__startswith="sales.opportunity.").values_list(
            "code", flat=True
        )
    )
    assert moves == {
        "sales.opportunity.created": 40,
        "sales.opportunity.stage_changed": 5,
        "sales.opportunity.won": 4,
        "sales.opportunity.lost": 3,
    }
    new_business = Pipeline.objects.get(name="Nouvelle affaire")
    seen = {}
    for username in ("claire", "thomas", "lucia", "julien"):
        actor = Actor(user=User.objects.get(username=username))
        seen[username] = [column.count for column in kanban.board(actor, new_business)]
    # The manager sees her team and its sub-team; a rep his team's; support no sales.
    assert seen == {
        "claire": [5, 8, 8, 2, 4, 3],
        "thomas": [4, 5, 6, 1, 2, 1],
        "lucia": [1, 3, 2, 1, 2, 2],
        "julien": [0, 0, 0, 0, 0, 0],
    }
