"""The activities on a record's timeline (and on its related records', such as an account's
contacts): only those the viewer may see, newest first.

The page is found from the links, not from the activities: each record's links are an index
range scan on ``(record_id, occurred_at, activity_id)`` (the link repeats its activity's date),
bounded by the page size, one branch per record in a UNION ALL; the newest candidates are then
checked against record access by primary key. Filtering the activities table by access and
date instead lets PostgreSQL pick a plan from the access condition (``owner = me OR team IN
(…)``) that reads every visible activity and sorts them (bench/README.md, "timeline.py").
If too few candidates are visible (private items, a kind filter), the next, larger batch
is read from where the last one ended.
"""

from __future__ import annotations

import datetime
import heapq
import uuid
from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Field
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import Truncator

from moyeu.activities.models import Activity, ActivityLink
from moyeu.core.timeline import RecordRef, TimelineItem, TimelineQuery

SUMMARY_WORDS = 40
BRANCHES_PER_QUERY = 100  # SQLite allows 500 SELECTs in one compound statement
MAX_BATCH = 2000

Key = tuple[datetime.datetime, uuid.UUID]


def _key(occurred_at: Any, activity_id: Any) -> Key:
    """A candidate's (occurred_at, activity id) as Python values, from any backend's row."""
    when = occurred_at if isinstance(occurred_at, datetime.datetime) else None
    if when is None:
        when = parse_datetime(str(occurred_at))
        assert when is not None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    ident = activity_id if isinstance(activity_id, uuid.UUID) else uuid.UUID(str(activity_id))
    return when, ident


def _branch_sql(with_before: bool, limit: int) -> str:
    """One record's newest links: a backward range scan of ``activities_link_timeline``."""
    meta = ActivityLink._meta
    q = connection.ops.quote_name
    when, activity, record = (
        q(cast("Field[Any, Any]", meta.get_field(f)).column)
        for f in ("occurred_at", "activity", "record_id")
    )
    before = f" AND ({when} < %s OR ({when} = %s AND {activity} < %s))" if with_before else ""
    return (
        f"SELECT {when}, {activity} FROM {q(meta.db_table)} WHERE {record} = %s{before}"  # noqa: S608
        f" ORDER BY {when} DESC, {activity} DESC LIMIT {int(limit)}"
    )


def newest_links(record_ids: Sequence[uuid.UUID], before: Key | None, limit: int) -> list[Key]:
    """The ``limit`` newest links of these records strictly before ``before``: one bounded
    index range scan per record, in a UNION ALL, merged."""
    meta = ActivityLink._meta
    record_field, when_field = meta.get_field("record_id"), meta.get_field("occurred_at")
    activity_field = meta.get_field("activity").target_field
    branch = _branch_sql(before is not None, limit)
    extra: list[Any] = []
    if before is not None:
        when = when_field.get_db_prep_value(before[0], connection)
        extra = [when, when, activity_field.get_db_prep_value(before[1], connection)]
    chunks = []
    for start in range(0, len(record_ids), BRANCHES_PER_QUERY):
        chosen = record_ids[start : start + BRANCHES_PER_QUERY]
        # Identifiers from the model's meta; every value is a bound parameter.
        parts = [f"SELECT * FROM ({branch}) AS b{n}" for n in range(len(chosen))]  # noqa: S608
        params: list[Any] = []
        for record_id in chosen:
            params += [record_field.get_db_prep_value(record_id, connection), *extra]
        statement = " UNION ALL ".join(parts) + f" ORDER BY 1 DESC, 2 DESC LIMIT {int(limit)}"
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            chunks.append([_key(*row) for row in cursor.fetchall()])
    merged = heapq.merge(*chunks, reverse=True)
    return [key for _index, key in zip(range(limit), merged, strict=False)]


class ActivityTimeline:
    kinds = ("call", "meeting", "task", "note", "email", "message")

    def page(self, query: TimelineQuery, record_ids: list[uuid.UUID]) -> list[Activity]:
        """The viewer's ``query.limit`` newest activities linked to these records."""
        visible = Activity.objects.visible_to(query.actor, "view").select_related("owner")
        if query.kinds is not None:
            visible = visible.filter(kind__in=sorted(query.kinds & set(self.kinds)))
        found: list[Activity] = []
        before, batch = query.before, query.limit
        while len(found) < query.limit:
            candidates = newest_links(record_ids, before, batch)
            ids = list(dict.fromkeys(activity_id for _when, activity_id in candidates))
            if ids:
                found.extend(visible.filter(pk__in=ids).order_by("-occurred_at", "-id"))
            if len(candidates) < batch:
                break  # every link has been read
            before, batch = candidates[-1], min(batch * 4, MAX_BATCH)
        return found[: query.limit]

    def items(self, query: TimelineQuery) -> list[TimelineItem]:
        if query.kinds is not None and not query.kinds & set(self.kinds):
            return []
        refs = {ref.id: ref for ref in (query.record, *query.related)}
        page = self.page(query, list(refs))
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
