"""Duplicate review, merge and undo pages: views parse, call services, render."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.dedup import find_duplicates, queue
from moyeu.core.dedup.registry import spec_for
from moyeu.core.errors import MoyeuError
from moyeu.core.merge import mergeable_fields
from moyeu.core.merge.primaries import followers
from moyeu.core.models import MergeRecord
from moyeu.directory.models import Account, Contact
from moyeu.directory.services import merge as merge_services

TYPES: dict[str, tuple[str, type[Contact] | type[Account]]] = {
    "contact": ("directory.contact", Contact),
    "account": ("directory.account", Account),
}
QUEUE_SIZE = 100
MERGE_MAX = 21  # a survivor and at most 20 losers, as the API takes them


def _type(name: str) -> tuple[str, type[Contact] | type[Account]]:
    if name not in TYPES:
        raise Http404
    return TYPES[name]


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("type", "contact")
    record_type, model = _type(name)
    actor = request.actor  # type: ignore[attr-defined]
    view = "clusters" if request.GET.get("view") == "clusters" else "pairs"
    context: dict[str, Any] = {
        "type": name,
        "view": view,
        "may_scan": queue.may_merge_some(actor, record_type),
    }
    if view == "clusters":
        clusters = queue.fill_clusters(queue.visible_clusters(actor, record_type)[:QUEUE_SIZE])
        ids = {pk for cluster in clusters for pk in cluster.record_ids}
        records = {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}
        context["clusters"] = [
            {
                "cluster": cluster,
                "records": [records[pk] for pk in cluster.record_ids if pk in records],
                "distinct": [
                    (records.get(first), records.get(second)) for first, second in cluster.distinct
                ],
                "merge_query": urlencode([("ids", str(pk)) for pk in cluster.record_ids]),
                "too_big": len(cluster.record_ids) > MERGE_MAX,
            }
            for cluster in clusters
        ]
        context["merge_max"] = MERGE_MAX
        return render(request, "directory/duplicates/clusters.html", context)
    candidates = list(queue.visible_candidates(actor, record_type)[:QUEUE_SIZE])
    ids = {pk for c in candidates for pk in (c.first_id, c.second_id)}
    records = {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}
    rows = [(c, records.get(c.first_id), records.get(c.second_id)) for c in candidates]
    context["rows"] = [row for row in rows if row[1] is not None and row[2] is not None]
    return render(request, "directory/duplicates/list.html", context)


@login_required
@require_POST
def duplicate_warning(request: HttpRequest, type: str) -> HttpResponse:
    """The create form's warning: visible records that may be the one being typed (htmx)."""
    record_type, model = _type(type)
    spec_columns = spec_for(record_type).columns
    values = {key: request.POST.get(key, "") for key in spec_columns if key in request.POST}
    found = find_duplicates(record_type, values, actor=request.actor) if values else []  # type: ignore[attr-defined]
    records = {o.pk: o for o in model.objects.filter(pk__in=[m.record_id for m in found])}
    matches = [(match, records[match.record_id]) for match in found if match.record_id in records]
    context = {"matches": matches, "type": type}
    return render(request, "directory/duplicates/warning.html", context)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        queue.candidate_dismiss(actor=request.actor, candidate_id=pk)  # type: ignore[attr-defined]
        messages.success(request, _("Marked as not a duplicate."))
    except MoyeuError as exc:
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or reverse("web:directory:duplicate_list"))


@login_required
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("type", "contact")
    record_type, _model = _type(name)
    try:
        queue.scan_start(actor=request.actor, record_type=record_type)  # type: ignore[attr-defined]
        messages.success(request, _("The scan started; found pairs will appear here."))
    except MoyeuError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('web:directory:duplicate_list')}?type={name}")


