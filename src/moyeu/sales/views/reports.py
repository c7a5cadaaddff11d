"""The forecast page and the sales dashboard (a rep's own figures, a manager's team's)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from moyeu.activities import queries as activity_queries
from moyeu.identity.access import can_module, effective_scope
from moyeu.identity.models import Team
from moyeu.sales import forecast as figures
from moyeu.sales import money
from moyeu.sales.models import Opportunity, Pipeline, StageKind
from moyeu.sales.views.charts import forecast_chart
from moyeu.sales.views.opportunity_forms import owner_choices

PERIODS = (3, 6, 12)
WIN_RATE_DAYS = 90


def _actor(request: HttpRequest) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    if not can_module(actor, "sales", "view"):
        raise Http404
    return actor


def _month(raw: str | None) -> datetime.date:
    today = timezone.localdate()
    try:
        return (
            figures.month_of(datetime.date.fromisoformat(f"{raw}-01"))
            if raw
            else today.replace(day=1)
        )
    except ValueError:
        return today.replace(day=1)


def _int(raw: str | None, allowed: tuple[int, ...], default: int) -> int:
    try:
        value = int(raw or default)
    except ValueError:
        return default
    return value if value in allowed else default


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    known = figures.currencies(actor)
    wanted = (request.GET.get("currency") or "").upper()
    currency = wanted if wanted in known else (known[0] if known else money.default_currency())
    start = _month(request.GET.get("start"))
    months = _int(request.GET.get("months"), PERIODS, 6)
    chosen = {key: request.GET.get(key) or "" for key in ("pipeline", "owner", "team")}
    result = figures.forecast(
        actor,
        currency=currency,
        start=start,
        months=months,
        pipeline_id=chosen["pipeline"] or None,
        owner_id=chosen["owner"] or None,
        team_id=chosen["team"] or None,
    )
    context = {
        "forecast": result,
        "chart": forecast_chart(result),
        "currencies": known or [currency],
        "periods": PERIODS,
        "chosen": chosen,
        "start_value": start.strftime("%Y-%m"),
        "pipelines": Pipeline.objects.order_by("position", "name"),
        "owners": owner_choices(),
        "teams": Team.objects.order_by("name"),
    }
    return render(request, "sales/forecast.html", context)


def is_manager(actor: Any) -> bool:
    """Managers see their teams' figures: a sales view scope over a team tree, or all."""
    return effective_scope(actor, Opportunity, "view") in ("team_tree", "all")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    now = timezone.now()
    today = timezone.localdate()
    month_start = figures.month_of(today)
    next_month = figures.add_months(month_start, 1)
    tz = timezone.get_current_timezone()
    since_month = datetime.datetime.combine(month_start, datetime.time.min, tzinfo=tz)
    mine = figures.visible(actor).filter(owner_id=actor.user_id)
    closing = (
        mine.filter(status=StageKind.OPEN, expected_close_date__lt=next_month)
        .select_related("stage", "account")
        .order_by("expected_close_date", "id")[:10]
    )
    context: dict[str, Any] = {
        "my_stages": figures.open_by_stage(actor, owner_id=actor.user_id),
        "closing": list(closing),
        "today": today,
        "my_won": figures.win_rate(actor, since=since_month, until=now, owner_id=actor.user_id),
        "overdue_tasks": list(activity_queries.overdue_tasks(actor)[:10]),
        "due_today": activity_queries.my_day(actor)["due_today"],
        "is_manager": is_manager(actor),
    }
    if context["is_manager"]:
        known = figures.currencies(actor)
        currency = known[0] if known else money.default_currency()
        quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        quarter = figures.forecast(actor, currency=currency, start=quarter_start, months=3)
        since = now - datetime.timedelta(days=WIN_RATE_DAYS)
        context.update(
            team_owners=figures.open_by_owner(actor),
            team_stages=figures.open_by_stage(actor),
            quarter=quarter,
            chart=forecast_chart(quarter, width=420),
            win_rate=figures.win_rate(actor, since=since, until=now),
            win_rates=figures.win_rates_by_owner(actor, since=since, until=now),
            win_rate_days=WIN_RATE_DAYS,
        )
    return render(request, "sales/dashboard.html", context)
