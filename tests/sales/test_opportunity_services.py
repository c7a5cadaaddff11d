"""Opportunity services: defaults, stage rules on every path, events and audit, access."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.core.services import custom_fields
from moyeu.sales.models import Opportunity
from moyeu.sales.services import (
    opportunity_create,
    opportunity_delete,
    opportunity_move_stage,
    opportunity_update,
    opportunity_upsert_by_external_id,
    pipeline_update,
)
from moyeu.sales.services.opportunity_values import end_of_quarter
from tests.personas import Personas
from tests.sales.pipeline_setup import (
    STAGES,
    make_account,
    make_contact,
    make_opportunity,
    make_pipeline,
    stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(personas: Personas) -> Any:
    return make_pipeline(personas)


@pytest.fixture
def account(personas: Personas) -> Any:
    return make_account(personas.actor("owner"))


def side_effects(opportunity: Any) -> tuple[list[str], list[str]]:
    codes = list(
        AuditEntry.objects.filter(object_id=opportunity.pk)
        .order_by("occurred_at", "id")
        .values_list("code", flat=True)
    )
    types = list(
        OutboxEvent.objects.filter(record_id=opportunity.pk)
        .order_by("id")
        .values_list("type", flat=True)
    )
    return codes, types


def test_a_new_opportunity_starts_in_the_first_open_stage_of_the_default_pipeline(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    made = make_opportunity(personas.actor("owner"), account)
    assert (made.pipeline_id, made.stage.name, made.status, made.probability) == (
        pipeline.pk,
        "Qualification",
        "open",
        10,
    )
    assert (made.currency, made.amount, made.expected_close_date) == (
        "EUR",
        None,
        end_of_quarter(timezone.localdate()),
    )
    assert (made.owner_id, made.team_id, made.closed_at) == (
        personas.owner.pk,
        personas.north.pk,
        None,
    )
    assert side_effects(made) == (["sales.opportunity.created"], ["opportunity.created"])


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 2, 10), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 9, 30), datetime.date(2026, 9, 30)),
        (datetime.date(2026, 11, 30), datetime.date(2026, 12, 31)),
    ],
)
def test_the_default_close_date_is_the_end_of_the_quarter(
    today: datetime.date, expected: datetime.date
) -> None:
    assert end_of_quarter(today) == expected


def test_creating_in_a_stage_checks_its_required_fields_and_writes_nothing(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        make_opportunity(personas.actor("owner"), account, stage=stage(pipeline, "Proposal").pk)
    assert refused.value.errors == {
        "amount": ["“Amount” is required to enter the stage “Proposal”."]
    }
    assert refused.value.message == "This opportunity cannot enter the stage “Proposal” yet."
    assert Opportunity.objects.count() == 0
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before
    made = make_opportunity(
        personas.actor("owner"), account, stage=stage(pipeline, "Proposal").pk, amount="1200.50"
    )
    assert (made.stage.name, made.amount, made.probability) == ("Proposal", Decimal("1200.50"), 50)


def test_a_move_without_a_required_field_is_refused_naming_it(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account)
    proposal = stage(pipeline, "Proposal")
    with pytest.raises(ValidationFailed) as refused:
        opportunity_move_stage(actor=owner, opportunity_id=made.pk, stage_id=proposal.pk)
    assert refused.value.errors == {
        "amount": ["“Amount” is required to enter the stage “Proposal”."]
    }
    current = Opportunity.objects.get(pk=made.pk)
    assert (current.stage_id, current.version) == (made.stage_id, 1)
    assert side_effects(made) == (["sales.opportunity.created"], ["opportunity.created"])

    moved = opportunity_move_stage(
        actor=owner,
        opportunity_id=made.pk,
        stage_id=proposal.pk,
        values={"amount": "12000"},
        expected_version=1,
    )
    assert (moved.stage_id, moved.amount, moved.probability, moved.version) == (
        proposal.pk,
        Decimal("12000.00"),
        50,
        2,
    )
    codes, types = side_effects(made)
    assert (codes, types) == (
        ["sales.opportunity.created", "sales.opportunity.stage_changed"],
        ["opportunity.created", "opportunity.stage_changed"],
    )
    entry = AuditEntry.objects.get(object_id=made.pk, code="sales.opportunity.stage_changed")
    assert entry.data == {
        "from_stage": {"id": str(made.stage_id), "name": "Qualification", "kind": "open"},
        "to_stage": {"id": str(proposal.pk), "name": "Proposal", "kind": "open"},
    }
    assert {k: entry.changes[k] for k in ("amount", "probability", "stage_id")} == {
        "amount": [None, "12000.00"],
        "probability": [10, 50],
        "stage_id": [str(made.stage_id), str(proposal.pk)],
    }
    event = OutboxEvent.objects.get(record_id=made.pk, type="opportunity.stage_changed")
    assert (event.payload["from_stage"]["name"], event.payload["to_stage"]["name"]) == (
        "Qualification",
        "Proposal",
    )
    assert event.payload["changed_fields"] == sorted(entry.changes)


def test_negotiation_needs_a_contact(personas: Personas, pipeline: Any, account: Any) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, amount="500")
    negotiation = stage(pipeline, "Negotiation")
    with pytest.raises(ValidationFailed) as refused:
        opportunity_move_stage(actor=owner, opportunity_id=made.pk, stage_id=negotiation.pk)
    assert refused.value.errors == {
        "contacts": ["“Contacts” is required to enter the stage “Negotiation”."]
    }
    contact = make_contact(owner, account)
    opportunity_update(
        actor=owner,
        opportunity_id=made.pk,
        values={"contacts": [{"contact": str(contact.pk), "role": "decision_maker"}]},
    )
    moved = opportunity_move_stage(actor=owner, opportunity_id=made.pk, stage_id=negotiation.pk)
    assert (moved.stage.name, moved.probability, moved.version) == ("Negotiation", 80, 3)
    # The contact a stage requires cannot be taken away while the opportunity is there.
    with pytest.raises(ValidationFailed) as emptied:
        opportunity_update(actor=owner, opportunity_id=made.pk, values={"contacts": []})
    assert emptied.value.errors == {
        "contacts": ["“Contacts” is required in the stage “Negotiation”."]
    }
    assert list(moved.contact_roles.values_list("contact_id", "role", "is_primary")) == [
        (contact.pk, "decision_maker", True)
    ]


def test_lost_needs_a_reason_then_closes_and_reopening_clears_it(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, amount="900")
    lost = stage(pipeline, "Lost")
    with pytest.raises(ValidationFailed) as refused:
        opportunity_move_stage(actor=owner, opportunity_id=made.pk, stage_id=lost.pk)
    assert refused.value.errors == {
        "lost_reason": ["“Lost reason” is required to enter the stage “Lost”."]
    }
    closed = opportunity_move_stage(
        actor=owner,
        opportunity_id=made.pk,
        stage_id=lost.pk,
        values={"lost_reason": "price", "lost_note": "Trop cher de 10 %"},
    )
    assert (closed.status, closed.probability, closed.lost_reason, closed.lost_note) == (
        "lost",
        0,
        "price",
        "Trop cher de 10 %",
    )
    assert closed.closed_at is not None
    assert side_effects(made) == (
        ["sales.opportunity.created", "sales.opportunity.lost"],
        ["opportunity.created", "opportunity.stage_changed", "opportunity.lost"],
    )
    with pytest.raises(ValidationFailed) as probability:
        opportunity_update(actor=owner, opportunity_id=made.pk, values={"probability": 40})
    assert probability.value.errors == {
        "probability": ["A won or lost opportunity's probability is its stage's."]
    }
    reopened = opportunity_move_stage(
        actor=owner, opportunity_id=made.pk, stage_id=stage(pipeline, "Qualification").pk
    )
    assert (reopened.status, reopened.closed_at, reopened.lost_reason, reopened.lost_note) == (
        "open",
        None,
        "",
        "",
    )
    assert reopened.probability == 10


def test_won_emits_won_and_a_lost_reason_is_refused_on_an_open_opportunity(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, amount="900")
    with pytest.raises(ValidationFailed) as refused:
        opportunity_update(actor=owner, opportunity_id=made.pk, values={"lost_reason": "price"})
    assert refused.value.errors == {"lost_reason": ["Only a lost opportunity has a lost reason."]}
    won = opportunity_move_stage(
        actor=owner, opportunity_id=made.pk, stage_id=stage(pipeline, "Won").pk
    )
    assert (won.status, won.probability, won.weighted_amount) == ("won", 100, Decimal("900.00"))
    assert side_effects(made)[1] == [
        "opportunity.created",
        "opportunity.stage_changed",
        "opportunity.won",
    ]
    assert AuditEntry.objects.filter(object_id=made.pk).latest("occurred_at").code == (
        "sales.opportunity.won"
    )


def test_probability_defaults_from_the_stage_and_can_be_overridden(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, probability=35, amount="100")
    assert (made.probability, made.weighted_amount) == (35, Decimal("35.00"))
    moved = opportunity_move_stage(
        actor=owner, opportunity_id=made.pk, stage_id=stage(pipeline, "Proposal").pk
    )
    assert moved.probability == 50
    back = opportunity_move_stage(
        actor=owner,
        opportunity_id=made.pk,
        stage_id=stage(pipeline, "Qualification").pk,
        values={"probability": 15},
    )
    assert (back.probability, back.version) == (15, 3)
    changed = opportunity_update(actor=owner, opportunity_id=made.pk, values={"probability": 25})
    assert (changed.probability, changed.version) == (25, 4)


def test_a_stage_in_an_update_is_a_move_with_the_same_rules(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account)
    proposal = stage(pipeline, "Proposal")
    with pytest.raises(ValidationFailed) as refused:
        opportunity_update(
            actor=owner, opportunity_id=made.pk, values={"stage": proposal.pk, "next_step": "Rdv"}
        )
    assert refused.value.errors == {
        "amount": ["“Amount” is required to enter the stage “Proposal”."]
    }
    assert Opportunity.objects.get(pk=made.pk).next_step == ""  # nothing written
    moved = opportunity_update(
        actor=owner,
        opportunity_id=made.pk,
        values={"stage": str(proposal.pk), "amount": "5000", "next_step": "Rdv"},
        expected_version=1,
    )
    # Fields a move may fill in go with the move: one change.
    assert (moved.stage_id, moved.amount, moved.next_step, moved.version) == (
        proposal.pk,
        Decimal("5000.00"),
        "Rdv",
        2,
    )
    with pytest.raises(ValidationFailed) as emptied:
        opportunity_update(
            actor=owner, opportunity_id=made.pk, values={"name": "X", "amount": None}
        )
    assert emptied.value.errors == {"amount": ["“Amount” is required in the stage “Proposal”."]}
    # Other fields are a change of their own, then the move.
    later = opportunity_update(
        actor=owner,
        opportunity_id=made.pk,
        values={"stage": str(stage(pipeline, "Qualification").pk), "name": "Fours à pain"},
        expected_version=2,
    )
    assert (later.name, later.stage.name, later.version) == ("Fours à pain", "Qualification", 4)
    assert side_effects(made)[0] == [
        "sales.opportunity.created",
        "sales.opportunity.stage_changed",
        "sales.opportunity.updated",
        "sales.opportunity.stage_changed",
    ]
    with pytest.raises(VersionConflict):
        opportunity_update(
            actor=owner,
            opportunity_id=made.pk,
            values={"stage": str(proposal.pk), "name": "Perdu"},
            expected_version=2,
        )


def test_an_upsert_moving_the_stage_applies_the_rules(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    values = {"name": "Import", "account": str(account.pk)}
    made, created = opportunity_upsert_by_external_id(
        actor=owner, system="erp", value="O-1", values=values
    )
    assert created is True
    with pytest.raises(ValidationFailed) as refused:
        opportunity_upsert_by_external_id(
            actor=owner,
            system="erp",
            value="O-1",
            values={**values, "stage": stage(pipeline, "Lost").pk},
        )
    assert list(refused.value.errors) == ["lost_reason"]
    lost, created = opportunity_upsert_by_external_id(
        actor=owner,
        system="erp",
        value="O-1",
        values={**values, "stage": stage(pipeline, "Lost").pk, "lost_reason": "timing"},
    )
    assert (created, lost.pk, lost.status, lost.lost_reason) == (False, made.pk, "lost", "timing")


def test_a_required_custom_field_is_named_by_its_label(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    admin = personas.actor("admin")
    custom_fields.custom_field_create(
        actor=admin,
        record_type="sales.opportunity",
        name="budget",
        label="Budget validé",
        type="boolean",
    )
    stages = [dict(s, id=str(stage(pipeline, s["name"]).pk)) for s in STAGES]
    stages[1]["required_fields"] = ["amount", "custom.budget"]
    pipeline_update(actor=admin, pipeline_id=pipeline.pk, stages=stages)
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, amount="10")
    with pytest.raises(ValidationFailed) as refused:
        opportunity_move_stage(
            actor=owner, opportunity_id=made.pk, stage_id=stage(pipeline, "Proposal").pk
        )
    assert refused.value.errors == {
        "custom.budget": ["“Budget validé” is required to enter the stage “Proposal”."]
    }
    opportunity_update(actor=owner, opportunity_id=made.pk, custom={"budget": True})
    moved = opportunity_move_stage(
        actor=owner, opportunity_id=made.pk, stage_id=stage(pipeline, "Proposal").pk
    )
    assert moved.stage.name == "Proposal"


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"currency": "EURO"}, {"currency": ["Not an ISO 4217 currency code, such as EUR."]}),
        ({"currency": "XXX"}, {"currency": ["Not an ISO 4217 currency code, such as EUR."]}),
        ({"amount": "-5"}, {"amount": ["The amount cannot be negative."]}),
        ({"amount": "1.234"}, {"amount": ["At most two decimals."]}),
        ({"amount": "douze"}, {"amount": ["Enter a number, such as 12500.00."]}),
        ({"probability": 101}, {"probability": ["Give a whole percentage from 0 to 100."]}),
        (
            {"expected_close_date": "demain"},
            {"expected_close_date": ["Give a date, such as 2026-06-30."]},
        ),
        (
            {"competitors": [f"C{i}" for i in range(21)]},
            {"competitors": ["At most 20 competitors."]},
        ),
        ({"name": "  "}, {"name": ["This field cannot be blank."]}),
        ({"status": "won"}, {"status": ["Unknown or read-only field."]}),
        ({"stage": "0193c5b8-0000-7000-8000-000000000000"}, {"stage": ["No such stage."]}),
        ({"lost_reason": "price"}, {"lost_reason": ["Only a lost opportunity has a lost reason."]}),
    ],
)
def test_bad_values_are_named_and_nothing_is_written(
    personas: Personas, pipeline: Any, account: Any, values: dict[str, Any], errors: Any
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_opportunity(personas.actor("owner"), account, **values)
    assert refused.value.errors == errors
    assert (
        Opportunity.objects.count(),
        OutboxEvent.objects.filter(type__startswith="opp").count(),
    ) == (0, 0)


def test_amounts_and_currencies_are_normalised(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    made = make_opportunity(
        personas.actor("owner"),
        account,
        amount=1234.5,
        currency="chf",
        competitors=["Acme", " Acme ", "Zeta", ""],
    )
    assert (made.amount, made.currency, made.competitors) == (
        Decimal("1234.50"),
        "CHF",
        ["Acme", "Zeta"],
    )


def test_the_account_and_contacts_must_be_visible(personas: Personas, pipeline: Any) -> None:
    theirs = make_account(personas.actor("outsider"), "Chez eux")
    theirs_contact = make_contact(personas.actor("outsider"), theirs, "Eux")
    owner = personas.actor("owner")
    with pytest.raises(ValidationFailed) as refused:
        make_opportunity(owner, theirs)
    assert refused.value.errors == {"account": ["No such account."]}
    with pytest.raises(ValidationFailed) as missing:
        opportunity_create(actor=owner, values={"name": "Sans compte"})
    assert missing.value.errors == {"account": ["An opportunity is for an account: choose one."]}
    mine = make_account(owner, "Chez nous")
    contact = make_contact(owner, mine, "Nous")
    with pytest.raises(ValidationFailed) as contacts:
        make_opportunity(
            owner,
            mine,
            contacts=[
                {"contact": str(theirs_contact.pk)},
                {"contact": str(contact.pk), "role": "boss"},
                {"contact": str(contact.pk)},
            ],
        )
    assert contacts.value.errors == {
        "contacts.0.contact": ["No such contact."],
        "contacts.1.role": [
            "Choose one of: decision_maker, economic_buyer, technical_buyer, champion, "
            "influencer, user, other."
        ],
        "contacts.2.contact": ["This contact is already listed."],
    }
    assert Opportunity.objects.count() == 0


def test_access_is_checked_on_every_change(personas: Personas, pipeline: Any, account: Any) -> None:
    made = make_opportunity(personas.actor("owner"), account, amount="10")
    proposal = stage(pipeline, "Proposal").pk
    with pytest.raises(PermissionDenied):
        opportunity_move_stage(
            actor=personas.actor("teammate"), opportunity_id=made.pk, stage_id=proposal
        )
    with pytest.raises(NotFound):
        opportunity_move_stage(
            actor=personas.actor("outsider"), opportunity_id=made.pk, stage_id=proposal
        )
    with pytest.raises(NotFound):
        opportunity_update(
            actor=personas.actor("outsider"), opportunity_id=made.pk, values={"name": "X"}
        )
    assert Opportunity.objects.get(pk=made.pk).version == 1
    moved = opportunity_move_stage(
        actor=personas.actor("manager"), opportunity_id=made.pk, stage_id=proposal
    )
    assert moved.version == 2


def test_a_stale_version_is_a_conflict_and_the_same_stage_changes_nothing(
    personas: Personas, pipeline: Any, account: Any
) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, amount="10")
    with pytest.raises(VersionConflict):
        opportunity_move_stage(
            actor=owner,
            opportunity_id=made.pk,
            stage_id=stage(pipeline, "Proposal").pk,
            expected_version=7,
        )
    same = opportunity_move_stage(actor=owner, opportunity_id=made.pk, stage_id=made.stage_id)
    assert (same.version, side_effects(made)[0]) == (1, ["sales.opportunity.created"])


def test_delete(personas: Personas, pipeline: Any, account: Any) -> None:
    owner = personas.actor("owner")
    made = make_opportunity(owner, account, contacts=[str(make_contact(owner, account).pk)])
    opportunity_delete(actor=owner, opportunity_id=made.pk, expected_version=1)
    assert Opportunity.objects.count() == 0
    assert side_effects(made)[1] == ["opportunity.created", "opportunity.deleted"]