def _merge_rows(model: Any, records: list[Any]) -> list[dict[str, Any]]:
    rows = []
    follow = followers(model)
    labels = {f.attname: f.verbose_name for f in mergeable_fields(model)}
    for field in mergeable_fields(model):
        if field.name == "custom":
            continue
        values = [getattr(obj, field.name) for obj in records]
        pks = [str(obj.pk) for obj in records]
        # Chosen by default: the first record that has a value (the survivor's, if it has).
        default = next(
            (pk for pk, v in zip(pks, values, strict=True) if v not in (None, "")), pks[0]
        )
        rows.append(
            {
                "name": field.name,
                "label": field.verbose_name,
                "values": list(zip([str(obj.pk) for obj in records], values, strict=True)),
                "differs": len({str(v) for v in values}) > 1,
                "default": default,
                # Columns of one primary e-mail/phone/address go with their first column.
                "follows": labels.get(follow.get(field.attname, "")),
            }
        )
    return rows


def _merge_ids(
    request: HttpRequest, first: uuid.UUID | None, second: uuid.UUID | None
) -> list[Any]:
    if first is not None and second is not None:
        return [first, second]
    ids: list[uuid.UUID] = []
    for raw in request.GET.getlist("ids"):
        try:
            pk = uuid.UUID(raw)
        except ValueError:
            raise Http404 from None
        if pk not in ids:
            ids.append(pk)
    return ids


@login_required
def merge_page(
    request: HttpRequest,
    type: str,
    first: uuid.UUID | None = None,
    second: uuid.UUID | None = None,
) -> HttpResponse:
    """Side by side: two records (a pair) or a whole cluster (``?ids=…&ids=…``)."""
    _record_type, model = _type(type)
    actor = request.actor  # type: ignore[attr-defined]
    ids = _merge_ids(request, first, second)
    if not 2 <= len(ids) <= MERGE_MAX:
        raise Http404
    found = {o.pk: o for o in model.objects.visible_to(actor, "view").filter(pk__in=ids)}
    if len(found) < len(ids):
        raise Http404
    records = [found[pk] for pk in ids]
    if request.method == "POST":
        by_id = {str(obj.pk): obj for obj in records}
        survivor = by_id.get(request.POST.get("survivor", ""))
        rows = _merge_rows(model, records)
        choices = {
            row["name"]: by_id[request.POST[f"field_{row['name']}"]].pk
            for row in rows
            if request.POST.get(f"field_{row['name']}") in by_id and not row["follows"]
        }
        versions: dict[Any, int] = {}
        for obj in records:
            raw = request.POST.get(f"version_{obj.pk}", "")
            versions[obj.pk] = int(raw) if raw.isdigit() else obj.version
        if survivor is None:
            messages.error(request, _("Choose the record that stays."))
            context = {"type": type, "records": records, "rows": rows}
            return render(request, "directory/duplicates/merge.html", context, status=400)
        losers = [obj.pk for obj in records if obj.pk != survivor.pk]
        service = (
            merge_services.contact_merge if type == "contact" else merge_services.account_merge
        )
        try:
            merge = service(
                actor=actor,
                survivor_id=survivor.pk,
                loser_ids=losers,
                choices=choices,
                expected_versions=versions,
            )
        except MoyeuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Merged. You can undo it from this page."))
            return redirect("web:directory:merge_detail", pk=merge.pk)
    context = {"type": type, "records": records, "rows": _merge_rows(model, records)}
    return render(request, "directory/duplicates/merge.html", context)


@login_required
def merge_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    merge = MergeRecord.objects.filter(pk=pk, record_type__in=merge_services.RECORD_TYPES).first()
    if merge is None:
        raise Http404
    name = merge.record_type.partition(".")[2]
    _record_type, model = _type(name)
    actor = request.actor  # type: ignore[attr-defined]
    survivor = model.objects.visible_to(actor, "view").filter(pk=merge.survivor_id).first()
    if survivor is None:
        raise Http404
    if request.method == "POST":
        try:
            merge_services.merge_undo(actor=actor, merge_id=merge.pk)
            messages.success(request, _("The merge was undone."))
        except MoyeuError as exc:
            messages.error(request, exc.message)
        return redirect("web:directory:merge_detail", pk=merge.pk)
    context = {
        "merge": merge,
        "type": name,
        "survivor": survivor,
        "losers": merge.data.get("losers", []),
        "moved": len(merge.data.get("moves", [])),
    }
    return render(request, "directory/duplicates/merge_detail.html", context)
