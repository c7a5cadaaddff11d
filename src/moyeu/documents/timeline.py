"""Documents on a record's timeline: each upload and each new version is an item.

Items come from the versions of the live documents attached to the record or to its related
records (an account's contacts: ``query.related``, the same records the activities use),
only those the viewer may see (as ``Document.objects.visible_to``: the document's record
access and the token's ``documents`` scope), newest first by ``(uploaded_at, version id)``.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.timeline import RecordRef, TimelineItem, TimelineQuery
from moyeu.documents import permissions
from moyeu.documents.models import Document, DocumentVersion
from moyeu.documents.services import human_size
from moyeu.identity.access import token_allows

KIND = "document"


def _visible_on(actor: Actor, refs: dict[uuid.UUID, RecordRef]) -> Q:
    """Documents on these records that ``actor`` may see: what ``Document.visible_to`` says
    (the record's access, the token's scope), for the timeline's record types only."""
    if not token_allows(actor.token_scopes, permissions.MODULE, "view"):
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    by_type: dict[str, list[uuid.UUID]] = {}
    for ref in refs.values():
        by_type.setdefault(ref.record_type, []).append(ref.id)
    for record_type, ids in sorted(by_type.items()):
        model = permissions.parent_model(record_type)
        if model is None:
            continue
        records = model._default_manager.filter(access.scope_filter(actor, model, "view"))
        condition |= Q(
            record_type=record_type, record_id__in=records.filter(pk__in=ids).values("pk")
        )
    return condition


class DocumentTimeline:
    kinds = (KIND,)

    def items(self, query: TimelineQuery) -> list[TimelineItem]:
        if not query.wants(KIND):
            return []
        refs = {ref.id: ref for ref in (query.record, *query.related)}
        documents = Document.objects.live().filter(_visible_on(query.actor, refs)).values("pk")
        versions = (
            DocumentVersion.objects.filter(document__in=documents)
            .filter(query.before_q("uploaded_at", "id"))
            .select_related("document", "uploaded_by")
            .order_by("-uploaded_at", "-id")[: query.limit]
        )
        return [self.item(v, refs.get(v.document.record_id, query.record)) for v in versions]

    def item(self, version: DocumentVersion, record: RecordRef) -> TimelineItem:
        document = version.document
        if version.number == 1:
            title = _("Document uploaded: %(name)s") % {"name": document.name}
        else:
            title = _("New version of %(name)s (version %(number)d)") % {
                "name": document.name,
                "number": version.number,
            }
        return TimelineItem(
            id=version.pk,
            kind=KIND,
            occurred_at=version.uploaded_at,
            title=title,
            record=record,
            summary=f"{version.filename} · {human_size(version.size)}",
            actor_label=str(version.uploaded_by) if version.uploaded_by else "",
            source="documents.documentversion",
            data={
                "document_id": str(document.pk),
                "number": version.number,
                "filename": version.filename,
                "size": version.size,
                "content_type": version.content_type,
                "url": reverse("web:documents:document_detail", args=[document.pk]),
            },
        )
