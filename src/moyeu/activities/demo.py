"""Demo activities: calls, notes, a meeting and tasks on the first demo contacts.

Runs after the directory's loader; finds contacts through the registry (this module does not
import the directory) and logs each activity by the external id ``demo:activity-<n>``, owned
by the contact's owner, so running it twice changes nothing. Dates are counted from the
contact's creation, so they stay put from one load to the next. Each contact also has an
upcoming meeting it attends (``demo:meeting-<contact id>``), ready for "Send invitations" (demo
addresses end in .example: nothing reaches a real person).
"""

from __future__ import annotations

import datetime
from typing import Any

from moyeu.activities.services import activity_upsert_by_external_id
from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_SYSTEM
from moyeu.core.registry import registry

CONTACTS = 6


def _plan(contact: Any) -> list[dict[str, Any]]:
    base = contact.created_at.replace(hour=9, minute=30, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    name = str(contact)
    return [
        {
            "kind": "call",
            "subject": f"Premier contact avec {name}",
            "direction": "outbound",
            "outcome": "connected",
            "duration_seconds": 420,
            "occurred_at": base - 20 * day,
        },
        {
            "kind": "note",
            "subject": "Besoins exprimés",
            "body": "<p>Intéressé par l'offre <b>Pro</b> ; budget au trimestre prochain.</p>",
            "occurred_at": base - 19 * day,
        },
        {
            "kind": "meeting",
            "subject": f"Démonstration chez {name}",
            "occurred_at": base - 10 * day,
            "ends_at": base - 10 * day + datetime.timedelta(hours=1),
            "location": "Sur place",
        },
        {
            "kind": "task",
            "subject": "Envoyer la proposition",
            "due_at": base + 2 * day,
            "priority": "high",
        },
    ]


def load(actor: Actor) -> None:
    model = registry.record_model("directory.contact")
    if model is None:
        return
    contacts: list[Any] = list(model._default_manager.order_by("created_at", "id")[:CONTACTS])
    number = 0
    for contact in contacts:
        ref = f"directory.contact:{contact.pk}"
        for values in _plan(contact):
            number += 1
            activity_upsert_by_external_id(
                actor=actor,
                system=DEMO_SYSTEM,
                value=f"activity-{number}",
                values={
                    **values,
                    "owner": contact.owner_id,
                    "team": contact.team_id,
                    "links": [ref],
                },
            )
        base = contact.created_at.replace(hour=14, minute=0, second=0, microsecond=0)
        activity_upsert_by_external_id(
            actor=actor,
            system=DEMO_SYSTEM,
            value=f"meeting-{contact.pk}",
            values={
                "kind": "meeting",
                "subject": f"Point d'avancement avec {contact}",
                "occurred_at": base + datetime.timedelta(days=3),
                "ends_at": base + datetime.timedelta(days=3, minutes=45),
                "video_url": "https://visio.example/moyeu-demo",
                "owner": contact.owner_id,
                "team": contact.team_id,
                "links": [ref],
                "attendees": [{"record": ref}],
            },
        )
