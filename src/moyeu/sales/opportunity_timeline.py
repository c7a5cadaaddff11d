"""An account's and a contact's opportunities on their timelines: each opportunity's
milestones — created, moved to another stage, won, lost — newest first.

The opportunities come from ``query.related`` (``moyeu.sales.queries``: those the viewer may
see); the milestones are their audit entries. An opportunity's own page does not use this
provider: its changes come from the audit log's own provider (kind ``change``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from moyeu.core.models import AuditEntry
from moyeu.core.timeline import RecordRef, TimelineItem, TimelineQuery
from moyeu.sales.models import LostReason, Opportunity

KIND = "opportunity"
MILESTONES = ("created", "stage_changed", "won", "lost")
RECORD_TYPE = "sales.opportunity"


class OpportunityTimeline:
    kinds = (KIND,)

    def items(self, query: TimelineQuery) -> list[TimelineItem]:
        if not query.wants(KIND):
            return []
        ids = [ref.id for ref in query.related if ref.record_type == RECORD_TYPE]
        if not ids:
            return []
        visible = Opportunity.objects.visible_to(query.actor, "view").filter(pk__in=ids)
        names: dict[Any, str] = dict(visible.values_list("id", "name"))
        if not names:
            return []
        entries = (
            AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Opportunity),
                object_id__in=list(names),
                code__in=[f"sales.opportunity.{verb}" for verb in MILESTONES],
            )
            .filter(query.before_q())
            .order_by("-occurred_at", "-id")[: query.limit]
        )
        return [self.item(entry, names.get(entry.object_id, "")) for entry in entries]

    def item(self, entry: AuditEntry, name: str) -> TimelineItem:
        verb = entry.code.rsplit(".", 1)[-1]
        stage = (entry.data.get("to_stage") or {}).get("name", "")
        reason = (entry.changes.get("lost_reason") or [None, ""])[1]
        if verb == "created":
            title = _("Opportunity created: %(name)s") % {"name": name}
        elif verb == "won":
            title = _("Opportunity won: %(name)s") % {"name": name}
        elif verb == "lost":
            title = _("Opportunity lost: %(name)s") % {"name": name}
        else:
            title = _("%(name)s moved to %(stage)s") % {"name": name, "stage": stage}
        amount = (entry.changes.get("amount") or [None, None])[1]
        data: dict[str, Any] = {
            "code": entry.code,
            "opportunity_id": str(entry.object_id),
            "from_stage": entry.data.get("from_stage"),
            "to_stage": entry.data.get("to_stage"),
            "url": reverse("web:sales:opportunity_detail", args=[entry.object_id]),
        }
        summary = str(LostReason(reason).label) if reason in LostReason.values else ""
        if verb == "created" and amount:
            summary = str(amount)
        return TimelineItem(
            id=entry.id,
            kind=KIND,
            occurred_at=entry.occurred_at,
            title=title,
            record=RecordRef(RECORD_TYPE, entry.object_id),  # type: ignore[arg-type]
            summary=summary,
            actor_label=entry.actor_label,
            source="core.auditentry",
            data=data,
        )
