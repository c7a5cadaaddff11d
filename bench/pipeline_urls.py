"""Moyeu's URLs plus the ceiling of the kanban's first page: a bare view, same queries.

The bare view reads what the board reads — per open stage, the first page of cards in
close-date order from the stage's index (``?owner=&teams=``: one indexed query per scope
branch, merged in Python, as a hand-written view would), and the count and sums per stage
and currency — and writes them as plain HTML with no template, no access policy, no menu,
no account names, no formatting of money.
"""

from __future__ import annotations

import heapq
import html
import itertools
import uuid
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from moyeu.sales.models import Opportunity, PipelineStage

PAGE = 20
FIELDS = ("id", "name", "account_id", "amount", "currency", "probability", "expected_close_date")


def _rows(queryset: Any) -> list[dict[str, Any]]:
    return list(queryset.order_by("expected_close_date", "id").values(*FIELDS)[: PAGE + 1])


def bare_board(request: HttpRequest, pipeline_id: uuid.UUID) -> HttpResponse:
    stages = list(PipelineStage.objects.filter(pipeline_id=pipeline_id).order_by("position"))
    opened = [s.pk for s in stages if s.kind == "open"]
    owner = request.GET.get("owner")
    teams = [uuid.UUID(t) for t in request.GET.get("teams", "").split(",") if t]
    scope = Q()
    if owner:
        scope = Q(owner_id=uuid.UUID(owner)) | Q(team_id__in=teams)
    weighted = ExpressionWrapper(
        F("amount") * F("probability"), output_field=DecimalField(max_digits=24, decimal_places=2)
    )
    totals = list(
        Opportunity.objects.filter(stage_id__in=opened)
        .filter(scope)
        .order_by()
        .values("stage_id", "currency")
        .annotate(count=Count("id"), sum_amount=Sum("amount"), sum_weighted=Sum(weighted))
    )
    out = [f"<p>{len(totals)} totals</p>"]
    for stage_id in opened:
        base = Opportunity.objects.filter(stage_id=stage_id)
        if owner:
            parts = [_rows(base.filter(owner_id=uuid.UUID(owner)))]
            parts += [_rows(base.filter(team_id=team)) for team in teams]
            merged = heapq.merge(*parts, key=lambda r: (r["expected_close_date"], r["id"]))
            unique = (next(g) for _k, g in itertools.groupby(merged, key=lambda r: r["id"]))
            rows = list(itertools.islice(unique, PAGE + 1))
        else:
            rows = _rows(base)
        out.append("<section>")
        for row in rows[:PAGE]:
            out.append(
                f"<article>{html.escape(row['name'])} {row['amount']} {row['currency']}</article>"
            )
        out.append("</section>")
    return HttpResponse("".join(out))


urlpatterns = [
    path("bench/bare-board/<uuid:pipeline_id>/", bare_board),
    path("", include("moyeu.urls")),
]
