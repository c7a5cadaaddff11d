"""/activities passes the record API contract (tests/api/harness.py)."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.activities.api import routers
from moyeu.activities.models import Activity
from moyeu.activities.services import activity_create
from moyeu.core.context import Actor
from moyeu.core.models import MoyeuModel
from moyeu.core.services import custom_fields
from moyeu.directory.services import account_create
from moyeu.identity.models import User
from tests.api.harness import RecordApiContract
from tests.personas import Personas

pytestmark = pytest.mark.django_db


class TestActivityApi(RecordApiContract):
    path = "/activities"
    model = Activity
    resource = routers.activities
    module = "activities"
    record_name = "activity"
    # The generic page's queries, plus the page's links and attendees.
    list_queries = {"owner": 9, "manager": 10, "admin": 6}
    change_body = {"subject": "Rappel du devis"}
    invalid_body = {"kind": "call", "phone_number": "nope", "location": "Lyon", "links": []}
    invalid_fields = ["links", "location", "phone_number"]
    name_field = "subject"

    _target: str | None = None

    @pytest.fixture(autouse=True)
    def _target_first(self, personas: Personas) -> None:
        """Create the link target before a test counts side effects."""
        self.target()

    def target(self) -> str:
        """An account the owner's team sees, created on first use: what activities link to."""
        if self._target is None:
            owner = User.objects.get(username="owner")
            account = account_create(actor=Actor(user=owner), values={"name": "Cible"})
            self._target = f"directory.account:{account.pk}"
        return self._target

    @property
    def create_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "kind": "call",
            "subject": "Appel découverte",
            "direction": "outbound",
            "phone_number": "+33612345678",
            "duration_seconds": 300,
            "outcome": "connected",
            "links": [self.target()],
            "tags": ["relance"],
        }

    @property
    def filter_cases(self) -> list[tuple[dict[str, Any], list[str]]]:  # type: ignore[override]
        return [
            ({"kind": "task"}, ["Beta", "Gamma"]),
            ({"status": "open"}, ["Beta", "Gamma"]),
            ({"kind": "note"}, ["Alpha"]),
            ({"record": self.other}, ["Gamma"]),
            ({"record": self.other.rpartition(":")[2]}, ["Gamma"]),
            ({"due_before": "2026-06-01T00:00:00Z"}, ["Beta"]),
            ({"due_after": "2026-06-01T00:00:00Z"}, ["Gamma"]),
            ({"q": "amm"}, ["Gamma"]),
            ({"tag": "vip"}, ["Beta"]),
            ({"custom.effort": "3"}, ["Alpha"]),
        ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
        values.setdefault("kind", "note")
        values.setdefault("links", [self.target()])
        return activity_create(actor=actor, values={"subject": name, **values}, **extra)

    def filter_records(self, personas: Personas) -> None:
        owner = personas.actor("owner")
        custom_fields.custom_field_create(
            actor=personas.actor("admin"),
            record_type="activities.activity",
            name="effort",
            label="Effort",
            type="number",
        )
        other = account_create(actor=owner, values={"name": "Autre"})
        self.other = f"directory.account:{other.pk}"
        self.make(owner, "Alpha", custom={"effort": 3})
        self.make(owner, "Beta", kind="task", due_at="2026-05-01T09:00:00Z", tags=["vip"])
        self.make(owner, "Gamma", kind="task", due_at="2026-07-01T09:00:00Z", links=[self.other])
