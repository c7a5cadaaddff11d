"""The activities on a record's timeline (and on its related records', such as an account's
contacts): only those the viewer may see, newest first."""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.text import Truncator

from moyeu.activities.models import Activity, ActivityLink
from moyeu.core.timeline import RecordRef, TimelineItem, TimelineQuery

SUMMARY_WORDS = 40


class ActivityTimeline:
    kinds = ("call", "meeting", "task", "note", "email", "message")

    def items(self, query: TimelineQuery) -> list[TimelineItem]:
        refs = {ref.id: ref for ref in (query.record, *query.related)}
        linked = ActivityLink.objects.filter(record_id__in=list(refs)).values("activity_id")
        activities = (
            Activity.objects.visible_to(query.actor, "view")
            .filter(pk__in=linked)
            .filter(query.before_q())
            .select_related("owner")
        )
        if query.kinds is not None:
            activities = activities.filter(kind__in=sorted(query.kinds & set(self.kinds)))
        page = list(activities.order_by("-occurred_at", "-id")[: query.limit])
        # The record each activity is shown for: the timeline's own record when linked to it.
        shown_for: dict[object, RecordRef] = {}
        rows = ActivityLink.objects.filter(
            activity_id__in=[a.pk for a in page], record_id__in=list(refs)
        ).values_list("activity_id", "record_id")
        for activity_id, record_id in rows:
            if shown_for.get(activity_id) != query.record:
                shown_for[activity_id] = refs[record_id]
        return [self.item(a, shown_for.get(a.pk, query.record)) for a in page]

    def item(self, activity: Activity, record: RecordRef) -> TimelineItem:
        text = strip_tags(activity.body) if activity.kind != "message" else activity.body
        if activity.kind == "call":
            # A call reads as its direction, outcome and length before its notes.
            facts = [str(activity.get_direction_display()), str(activity.get_outcome_display())]
            if activity.duration_seconds:
                minutes, seconds = divmod(activity.duration_seconds, 60)
                facts.append(f"{minutes} min {seconds:02d} s")
            text = " · ".join([fact for fact in facts if fact] + ([text] if text else []))
        return TimelineItem(
            id=activity.pk,
            kind=activity.kind,
            occurred_at=activity.occurred_at,
            title=str(activity),
            record=record,
            summary=Truncator(text).words(SUMMARY_WORDS),
            actor_label=str(activity.owner) if activity.owner else "",
            source="activities.activity",
            data={
                "status": activity.status,
                "direction": activity.direction,
                "outcome": activity.outcome,
                "duration_seconds": activity.duration_seconds,
                "due_at": activity.due_at.isoformat() if activity.due_at else None,
                "is_overdue": activity.is_overdue,
            },
        )
