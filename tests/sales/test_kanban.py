"""The kanban board: columns, counts and sums by scope, paged columns, moves by drop."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from moyeu.core.models import AuditEntry
from moyeu.sales import kanban
from moyeu.sales.models import Opportunity
from moyeu.sales.services import opportunity_move_stage
from tests.personas import Personas
from tests.sales.pipeline_setup import make_account, make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "card"}


@pytest.fixture
def login(personas: Personas) -> Callable[..., Client]:
    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make


@pytest.fixture
def pipeline(personas: Personas) -> Any:
    return make_pipeline(personas)


@pytest.fixture
def deals(personas: Personas, pipeline: Any) -> dict[str, Any]:
    """Owner: three in Qualification (one in CHF), one in Proposal, one won this month;
    outsider: one in Qualification (another team)."""
    owner = personas.actor("owner")
    account = make_account(owner)
    made = {
        "a": make_opportunity(owner, account, "A", amount="1000", expected_close_date="2026-12-01"),
        "b": make_opportunity(
            owner, account, "B", amount="500.50", expected_close_date="2026-12-01"
        ),
        "c": make_opportunity(
            owner, account, "C", amount="200", currency="CHF", expected_close_date="2026-11-20"
        ),
        "d": make_opportunity(
            owner,
            account,
            "D",
            amount="3000",
            stage=stage(pipeline, "Proposal").pk,
            expected_close_date="2027-01-15",
        ),
        "e": make_opportunity(owner, account, "E", amount="800"),
    }
    opportunity_move_stage(
        actor=owner, opportunity_id=made["e"].pk, stage_id=stage(pipeline, "Won").pk
    )
    outsider = personas.actor("outsider")
    made["x"] = make_opportunity(outsider, make_account(outsider, "Ailleurs"), "X", amount="99")
    return made


def summary(
    columns: list[kanban.Column],
) -> list[tuple[str, int, list[tuple[str, int, str, str]], list[str]]]:
    return [
        (
            column.stage.name,
            column.count,
            [(t.currency, t.count, str(t.amount), str(t.weighted)) for t in column.totals],
            [card.name for card in column.cards],
        )
        for column in columns
    ]


def test_board_columns_counts_sums_and_order_per_scope(
    personas: Personas, pipeline: Any, deals: dict[str, Any]
) -> None:
    owner_view = kanban.board(personas.actor("teammate"), pipeline)
    assert summary(owner_view) == [
        (
            "Qualification",
            3,
            [("EUR", 2, "1500.50", "150.05"), ("CHF", 1, "200.00", "20.00")],
            ["C", "A", "B"],
        ),
        ("Proposal", 1, [("EUR", 1, "3000.00", "1500.00")], ["D"]),
        ("Negotiation", 0, [], []),
        ("Won", 1, [("EUR", 1, "800.00", "800.00")], []),
        ("Lost", 0, [], []),
    ]
    admin_view = kanban.board(personas.actor("admin"), pipeline)
    assert admin_view[0].count == 4
    assert [c.name for c in admin_view[0].cards][-1] == "X"
    outsider_view = kanban.board(personas.actor("outsider"), pipeline)
    assert summary(outsider_view)[0] == ("Qualification", 1, [("EUR", 1, "99.00", "9.90")], ["X"])
    mine = kanban.board(
        personas.actor("admin"), pipeline, board_filter=kanban.BoardFilter(personas.outsider.pk)
    )
    assert [c.name for c in mine[0].cards] == ["X"]
    card = owner_view[1].cards[0]
    assert (card.account_name, card.amount, card.can_change, card.owner_name) == (
        "Boulangerie Martin",
        Decimal("3000.00"),
        False,  # the teammate sees the owner's card and may not move it
        "Owner",
    )
    assert kanban.board(personas.actor("owner"), pipeline)[1].cards[0].can_change is True


def test_columns_are_paged_by_close_date_without_repeats(personas: Personas, pipeline: Any) -> None:
    owner = personas.actor("owner")
    account = make_account(owner)
    for day in range(1, 8):
        make_opportunity(owner, account, f"N{day}", expected_close_date=f"2026-12-{day:02d}")
        make_opportunity(
            personas.actor("teammate"), account, f"T{day}", expected_close_date=f"2026-12-{day:02d}"
        )
    qualification = stage(pipeline, "Qualification")
    seen: list[str] = []
    cursor = None
    for _page in range(10):
        cards, cursor = kanban.column_page(owner, qualification, cursor=cursor, page_size=4)
        seen += [c.name for c in cards]
        if cursor is None:
            break
    # Close date first, then creation (ids are time-ordered); the teammate's cards too.
    assert seen == [f"{p}{d}" for d in range(1, 8) for p in ("N", "T")]
    dates = [
        c.expected_close_date for c in kanban.column_page(owner, qualification, page_size=20)[0]
    ]
    assert dates == sorted(dates)
    with pytest.raises(kanban.BadCursor):
        kanban.column_page(owner, qualification, cursor="nonsense")


def test_the_board_page_shows_columns_and_the_next_page_link(
    login: Callable[..., Client], personas: Personas, pipeline: Any, deals: dict[str, Any]
) -> None:
    page = login("owner").get(f"/sales/board/{pipeline.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="kanban-column') == 5
    assert f'id="card-{deals["a"].pk}"' in html and f'id="card-{deals["x"].pk}"' not in html
    assert 'draggable="true"' in html
    assert "sales/kanban.js" in html
    assert login("owner").get("/sales/board/").status_code == 200
    french = login("owner", "fr").get(f"/sales/board/{pipeline.pk}/").content.decode()
    assert "Glissez une carte" in french
    assert (
        login("owner").get("/sales/board/00000000-0000-0000-0000-000000000000/").status_code == 404
    )


def test_a_refused_drop_answers_the_card_with_the_missing_field_and_a_form(
    login: Callable[..., Client], personas: Personas, pipeline: Any, deals: dict[str, Any]
) -> None:
    client = login("owner")
    made = make_opportunity(
        personas.actor("owner"),
        make_account(personas.actor("owner"), "Sans montant"),
        "Sans montant",
    )
    url = f"/sales/opportunities/{made.pk}/move/"
    proposal = stage(pipeline, "Proposal")
    refused = client.post(url, {"stage": proposal.pk, "version": 1}, headers=HTMX)
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "“Amount” is required to enter the stage “Proposal”." in html
    assert f'data-stage="{made.stage_id}"' in html  # the card stays in its column
    assert 'name="amount"' in html and "Move to Proposal" in html
    assert Opportunity.objects.get(pk=made.pk).version == 1
    filled = client.post(url, {"stage": proposal.pk, "version": 1, "amount": "4200"}, headers=HTMX)
    html = filled.content.decode()
    assert filled.status_code == 200
    assert f'data-stage="{proposal.pk}"' in html
    assert 'hx-swap-oob="true"' in html and html.count('class="kanban-head"') == 5
    moved = Opportunity.objects.get(pk=made.pk)
    assert (moved.stage_id, moved.amount, moved.version) == (proposal.pk, Decimal("4200.00"), 2)
    assert AuditEntry.objects.filter(object_id=made.pk).latest("occurred_at").channel == "web"
    stale = client.post(
        url, {"stage": stage(pipeline, "Qualification").pk, "version": 1}, headers=HTMX
    )
    assert stale.status_code == 409
    assert "Someone else changed this opportunity" in stale.content.decode()
    denied = login("teammate").post(
        url, {"stage": stage(pipeline, "Qualification").pk, "version": 2}, headers=HTMX
    )
    assert denied.status_code == 403
    hidden = login("outsider").post(
        url, {"stage": stage(pipeline, "Qualification").pk}, headers=HTMX
    )
    assert hidden.status_code == 404
    lost = client.post(url, {"stage": stage(pipeline, "Lost").pk, "version": 2}, headers=HTMX)
    assert 'name="lost_reason"' in lost.content.decode() and lost.status_code == 422


def test_without_javascript_the_move_form_redirects_with_a_message(
    login: Callable[..., Client], personas: Personas, pipeline: Any, deals: dict[str, Any]
) -> None:
    client = login("owner")
    url = f"/sales/opportunities/{deals['a'].pk}/move/"
    back = f"/sales/opportunities/{deals['a'].pk}/"
    answer = client.post(
        url, {"stage": stage(pipeline, "Negotiation").pk, "next": back}, follow=True
    )
    assert answer.redirect_chain == [(back, 302)]
    assert "“Contacts” is required to enter the stage “Negotiation”." in answer.content.decode()


def test_more_cards_of_a_column(
    login: Callable[..., Client], personas: Personas, pipeline: Any
) -> None:
    owner = personas.actor("owner")
    account = make_account(owner)
    for n in range(25):
        make_opportunity(owner, account, f"M{n:02}", expected_close_date=f"2026-12-{n + 1:02d}")
    page = login("owner").get(f"/sales/board/{pipeline.pk}/").content.decode()
    more = re.search(r'hx-get="(/sales/board/column/[^"]+)" hx-trigger="intersect once"', page)
    assert more is not None
    rest = login("owner").get(more.group(1).replace("&amp;", "&")).content.decode()
    assert rest.count('class="kanban-card') == 5
    assert "M24" in rest and "M19" not in rest and "intersect once" not in rest
    assert (
        login("owner")
        .get(f"/sales/board/column/{stage(pipeline, 'Qualification').pk}/?cursor=x")
        .status_code
        == 400
    )
