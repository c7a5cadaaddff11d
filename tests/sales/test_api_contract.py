"""/opportunities passes the record API contract (tests/api/harness.py)."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.context import Actor
from moyeu.core.models import MoyeuModel
from moyeu.core.services import custom_fields
from moyeu.identity.models import User
from moyeu.sales.api import opportunities
from moyeu.sales.models import Opportunity
from tests.api.harness import RecordApiContract
from tests.personas import Personas
from tests.sales.pipeline_setup import make_account, make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


class TestOpportunityApi(RecordApiContract):
    path = "/opportunities"
    model = Opportunity
    resource = opportunities.opportunities
    module = "sales"
    record_name = "opportunity"
    # The generic page's queries, plus the page's contacts.
    list_queries = {"owner": 8, "manager": 9, "admin": 5}
    change_body = {"name": "Fours à pain", "amount": "1500.00", "next_step": "Relancer"}
    invalid_fields = ["amount", "currency", "probability"]
    name_field = "name"

    _account: Any = None

    @pytest.fixture(autouse=True)
    def _setup(self, personas: Personas) -> None:
        """The pipeline and the owner's account exist before a test counts side effects."""
        self.pipeline = make_pipeline(personas)
        owner = User.objects.get(username="owner")
        self._account = make_account(Actor(user=owner))

    @property
    def create_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "name": "Fours",
            "account": str(self._account.pk),
            "amount": "1200.50",
            "currency": "EUR",
            "expected_close_date": "2026-06-30",
            "competitors": ["Bongard"],
            "tags": ["salon"],
        }

    @property
    def invalid_body(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "name": "X",
            "account": str(self._account.pk),
            "amount": "-3",
            "currency": "EURO",
            "probability": 140,
        }

    @property
    def filter_cases(self) -> list[tuple[dict[str, Any], list[str]]]:  # type: ignore[override]
        return [
            ({"status": "won"}, ["Beta"]),
            ({"stage": str(stage(self.pipeline, "Proposal").pk)}, ["Gamma"]),
            ({"pipeline": str(self.pipeline.pk)}, ["Alpha", "Beta", "Gamma"]),
            ({"account": str(self.other.pk)}, ["Gamma"]),
            ({"close_before": "2026-06-01"}, ["Alpha"]),
            ({"close_after": "2026-06-01"}, ["Beta", "Gamma"]),
            ({"currency": "CHF"}, ["Beta"]),
            ({"q": "amm"}, ["Gamma"]),
            ({"tag": "vip"}, ["Beta"]),
            ({"custom.effort": "3"}, ["Alpha"]),
            ({"contact": str(self.contact.pk)}, ["Alpha"]),
        ]

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        return make_opportunity(actor, self._account, name, **values)  # type: ignore[no-any-return]

    def filter_records(self, personas: Personas) -> None:
        from tests.sales.pipeline_setup import make_contact

        owner = personas.actor("owner")
        custom_fields.custom_field_create(
            actor=personas.actor("admin"),
            record_type="sales.opportunity",
            name="effort",
            label="Effort",
            type="number",
        )
        self.other = make_account(owner, "Autre")
        self.contact = make_contact(owner, self._account)
        self.make(
            owner,
            "Alpha",
            custom={"effort": 3},
            expected_close_date="2026-05-01",
            contacts=[str(self.contact.pk)],
        )
        self.make(
            owner,
            "Beta",
            stage=stage(self.pipeline, "Won").pk,
            currency="CHF",
            expected_close_date="2026-07-01",
            tags=["vip"],
        )
        make_opportunity(
            owner,
            self.other,
            "Gamma",
            stage=stage(self.pipeline, "Proposal").pk,
            amount="10",
            expected_close_date="2026-08-01",
        )
