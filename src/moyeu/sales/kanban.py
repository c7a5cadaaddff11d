"""The kanban board of a pipeline: a column per stage, its cards page by page, and its totals.

A column is read in close-date order, ``(expected_close_date, id)``, a page at a time from a
keyset cursor. Whoever sees every opportunity reads one range of ``sales_opp_column``; a
caller whose access is "my own and my teams'" reads each branch of that scope (owner = me,
team = t) from its own index (``sales_opp_col_owner``, ``sales_opp_col_team``), bounded by the
page size, and the branches are merged — the same idea as the API's lists (decision 0015),
so a rep who sees few opportunities of a large pipeline never makes the database walk it.

The totals of the open columns (count, amount and weighted amount per currency) come from one
grouped query over the open stages, read from the covering index ``sales_opp_totals``; the
closed columns (won, lost) show what was closed this month.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import heapq
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.registry import registry
from moyeu.sales.models import Opportunity, Pipeline, PipelineStage, StageKind
from moyeu.sales.services import stage_rules

PAGE_SIZE = 20
CARD_FIELDS = (
    "id",
    "name",
    "account_id",
    "stage_id",
    "amount",
    "currency",
    "probability",
    "expected_close_date",
    "next_step",
    "stage_entered_at",
    "version",
    "owner_id",
    "team_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)
CENT = Decimal("0.01")


class BadCursor(ValueError):
    """A column cursor that this board did not write."""


@dataclass
class Card:
    id: uuid.UUID
    name: str
    account_id: uuid.UUID | None
    account_name: str
    stage_id: uuid.UUID
    amount: Decimal | None
    currency: str
    probability: int
    expected_close_date: datetime.date
    next_step: str
    stage_entered_at: datetime.datetime
    version: int
    owner_id: Any
    team_id: Any
    owner_name: str
    can_change: bool = False

    @property
    def is_late(self) -> bool:
        return self.expected_close_date < timezone.localdate()

    @property
    def days_in_stage(self) -> int:
        return (timezone.now() - self.stage_entered_at).days


@dataclass
class Total:
    currency: str
    count: int
    amount: Decimal
    weighted: Decimal


@dataclass
class Column:
    stage: PipelineStage
    cards: list[Card] = field(default_factory=list)
    next_cursor: str | None = None
    count: int = 0
    totals: list[Total] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.stage.kind == StageKind.OPEN

    @property
    def required_labels(self) -> list[str]:
        """What the stage asks of a card before it may enter, as field labels."""
        return [stage_rules.label_of(name) for name in self.stage.required_fields]


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: every visible opportunity, or one owner's."""

    owner_id: Any = None

    def q(self) -> Q:
        return Q(owner_id=self.owner_id) if self.owner_id is not None else Q()


