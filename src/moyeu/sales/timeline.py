"""Quotes and orders on the timeline of their account (and of its contacts' pages through
the quote's contact): one item per quote and per order, at its creation, saying where it
stands. Only those the viewer may see."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from moyeu.core.timeline import RecordRef, TimelineItem, TimelineQuery
from moyeu.sales import formatting as fmt
from moyeu.sales.models import Order, Quote

QUOTE, ORDER = "quote", "order"
_TYPES = ("directory.account", "directory.contact")


def _on(query: TimelineQuery) -> tuple[dict[uuid.UUID, RecordRef], Q]:
    refs = {ref.id: ref for ref in (query.record, *query.related) if ref.record_type in _TYPES}
    accounts = [i for i, ref in refs.items() if ref.record_type == "directory.account"]
    contacts = [i for i, ref in refs.items() if ref.record_type == "directory.contact"]
    return refs, Q(account_id__in=accounts) | Q(contact_id__in=contacts)


def _ref(refs: dict[uuid.UUID, RecordRef], record: Quote | Order, fallback: RecordRef) -> RecordRef:
    return refs.get(record.account_id) or refs.get(record.contact_id) or fallback  # type: ignore[arg-type]


class QuoteTimeline:
    kinds = (QUOTE, ORDER)

    def items(self, query: TimelineQuery) -> list[TimelineItem]:
        refs, where = _on(query)
        if not refs:
            return []
        found: list[TimelineItem] = []
        if query.wants(QUOTE):
            quotes = (
                Quote.objects.visible_to(query.actor, "view")
                .filter(where)
                .filter(query.before_q("created_at", "id"))
                .order_by("-created_at", "-id")[: query.limit]
            )
            found += [self.quote_item(q, _ref(refs, q, query.record)) for q in quotes]
        if query.wants(ORDER):
            orders = (
                Order.objects.visible_to(query.actor, "view")
                .filter(where)
                .filter(query.before_q("created_at", "id"))
                .order_by("-created_at", "-id")[: query.limit]
            )
            found += [self.order_item(o, _ref(refs, o, query.record)) for o in orders]
        found.sort(key=lambda item: item.sort_key, reverse=True)
        return found[: query.limit]

    def quote_item(self, quote: Quote, record: RecordRef) -> TimelineItem:
        return TimelineItem(
            id=quote.pk,
            kind=QUOTE,
            occurred_at=quote.created_at,
            title=_("Quote %(name)s: %(status)s")
            % {
                "name": quote.reference or quote.title or _("draft"),
                "status": quote.get_status_display().lower(),
            },
            record=record,
            summary=_("%(amount)s excl. tax")
            % {"amount": fmt.money(quote.total_excl_tax, quote.currency)},
            actor_label=str(quote.owner) if quote.owner_id else "",
            source="sales.quote",
            data={
                "status": quote.status,
                "number": quote.reference,
                "total_excl_tax": str(quote.total_excl_tax),
                "currency": quote.currency,
                "url": reverse("web:sales:quote_detail", args=[quote.pk]),
            },
        )

    def order_item(self, order: Order, record: RecordRef) -> TimelineItem:
        return TimelineItem(
            id=order.pk,
            kind=ORDER,
            occurred_at=order.created_at,
            title=_("Order %(number)s: %(status)s")
            % {"number": order.number, "status": order.get_status_display().lower()},
            record=record,
            summary=_("%(amount)s incl. tax")
            % {"amount": fmt.money(order.total_incl_tax, order.currency)},
            actor_label=str(order.owner) if order.owner_id else "",
            source="sales.order",
            data={
                "status": order.status,
                "number": order.number,
                "total_incl_tax": str(order.total_incl_tax),
                "currency": order.currency,
                "url": reverse("web:sales:order_detail", args=[order.pk]),
            },
        )
