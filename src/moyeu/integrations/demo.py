"""Demo data: one inactive webhook subscription, so the console has something to show."""

from __future__ import annotations

from moyeu.core.context import Actor
from moyeu.integrations.models import WebhookSubscription
from moyeu.integrations.services.webhooks import subscription_create

DEMO_NAME = "ERP (démo)"


def load(actor: Actor) -> None:
    if WebhookSubscription.objects.filter(name=DEMO_NAME).exists():
        return
    subscription_create(
        actor=actor,
        values={
            "name": DEMO_NAME,
            "url": "https://erp.example/moyeu/webhooks",
            "event_types": ["contact.*", "account.*"],
            "is_active": False,
            "description": "Inactive: example.com-style addresses receive nothing.",
        },
    )
