"""The opportunity pages, the account panel, the timelines and the pipeline settings."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from moyeu.activities.services import activity_create
from moyeu.core.context import Actor
from moyeu.core.errors import NotFound
from moyeu.core.timeline import RecordRef, timeline_page
from moyeu.sales.models import Opportunity, Pipeline
from moyeu.sales.services import opportunity_move_stage
from tests.personas import Personas
from tests.sales.pipeline_setup import (
    make_account,
    make_contact,
    make_opportunity,
    make_pipeline,
    stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(personas: Personas) -> Callable[..., Client]:
    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make


@pytest.fixture
def pipeline(personas: Personas) -> Any:
    return make_pipeline(personas)


def test_create_from_an_account_then_edit_with_the_stage_rules(
    login: Callable[..., Client], personas: Personas, pipeline: Any
) -> None:
    account = make_account(personas.actor("owner"))
    client = login("owner")
    form = client.get("/sales/opportunities/new/", {"account": str(account.pk)}).content.decode()
    assert f'<option value="{account.pk}" selected>' in form
    created = client.post(
        "/sales/opportunities/new/",
        {
            "name": "Four à sole",
            "account": str(account.pk),
            "stage": str(stage(pipeline, "Proposal").pk),
            "currency": "EUR",
            "expected_close_date": "2026-12-31",
            "owner": str(personas.owner.pk),
        },
    )
    assert created.status_code == 422
    assert "“Amount” is required to enter the stage “Proposal”." in created.content.decode()
    assert Opportunity.objects.count() == 0
    done = client.post(
        "/sales/opportunities/new/",
        {
            "name": "Four à sole",
            "account": str(account.pk),
            "stage": str(stage(pipeline, "Proposal").pk),
            "amount": "8500.00",
            "currency": "eur",
            "expected_close_date": "2026-12-31",
            "competitors": "Bongard, Pavailler",
            "owner": str(personas.owner.pk),
        },
    )
    made = Opportunity.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/sales/opportunities/{made.pk}/"
    assert (made.amount, made.currency, made.probability, made.competitors) == (
        Decimal("8500.00"),
        "EUR",
        50,
        ["Bongard", "Pavailler"],
    )
    edit = client.post(
        f"/sales/opportunities/{made.pk}/edit/",
        {
            "name": "Four à sole",
            "account": str(account.pk),
            "stage": str(stage(pipeline, "Lost").pk),
            "amount": "8500.00",
            "currency": "EUR",
            "probability": "50",
            "expected_close_date": "2026-12-31",
            "owner": str(personas.owner.pk),
            "version": "1",
        },
    )
    assert edit.status_code == 422
    assert "“Lost reason” is required to enter the stage “Lost”." in edit.content.decode()


def test_the_detail_page_moves_and_manages_contacts(
    login: Callable[..., Client], personas: Personas, pipeline: Any
) -> None:
    owner = personas.actor("owner")
    account = make_account(owner)
    contact = make_contact(owner, account, "Lemoine")
    made = make_opportunity(owner, account, amount="100")
    client = login("owner")
    page = client.get(f"/sales/opportunities/{made.pk}/").content.decode()
    assert 'aria-current="step">Qualification</li>' in page
    assert "Boulangerie Martin" in page and "No contact yet." in page
    client.post(
        f"/sales/opportunities/{made.pk}/contacts/add/",
        {"contact": str(contact.pk), "role": "economic_buyer", "version": "1"},
    )
    assert list(made.contact_roles.values_list("contact_id", "role", "is_primary")) == [
        (contact.pk, "economic_buyer", True)
    ]
    moved = client.post(
        f"/sales/opportunities/{made.pk}/move/",
        {
            "stage": str(stage(pipeline, "Negotiation").pk),
            "version": "2",
            "next": f"/sales/opportunities/{made.pk}/",
        },
        follow=True,
    )
    html = moved.content.decode()
    assert 'aria-current="step">Negotiation</li>' in html
    assert "Moved to Negotiation." in html
    refused = client.post(
        f"/sales/opportunities/{made.pk}/contacts/remove/",
        {"contact": str(contact.pk), "version": "3"},
        follow=True,
    )
    assert "“Contacts” is required in the stage “Negotiation”." in refused.content.decode()
    assert made.contact_roles.count() == 1
    assert (
        login("teammate")
        .post(f"/sales/opportunities/{made.pk}/contacts/remove/", {"contact": str(contact.pk)})
        .status_code
        == 302
    )
    assert made.contact_roles.count() == 1
    assert login("outsider").get(f"/sales/opportunities/{made.pk}/").status_code == 404


def test_list_filters_and_amounts(
    login: Callable[..., Client], personas: Personas, pipeline: Any
) -> None:
    owner = personas.actor("owner")
    account = make_account(owner)
    make_opportunity(owner, account, "Alpha", amount="12500")
    make_opportunity(owner, account, "Beta", amount="10", stage=stage(pipeline, "Proposal").pk)
    page = login("owner").get(
        "/sales/opportunities/", {"stage": str(stage(pipeline, "Proposal").pk)}
    )
    html = page.content.decode()
    assert "Beta" in html and "Alpha" not in html
    everything = login("owner", "fr").get("/sales/opportunities/").content.decode()
    assert "12\u202f500,00\xa0€" in everything


def test_account_and_contact_pages_list_and_timeline_their_opportunities(
    login: Callable[..., Client], personas: Personas, pipeline: Any
) -> None:
    owner = personas.actor("owner")
    account = make_account(owner)
    contact = make_contact(owner, account, "Lemoine")
    made = make_opportunity(owner, account, "Fours", amount="100", contacts=[str(contact.pk)])
    opportunity_move_stage(
        actor=owner, opportunity_id=made.pk, stage_id=stage(pipeline, "Proposal").pk
    )
    activity_create(
        actor=owner,
        values={
            "kind": "note",
            "subject": "Visite du fournil",
            "links": [f"sales.opportunity:{made.pk}"],
        },
    )
    panel = (
        login("owner")
        .get(
            "/sales/opportunities-panel/",
            {"record_type": "directory.account", "record": str(account.pk)},
        )
        .content.decode()
    )
    assert "Fours" in panel and "Proposal" in panel
    assert (
        login("outsider")
        .get(
            "/sales/opportunities-panel/",
            {"record_type": "directory.account", "record": str(account.pk)},
        )
        .status_code
        == 404
    )
    assert (
        login("owner")
        .get(
            "/sales/opportunities-panel/",
            {"record_type": "activities.activity", "record": str(account.pk)},
        )
        .content
        == b""
    )
    on_account, _cursor = timeline_page(owner, RecordRef("directory.account", account.pk))
    titles = [(item.kind, item.title) for item in on_account if item.kind != "change"]
    assert titles == [
        ("note", "Visite du fournil"),
        ("opportunity", "Fours moved to Proposal"),
        ("opportunity", "Opportunity created: Fours"),
    ]
    on_contact, _cursor = timeline_page(owner, RecordRef("directory.contact", contact.pk))
    assert [i.title for i in on_contact if i.kind == "opportunity"] == [
        "Fours moved to Proposal",
        "Opportunity created: Fours",
    ]
    # Another team sees neither the account nor, so, its timeline.
    other = Actor(user=personas.outsider)
    with pytest.raises(NotFound):
        timeline_page(other, RecordRef("directory.account", account.pk))
    own, _cursor = timeline_page(owner, RecordRef("sales.opportunity", made.pk))
    assert [i.title for i in own if i.kind == "change"] == ["Moved to Proposal", "Created"]


def test_pipeline_settings_pages(login: Callable[..., Client], personas: Personas) -> None:
    admin = login("admin")
    assert login("manager").get("/sales/pipelines/").status_code == 404
    form = admin.get("/sales/pipelines/new/").content.decode()
    assert 'name="stage-0-name" value="Qualification"' in form
    bad = admin.post(
        "/sales/pipelines/new/",
        {
            "name": "Renouvellement",
            "is_active": "1",
            "stage-count": "2",
            "stage-0-name": "À renouveler",
            "stage-0-kind": "open",
            "stage-0-probability": "60",
            "stage-1-name": "Renouvelé",
            "stage-1-kind": "won",
        },
    )
    assert bad.status_code == 422
    assert "A pipeline has exactly one won stage and one lost stage." in bad.content.decode()
    good = admin.post(
        "/sales/pipelines/new/",
        {
            "name": "Renouvellement",
            "is_active": "1",
            "stage-count": "4",
            "stage-0-name": "À renouveler",
            "stage-0-kind": "open",
            "stage-0-probability": "60",
            "stage-1-name": "Offre",
            "stage-1-kind": "open",
            "stage-1-probability": "80",
            "stage-1-required": ["amount", "next_step"],
            "stage-2-name": "Renouvelé",
            "stage-2-kind": "won",
            "stage-3-name": "Non renouvelé",
            "stage-3-kind": "lost",
        },
    )
    assert good.status_code == 302
    pipeline = Pipeline.objects.get(name="Renouvellement")
    assert list(pipeline.stages.values_list("name", "probability", "required_fields")) == [
        ("À renouveler", 60, []),
        ("Offre", 80, ["amount", "next_step"]),
        ("Renouvelé", 100, []),
        ("Non renouvelé", 0, []),
    ]
    listed = admin.get("/sales/pipelines/").content.decode()
    assert "Renouvellement" in listed and "Default" in listed
