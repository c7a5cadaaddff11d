"""Quotes through their services: pricing of lines, exact totals, numbers, versions."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from moyeu.core import numbering
from moyeu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.sales import services
from moyeu.sales.models import Quote, QuoteStatus
from tests.personas import Personas
from tests.sales.helpers import World, make_world, rate

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)


def test_lines_are_priced_by_the_pricing_service_and_totalled_exactly(
    world: World, personas: Personas
) -> None:
    services.customer_condition_create(
        actor=personas.actor("manager"),
        values={"account": world.account.pk, "product": world.licence.pk, "discount_percent": "10"},
    )
    quote = world.quote(
        {"product": world.licence.pk, "quantity": "3"},
        {"product": world.book.pk, "quantity": "5"},
        {"description": "Pièce", "quantity": "3", "unit_price": "0.335"},
        {
            "description": "Déplacement",
            "quantity": "1",
            "unit_price": "39.90",
            "tax_rate": rate("10.00").pk,
        },
        discount_percent="5",
    )
    lines = [
        (
            line.description,
            line.unit_price,
            line.discount_percent,
            line.tax_rate,
            line.total_excl_tax,
            line.pricing_source,
        )
        for line in quote.lines.all()
    ]
    assert lines == [
        (
            "Licence annuelle",
            D("100.0000"),
            D("10.00"),
            D("20.00"),
            D("270.00"),
            "customer_discount",
        ),
        ("Manuel", D("12.4900"), D("0.00"), D("5.50"), D("62.45"), "catalogue"),
        ("Pièce", D("0.3350"), D("0.00"), D("20.00"), D("1.01"), "manual"),
        ("Déplacement", D("39.9000"), D("0.00"), D("10.00"), D("39.90"), "manual"),
    ]
    assert quote.lines.first().pricing_reason == (  # type: ignore[union-attr]
        "Catalogue price. Customer discount of 10 % on this product."
    )
    assert (
        quote.lines_total,
        quote.discount_amount,
        quote.total_excl_tax,
        quote.total_tax,
        quote.total_incl_tax,
    ) == (D("373.36"), D("18.67"), D("354.69"), D("58.54"), D("413.23"))
    assert (quote.status, quote.number, quote.currency) == (QuoteStatus.DRAFT, "", "EUR")
    assert quote.valid_until == timezone.localdate() + datetime.timedelta(days=30)


def test_bad_lines_are_named_and_nothing_is_written(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        world.quote(
            {"product": world.licence.pk, "quantity": "-1"},
            {"description": "", "quantity": "1", "unit_price": "abc"},
            {"product": world.licence.pk, "currency": "EUR"},
            currency="USD",
        )
    assert caught.value.errors == {
        "lines.0.quantity": ["At least 0."],
        "lines.1.unit_price": ["Enter a number."],
        "lines.1.description": ["Describe the line."],
        "lines.2.currency": ["Unknown field."],
    }
    with pytest.raises(ValidationFailed) as priceless:
        world.quote({"product": world.licence.pk}, currency="USD")
    assert priceless.value.errors == {"lines.0.product": ["LIC has no price in USD."]}
    assert (
        Quote.objects.count(),
        AuditEntry.objects.filter(code__startswith="sales.quote").count(),
    ) == (0, 0)


def test_issuing_takes_the_next_number_and_freezes_the_quote(world: World) -> None:
    first, second = world.quote(), world.quote()
    services.quote_issue(actor=world.owner, quote_id=second.pk)
    services.quote_issue(actor=world.owner, quote_id=first.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (f"DEV-{YEAR}-00001", f"DEV-{YEAR}-00002")
    assert (first.status, first.issue_date) == (QuoteStatus.SENT, timezone.localdate())
    event = OutboxEvent.objects.filter(type="quote.sent", record_id=first.pk).get()
    assert (event.payload["number"], event.payload["emailed"]) == (f"DEV-{YEAR}-00002", False)
    with pytest.raises(Conflict) as frozen:
        services.quote_update(actor=world.owner, quote_id=first.pk, values={"title": "X"})
    assert frozen.value.code == "sales.quote_not_draft"
    with pytest.raises(Conflict):
        services.quote_delete(actor=world.owner, quote_id=first.pk)
    with pytest.raises(Conflict):
        services.quote_issue(actor=world.owner, quote_id=first.pk)
    draft = world.quote()
    services.quote_delete(actor=world.owner, quote_id=draft.pk)
    assert numbering.peek("sales.quote", year=YEAR) == 2


def test_a_failed_issue_takes_no_number(world: World) -> None:
    empty = world.quote()
    services.quote_update(actor=world.owner, quote_id=empty.pk, values={"lines": []})
    with pytest.raises(ValidationFailed) as caught:
        services.quote_issue(actor=world.owner, quote_id=empty.pk)
    assert caught.value.errors == {"lines": ["A quote needs at least one line."]}
    expired = world.quote(valid_until="2020-01-01")
    with pytest.raises(ValidationFailed):
        services.quote_issue(actor=world.owner, quote_id=expired.pk)
    assert numbering.peek("sales.quote", year=YEAR) == 0
    services.quote_issue(actor=world.owner, quote_id=world.quote().pk)
    assert Quote.objects.get(status="sent").number == f"DEV-{YEAR}-00001"


def test_adding_a_line_prices_it_and_keeps_the_others(world: World) -> None:
    quote = world.quote({"description": "Forfait", "quantity": "1", "unit_price": "50"})
    quote = services.quote_add_line(
        actor=world.owner, quote_id=quote.pk, line={"product": world.book.pk, "quantity": "2"}
    )
    assert [(line.description, line.total_excl_tax) for line in quote.lines.all()] == [
        ("Forfait", D("50.00")),
        ("Manuel", D("24.98")),
    ]
    assert (quote.total_excl_tax, quote.total_tax, quote.version) == (D("74.98"), D("11.37"), 2)
    with pytest.raises(ValidationFailed) as caught:
        services.quote_add_line(actor=world.owner, quote_id=quote.pk, line={"quantity": "1"})
    assert caught.value.errors == {
        "line.unit_price": ["This field is required."],
        "line.description": ["Describe the line."],
    }


def test_accepting_makes_the_order_and_its_number(world: World) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    services.quote_accept(actor=world.owner, quote_id=quote.pk)
    quote.refresh_from_db()
    order = quote.order
    assert (quote.status, quote.answered_via, quote.answered_by) == ("accepted", "user", "Owner")
    assert (order.number, order.status, order.total_incl_tax, order.owner_id) == (
        f"CMD-{YEAR}-00001",
        "confirmed",
        D("240.00"),
        world.owner.user_id,
    )
    types = list(OutboxEvent.objects.order_by("seq").values_list("type", flat=True))
    assert types[-3:] == ["quote.sent", "quote.accepted", "order.created"]
    with pytest.raises(Conflict) as twice:
        services.quote_accept(actor=world.owner, quote_id=quote.pk)
    assert twice.value.code == "sales.quote_answered"


def test_the_signed_link_accepts_once_and_records_who_when_where(world: World) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    token = services.answer_token(quote)
    with pytest.raises(ValidationFailed):
        services.quote_accept_by_link(token=token, name="  ", ip="203.0.113.7")
    services.quote_accept_by_link(token=token, name="Jeanne  Martin", ip="203.0.113.7")
    quote.refresh_from_db()
    assert (quote.status, quote.answered_by, quote.answered_ip, quote.answered_via) == (
        "accepted",
        "Jeanne Martin",
        "203.0.113.7",
        "link",
    )
    entry = AuditEntry.objects.get(code="sales.quote.accepted")
    assert (entry.actor_label, entry.channel, entry.data["ip"]) == ("link", "link", "203.0.113.7")
    with pytest.raises(Conflict):
        services.quote_accept_by_link(token=token, name="Jeanne", ip=None)
    with pytest.raises(NotFound):
        services.quote_accept_by_link(token=token[:-2] + "xx", name="Jeanne", ip=None)
    assert quote.order.number == f"CMD-{YEAR}-00001"


def test_a_link_expires_with_the_quote_and_dies_with_a_new_validity(world: World) -> None:
    quote = world.quote(valid_until=timezone.localdate().isoformat())
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    token = services.answer_token(quote)
    Quote.objects.filter(pk=quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(NotFound):  # another date than the link's: not this link's quote any more
        services.quote_for_token(token)
    quote.refresh_from_db()
    assert quote.is_expired
    stale = services.answer_token(quote)
    with pytest.raises(Conflict) as expired:
        services.quote_decline_by_link(token=stale, name="Jeanne", ip=None)
    assert expired.value.code == "sales.quote_expired"


def test_declining_by_link_keeps_the_reason(world: World) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    services.quote_decline_by_link(
        token=services.answer_token(quote), name="Jeanne", ip="::1", reason="Trop cher"
    )
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == ("declined", "Trop cher")
    assert OutboxEvent.objects.filter(type="quote.declined").count() == 1
    assert not hasattr(quote, "order") or Quote.objects.get(pk=quote.pk).status == "declined"


def test_revising_keeps_the_number_and_the_old_version_read_only(world: World) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    token = services.answer_token(quote)
    revision = services.quote_revise(actor=world.owner, quote_id=quote.pk)
    quote.refresh_from_db()
    assert (quote.status, revision.status, revision.revision, revision.previous_id) == (
        "superseded",
        "draft",
        2,
        quote.pk,
    )
    assert [line.total_excl_tax for line in revision.lines.all()] == [D("200.00")]
    services.quote_update(
        actor=world.owner,
        quote_id=revision.pk,
        values={"lines": [{"product": world.licence.pk, "quantity": "1"}]},
    )
    services.quote_issue(actor=world.owner, quote_id=revision.pk)
    revision.refresh_from_db()
    assert (revision.number, revision.reference, str(revision)) == (
        quote.number,
        f"{quote.number}-v2",
        f"{quote.number} v2",
    )
    assert numbering.peek("sales.quote", year=YEAR) == 1
    with pytest.raises(Conflict):  # the first version's link no longer accepts
        services.quote_accept_by_link(token=token, name="Jeanne", ip=None)
    with pytest.raises(Conflict):
        services.quote_update(actor=world.owner, quote_id=quote.pk, values={"title": "X"})


def test_others_cannot_send_or_accept_the_owners_quote(world: World, personas: Personas) -> None:
    quote = world.quote()
    with pytest.raises(PermissionDenied):
        services.quote_issue(actor=personas.actor("teammate"), quote_id=quote.pk)
    with pytest.raises(NotFound):
        services.quote_send(actor=personas.actor("outsider"), quote_id=quote.pk)
    assert (Quote.objects.get(pk=quote.pk).status, numbering.peek("sales.quote", year=YEAR)) == (
        "draft",
        0,
    )


def test_order_transitions(world: World) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    services.quote_accept(actor=world.owner, quote_id=quote.pk)
    order_id = Quote.objects.get(pk=quote.pk).order.pk
    with pytest.raises(ValidationFailed) as why:
        services.order_block(actor=world.owner, order_id=order_id, reason=" ")
    assert why.value.errors == {"reason": ["Say why."]}
    order = services.order_block(actor=world.owner, order_id=order_id, reason="Acompte en attente")
    assert (order.status, order.status_reason) == ("blocked", "Acompte en attente")
    with pytest.raises(Conflict) as refused:
        services.order_deliver(actor=world.owner, order_id=order_id)
    assert (refused.value.code, refused.value.message) == (
        "sales.order_transition",
        "An order blocked cannot become delivered.",
    )
    services.order_unblock(actor=world.owner, order_id=order_id)
    order = services.order_deliver(actor=world.owner, order_id=order_id)
    assert (order.status, order.delivered_at is not None) == ("delivered", True)
    with pytest.raises(Conflict):
        services.order_cancel(actor=world.owner, order_id=order_id, reason="Trop tard")
    moves = [
        (e.payload["from"], e.payload["to"])
        for e in OutboxEvent.objects.filter(type="order.status_changed").order_by("seq")
    ]
    assert moves == [("confirmed", "blocked"), ("blocked", "confirmed"), ("confirmed", "delivered")]


def test_deleting_a_revision_makes_the_sent_version_current_again(world: World) -> None:
    quote = world.quote()
    services.quote_issue(actor=world.owner, quote_id=quote.pk)
    revision = services.quote_revise(actor=world.owner, quote_id=quote.pk)
    services.quote_delete(actor=world.owner, quote_id=revision.pk)
    quote.refresh_from_db()
    assert (quote.status, quote.version) == ("sent", 4)
    services.quote_accept_by_link(token=services.answer_token(quote), name="Jeanne", ip=None)
    assert Quote.objects.get(pk=quote.pk).status == "accepted"
