"""Forecast, win rates and the dashboards' figures: exact sums, per scope and currency."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moyeu.sales import forecast as figures
from moyeu.sales.services import opportunity_move_stage
from moyeu.sales.views.charts import forecast_chart
from tests.personas import Personas
from tests.sales.pipeline_setup import make_account, make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(personas: Personas) -> Callable[..., Client]:
    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make


def month(offset: int) -> datetime.date:
    return figures.add_months(timezone.localdate().replace(day=1), offset)


@pytest.fixture
def book(personas: Personas) -> dict[str, Any]:
    """Owner: 1000 € at 10 % this month, 3000 € at 50 % next month, 500 € won today, 400 €
    lost today, 700 € at 10 % two months ago (slipped), 200 CHF this month; teammate: 2000 €
    at 10 % next month; outsider: 9999 € this month."""
    pipeline = make_pipeline(personas)
    owner, teammate = personas.actor("owner"), personas.actor("teammate")
    account = make_account(owner)
    this, following = month(0) + datetime.timedelta(days=5), month(1) + datetime.timedelta(days=3)
    made = {
        "a": make_opportunity(owner, account, "A", amount="1000", expected_close_date=this),
        "b": make_opportunity(
            owner,
            account,
            "B",
            amount="3000",
            expected_close_date=following,
            stage=stage(pipeline, "Proposal").pk,
        ),
        "won": make_opportunity(owner, account, "W", amount="500", expected_close_date=following),
        "lost": make_opportunity(owner, account, "L", amount="400", expected_close_date=this),
        "late": make_opportunity(
            owner,
            account,
            "S",
            amount="700",
            expected_close_date=month(-2) + datetime.timedelta(days=1),
        ),
        "chf": make_opportunity(
            owner, account, "C", amount="200", currency="CHF", expected_close_date=this
        ),
        "mate": make_opportunity(
            teammate, account, "T", amount="2000", expected_close_date=following
        ),
    }
    opportunity_move_stage(
        actor=owner, opportunity_id=made["won"].pk, stage_id=stage(pipeline, "Won").pk
    )
    opportunity_move_stage(
        actor=owner,
        opportunity_id=made["lost"].pk,
        stage_id=stage(pipeline, "Lost").pk,
        values={"lost_reason": "price"},
    )
    outsider = personas.actor("outsider")
    make_opportunity(
        outsider, make_account(outsider, "Ailleurs"), "X", amount="9999", expected_close_date=this
    )
    return made


def test_forecast_by_month_owner_and_team(personas: Personas, book: dict[str, Any]) -> None:
    result = figures.forecast(personas.actor("manager"), currency="EUR", start=month(0), months=3)
    assert [(r.key, r.won, r.weighted, r.pipeline, r.open_count) for r in result.by_month] == [
        (month(0), Decimal("500.00"), Decimal("100.00"), Decimal("1000.00"), 1),
        (month(1), Decimal("0.00"), Decimal("1700.00"), Decimal("5000.00"), 2),
        (month(2), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0),
    ]
    assert (result.total.expected, result.total.pipeline) == (
        Decimal("2300.00"),
        Decimal("6000.00"),
    )
    assert (result.slipped.open_count, result.slipped.pipeline) == (1, Decimal("700.00"))
    assert [(r.label, r.won, r.weighted) for r in result.by_owner] == [
        ("Owner", Decimal("500.00"), Decimal("1600.00")),
        ("Teammate", Decimal("0.00"), Decimal("200.00")),
    ]
    assert [(r.label, r.expected) for r in result.by_team] == [("Ventes Nord", Decimal("2300.00"))]
    chf = figures.forecast(personas.actor("owner"), currency="CHF", start=month(0), months=1)
    assert [(r.weighted, r.pipeline) for r in chf.by_month] == [
        (Decimal("20.00"), Decimal("200.00"))
    ]
    only_mate = figures.forecast(
        personas.actor("manager"),
        currency="EUR",
        start=month(0),
        months=3,
        owner_id=personas.teammate.pk,
    )
    assert only_mate.total.expected == Decimal("200.00")
    # The outsider's opportunity is in no one else's figures, and theirs only.
    outsider = figures.forecast(
        personas.actor("outsider"), currency="EUR", start=month(0), months=1
    )
    assert outsider.total.pipeline == Decimal("9999.00")
    assert figures.currencies(personas.actor("owner")) == ["EUR", "CHF"]


def test_win_rates_count_what_closed_in_the_period(
    personas: Personas, book: dict[str, Any]
) -> None:
    now = timezone.now()
    rate = figures.win_rate(
        personas.actor("manager"),
        since=now - datetime.timedelta(days=1),
        until=now + datetime.timedelta(minutes=1),
    )
    assert (rate.won, rate.lost, rate.rate) == (1, 1, 50)
    assert (rate.won_amounts, rate.lost_amounts) == (
        {"EUR": Decimal("500.00")},
        {"EUR": Decimal("400.00")},
    )
    before = figures.win_rate(
        personas.actor("manager"),
        since=now - datetime.timedelta(days=9),
        until=now - datetime.timedelta(days=1),
    )
    assert (before.closed, before.rate) == (0, None)
    by_owner = figures.win_rates_by_owner(
        personas.actor("manager"),
        since=now - datetime.timedelta(days=1),
        until=now + datetime.timedelta(minutes=1),
    )
    assert [(name, r.won, r.lost) for name, r in by_owner] == [("Owner", 1, 1)]


def test_the_chart_stacks_won_weighted_and_open(personas: Personas, book: dict[str, Any]) -> None:
    result = figures.forecast(personas.actor("manager"), currency="EUR", start=month(0), months=3)
    chart = forecast_chart(result)
    # 220 px for an axis topped at 5,000 €: this month 500 won, 100 weighted, 900 more open;
    # next month 1,700 weighted and 3,300 more open.
    assert [(s.css, s.height) for s in chart.segments] == [
        ("bar-won", 22.0),
        ("bar-weighted", 4.4),
        ("bar-open", 39.6),
        ("bar-weighted", 74.8),
        ("bar-open", 145.2),
    ]
    assert [t.label for t in chart.ticks] == ["€0", "€1.2K", "€2.5K", "€3.8K", "€5K"]


def test_forecast_and_dashboard_pages(login: Callable[..., Client], book: dict[str, Any]) -> None:
    page = login("manager").get("/sales/forecast/", {"months": 3})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<rect ") == 5
    assert "€2,300" in html and "€6,000" in html
    french = login("manager", "fr").get("/sales/forecast/", {"months": 3}).content.decode()
    assert "2\u202f300\xa0€" in french and "Prévisions" in french
    chf = login("owner").get("/sales/forecast/", {"currency": "CHF", "months": 3}).content.decode()
    assert "CHF" in chf and "200" in chf
    rep = login("owner").get("/sales/dashboard/").content.decode()
    assert "My open opportunities by stage" in rep and "My teams" not in rep
    assert "won this month" in rep
    manager = login("manager").get("/sales/dashboard/").content.decode()
    assert "My teams" in manager and "50 %" in manager and "Open pipeline by owner" in manager
    assert login("outsider").get("/sales/forecast/").status_code == 200
