"""/pipelines and the opportunity move endpoint: conventions, rules, access."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.sales.models import Opportunity, Pipeline
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas
from tests.sales.pipeline_setup import STAGES, make_account, make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def test_pipelines_crud_with_etags_and_idempotency(clients: dict[str, ApiClient]) -> None:
    admin = clients["admin"]
    key = {"Idempotency-Key": "pipe-1"}
    created = admin.post("/pipelines", {"name": "New business", "stages": STAGES}, headers=key)
    assert (created.status, created.headers["ETag"]) == (201, '"1"')
    assert created.headers["Location"] == f"/api/v1/pipelines/{created.body['id']}"
    assert [
        (s["name"], s["position"], s["kind"], s["probability"]) for s in created.body["stages"]
    ] == [
        ("Qualification", 0, "open", 10),
        ("Proposal", 1, "open", 50),
        ("Negotiation", 2, "open", 80),
        ("Won", 3, "won", 100),
        ("Lost", 4, "lost", 0),
    ]
    assert created.body["is_default"] is True
    again = admin.post("/pipelines", {"name": "New business", "stages": STAGES}, headers=key)
    assert (again.status, again.body, again.headers["Idempotent-Replayed"]) == (
        201,
        created.body,
        "true",
    )
    url = f"/pipelines/{created.body['id']}"
    assert admin.call("GET", url, headers={"If-None-Match": '"1"'}).status == 304
    stages = [
        {"id": s["id"], "name": s["name"], "kind": s["kind"], "probability": s["probability"]}
        for s in created.body["stages"]
    ]
    stages[0]["name"] = "Découverte"
    changed = admin.patch(
        url, {"description": "Nouveaux clients", "stages": stages}, headers={"If-Match": '"1"'}
    )
    assert (changed.status, changed.headers["ETag"], changed.body["stages"][0]["name"]) == (
        200,
        '"2"',
        "Découverte",
    )
    assert changed.body["stages"][0]["id"] == stages[0]["id"]
    stale = admin.patch(url, {"description": "x"}, headers={"If-Match": '"1"'})
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    listed = admin.get("/pipelines")
    assert [p["name"] for p in listed.body["items"]] == ["New business"]
    assert admin.delete(url, headers={"If-Match": '"2"'}).status == 204
    assert Pipeline.objects.count() == 0


def test_pipeline_errors_name_the_fields(clients: dict[str, ApiClient], personas: Personas) -> None:
    admin = clients["admin"]
    bad = admin.post(
        "/pipelines",
        {"name": "X", "stages": [{"name": "A", "probability": 10}, {"name": "W", "kind": "won"}]},
    )
    assert (bad.status, bad.body["errors"]) == (
        422,
        [
            {
                "field": "stages",
                "message": "A pipeline has exactly one won stage and one lost stage.",
            }
        ],
    )
    unknown = admin.post("/pipelines", {"name": "X", "stages": [{"name": "A", "colour": "red"}]})
    assert (unknown.status, unknown.code) == (422, "api.unknown_field")
    pipeline = make_pipeline(personas)
    make_opportunity(personas.actor("owner"), make_account(personas.actor("owner")))
    busy = admin.delete(f"/pipelines/{pipeline.pk}")
    assert (busy.status, busy.code) == (409, "sales.pipeline_in_use")


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [("owner", 200, 403), ("manager", 200, 403), ("outsider", 200, 403), ("admin", 200, 201)],
)
def test_everyone_in_sales_reads_pipelines_and_administrators_write_them(
    clients: dict[str, ApiClient], personas: Personas, persona: str, read: int, write: int
) -> None:
    make_pipeline(personas)
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())
    client = clients[persona]
    assert client.get("/pipelines").status == read
    answer = client.post("/pipelines", {"name": "Renewal", "stages": STAGES})
    assert answer.status == write
    if write == 403:
        assert answer.code == "core.permission_denied"
        assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_move_endpoint_names_the_missing_field_then_moves(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    pipeline = make_pipeline(personas)
    owner = personas.actor("owner")
    made = make_opportunity(owner, make_account(owner))
    url = f"/opportunities/{made.pk}/move"
    proposal = str(stage(pipeline, "Proposal").pk)
    refused = clients["owner"].post(url, {"stage": proposal}, headers={"If-Match": '"1"'})
    assert (refused.status, refused.code, refused.body["detail"], refused.body["errors"]) == (
        422,
        "core.validation_failed",
        "This opportunity cannot enter the stage “Proposal” yet.",
        [{"field": "amount", "message": "“Amount” is required to enter the stage “Proposal”."}],
    )
    moved = clients["owner"].post(
        url, {"stage": proposal, "amount": "2500.00"}, headers={"If-Match": '"1"'}
    )
    assert (moved.status, moved.headers["ETag"], moved.body["stage"], moved.body["amount"]) == (
        200,
        '"2"',
        proposal,
        "2500.00",
    )
    assert (moved.body["probability"], moved.body["weighted_amount"]) == (50, "1250.00")
    stale = clients["owner"].post(
        url, {"stage": str(stage(pipeline, "Qualification").pk)}, headers={"If-Match": '"1"'}
    )
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    denied = clients["teammate"].post(url, {"stage": str(stage(pipeline, "Won").pk)})
    hidden = clients["outsider"].post(url, {"stage": str(stage(pipeline, "Won").pk)})
    assert (denied.status, hidden.status) == (403, 404)
    lost = clients["owner"].post(url, {"stage": str(stage(pipeline, "Lost").pk)})
    assert lost.body["errors"] == [
        {"field": "lost_reason", "message": "“Lost reason” is required to enter the stage “Lost”."}
    ]
    closed = clients["owner"].post(
        url, {"stage": str(stage(pipeline, "Lost").pk), "lost_reason": "competitor"}
    )
    assert (closed.body["status"], closed.body["lost_reason"], closed.body["probability"]) == (
        "lost",
        "competitor",
        0,
    )
    types = list(
        OutboxEvent.objects.filter(record_id=made.pk).order_by("id").values_list("type", flat=True)
    )
    assert types == [
        "opportunity.created",
        "opportunity.stage_changed",
        "opportunity.stage_changed",
        "opportunity.lost",
    ]
    assert Opportunity.objects.get(pk=made.pk).version == 3


def test_patch_with_a_stage_is_a_move(clients: dict[str, ApiClient], personas: Personas) -> None:
    pipeline = make_pipeline(personas)
    owner = personas.actor("owner")
    made = make_opportunity(owner, make_account(owner))
    url = f"/opportunities/{made.pk}"
    refused = clients["owner"].patch(url, {"stage": str(stage(pipeline, "Proposal").pk)})
    assert refused.body["errors"] == [
        {"field": "amount", "message": "“Amount” is required to enter the stage “Proposal”."}
    ]
    moved: Any = clients["owner"].patch(
        url, {"stage": str(stage(pipeline, "Proposal").pk), "amount": "10"}
    )
    assert (moved.status, moved.body["version"]) == (200, 2)
