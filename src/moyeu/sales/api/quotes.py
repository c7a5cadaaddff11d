"""/quotes and /orders: three-line handlers over the record resource and the services."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from moyeu.api.auth import actor_of
from moyeu.api.idempotency import idempotent
from moyeu.api.resources import IF_MATCH, RecordResource, expected_version, set_etag
from moyeu.api.schemas import Page
from moyeu.sales import services
from moyeu.sales.api import quote_schemas as s
from moyeu.sales.models import Order, Quote
from moyeu.sales.pdf import pdf_filename, render_quote
from moyeu.sales.services.quote_mail import answer_url

EXTERNAL = "/by-external-id/{system}/{path:value}"


class QuoteResource(RecordResource[Quote]):
    def prefetched(self, queryset: models.QuerySet[Quote]) -> models.QuerySet[Quote]:
        return super().prefetched(queryset).prefetch_related("lines").select_related("order")


def _not_routed(**kwargs: Any) -> NoReturn:
    raise RuntimeError("orders are made by accepting a quote and never deleted")


quotes = QuoteResource(
    model=Quote,
    create_service=services.quote_create,
    update_service=services.quote_update,
    delete_service=services.quote_delete,
    upsert_service=services.quote_upsert_by_external_id,
    id_argument="quote_id",
    output=s.QuoteOut,
    orderings=(
        "id",
        "created_at",
        "updated_at",
        "title",
        "number",
        "valid_until",
        "total_excl_tax",
    ),
    lookups={
        "status": "status",
        "account": "account_id",
        "contact": "contact_id",
        "opportunity": "opportunity_id",
        "currency": "currency",
        "number": "number",
    },
)
orders = RecordResource(
    model=Order,
    create_service=_not_routed,
    update_service=services.order_update,
    delete_service=_not_routed,
    upsert_service=_not_routed,
    id_argument="order_id",
    output=s.OrderOut,
    orderings=("id", "created_at", "updated_at", "number", "ordered_at"),
    lookups={"status": "status", "account": "account_id", "quote": "quote_id"},
)

quote_router = Router(tags=["quotes"])
order_router = Router(tags=["orders"])


@quote_router.get("", response=Page[s.QuoteOut])
def list_quotes(request: HttpRequest, query: Query[s.QuoteQuery]) -> Any:
    return quotes.list(request, query)


@quote_router.post("", response={201: s.QuoteOut})
@idempotent
def create_quote(request: HttpRequest, response: HttpResponse, payload: s.QuoteCreate) -> Any:
    """A draft quote: no number until it is issued or sent."""
    return quotes.create(request, response, payload)


@quote_router.get("/{quote_id}", response=s.QuoteOut)
def get_quote(request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID) -> Any:
    return quotes.detail(request, response, quote_id)


@quote_router.patch("/{quote_id}", response=s.QuoteOut, openapi_extra=IF_MATCH)
def update_quote(
    request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID, payload: s.QuotePatch
) -> Any:
    """Drafts only (409 `sales.quote_not_draft`): revise a sent quote instead."""
    return quotes.update(request, response, quote_id, payload)


@quote_router.delete("/{quote_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_quote(request: HttpRequest, quote_id: uuid.UUID) -> Any:
    """Drafts only: an issued quote keeps its number."""
    return quotes.delete(request, quote_id)


@quote_router.put(EXTERNAL, response={200: s.QuoteOut, 201: s.QuoteOut}, openapi_extra=IF_MATCH)
def upsert_quote(
    request: HttpRequest, response: HttpResponse, system: str, value: str, payload: s.QuoteUpsert
) -> Any:
    return quotes.upsert(request, response, system, value, payload)


def _answer(request: HttpRequest, response: HttpResponse, quote: Quote) -> Any:
    set_etag(response, quote)
    return quotes.get(request, quote.pk)


@quote_router.post("/{quote_id}/lines", response=s.QuoteOut, openapi_extra=IF_MATCH)
def add_quote_line(
    request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID, payload: s.QuoteLineIn
) -> Any:
    """Add a line at the end of a draft, priced like any line."""
    quote = services.quote_add_line(
        actor=actor_of(request),
        quote_id=quote_id,
        line=payload.model_dump(exclude_unset=True),
        expected_version=expected_version(request),
    )
    return _answer(request, response, quote)


@quote_router.post("/{quote_id}/issue", response=s.QuoteOut, openapi_extra=IF_MATCH)
def issue_quote(request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID) -> Any:
    """Issue a draft without e-mailing it: it takes its number (`quote.sent`)."""
    quote = services.quote_issue(
        actor=actor_of(request), quote_id=quote_id, expected_version=expected_version(request)
    )
    return _answer(request, response, quote)


@quote_router.post("/{quote_id}/send", response=s.QuoteOut, openapi_extra=IF_MATCH)
def send_quote(
    request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID, payload: s.SendIn
) -> Any:
    """Issue it if it is a draft, and e-mail its PDF with the answer link (`quote.sent`)."""
    quote = services.quote_send(
        actor=actor_of(request),
        quote_id=quote_id,
        to=payload.to,
        message=payload.message,
        expected_version=expected_version(request),
    )
    return _answer(request, response, quote)


@quote_router.post("/{quote_id}/accept", response=s.QuoteOut, openapi_extra=IF_MATCH)
def accept_quote(request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID) -> Any:
    """Mark a sent quote accepted: its order is made (`quote.accepted`, `order.created`)."""
    quote = services.quote_accept(
        actor=actor_of(request), quote_id=quote_id, expected_version=expected_version(request)
    )
    return _answer(request, response, quote)


@quote_router.post("/{quote_id}/decline", response=s.QuoteOut, openapi_extra=IF_MATCH)
def decline_quote(
    request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID, payload: s.DeclineIn
) -> Any:
    quote = services.quote_decline(
        actor=actor_of(request),
        quote_id=quote_id,
        reason=payload.reason,
        expected_version=expected_version(request),
    )
    return _answer(request, response, quote)


@quote_router.post("/{quote_id}/revise", response={201: s.QuoteOut}, openapi_extra=IF_MATCH)
def revise_quote(request: HttpRequest, response: HttpResponse, quote_id: uuid.UUID) -> Any:
    """The next version (a draft, same number); the sent one is kept, superseded."""
    new = services.quote_revise(
        actor=actor_of(request), quote_id=quote_id, expected_version=expected_version(request)
    )
    response["Location"] = f"/api/v1/quotes/{new.pk}"
    set_etag(response, new)
    return Status(201, quotes.get(request, new.pk))


@quote_router.get("/{quote_id}/pdf", response={200: None})
def quote_pdf(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    """The quote as a PDF (a draft's is marked as such)."""
    quote = quotes.get(request, quote_id)
    response = HttpResponse(render_quote(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    return response


@quote_router.get("/{quote_id}/answer-link", response=s.AnswerLinkOut)
def quote_answer_link(request: HttpRequest, quote_id: uuid.UUID) -> Any:
    """The customer's signed link to accept or decline a sent quote, valid until its date."""
    quote = quotes.get(request, quote_id)
    return {"url": answer_url(quote), "expires": quote.valid_until}


@order_router.get("", response=Page[s.OrderOut])
def list_orders(request: HttpRequest, query: Query[s.OrderQuery]) -> Any:
    return orders.list(request, query)


@order_router.get("/{order_id}", response=s.OrderOut)
def get_order(request: HttpRequest, response: HttpResponse, order_id: uuid.UUID) -> Any:
    return orders.detail(request, response, order_id)


@order_router.patch("/{order_id}", response=s.OrderOut, openapi_extra=IF_MATCH)
def update_order(
    request: HttpRequest, response: HttpResponse, order_id: uuid.UUID, payload: s.OrderPatch
) -> Any:
    """Notes, expected delivery, owner, team, tags, custom fields."""
    return orders.update(request, response, order_id, payload)


def _move(request: HttpRequest, response: HttpResponse, change: Any, pk: Any, **extra: Any) -> Any:
    order = change(
        actor=actor_of(request), order_id=pk, expected_version=expected_version(request), **extra
    )
    set_etag(response, order)
    return orders.get(request, order.pk)


@order_router.post("/{order_id}/block", response=s.OrderOut, openapi_extra=IF_MATCH)
def block_order(
    request: HttpRequest, response: HttpResponse, order_id: uuid.UUID, payload: s.ReasonIn
) -> Any:
    """confirmed → blocked (`order.status_changed`)."""
    return _move(request, response, services.order_block, order_id, reason=payload.reason)


@order_router.post("/{order_id}/unblock", response=s.OrderOut, openapi_extra=IF_MATCH)
def unblock_order(request: HttpRequest, response: HttpResponse, order_id: uuid.UUID) -> Any:
    """blocked → confirmed."""
    return _move(request, response, services.order_unblock, order_id)


@order_router.post("/{order_id}/deliver", response=s.OrderOut, openapi_extra=IF_MATCH)
def deliver_order(request: HttpRequest, response: HttpResponse, order_id: uuid.UUID) -> Any:
    """confirmed → delivered."""
    return _move(request, response, services.order_deliver, order_id)


@order_router.post("/{order_id}/cancel", response=s.OrderOut, openapi_extra=IF_MATCH)
def cancel_order(
    request: HttpRequest, response: HttpResponse, order_id: uuid.UUID, payload: s.ReasonIn
) -> Any:
    """confirmed or blocked → cancelled."""
    return _move(request, response, services.order_cancel, order_id, reason=payload.reason)


routers: list[tuple[str, Router]] = [("/quotes", quote_router), ("/orders", order_router)]
