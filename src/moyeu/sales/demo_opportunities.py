"""Demo pipelines and opportunities, created through the sales services.

Two pipelines (new business, renewal) and two to three opportunities on each demo account,
owned by the account's owner, at every stage: open ones closing over the next months (for
the kanban and the forecast), a few won and lost (for the win rate). Opportunities carry the
external id ``demo:opportunity-<n>`` and pipelines are found by name, so loading twice
creates nothing and leaves what the person trying the demo changed.
"""

from __future__ import annotations

import datetime
import zlib
from decimal import Decimal
from typing import Any

from django.utils import timezone

from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_SYSTEM
from moyeu.core.registry import registry
from moyeu.core.services.records import find_by_external_id
from moyeu.sales.models import Opportunity, Pipeline
from moyeu.sales.services import opportunity_create, opportunity_move_stage, pipeline_create

PIPELINES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "Nouvelle affaire",
        "Prospects devenus clients : de la qualification à la signature.",
        [
            {"name": "Qualification", "kind": "open", "probability": 10},
            {"name": "Découverte", "kind": "open", "probability": 25},
            {
                "name": "Proposition",
                "kind": "open",
                "probability": 50,
                "required_fields": ["amount"],
            },
            {
                "name": "Négociation",
                "kind": "open",
                "probability": 75,
                "required_fields": ["amount", "contacts"],
            },
            {"name": "Gagnée", "kind": "won", "probability": 100, "required_fields": ["amount"]},
            {"name": "Perdue", "kind": "lost", "probability": 0},
        ],
    ),
    (
        "Renouvellement",
        "Contrats des clients existants arrivant à échéance.",
        [
            {"name": "À renouveler", "kind": "open", "probability": 60},
            {
                "name": "Offre de renouvellement",
                "kind": "open",
                "probability": 80,
                "required_fields": ["amount"],
            },
            {"name": "Renouvelé", "kind": "won", "probability": 100},
            {"name": "Non renouvelé", "kind": "lost", "probability": 0},
        ],
    ),
]

# (what is sold, amount in euros, stage index in the new-business pipeline)
DEALS = [
    ("Équipement atelier", Decimal("18500"), 0),
    ("Contrat de maintenance", Decimal("7200"), 1),
    ("Extension du parc", Decimal("42000"), 2),
    ("Formation des équipes", Decimal("3900"), 3),
    ("Logiciel de planification", Decimal("12600"), 2),
    ("Renouvellement du matériel", Decimal("26800"), 1),
    ("Audit énergétique", Decimal("5400"), 0),
]
COMPETITORS = ["Axelis", "Borealis Systèmes", "Codexia"]
LOST_REASONS = ["price", "competitor", "timing"]


def _pipelines(actor: Actor) -> dict[str, Pipeline]:
    found = {p.name: p for p in Pipeline.objects.filter(name__in=[n for n, _d, _s in PIPELINES])}
    for name, description, stages in PIPELINES:
        if name not in found:
            found[name] = pipeline_create(
                actor=actor, values={"name": name, "description": description}, stages=stages
            )
    return found


def _first_contact(account: Any) -> Any:
    model = registry.record_model("directory.contact")
    if model is None:
        return None
    return model._default_manager.filter(account_id=account.pk).order_by("created_at", "id").first()


def load(actor: Actor) -> None:
    accounts_model = registry.record_model("directory.account")
    if accounts_model is None:
        return
    pipelines = _pipelines(actor)
    new_business = list(pipelines["Nouvelle affaire"].stages.order_by("position"))
    renewal = list(pipelines["Renouvellement"].stages.order_by("position"))
    accounts: list[Any] = list(
        accounts_model._default_manager.exclude(kind="competitor").order_by("created_at", "id")
    )
    today = timezone.localdate()
    number = 0
    for index, account in enumerate(accounts):
        seed = zlib.crc32(account.name.encode())
        contact = _first_contact(account)
        plans = [DEALS[(seed + n) % len(DEALS)] for n in range(2 + seed % 2)]
        for n, (what, amount, stage_index) in enumerate(plans):
            number += 1
            key = f"opportunity-{number}"
            if find_by_external_id(Opportunity, DEST, key) is not None:
                continue
            close = today + datetime.timedelta(days=12 + (seed % 9) * 9 + n * 23)
            values: dict[str, Any] = {
                "name": what,
                "account": account.pk,
                "owner": account.owner_id,
                "team": account.team_id,
                "amount": amount + Decimal(seed % 7 * 250),
                "expected_close_date": close,
                "stage": new_business[stage_index].pk,
                "next_step": "Relancer par téléphone"
                if stage_index < 2
                else "Envoyer la proposition",
                "competitors": [COMPETITORS[(seed + n) % len(COMPETITORS)]] if n else [],
                "contacts": (
                    [{"contact": str(contact.pk), "role": "decision_maker"}] if contact else []
                ),
            }
            if stage_index == 3 and contact is None:
                values["stage"] = new_business[2].pk
            made = opportunity_create(actor=actor, values=values, external_ids={DEST: key})
            _close(actor, made, index, n, new_business, renewal)


DEST = DEMO_SYSTEM


def _close(
    actor: Actor, made: Opportunity, index: int, n: int, new_business: list[Any], renewal: list[Any]
) -> None:
    """Some deals end won or lost (for the win rate); some customers renew."""
    if n == 0 and index % 4 == 1:
        opportunity_move_stage(actor=actor, opportunity_id=made.pk, stage_id=new_business[-2].pk)
    elif n == 1 and index % 5 == 2:
        opportunity_move_stage(
            actor=actor,
            opportunity_id=made.pk,
            stage_id=new_business[-1].pk,
            values={"lost_reason": LOST_REASONS[index % len(LOST_REASONS)]},
        )
    elif n == 1 and index % 3 == 0:
        opportunity_move_stage(actor=actor, opportunity_id=made.pk, stage_id=renewal[0].pk)
