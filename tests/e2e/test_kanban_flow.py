"""Drag an opportunity across the kanban: a refused move shows the stage's missing field on
the card, filling it in moves the card, and a drop on the next column moves it again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from moyeu.sales.models import Opportunity
from tests.e2e.test_activities_flow import _shot
from tests.personas import PASSWORD, make_personas
from tests.sales.pipeline_setup import (
    make_account,
    make_contact,
    make_opportunity,
    make_pipeline,
    stage,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_drag_an_opportunity_across_the_kanban(page: Any) -> None:
    personas = make_personas()
    pipeline = make_pipeline(personas)
    owner = personas.actor("owner")
    account = make_account(owner)
    contact = make_contact(owner, account)
    deal = make_opportunity(
        owner, account, "Fours à pain", contacts=[str(contact.pk)], expected_close_date="2026-12-15"
    )
    make_opportunity(owner, account, "Vitrine réfrigérée", amount="4500")
    page.set_default_timeout(30_000)  # a shared, loaded machine serves the first page slowly
    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.goto(f"/sales/board/{pipeline.pk}/")
    qualification = page.locator(
        f'.kanban-cards[data-stage="{stage(pipeline, "Qualification").pk}"]'
    )
    proposal_stage = stage(pipeline, "Proposal")
    proposal = page.locator(f'.kanban-column[data-stage="{proposal_stage.pk}"]')
    card = page.locator(f"#card-{deal.pk}")
    assert card.locator(".card-title").inner_text() == "Fours à pain"
    assert qualification.locator(f"#card-{deal.pk}").count() == 1
    _shot(page, "kanban")

    # Proposal needs an amount: the move is refused and the card says why, back in its column.
    card.drag_to(proposal)
    error = page.locator(f"#card-{deal.pk} .card-error")
    error.wait_for()
    assert "“Amount” is required to enter the stage “Proposal”." in error.inner_text()
    assert qualification.locator(f"#card-{deal.pk}").count() == 1
    assert Opportunity.objects.get(pk=deal.pk).stage_id == stage(pipeline, "Qualification").pk
    _shot(page, "kanban-refused")

    # Filling the amount in on the card moves it; the columns' counts and sums follow.
    error.get_by_label("Amount").fill("12000")
    error.get_by_role("button", name="Move to Proposal").click()
    moved = page.locator(f'.kanban-cards[data-stage="{proposal_stage.pk}"] #card-{deal.pk}')
    moved.wait_for()
    assert page.locator(f"#card-{deal.pk} .card-error").count() == 0
    head = page.locator(f"#head-{proposal_stage.pk}")
    assert head.locator(".count").inner_text() == "1"
    assert "€12K" in head.inner_text()
    assert page.locator(f"#head-{stage(pipeline, 'Qualification').pk} .count").inner_text() == "1"
    current = Opportunity.objects.get(pk=deal.pk)
    assert (current.stage_id, current.amount, current.version) == (
        proposal_stage.pk,
        Decimal("12000.00"),
        2,
    )

    # A plain drop onto the next column (amount and contact are there): moved at once.
    negotiation = stage(pipeline, "Negotiation")
    page.locator(f"#card-{deal.pk}").drag_to(
        page.locator(f'.kanban-column[data-stage="{negotiation.pk}"]')
    )
    page.locator(f'.kanban-cards[data-stage="{negotiation.pk}"] #card-{deal.pk}').wait_for()
    page.wait_for_function(
        f"document.querySelector('#head-{negotiation.pk} .count').textContent === '1'"
    )
    _shot(page, "kanban-moved")
    current = Opportunity.objects.get(pk=deal.pk)
    assert (current.stage_id, current.probability, current.version) == (negotiation.pk, 80, 3)
