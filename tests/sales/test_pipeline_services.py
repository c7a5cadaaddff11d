"""Pipeline services: stages checked as a whole, kept by id, in-use stages protected."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.errors import Conflict, PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.sales.models import Pipeline, PipelineStage
from moyeu.sales.services import (
    default_pipeline,
    opportunity_create,
    pipeline_create,
    pipeline_delete,
    pipeline_update,
)
from tests.personas import Personas
from tests.sales.pipeline_setup import STAGES, make_account, make_pipeline

pytestmark = pytest.mark.django_db


def rows(pipeline: Pipeline) -> list[tuple[str, int, str, int, list[str]]]:
    return list(
        pipeline.stages.order_by("position").values_list(
            "name", "position", "kind", "probability", "required_fields"
        )
    )


def test_create_orders_the_stages_and_the_first_pipeline_is_the_default(
    personas: Personas,
) -> None:
    pipeline = make_pipeline(personas)
    assert rows(pipeline) == [
        ("Qualification", 0, "open", 10, []),
        ("Proposal", 1, "open", 50, ["amount"]),
        ("Negotiation", 2, "open", 80, ["amount", "contacts"]),
        ("Won", 3, "won", 100, []),
        ("Lost", 4, "lost", 0, []),
    ]
    assert (pipeline.is_default, pipeline.version) == (True, 1)
    renewal = make_pipeline(personas, "Renewal")
    assert renewal.is_default is False
    assert default_pipeline() == pipeline
    entry = AuditEntry.objects.get(object_id=pipeline.pk)
    event = OutboxEvent.objects.get(record_id=pipeline.pk)
    assert (entry.code, event.type) == ("sales.pipeline.created", "pipeline.created")
    assert [s["name"] for s in event.payload["stages"]] == [s["name"] for s in STAGES]


def test_only_sales_administrators_change_pipelines(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        pipeline_create(actor=personas.actor("manager"), values={"name": "X"}, stages=STAGES)
    assert Pipeline.objects.count() == 0


@pytest.mark.parametrize(
    ("stages", "errors"),
    [
        (
            [{"name": "A", "probability": 5}, {"name": "W", "kind": "won"}],
            {"stages": ["A pipeline has exactly one won stage and one lost stage."]},
        ),
        (
            [{"name": "W", "kind": "won"}, {"name": "L", "kind": "lost"}],
            {"stages": ["A pipeline needs at least one open stage."]},
        ),
        (
            [
                {"name": "A", "probability": 120},
                {"name": "a", "probability": 5},
                {"name": "W", "kind": "won", "probability": 90},
                {"name": "L", "kind": "lost", "required_fields": ["budget"]},
            ],
            {
                "stages.0.probability": ["Give a whole percentage from 0 to 100."],
                "stages.1.name": ["Another stage has this name."],
                "stages.2.probability": ["A won stage is 100 %, a lost stage 0 %."],
                "stages.3.required_fields": [
                    "Unknown field budget; one of: account, amount, contacts, competitors, "
                    "next_step."
                ],
            },
        ),
        ("nope", {"stages": ["Expected a list of stages."]}),
    ],
)
def test_bad_stages_are_named(personas: Personas, stages: Any, errors: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        pipeline_create(actor=personas.actor("admin"), values={"name": "X"}, stages=stages)
    assert refused.value.errors == errors
    assert Pipeline.objects.count() == 0


def test_update_keeps_stages_by_id_renames_reorders_and_protects_used_stages(
    personas: Personas,
) -> None:
    admin = personas.actor("admin")
    pipeline = make_pipeline(personas)
    ids = {s.name: str(s.pk) for s in pipeline.stages.all()}
    owner = personas.actor("owner")
    opportunity = opportunity_create(
        actor=owner, values={"name": "Fours", "account": make_account(owner).pk}
    )
    reordered = [
        {"id": ids["Proposal"], "name": "Offre", "probability": 40, "required_fields": ["amount"]},
        {"id": ids["Qualification"], "name": "Qualification", "probability": 20},
        {"name": "Signature", "probability": 90},
        {"id": ids["Won"], "name": "Gagnée", "kind": "won"},
        {"id": ids["Lost"], "name": "Perdue", "kind": "lost"},
    ]
    with pytest.raises(Conflict) as busy:
        pipeline_update(actor=admin, pipeline_id=pipeline.pk, stages=reordered[:1] + reordered[2:])
    assert busy.value.message == "Move the opportunities out of “Qualification” before removing it."
    updated = pipeline_update(
        actor=admin, pipeline_id=pipeline.pk, stages=reordered, expected_version=1
    )
    assert rows(updated) == [
        ("Offre", 0, "open", 40, ["amount"]),
        ("Qualification", 1, "open", 20, []),
        ("Signature", 2, "open", 90, []),
        ("Gagnée", 3, "won", 100, []),
        ("Perdue", 4, "lost", 0, []),
    ]
    assert updated.version == 2
    assert PipelineStage.objects.get(pk=ids["Qualification"]) == opportunity.stage
    assert not PipelineStage.objects.filter(pk=ids["Negotiation"]).exists()
    with pytest.raises(VersionConflict):
        pipeline_update(
            actor=admin, pipeline_id=pipeline.pk, values={"name": "Y"}, expected_version=1
        )
    reordered[2]["id"] = str(updated.stages.get(name="Signature").pk)
    same = pipeline_update(actor=admin, pipeline_id=pipeline.pk, stages=reordered)
    assert same.version == 2  # nothing changed
    with pytest.raises(Conflict) as kind:
        pipeline_update(
            actor=admin,
            pipeline_id=pipeline.pk,
            stages=[
                reordered[0],
                {**reordered[1], "kind": "won", "probability": 100},
                reordered[2],
                reordered[4],
            ],
        )
    assert (
        kind.value.message == "The stage “Qualification” has opportunities: its kind cannot change."
    )


def test_the_default_moves_and_a_used_pipeline_cannot_be_deleted(personas: Personas) -> None:
    admin = personas.actor("admin")
    first = make_pipeline(personas)
    second = make_pipeline(personas, "Renewal")
    with pytest.raises(Conflict) as taken:
        pipeline_update(actor=admin, pipeline_id=second.pk, values={"name": "new business"})
    assert (taken.value.code, taken.value.details) == (
        "sales.pipeline_name_taken",
        {"field": "name"},
    )
    pipeline_update(actor=admin, pipeline_id=second.pk, values={"is_default": True})
    assert default_pipeline() == second
    assert Pipeline.objects.get(pk=first.pk).is_default is False
    with pytest.raises(ValidationFailed):
        pipeline_update(actor=admin, pipeline_id=second.pk, values={"is_active": False})
    owner = personas.actor("owner")
    opportunity_create(
        actor=owner, values={"name": "Renouvellement", "account": make_account(owner).pk}
    )
    with pytest.raises(Conflict) as used:
        pipeline_delete(actor=admin, pipeline_id=second.pk)
    assert used.value.code == "sales.pipeline_in_use"
    pipeline_delete(actor=admin, pipeline_id=first.pk)
    assert list(Pipeline.objects.values_list("name", flat=True)) == ["Renewal"]
    assert AuditEntry.objects.filter(code="sales.pipeline.deleted").count() == 1