def encode_cursor(card: Card) -> str:
    raw = f"{card.expected_close_date.isoformat()}|{card.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.date, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        date, _sep, ident = raw.partition("|")
        return datetime.date.fromisoformat(date), uuid.UUID(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(cursor) from None


def _after(cursor: tuple[datetime.date, uuid.UUID] | None) -> Q:
    if cursor is None:
        return Q()
    date, ident = cursor
    return Q(expected_close_date__gt=date) | Q(expected_close_date=date, id__gt=ident)


def _rows(queryset: QuerySet[Opportunity], limit: int) -> list[dict[str, Any]]:
    ordered = queryset.order_by("expected_close_date", "id").values(*CARD_FIELDS)
    return list(ordered[:limit])


def _page_rows(
    actor: Actor,
    stage: PipelineStage,
    board_filter: BoardFilter,
    cursor: tuple[datetime.date, uuid.UUID] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The column's next ``limit`` rows the actor may see, branch by branch."""
    base = Opportunity.objects.filter(stage=stage).filter(board_filter.q()).filter(_after(cursor))
    branches = access.scope_branches(actor, Opportunity, "view")
    if branches is None:
        return _rows(base, limit)
    if not branches:
        return []
    if board_filter.owner_id is not None:
        # One owner's cards: their own index range, checked against the scope.
        return _rows(base.filter(access.branches_filter(branches)), limit)
    parts = [_rows(base.filter(**{lookup: value}), limit) for lookup, value in branches]
    merged = heapq.merge(*parts, key=lambda row: (row["expected_close_date"], row["id"]))
    unique = (next(group) for _key, group in itertools.groupby(merged, key=lambda r: r["id"]))
    return list(itertools.islice(unique, limit))


def _account_names(actor: Actor, ids: Iterable[Any]) -> dict[Any, str]:
    """Names of the accounts the actor may see (others stay unnamed on the cards)."""
    wanted = {pk for pk in ids if pk is not None}
    model = registry.record_model("directory.account")
    if not wanted or model is None:
        return {}
    visible = model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
    return dict(visible.filter(pk__in=wanted).values_list("id", "name"))


def _owner_name(row: dict[str, Any]) -> str:
    full = f"{row['owner__first_name'] or ''} {row['owner__last_name'] or ''}".strip()
    return full or row["owner__username"] or ""


def _can_change(actor: Actor, row: dict[str, Any]) -> bool:
    probe = Opportunity(owner_id=row["owner_id"], team_id=row["team_id"])
    return access.can(actor, probe, "change")


def cards_from_rows(actor: Actor, rows: Sequence[dict[str, Any]]) -> list[Card]:
    names = _account_names(actor, (row["account_id"] for row in rows))
    return [
        Card(
            id=row["id"],
            name=row["name"],
            account_id=row["account_id"],
            account_name=names.get(row["account_id"], ""),
            stage_id=row["stage_id"],
            amount=row["amount"],
            currency=row["currency"],
            probability=row["probability"],
            expected_close_date=row["expected_close_date"],
            next_step=row["next_step"],
            stage_entered_at=row["stage_entered_at"],
            version=row["version"],
            owner_id=row["owner_id"],
            team_id=row["team_id"],
            owner_name=_owner_name(row),
            can_change=_can_change(actor, row),
        )
        for row in rows
    ]


def column_page(
    actor: Actor,
    stage: PipelineStage,
    *,
    board_filter: BoardFilter = BoardFilter(),
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
) -> tuple[list[Card], str | None]:
    """One page of a column: (cards, cursor of the next page or None)."""
    after = decode_cursor(cursor) if cursor else None
    rows = _page_rows(actor, stage, board_filter, after, page_size + 1)
    cards = cards_from_rows(actor, rows[:page_size])
    return cards, (encode_cursor(cards[-1]) if len(rows) > page_size else None)


def card(actor: Actor, opportunity_id: Any) -> Card | None:
    """One card as the actor may see it (after a move), or None."""
    visible = Opportunity.objects.visible_to(actor, "view").filter(pk=opportunity_id)
    rows = list(visible.values(*CARD_FIELDS))
    return cards_from_rows(actor, rows)[0] if rows else None


def _totals_query(actor: Actor, stages: Sequence[PipelineStage], board_filter: BoardFilter) -> Any:
    weighted = ExpressionWrapper(
        F("amount") * F("probability"), output_field=DecimalField(max_digits=24, decimal_places=2)
    )
    return (
        Opportunity.objects.filter(stage__in=[s.pk for s in stages])
        .filter(access.scope_filter(actor, Opportunity, "view"))
        .filter(board_filter.q())
        .order_by()
        .values("stage_id", "currency")
        .annotate(count=Count("id"), sum_amount=Sum("amount"), sum_weighted=Sum(weighted))
    )


def _totals(rows: Iterable[dict[str, Any]]) -> dict[Any, list[Total]]:
    found: dict[Any, list[Total]] = {}
    for row in rows:
        found.setdefault(row["stage_id"], []).append(
            Total(
                currency=row["currency"],
                count=row["count"],
                amount=(row["sum_amount"] or Decimal(0)).quantize(CENT),
                weighted=((row["sum_weighted"] or Decimal(0)) / 100).quantize(CENT),
            )
        )
    for totals in found.values():
        totals.sort(key=lambda total: (-total.count, total.currency))
    return found


def month_start(now: datetime.datetime | None = None) -> datetime.datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def board(
    actor: Actor,
    pipeline: Pipeline,
    *,
    board_filter: BoardFilter = BoardFilter(),
    page_size: int = PAGE_SIZE,
    with_cards: bool = True,
) -> list[Column]:
    """The board's first page: every stage in order, open ones with their first cards
    (``with_cards=False``: the columns' counts and sums only)."""
    stages = list(pipeline.stages.order_by("position"))
    opened = [stage for stage in stages if stage.kind == StageKind.OPEN]
    closed = [stage for stage in stages if stage.kind != StageKind.OPEN]
    totals = _totals(_totals_query(actor, opened, board_filter))
    if closed:
        this_month = _totals_query(actor, closed, board_filter).filter(closed_at__gte=month_start())
        totals.update(_totals(this_month))
    columns = []
    for stage in stages:
        column = Column(stage=stage, totals=totals.get(stage.pk, []))
        column.count = sum(total.count for total in column.totals)
        if column.is_open and with_cards:
            column.cards, column.next_cursor = column_page(
                actor, stage, board_filter=board_filter, page_size=page_size
            )
        columns.append(column)
    return columns
