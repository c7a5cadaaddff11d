"""The forecast, win rates and pipeline figures of the sales dashboards.

Everything is read through ``visible_to(actor, "view")``: a rep's figures are what they may
see, a manager's their teams'. Amounts are never added across currencies: each figure is for
one currency (the forecast's, chosen on the page) or listed per currency.

- **Forecast** by month: *won* (closed won that month), *weighted* (open opportunities
  expected to close that month, amount times probability), *pipeline* (their full amount); the
  same by owner and by team over the whole period; and what *slipped* (open, expected before
  the period began).
- **Win rate** over a period: won / (won + lost) among the opportunities closed in it, by
  count and by amount.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from moyeu.core.context import Actor
from moyeu.identity.models import Team, User
from moyeu.sales.models import Opportunity, StageKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_WEIGHTED = ExpressionWrapper(
    F("amount") * F("probability"), output_field=DecimalField(max_digits=24, decimal_places=2)
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _weighted(value: Any) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


@dataclass
class ForecastRow:
    key: Any  # a month (date), an owner or team id
    label: str = ""
    won: Decimal = ZERO
    weighted: Decimal = ZERO
    pipeline: Decimal = ZERO
    open_count: int = 0
    won_count: int = 0

    @property
    def expected(self) -> Decimal:
        """What the period should bring: won, plus the open weighted by probability."""
        return self.won + self.weighted


@dataclass
class Forecast:
    currency: str
    start: datetime.date
    months: int
    by_month: list[ForecastRow] = field(default_factory=list)
    by_owner: list[ForecastRow] = field(default_factory=list)
    by_team: list[ForecastRow] = field(default_factory=list)
    slipped: ForecastRow = field(default_factory=lambda: ForecastRow(key=None))
    total: ForecastRow = field(default_factory=lambda: ForecastRow(key=None))

    @property
    def end(self) -> datetime.date:
        return add_months(self.start, self.months)

    @property
    def peak(self) -> Decimal:
        """The largest bar of the chart (won + pipeline of a month)."""
        return max((row.won + row.pipeline for row in self.by_month), default=ZERO)


def visible(actor: Actor) -> QuerySet[Opportunity]:
    found: QuerySet[Opportunity] = Opportunity.objects.visible_to(actor, "view")
    return found


def currencies(actor: Actor) -> list[str]:
    """The currencies of the visible open and won opportunities, most used first."""
    rows = (
        visible(actor)
        .exclude(status=StageKind.LOST)
        .order_by()
        .values("currency")
        .annotate(n=Count("id"))
        .order_by("-n", "currency")
    )
    return [row["currency"] for row in rows]


def _scoped(
    actor: Actor, currency: str, pipeline_id: Any, owner_id: Any, team_id: Any
) -> QuerySet[Opportunity]:
    rows = visible(actor).filter(currency=currency)
    if pipeline_id:
        rows = rows.filter(pipeline_id=pipeline_id)
    if owner_id:
        rows = rows.filter(owner_id=owner_id)
    if team_id:
        rows = rows.filter(team_id=team_id)
    return rows


def _period_q(start: datetime.date, end: datetime.date) -> tuple[Q, Q]:
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    finish = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    opened = Q(status=StageKind.OPEN, expected_close_date__gte=start, expected_close_date__lt=end)
    won = Q(status=StageKind.WON, closed_at__gte=begin, closed_at__lt=finish)
    return opened, won


def _fill(rows: dict[Any, ForecastRow], key: Any, values: dict[str, Any], kind: str) -> None:
    row = rows.setdefault(key, ForecastRow(key=key))
    if kind == StageKind.OPEN:
        row.open_count += values["count"]
        row.pipeline += _money(values["sum_amount"])
        row.weighted += _weighted(values["sum_weighted"])
    else:
        row.won_count += values["count"]
        row.won += _money(values["sum_amount"])


def _grouped(queryset: QuerySet[Opportunity], *keys: Any) -> list[dict[str, Any]]:
    return list(
        queryset.order_by()
        .values(*keys)
        .annotate(count=Count("id"), sum_amount=Sum("amount"), sum_weighted=Sum(_WEIGHTED))
    )


def forecast(
    actor: Actor,
    *,
    currency: str,
    start: datetime.date,
    months: int = 6,
    pipeline_id: Any = None,
    owner_id: Any = None,
    team_id: Any = None,
) -> Forecast:
    result = Forecast(currency=currency, start=month_of(start), months=months)
    rows = _scoped(actor, currency, pipeline_id, owner_id, team_id)
    opened, won = _period_q(result.start, result.end)
    by_month: dict[Any, ForecastRow] = {
        add_months(result.start, n): ForecastRow(key=add_months(result.start, n))
        for n in range(months)
    }
    for values in _grouped(
        rows.filter(opened).annotate(month=TruncMonth("expected_close_date")), "month"
    ):
        _fill(by_month, _as_date(values["month"]), values, StageKind.OPEN)
    local_month = TruncMonth("closed_at", tzinfo=timezone.get_current_timezone())
    for values in _grouped(rows.filter(won).annotate(month=local_month), "month"):
        _fill(by_month, _as_date(values["month"]), values, StageKind.WON)
    result.by_month = [by_month[key] for key in sorted(by_month)]
    owners: dict[Any, ForecastRow] = {}
    teams: dict[Any, ForecastRow] = {}
    for condition, kind in ((opened, StageKind.OPEN), (won, StageKind.WON)):
        for values in _grouped(rows.filter(condition), "owner_id"):
            _fill(owners, values["owner_id"], values, kind)
        for values in _grouped(rows.filter(condition), "team_id"):
            _fill(teams, values["team_id"], values, kind)
    _label(owners, {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in owners if k])})
    _label(teams, {t.pk: t.name for t in Team.objects.filter(pk__in=[k for k in teams if k])})
    result.by_owner = sorted(owners.values(), key=lambda r: (-r.expected, r.label))
    result.by_team = sorted(teams.values(), key=lambda r: (-r.expected, r.label))
    slipped = rows.filter(status=StageKind.OPEN, expected_close_date__lt=result.start)
    for values in _grouped(slipped):
        _fill({None: result.slipped}, None, values, StageKind.OPEN)
    for row in result.by_month:
        result.total.won += row.won
        result.total.weighted += row.weighted
        result.total.pipeline += row.pipeline
        result.total.open_count += row.open_count
        result.total.won_count += row.won_count
    return result


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value  # type: ignore[no-any-return]


def _label(rows: dict[Any, ForecastRow], names: dict[Any, str]) -> None:
    for key, row in rows.items():
        row.label = names.get(key, "—")


@dataclass
class WinRate:
    won: int
    lost: int
    won_amounts: dict[str, Decimal]
    lost_amounts: dict[str, Decimal]

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def rate(self) -> int | None:
        """Percent of the closed opportunities that were won (None: none closed)."""
        return round(100 * self.won / self.closed) if self.closed else None


def win_rate(
    actor: Actor, *, since: datetime.datetime, until: datetime.datetime, owner_id: Any = None
) -> WinRate:
    rows = visible(actor).filter(
        status__in=[StageKind.WON, StageKind.LOST], closed_at__gte=since, closed_at__lt=until
    )
    if owner_id:
        rows = rows.filter(owner_id=owner_id)
    result = WinRate(won=0, lost=0, won_amounts={}, lost_amounts={})
    for values in _grouped(rows, "status", "currency"):
        amount = _money(values["sum_amount"])
        if values["status"] == StageKind.WON:
            result.won += values["count"]
            result.won_amounts[values["currency"]] = amount
        else:
            result.lost += values["count"]
            result.lost_amounts[values["currency"]] = amount
    return result


def win_rates_by_owner(
    actor: Actor, *, since: datetime.datetime, until: datetime.datetime
) -> list[tuple[str, WinRate]]:
    rows = visible(actor).filter(
        status__in=[StageKind.WON, StageKind.LOST], closed_at__gte=since, closed_at__lt=until
    )
    by_owner: dict[Any, WinRate] = {}
    for values in rows.order_by().values("owner_id", "status").annotate(count=Count("id")):
        rate = by_owner.setdefault(values["owner_id"], WinRate(0, 0, {}, {}))
        if values["status"] == StageKind.WON:
            rate.won += values["count"]
        else:
            rate.lost += values["count"]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in by_owner if k])}
    return sorted(
        ((names.get(k, "—"), v) for k, v in by_owner.items()), key=lambda item: -item[1].closed
    )


@dataclass
class StageFigure:
    pipeline: str
    stage: str
    position: int
    currency: str
    count: int
    amount: Decimal
    weighted: Decimal


def open_by_stage(actor: Actor, *, owner_id: Any = None) -> list[StageFigure]:
    """Open opportunities per pipeline stage and currency (one owner's, or all visible)."""
    rows = visible(actor).filter(status=StageKind.OPEN)
    if owner_id:
        rows = rows.filter(owner_id=owner_id)
    grouped = _grouped(
        rows, "pipeline__name", "pipeline__position", "stage__name", "stage__position", "currency"
    )
    figures = [
        StageFigure(
            pipeline=values["pipeline__name"],
            stage=values["stage__name"],
            position=values["stage__position"],
            currency=values["currency"],
            count=values["count"],
            amount=_money(values["sum_amount"]),
            weighted=_weighted(values["sum_weighted"]),
        )
        for values in grouped
    ]
    positions = {v["pipeline__name"]: v["pipeline__position"] for v in grouped}
    return sorted(
        figures, key=lambda f: (positions[f.pipeline], f.pipeline, f.position, f.currency)
    )


def open_by_owner(actor: Actor) -> list[tuple[str, str, int, Decimal, Decimal]]:
    """(owner, currency, count, amount, weighted) of the visible open opportunities."""
    rows = visible(actor).filter(status=StageKind.OPEN)
    grouped = list(_grouped(rows, "owner_id", "currency"))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[v["owner_id"] for v in grouped])}
    found = [
        (
            names.get(v["owner_id"], "—"),
            v["currency"],
            v["count"],
            _money(v["sum_amount"]),
            _weighted(v["sum_weighted"]),
        )
        for v in grouped
    ]
    return sorted(found, key=lambda row: (-row[4], row[0]))
