"""Pipelines, accounts and contacts the opportunity tests build on, through the services."""

from __future__ import annotations

from typing import Any

from moyeu.core.context import Actor
from moyeu.directory.services import account_create, contact_create
from moyeu.sales.models import Pipeline, PipelineStage
from moyeu.sales.services import opportunity_create, pipeline_create
from tests.personas import Personas

STAGES: list[dict[str, Any]] = [
    {"name": "Qualification", "kind": "open", "probability": 10},
    {"name": "Proposal", "kind": "open", "probability": 50, "required_fields": ["amount"]},
    {
        "name": "Negotiation",
        "kind": "open",
        "probability": 80,
        "required_fields": ["amount", "contacts"],
    },
    {"name": "Won", "kind": "won", "probability": 100},
    {"name": "Lost", "kind": "lost", "probability": 0},
]


def make_pipeline(personas: Personas, name: str = "New business", **values: Any) -> Pipeline:
    return pipeline_create(
        actor=personas.actor("admin"), values={"name": name, **values}, stages=STAGES
    )


def stage(pipeline: Pipeline, name: str) -> PipelineStage:
    return pipeline.stages.get(name=name)


def make_account(actor: Actor, name: str = "Boulangerie Martin") -> Any:
    return account_create(actor=actor, values={"name": name})


def make_contact(actor: Actor, account: Any, last_name: str = "Martin") -> Any:
    return contact_create(actor=actor, values={"last_name": last_name, "account": account.pk})


def make_opportunity(actor: Actor, account: Any, name: str = "Fours", **values: Any) -> Any:
    extra = {k: values.pop(k) for k in ("tags", "external_ids", "custom") if k in values}
    return opportunity_create(
        actor=actor, values={"name": name, "account": account.pk, **values}, **extra
    )
